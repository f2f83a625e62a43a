/**
 * The doctor's bucket reads: S3 GetBucketPolicy and GetPublicAccessBlock, and the account's Block
 * Public Access through S3 Control. "Not configured" answers (NoSuchBucketPolicy,
 * NoSuchPublicAccessBlockConfiguration) become null; every other error passes through untouched.
 */
import { GetBucketPolicyCommand, GetPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3ControlClient } from '@aws-sdk/client-s3-control';
import type { ConfigReader } from '../cdn/doctor/types.js';
import { loadS3Control } from './load-sdk.js';

type BucketReads = Pick<ConfigReader, 'getBucketPolicy' | 'getBucketPublicAccessBlock' | 'getAccountPublicAccessBlock'>;

export function createBucketConfigReads(s3: S3Client, s3Control: () => Promise<S3ControlClient>): BucketReads {
  return {
    async getBucketPolicy(bucket) {
      const out = await orNull('NoSuchBucketPolicy', () => s3.send(new GetBucketPolicyCommand({ Bucket: bucket })));
      return out === null ? null : (out.Policy ?? null);
    },

    async getBucketPublicAccessBlock(bucket) {
      const out = await orNull('NoSuchPublicAccessBlockConfiguration', () => s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket })));
      return out?.PublicAccessBlockConfiguration ?? null;
    },

    async getAccountPublicAccessBlock(accountId) {
      // Named apart from S3's GetPublicAccessBlockCommand: IAM authorises it as s3:GetAccountPublicAccessBlock.
      const [{ GetPublicAccessBlockCommand: GetAccountPublicAccessBlockCommand }, control] = await Promise.all([
        loadS3Control(),
        s3Control(),
      ]);
      const out = await orNull('NoSuchPublicAccessBlockConfiguration', () =>
        control.send(new GetAccountPublicAccessBlockCommand({ AccountId: accountId })),
      );
      return out?.PublicAccessBlockConfiguration ?? null;
    },
  };
}

/** The answer, or null when S3 says the thing is not configured (an answer, not a failure). */
async function orNull<T>(notConfigured: string, call: () => Promise<T>): Promise<T | null> {
  try {
    return await call();
  } catch (err) {
    if ((err as { name?: string }).name === notConfigured) return null;
    throw err;
  }
}
