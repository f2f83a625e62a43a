/**
 * The doctor's CloudFront reads over @aws-sdk/client-cloudfront: the distribution (from the run's
 * one GetDistribution, which carries the ARN and the whole configuration) and GetOriginAccessControl,
 * each retried as every CloudFront call is (retry.ts). Errors that outlast the retries pass through untouched.
 */
import * as core from '@actions/core';
import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { ConfigReader } from '../cdn/doctor/types.js';
import { CLOUDFRONT_ATTEMPTS, CLOUDFRONT_BACKOFF, isRetryableAwsError, withRetry, type RetryOptions } from '../retry.js';
import { required, type DistributionLookup } from './cloudfront.js';
import { loadCloudFront } from './load-sdk.js';

/** Backoff timing, injected so tests never wait. */
export type RetryTiming = Pick<RetryOptions, 'sleep' | 'now' | 'random'>;

/**
 * The reads run beside hashing and listing, and the doctor awaits them before any write: a minute of
 * retries rides out a brief outage, and a read that still fails makes its rules "not checked".
 */
const READ_BUDGET_MS = 60_000;

export function createCloudFrontReads(
  client: () => Promise<CloudFrontClient>,
  lookup: DistributionLookup,
  timing: RetryTiming = {},
): Pick<ConfigReader, 'getDistribution' | 'getOriginAccessControl'> {
  // The client makes one attempt per call (aws/clients.ts): this is the one retry layer for these reads.
  const retried = <T>(label: string, fn: () => Promise<T>): Promise<T> =>
    withRetry(fn, {
      label,
      isRetryable: isRetryableAwsError,
      maxAttempts: CLOUDFRONT_ATTEMPTS,
      ...CLOUDFRONT_BACKOFF,
      deadlineMs: READ_BUDGET_MS,
      ...timing,
      onRetry: (message) => core.info(message),
    });
  return {
    async getDistribution(distributionId) {
      // The lookup forgets a failed answer, so each attempt asks CloudFront again.
      const distribution = await retried('GetDistribution', () => lookup(distributionId));
      return {
        arn: required(distribution.ARN, 'GetDistribution', 'ARN'),
        config: required(distribution.DistributionConfig, 'GetDistribution', 'DistributionConfig'),
      };
    },

    async getOriginAccessControl(id) {
      const [{ GetOriginAccessControlCommand }, cloudfront] = await Promise.all([loadCloudFront(), client()]);
      const out = await retried('GetOriginAccessControl', () => cloudfront.send(new GetOriginAccessControlCommand({ Id: id })));
      return required(out.OriginAccessControl?.OriginAccessControlConfig, 'GetOriginAccessControl', 'OriginAccessControlConfig');
    },
  };
}
