/**
 * The one place AWS clients are made. Endpoints are never hard-coded, so the SDK honours
 * AWS_ENDPOINT_URL_S3 / _CLOUDFRONT / _STS (tests and S3-compatible storage rely on it);
 * AWS_ENDPOINT_URL_S3_CONTROL is used as the exact endpoint (see makeS3Control).
 */
import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { S3Client } from '@aws-sdk/client-s3';
import type { S3ControlClient } from '@aws-sdk/client-s3-control';
import type { STSClient } from '@aws-sdk/client-sts';
import { loadCloudFront, loadS3Control, loadSts } from './load-sdk.js';
import { USER_AGENT } from '../names.js';
import type { CredentialProvider } from '../credentials.js';
import type { Credentials } from '../types.js';

export interface AwsClients {
  s3: S3Client;
  /** Made on first use, so a deploy without distribution-id never loads the CloudFront SDK. */
  cloudfront: () => Promise<CloudFrontClient>;
  /** Made on first use: only the doctor reads the account's Block Public Access through it. */
  s3Control: () => Promise<S3ControlClient>;
  /** Attempts that failed (throttled, 5xx, dropped connection, or a final error) across both clients. */
  failedAttempts: () => number;
}

/**
 * One retry layer per call. S3 calls are retried by the SDK alone: adaptive retry spaces out requests
 * when S3 answers SlowDown, and 8 attempts ride out brief 503 storms. CloudFront and STS calls make one
 * attempt each: their retries live in cdn/invalidate.ts, aws/cloudfront-doctor.ts and credentials.ts (withRetry), which also
 * retry the errors the SDK never does (TooManyInvalidationsInProgress, IDPCommunicationError).
 */
const S3_RETRY = { maxAttempts: 8, retryMode: 'adaptive' } as const;
const ONE_ATTEMPT = { maxAttempts: 1 } as const;

export interface ClientOptions {
  /**
   * Path-style S3 requests (`<endpoint>/<bucket>/<key>`): needed for a bucket name with dots (no
   * certificate covers `a.b.s3.<region>.amazonaws.com`) and for custom endpoints, where the SDK would
   * otherwise build `<bucket>.<host>`.
   */
  s3PathStyle?: boolean;
}

/** `credentials`: a provider renews them (role-to-assume); fixed ones are used as they are; none = the SDK's chain. */
export function createAwsClients(region: string, credentials?: CredentialProvider | Credentials, options: ClientOptions = {}): AwsClients {
  const common = { region, credentials, customUserAgent: USER_AGENT };
  const counter = { failed: 0 };
  const s3 = new S3Client({ ...common, ...S3_RETRY, forcePathStyle: options.s3PathStyle ?? false });
  const counting = { step: 'finalizeRequest', priority: 'low', name: 'countFailedAttempts' } as const;
  s3.middlewareStack.add(countFailedAttempts(counter), counting);
  let cloudfront: Promise<CloudFrontClient> | undefined;
  const makeCloudFront = async (): Promise<CloudFrontClient> => {
    // CloudFront is a global service, signed for us-east-1 whatever the bucket's region.
    const { CloudFrontClient } = await loadCloudFront();
    const client = new CloudFrontClient({ ...common, ...ONE_ATTEMPT, region: 'us-east-1' });
    client.middlewareStack.add(countFailedAttempts(counter), counting);
    return client;
  };
  let s3Control: Promise<S3ControlClient> | undefined;
  const makeS3Control = async (): Promise<S3ControlClient> => {
    const { S3ControlClient } = await loadS3Control();
    // S3 Control's endpoint rules put the account id in front of any endpoint, custom ones too
    // (http://123456789012.127.0.0.1:PORT is no URL): a custom endpoint is used as it is given.
    const exact = process.env.AWS_ENDPOINT_URL_S3_CONTROL;
    const client = new S3ControlClient({ ...common, ...(exact ? { endpointProvider: () => ({ url: new URL(exact) }) } : {}) });
    client.middlewareStack.add(countFailedAttempts(counter), counting);
    return client;
  };
  return {
    s3,
    cloudfront: () => (cloudfront ??= makeCloudFront()),
    s3Control: () => (s3Control ??= makeS3Control()),
    failedAttempts: () => counter.failed,
  };
}

/** Errors that are answers (the doctor's reads: no policy, no Block Public Access settings), not failed attempts. */
const NOT_CONFIGURED = new Set(['NoSuchBucketPolicy', 'NoSuchPublicAccessBlockConfiguration']);

/**
 * The SDK retries silently; the log should say how many attempts it took. A low-priority
 * finalizeRequest middleware sits inside the retry middleware (high priority, same step) and
 * outside the deserializer, so it sees each attempt once, with 503s already turned into errors.
 */
function countFailedAttempts(counter: { failed: number }) {
  return <Args, Result>(next: (args: Args) => Promise<Result>) =>
    async (args: Args): Promise<Result> => {
      try {
        return await next(args);
      } catch (err) {
        if (!NOT_CONFIGURED.has((err as { name?: string }).name ?? '')) counter.failed++;
        throw err;
      }
    };
}

export async function createStsClient(region: string): Promise<STSClient> {
  // AssumeRoleWithWebIdentity is an unsigned call: it needs no credentials of its own.
  const { STSClient } = await loadSts();
  return new STSClient({ region, customUserAgent: USER_AGENT, ...ONE_ATTEMPT });
}
