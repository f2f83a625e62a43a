/**
 * The doctor's CloudFront reads over @aws-sdk/client-cloudfront: GetDistribution (ARN and
 * configuration in one answer) and GetOriginAccessControl. Errors pass through untouched.
 */
import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { ConfigReader } from '../cdn/doctor/types.js';
import { loadCloudFront } from '../lazy.js';

export function createCloudFrontReads(
  client: () => Promise<CloudFrontClient>,
): Pick<ConfigReader, 'getDistribution' | 'getOriginAccessControl'> {
  return {
    async getDistribution(distributionId) {
      const [{ GetDistributionCommand }, cloudfront] = await Promise.all([loadCloudFront(), client()]);
      const out = await cloudfront.send(new GetDistributionCommand({ Id: distributionId }));
      const arn = out.Distribution?.ARN;
      const config = out.Distribution?.DistributionConfig;
      if (!arn || !config) throw new Error('CloudFront GetDistribution answered without ARN or DistributionConfig');
      return { arn, config };
    },

    async getOriginAccessControl(id) {
      const [{ GetOriginAccessControlCommand }, cloudfront] = await Promise.all([loadCloudFront(), client()]);
      const out = await cloudfront.send(new GetOriginAccessControlCommand({ Id: id }));
      const config = out.OriginAccessControl?.OriginAccessControlConfig;
      if (!config) throw new Error('CloudFront GetOriginAccessControl answered without OriginAccessControlConfig');
      return config;
    },
  };
}
