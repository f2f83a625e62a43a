/** The doctor's reads, in parallel through the ConfigReader port; a denied or failed read becomes a state, never an error. */
import { BPA_SETTINGS } from './bucket-rules.js';
import { parseDistributionArn } from './match.js';
import { isS3RestOrigin, servingIndex } from './rules.js';
import type { ConfigReader, DistributionRead, DoctorReads, PublicAccessBlockShape, Read, ReadAction } from './types.js';

export interface ReadTarget {
  distributionId: string;
  bucket: string;
  /** '' or 'pr-42/'. */
  prefix: string;
  indexDocument: string;
}

/**
 * Reads the distribution, the bucket's policy and Block Public Access at once; then the OAC of the
 * origin serving the prefix (its id is in the distribution), and the account's Block Public Access
 * only when the bucket's own settings do not cover all four (its account id is in the distribution ARN).
 */
export async function readConfiguration(reader: ConfigReader, target: ReadTarget): Promise<DoctorReads> {
  const distributionRead = attempt('cloudfront:GetDistribution', () => reader.getDistribution(target.distributionId));
  const policyRead = attempt('s3:GetBucketPolicy', () => reader.getBucketPolicy(target.bucket));
  const bucketBpaRead = attempt('s3:GetBucketPublicAccessBlock', () => reader.getBucketPublicAccessBlock(target.bucket));
  const oacRead = distributionRead.then((d) => {
    const id = d.state === 'read' ? originAccessControlId(d.value, target) : undefined;
    return id ? attempt('cloudfront:GetOriginAccessControl', () => reader.getOriginAccessControl(id)) : undefined;
  });
  const accountRead = Promise.all([distributionRead, bucketBpaRead]).then(([d, bpa]) => {
    const account = d.state === 'read' ? parseDistributionArn(d.value.arn)?.account : undefined;
    if (!account || coversAll(bpa)) return undefined;
    return attempt('s3:GetAccountPublicAccessBlock', () => reader.getAccountPublicAccessBlock(account));
  });
  const [distribution, bucketPolicy, bucketPublicAccessBlock, originAccessControl, accountPublicAccessBlock] = await Promise.all([
    distributionRead,
    policyRead,
    bucketBpaRead,
    oacRead,
    accountRead,
  ]);
  return { distribution, bucketPolicy, bucketPublicAccessBlock, originAccessControl, accountPublicAccessBlock };
}

/** The OAC id of the S3 origin that serves the prefix's index document, when it has one. */
function originAccessControlId(distribution: DistributionRead, target: ReadTarget): string | undefined {
  const { origin } = servingIndex(distribution.config, target.prefix, target.indexDocument);
  return isS3RestOrigin(origin) && origin.OriginAccessControlId ? origin.OriginAccessControlId : undefined;
}

function coversAll(read: Read<PublicAccessBlockShape | null>): boolean {
  return read.state === 'read' && BPA_SETTINGS.every((name) => read.value?.[name] === true);
}

/** One read: its value, or why there is none (AccessDenied names the IAM action the role lacks). */
export async function attempt<T>(action: ReadAction, read: () => Promise<T>): Promise<Read<T>> {
  try {
    return { state: 'read', value: await read() };
  } catch (err) {
    if (isAccessDenied(err)) return { state: 'denied', action };
    return { state: 'failed', action, reason: describeError(err) };
  }
}

/** AccessDenied as S3, S3 Control and CloudFront send it (their error code, or a bare 403). */
export function isAccessDenied(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return e?.name === 'AccessDenied' || e?.name === 'AccessDeniedException' || e?.$metadata?.httpStatusCode === 403;
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // S3 answers GetBucketPolicy with 405 MethodNotAllowed to a caller outside the bucket owner's account.
  if (err.name === 'MethodNotAllowed') return "MethodNotAllowed: only the bucket owner's account can read its configuration";
  return err.name && err.name !== 'Error' && !err.message.startsWith(err.name) ? `${err.name}: ${err.message}` : err.message;
}
