/**
 * The one place AWS clients are made. Endpoints are never hard-coded, so the SDK honours
 * AWS_ENDPOINT_URL_S3 / _CLOUDFRONT / _STS (tests and S3-compatible storage rely on it).
 */
import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';
import { loadCloudFront, loadSts } from './load-sdk.js';
import { USER_AGENT } from '../names.js';
import type { Credentials } from '../types.js';

export interface AwsClients {
  s3: S3Client;
  /** Made on first use, so a deploy without distribution-id never loads the CloudFront SDK. */
  cloudfront: () => Promise<CloudFrontClient>;
  /** Attempts that failed (throttled, 5xx, dropped connection, or a final error) across both clients. */
  failedAttempts: () => number;
}

/** Adaptive retry spaces out requests when S3 answers SlowDown; 8 attempts ride out brief 503 storms. */
const RETRY = { maxAttempts: 8, retryMode: 'adaptive' } as const;

export function createAwsClients(region: string, credentials?: Credentials): AwsClients {
  const common = { region, credentials, customUserAgent: USER_AGENT, ...RETRY };
  const counter = { failed: 0 };
  const s3 = new S3Client(common);
  const counting = { step: 'finalizeRequest', priority: 'low', name: 'countFailedAttempts' } as const;
  s3.middlewareStack.add(countFailedAttempts(counter), counting);
  let cloudfront: Promise<CloudFrontClient> | undefined;
  const makeCloudFront = async (): Promise<CloudFrontClient> => {
    // CloudFront is a global service, signed for us-east-1 whatever the bucket's region.
    const { CloudFrontClient } = await loadCloudFront();
    const client = new CloudFrontClient({ ...common, region: 'us-east-1' });
    client.middlewareStack.add(countFailedAttempts(counter), counting);
    return client;
  };
  return { s3, cloudfront: () => (cloudfront ??= makeCloudFront()), failedAttempts: () => counter.failed };
}

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
        counter.failed++;
        throw err;
      }
    };
}

export async function createStsClient(region: string): Promise<STSClient> {
  // AssumeRoleWithWebIdentity is an unsigned call: it needs no credentials of its own.
  const { STSClient } = await loadSts();
  return new STSClient({ region, customUserAgent: USER_AGENT, ...RETRY });
}
