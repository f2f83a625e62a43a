/**
 * The doctor's CloudFront reads over @aws-sdk/client-cloudfront: the distribution (from the run's
 * one GetDistribution, which carries the ARN and the whole configuration) and GetOriginAccessControl.
 * Errors pass through untouched.
 */
import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { ConfigReader } from '../cdn/doctor/types.js';
import { required, type DistributionLookup } from './cloudfront.js';
import { loadCloudFront } from './load-sdk.js';

export function createCloudFrontReads(
  client: () => Promise<CloudFrontClient>,
  lookup: DistributionLookup,
): Pick<ConfigReader, 'getDistribution' | 'getOriginAccessControl'> {
  return {
    async getDistribution(distributionId) {
      const distribution = await lookup(distributionId);
      return {
        arn: required(distribution.ARN, 'GetDistribution', 'ARN'),
        config: required(distribution.DistributionConfig, 'GetDistribution', 'DistributionConfig'),
      };
    },

    async getOriginAccessControl(id) {
      const [{ GetOriginAccessControlCommand }, cloudfront] = await Promise.all([loadCloudFront(), client()]);
      const out = await cloudfront.send(new GetOriginAccessControlCommand({ Id: id }));
      return required(out.OriginAccessControl?.OriginAccessControlConfig, 'GetOriginAccessControl', 'OriginAccessControlConfig');
    },
  };
}
