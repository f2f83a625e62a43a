/**
 * The one place AWS clients are made. Endpoints are never hard-coded, so the SDK honours
 * AWS_ENDPOINT_URL_S3 / _CLOUDFRONT / _STS (tests and S3-compatible storage rely on it).
 */
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { Credentials } from '../types';

export const USER_AGENT = 's3-cloudfront-deploy-action';

export interface AwsClients {
  s3: S3Client;
  cloudfront: CloudFrontClient;
}

/** Adaptive retry spaces out requests when S3 answers SlowDown; 8 attempts ride out brief 503 storms. */
const RETRY = { maxAttempts: 8, retryMode: 'adaptive' } as const;

export function createAwsClients(region: string, credentials?: Credentials): AwsClients {
  const common = { region, credentials, customUserAgent: USER_AGENT, ...RETRY };
  return {
    s3: new S3Client(common),
    // CloudFront is a global service, signed for us-east-1 whatever the bucket's region.
    cloudfront: new CloudFrontClient({ ...common, region: 'us-east-1' }),
  };
}

export function createStsClient(region: string): STSClient {
  // AssumeRoleWithWebIdentity is an unsigned call: it needs no credentials of its own.
  return new STSClient({ region, customUserAgent: USER_AGENT, ...RETRY });
}
