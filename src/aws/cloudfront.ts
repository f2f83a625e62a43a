/**
 * The Cdn port over @aws-sdk/client-cloudfront: three calls, no policy. Retries beyond the SDK's
 * own, timeouts and the wording of errors live in cdn/invalidate.ts; SDK errors pass through untouched
 * (their `name` is CloudFront's error code) so that retry.ts can classify them.
 */
import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { loadCloudFront } from './load-sdk.js';
import type { Cdn } from '../ports.js';

/** `client` is called on the first request: a run that never touches CloudFront never loads its SDK. */
export function createCdn(client: () => Promise<CloudFrontClient>): Cdn {
  return {
    async getDomainName(distributionId) {
      const [{ GetDistributionCommand }, cloudfront] = await Promise.all([loadCloudFront(), client()]);
      const out = await cloudfront.send(new GetDistributionCommand({ Id: distributionId }));
      return required(out.Distribution?.DomainName, 'GetDistribution', 'DomainName');
    },

    async createInvalidation(distributionId, paths, callerReference) {
      const [{ CreateInvalidationCommand }, cloudfront] = await Promise.all([loadCloudFront(), client()]);
      const out = await cloudfront.send(
        new CreateInvalidationCommand({
          DistributionId: distributionId,
          InvalidationBatch: { CallerReference: callerReference, Paths: { Quantity: paths.length, Items: paths } },
        }),
      );
      return {
        id: required(out.Invalidation?.Id, 'CreateInvalidation', 'Id'),
        status: required(out.Invalidation?.Status, 'CreateInvalidation', 'Status'),
      };
    },

    async getInvalidationStatus(distributionId, invalidationId) {
      const [{ GetInvalidationCommand }, cloudfront] = await Promise.all([loadCloudFront(), client()]);
      const out = await cloudfront.send(new GetInvalidationCommand({ DistributionId: distributionId, Id: invalidationId }));
      return required(out.Invalidation?.Status, 'GetInvalidation', 'Status');
    },
  };
}

/** A 2xx answer without the field is a broken endpoint (e.g. a wrong AWS_ENDPOINT_URL_CLOUDFRONT). */
function required(value: string | undefined, operation: string, field: string): string {
  if (value) return value;
  throw new Error(
    `CloudFront ${operation} answered without ${field}. If AWS_ENDPOINT_URL_CLOUDFRONT is set, check that it points to CloudFront.`,
  );
}
