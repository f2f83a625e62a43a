/** Names and constants shared across modules: the action's input and output names (a test holds action.yml to them), metadata keys, limits. */
export const Inputs = {
  Bucket: 'bucket',
  SourceDir: 'source-dir',
  Region: 'region',
  Prefix: 'prefix',
  Delete: 'delete',
  MaxDelete: 'max-delete',
  Include: 'include',
  Exclude: 'exclude',
  CacheControl: 'cache-control',
  IndexDocument: 'index-document',
  Concurrency: 'concurrency',
  Force: 'force',
  KeepStale: 'keep-stale',
  DryRun: 'dry-run',
  Mode: 'mode',
  DistributionId: 'distribution-id',
  InvalidationPaths: 'invalidation-paths',
  WaitForInvalidation: 'wait-for-invalidation',
  InvalidationTimeout: 'invalidation-timeout',
  RoleToAssume: 'role-to-assume',
  RoleSessionName: 'role-session-name',
  Audience: 'audience',
  Checks: 'checks',
  SiteUrl: 'site-url',
  CheckRoutes: 'check-routes',
  S3CheckUrl: 's3-check-url',
  CheckTimeout: 'check-timeout',
  GithubToken: 'github-token',
  PrComment: 'pr-comment',
  GithubDeployment: 'github-deployment',
  DeploymentEnvironment: 'deployment-environment',
  Doctor: 'doctor',
} as const;

export type InputName = (typeof Inputs)[keyof typeof Inputs];

export const Outputs = {
  Uploaded: 'uploaded',
  Deleted: 'deleted',
  Unchanged: 'unchanged',
  BytesUploaded: 'bytes-uploaded',
  InvalidationId: 'invalidation-id',
  SiteUrl: 'site-url',
  PreviewUrl: 'preview-url',
  Checks: 'checks',
  DeploymentId: 'deployment-id',
  Doctor: 'doctor',
  DoctorFindings: 'doctor-findings',
  Retained: 'retained',
  HeadersUpdated: 'headers-updated',
} as const;

export type OutputName = (typeof Outputs)[keyof typeof Outputs];

/** Object metadata key holding the hex MD5 of the uploaded file (x-amz-meta-md5). */
export const MD5_METADATA_KEY = 'md5';

/** The User-Agent every AWS and GitHub request carries. */
export const USER_AGENT = 's3-cloudfront-deploy-action';

/**
 * Files larger than this go as a multipart upload (aws/s3-store.ts); smaller ones in one PutObject.
 * The planner needs it for the upload order.
 */
export const MULTIPART_ABOVE_BYTES = 8 * 1024 * 1024;

/** The part size of multipart uploads; the scan hashes each part in the same read (local/hash.ts). */
export const PART_BYTES = 8 * 1024 * 1024;
