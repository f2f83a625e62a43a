/**
 * The Cdn port over @aws-sdk/client-cloudfront: three calls, no policy (GetDistribution shared with the doctor). Retries beyond the SDK's
 * own, timeouts and the wording of errors live in cdn/invalidate.ts; SDK errors pass through untouched
 * (their `name` is CloudFront's error code) so that retry.ts can classify them.
 */
import type { CloudFrontClient, Distribution } from '@aws-sdk/client-cloudfront';
import { loadCloudFront } from './load-sdk.js';
import type { Cdn } from '../ports.js';

/** GetDistribution for one distribution id. */
export type DistributionLookup = (distributionId: string) => Promise<Distribution>;

/**
 * GetDistribution, asked once per distribution in a run: the one answer carries the domain name
 * (site-url) and the ARN and configuration (the doctor). A failed call is forgotten, so a retry asks again.
 */
export function createDistributionLookup(client: () => Promise<CloudFrontClient>): DistributionLookup {
  const answers = new Map<string, Promise<Distribution>>();
  return (distributionId) => {
    const known = answers.get(distributionId);
    if (known) return known;
    const asked = (async () => {
      const [{ GetDistributionCommand }, cloudfront] = await Promise.all([loadCloudFront(), client()]);
      const out = await cloudfront.send(new GetDistributionCommand({ Id: distributionId }));
      return required(out.Distribution, 'GetDistribution', 'Distribution');
    })();
    answers.set(distributionId, asked);
    asked.catch(() => answers.delete(distributionId));
    return asked;
  };
}

/** `client` is called on the first request: a run that never touches CloudFront never loads its SDK. */
export function createCdn(client: () => Promise<CloudFrontClient>, lookup: DistributionLookup = createDistributionLookup(client)): Cdn {
  return {
    async getDomainName(distributionId) {
      return required((await lookup(distributionId)).DomainName, 'GetDistribution', 'DomainName');
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
export function required<T>(value: T | undefined, operation: string, field: string): T {
  if (value !== undefined && value !== '') return value;
  throw brokenAnswer(operation, field);
}

function brokenAnswer(operation: string, field: string): Error {
  return new Error(
    `CloudFront ${operation} answered without ${field}. If AWS_ENDPOINT_URL_CLOUDFRONT is set, check that it points to CloudFront.`,
  );
}
