/** What the doctor reads (distribution, OAC, bucket policy, Block Public Access) and what it finds. */

/** The binding finding ids of the SPEC's "Doctor" table. */
export type FindingId =
  | 'origin-rest-endpoint'
  | 'origin-access-control'
  | 'bucket-policy'
  | 'public-access-block'
  | 'spa-fallback'
  | 'default-root-object'
  | 'viewer-https'
  | 'tls-minimum'
  | 'compression'
  | 'state-private'
  | 'edge-router';

export type Severity = 'error' | 'warning';

export interface Finding {
  id: FindingId;
  severity: Severity;
  /** What is wrong, in plain words, naming the values read. */
  what: string;
  /** The property to change (with its CloudFormation name where that helps). */
  fix: string;
}

/** Rules the doctor could not evaluate, and why (e.g. "s3:GetBucketPolicy was denied"). A notice, never a finding. */
export interface NotChecked {
  ids: FindingId[];
  reason: string;
}

export type DoctorOutcome = 'passed' | 'warnings' | 'failed' | 'skipped';

export interface DoctorReport {
  outcome: DoctorOutcome;
  findings: Finding[];
  notChecked: NotChecked[];
  /** Why the doctor did not run at all (doctor off, no distribution-id). */
  skipReason?: string;
}

/** The IAM actions the doctor reads with: a denied read names one of them. */
export type ReadAction =
  | 'cloudfront:GetDistribution'
  | 'cloudfront:GetOriginAccessControl'
  | 's3:GetBucketPolicy'
  | 's3:GetBucketPublicAccessBlock'
  | 's3:GetAccountPublicAccessBlock';

/**
 * One read's outcome. `denied`: AccessDenied, the dependent rules are not checked; `failed`: any other
 * error (e.g. storage that does not serve the call), likewise. Answers such as NoSuchBucketPolicy are
 * `read` with an empty value, not failures.
 */
export type Read<T> =
  { state: 'read'; value: T } | { state: 'denied'; action: ReadAction } | { state: 'failed'; action: ReadAction; reason: string };

// Shapes of what is read: the subset of the SDK's types the rules look at, with the SDK's field
// names, so an SDK result is assignable as it comes (every field optional, as the SDK has them).

export interface FunctionAssociationShape {
  FunctionARN?: string;
  EventType?: string;
}

export interface LambdaAssociationShape {
  LambdaFunctionARN?: string;
  EventType?: string;
}

export interface BehaviourShape {
  TargetOriginId?: string;
  ViewerProtocolPolicy?: string;
  Compress?: boolean;
  FunctionAssociations?: { Items?: FunctionAssociationShape[] };
  LambdaFunctionAssociations?: { Items?: LambdaAssociationShape[] };
}

export interface PathBehaviourShape extends BehaviourShape {
  PathPattern?: string;
}

export interface OriginShape {
  Id?: string;
  DomainName?: string;
  OriginPath?: string;
  /** Present for S3 origins; OriginAccessIdentity is the legacy OAI ('' when none). */
  S3OriginConfig?: { OriginAccessIdentity?: string };
  /** Present for custom origins (an S3 website endpoint is one). */
  CustomOriginConfig?: object;
  OriginAccessControlId?: string;
}

export interface OriginGroupShape {
  Id?: string;
  Members?: { Items?: { OriginId?: string }[] };
}

export interface CustomErrorResponseShape {
  ErrorCode?: number;
  ResponsePagePath?: string;
  ResponseCode?: string;
}

export interface ViewerCertificateShape {
  CloudFrontDefaultCertificate?: boolean;
  ACMCertificateArn?: string;
  IAMCertificateId?: string;
  MinimumProtocolVersion?: string;
}

export interface DistributionConfigShape {
  DefaultRootObject?: string;
  Origins?: { Items?: OriginShape[] };
  OriginGroups?: { Items?: OriginGroupShape[] };
  DefaultCacheBehavior?: BehaviourShape;
  CacheBehaviors?: { Items?: PathBehaviourShape[] };
  CustomErrorResponses?: { Items?: CustomErrorResponseShape[] };
  ViewerCertificate?: ViewerCertificateShape;
}

/** GetDistribution's answer, as far as the doctor needs it: the ARN (for AWS:SourceArn) and the config. */
export interface DistributionRead {
  arn: string;
  config: DistributionConfigShape;
}

export interface OriginAccessControlShape {
  SigningProtocol?: string;
  SigningBehavior?: string;
  OriginAccessControlOriginType?: string;
}

export interface PublicAccessBlockShape {
  BlockPublicAcls?: boolean;
  IgnorePublicAcls?: boolean;
  BlockPublicPolicy?: boolean;
  RestrictPublicBuckets?: boolean;
}

/** Everything read for one run. `null` values are answers: no policy, no Block Public Access settings. */
export interface DoctorReads {
  distribution: Read<DistributionRead>;
  /** Undefined when there was no OAC to read (the origin names none, or the distribution was not read). */
  originAccessControl?: Read<OriginAccessControlShape>;
  /** The policy document as S3 returns it (JSON text); null: NoSuchBucketPolicy. */
  bucketPolicy: Read<string | null>;
  /** null: NoSuchPublicAccessBlockConfiguration (every setting off). */
  bucketPublicAccessBlock: Read<PublicAccessBlockShape | null>;
  /** Undefined when not needed (the bucket's own settings are all on) or not possible (no account id). */
  accountPublicAccessBlock?: Read<PublicAccessBlockShape | null>;
}

/** What the rules need to know about this run. */
export interface DoctorContext {
  bucket: string;
  region: string;
  /** '' or 'pr-42/' (normalised, with the trailing slash). */
  prefix: string;
  indexDocument: string;
  /** False with `check-routes: none`: spa-fallback is then not evaluated. */
  spaRoutesChecked: boolean;
  // Hook for `deploy-strategy: atomic`: an `edgeRouterKvsArn` here would switch on the `edge-router`
  // rule (the serving behaviour's viewer-request function is associated with that KeyValueStore).
}

/**
 * The narrow port the doctor reads through (read-only calls). Errors pass through as the SDK throws
 * them; "no policy" and "no Block Public Access configuration" are answers (null), not errors.
 */
export interface ConfigReader {
  /** GetDistribution: the ARN and the configuration in one call. */
  getDistribution(distributionId: string): Promise<DistributionRead>;
  getOriginAccessControl(id: string): Promise<OriginAccessControlShape>;
  getBucketPolicy(bucket: string): Promise<string | null>;
  getBucketPublicAccessBlock(bucket: string): Promise<PublicAccessBlockShape | null>;
  /** S3 Control GetPublicAccessBlock for the account. */
  getAccountPublicAccessBlock(accountId: string): Promise<PublicAccessBlockShape | null>;
}
