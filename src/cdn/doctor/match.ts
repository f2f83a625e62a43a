/** Which behaviour and origin serve a path (CloudFront's path patterns); what an origin domain or a distribution ARN names. */
import { wildcardMatches } from './policy.js';
import type { BehaviourShape, DistributionConfigShape, OriginShape } from './types.js';

/** The behaviour serving a path: its pattern ('*' for the default behaviour) and its settings. */
export interface ServingBehaviour {
  pattern: string;
  behaviour: BehaviourShape;
}

/**
 * CloudFront's path patterns: matched against the whole URI path, case-sensitively, with the same
 * wildcards as IAM (`*` any run of characters, slashes included; `?` exactly one); a leading slash
 * is optional ("images/*.jpg" and "/images/*.jpg" are the same pattern).
 */
export function pathPatternMatches(pattern: string, path: string): boolean {
  const absolute = pattern.startsWith('/') ? pattern : `/${pattern}`;
  return wildcardMatches(absolute, path, true);
}

/** The first cache behaviour (in the distribution's order) whose pattern matches, else the default one. */
export function behaviourServing(config: DistributionConfigShape, path: string): ServingBehaviour | undefined {
  for (const behaviour of config.CacheBehaviors?.Items ?? []) {
    if (behaviour.PathPattern !== undefined && pathPatternMatches(behaviour.PathPattern, path)) {
      return { pattern: behaviour.PathPattern, behaviour };
    }
  }
  return config.DefaultCacheBehavior ? { pattern: '*', behaviour: config.DefaultCacheBehavior } : undefined;
}

/** Words for a behaviour in findings: "the default cache behaviour" or "the cache behaviour 'pr-*'". */
export function behaviourName(serving: ServingBehaviour): string {
  return serving.pattern === '*' ? 'the default cache behaviour' : `the cache behaviour '${serving.pattern}'`;
}

/**
 * The origin a behaviour sends requests to. An origin group's primary (first) member is the one that
 * serves while it is healthy, so it is the one the rules judge.
 */
export function originOf(config: DistributionConfigShape, behaviour: BehaviourShape): OriginShape | undefined {
  const origins = config.Origins?.Items ?? [];
  const byId = (id: string | undefined) => origins.find((origin) => origin.Id === id);
  const direct = byId(behaviour.TargetOriginId);
  if (direct) return direct;
  const group = (config.OriginGroups?.Items ?? []).find((g) => g.Id === behaviour.TargetOriginId);
  return byId(group?.Members?.Items?.[0]?.OriginId);
}

/** The paths the rules ask about: the prefix's index document, and a deep route under the prefix. */
export function indexPath(prefix: string, indexDocument: string): string {
  return `/${prefix}${indexDocument}`;
}

export function deepRoutePath(prefix: string): string {
  return `/${prefix}doctor/deep/route`;
}

/** What an origin's domain name is: an S3 REST endpoint, an S3 website endpoint, or something else. */
export type OriginEndpoint =
  { kind: 's3-rest'; bucket: string; region?: string } | { kind: 's3-website'; bucket: string; region: string } | { kind: 'other' };

// Regional (bucket.s3.eu-west-1…), legacy dash (bucket.s3-eu-west-1…), dual-stack and the legacy
// global endpoint (bucket.s3.amazonaws.com, no region); China's partition ends in .amazonaws.com.cn.
const S3_REST = /^(.+?)\.s3(?:\.dualstack)?(?:[.-]([a-z]{2}(?:-[a-z]+)+-\d))?\.amazonaws\.com(?:\.cn)?$/;
const S3_WEBSITE = /^(.+?)\.s3-website[.-]([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?$/;

export function parseOriginDomain(domainName: string): OriginEndpoint {
  const domain = domainName.toLowerCase().replace(/\.$/, '');
  const website = S3_WEBSITE.exec(domain);
  if (website) return { kind: 's3-website', bucket: website[1]!, region: website[2]! };
  const rest = S3_REST.exec(domain);
  if (rest) return rest[2] ? { kind: 's3-rest', bucket: rest[1]!, region: rest[2] } : { kind: 's3-rest', bucket: rest[1]! };
  return { kind: 'other' };
}

/** The REST endpoint a fix should name for this bucket (what CloudFormation's RegionalDomainName gives). */
export function restEndpoint(bucket: string, region: string): string {
  return `${bucket}.s3.${region}.amazonaws.com`;
}

/** A distribution ARN's partition and account (arn:aws:cloudfront::123456789012:distribution/E1…). */
export function parseDistributionArn(arn: string): { partition: string; account: string } | undefined {
  const match = /^arn:([a-z-]+):cloudfront::(\d{12}):distribution\/[A-Z0-9]+$/.exec(arn);
  return match ? { partition: match[1]!, account: match[2]! } : undefined;
}
