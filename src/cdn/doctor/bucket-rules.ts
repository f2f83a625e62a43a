/** The doctor's rules on the bucket: its policy (bucket-policy, state-private) and Block Public Access. */
import { parseDistributionArn } from './match.js';
import { evaluatePolicy, sourceArnsNamed, statementName } from './policy.js';
import type { PolicyRequest, PolicyStatement } from './policy.js';
import { finding } from './rules.js';
import type { Problem, RuleResult } from './rules.js';
import type { PublicAccessBlockShape } from './types.js';

/** The deploy state's object name, under the prefix (SPEC "Deploy state"). */
export const DEPLOY_STATE_NAME = '.deploy-state.json';
const CLOUDFRONT = 'cloudfront.amazonaws.com';
/** A distribution id no account has (ids are upper-case letters and digits): "any other distribution". */
const OTHER_DISTRIBUTION = 'EDOCTOROTHER0';
const OTHER_ACCOUNT = '000000000000';

export interface BucketTarget {
  bucket: string;
  prefix: string;
  indexDocument: string;
  distributionArn: string;
}

/** CloudFront reading `key` on behalf of the distribution `sourceArn` (OAC requests come over HTTPS). */
function cloudFrontRead(objectArn: string, sourceArn: string, account: string): PolicyRequest {
  return {
    requester: { kind: 'service', service: CLOUDFRONT },
    action: 's3:GetObject',
    resource: objectArn,
    context: { 'aws:sourcearn': sourceArn, 'aws:sourceaccount': account, 'aws:securetransport': 'true' },
  };
}

function arnsOf(target: BucketTarget) {
  const { partition, account } = parseDistributionArn(target.distributionArn) ?? { partition: 'aws', account: OTHER_ACCOUNT };
  const object = (key: string) => `arn:${partition}:s3:::${target.bucket}/${key}`;
  const otherDistribution = (acct: string) => `arn:${partition}:cloudfront::${acct}:distribution/${OTHER_DISTRIBUTION}`;
  return { partition, account, object, otherDistribution };
}

/**
 * bucket-policy: CloudFront may read on behalf of this distribution (AWS:SourceArn), of no other
 * distribution, and no one else may read (a grant to "*" without a limiting condition). `statements`
 * null: the bucket has no policy.
 */
export function bucketPolicy(statements: PolicyStatement[] | null, target: BucketTarget): RuleResult {
  const { account, object, otherDistribution } = arnsOf(target);
  const key = `${target.prefix}${target.indexDocument}`;
  const trustFix =
    `Add to the bucket policy (AWS::S3::BucketPolicy PolicyDocument) the statement {"Effect": "Allow", "Principal": {"Service": "${CLOUDFRONT}"}, ` +
    `"Action": "s3:GetObject", "Resource": "${object('*')}", "Condition": {"StringEquals": {"AWS:SourceArn": "${target.distributionArn}"}}}.`;
  if (statements === null) {
    const what = `bucket '${target.bucket}' has no bucket policy, so it refuses CloudFront's signed requests (403 for files that exist)`;
    return finding('bucket-policy', [{ what, fix: trustFix }]);
  }
  const names = (list: PolicyStatement[]) => list.map((s) => statementName(statements, s)).join(', ');
  const problems: Problem[] = [];
  const trust = evaluatePolicy(statements, cloudFrontRead(object(key), target.distributionArn, account));
  if (trust.effect === 'explicit-deny') {
    const what = `statement ${names(trust.deniedBy)} of the bucket policy denies this distribution's s3:GetObject on ${key}`;
    problems.push({
      what,
      fix: `Narrow that Deny statement so it does not match CloudFront reading with AWS:SourceArn ${target.distributionArn}.`,
    });
  } else if (trust.effect === 'implicit-deny') {
    const named = statements.filter((s) => s.Effect === 'Allow').flatMap(sourceArnsNamed);
    const what = named.length
      ? `the bucket policy lets CloudFront read for ${named.join(', ')}, not for this distribution (${target.distributionArn})`
      : `no statement of the bucket policy allows s3:GetObject to ${CLOUDFRONT} for this distribution (${target.distributionArn}), so CloudFront gets 403 for files that exist`;
    problems.push({ what, fix: trustFix });
  }
  const anyAccount = evaluatePolicy(statements, cloudFrontRead(object(key), otherDistribution(OTHER_ACCOUNT), OTHER_ACCOUNT));
  const sameAccount = evaluatePolicy(statements, cloudFrontRead(object(key), otherDistribution(account), account));
  const loose = anyAccount.effect === 'allow' ? anyAccount : sameAccount.effect === 'allow' ? sameAccount : undefined;
  if (loose) {
    const whose =
      loose === anyAccount ? 'any CloudFront distribution, in any AWS account,' : `any CloudFront distribution of account ${account}`;
    const what = `statement ${names(loose.allowedBy)} lets ${whose} read the bucket: its condition does not name this distribution's ARN`;
    problems.push({ what, fix: `Add the condition {"StringEquals": {"AWS:SourceArn": "${target.distributionArn}"}} to that statement.` });
  }
  const anyone = evaluatePolicy(statements, {
    requester: { kind: 'anonymous' },
    action: 's3:GetObject',
    resource: object(key),
    context: { 'aws:securetransport': 'true' },
    requesterChoosesKeys: true,
  });
  if (anyone.effect === 'allow') {
    const what = `statement ${names(anyone.allowedBy)} allows s3:GetObject to everyone (Principal "*" with no condition that limits it): the bucket is public`;
    problems.push({
      what,
      fix: `Remove that statement, or limit it with {"StringEquals": {"AWS:SourceArn": "${target.distributionArn}"}}.`,
    });
  }
  return finding('bucket-policy', problems);
}

/** state-private: CloudFront may not read the deploy state, so the site does not serve it. */
export function statePrivate(statements: PolicyStatement[] | null, target: BucketTarget): RuleResult {
  if (statements === null) return undefined;
  const { account, object } = arnsOf(target);
  const key = `${target.prefix}${DEPLOY_STATE_NAME}`;
  const read = evaluatePolicy(statements, cloudFrontRead(object(key), target.distributionArn, account));
  if (read.effect !== 'allow') return undefined;
  const what = `the bucket policy lets CloudFront read the deploy state ${key}, so the site serves it (every key and the recent deploys)`;
  const fix =
    `Add to the bucket policy the statement {"Effect": "Deny", "Principal": {"Service": "${CLOUDFRONT}"}, "Action": "s3:GetObject", ` +
    `"Resource": "${object(`*${DEPLOY_STATE_NAME}`)}"}.`;
  return finding('state-private', [{ what, fix }]);
}

/** The four Block Public Access settings, in the order S3 documents them. */
export const BPA_SETTINGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;

/** What is known of a set of Block Public Access settings: read (null: none set), or why it is unknown. */
export type KnownSettings = { known: true; settings: PublicAccessBlockShape | null } | { known: false; why: string };

/**
 * public-access-block: each of the four settings is on for the bucket or for the account (S3 applies
 * the more restrictive of the two, setting by setting). 'not-checked' when the bucket's settings are
 * unknown and the account's do not cover all four.
 */
export function publicAccessBlock(bucketName: string, bucket: KnownSettings, account: KnownSettings): RuleResult | 'not-checked' {
  const on = (s: KnownSettings, name: (typeof BPA_SETTINGS)[number]) => s.known && s.settings?.[name] === true;
  const off = BPA_SETTINGS.filter((name) => !on(bucket, name) && !on(account, name));
  if (off.length === 0) return undefined;
  if (!bucket.known) return 'not-checked';
  const where = account.known
    ? 'on the bucket and on the account'
    : `on the bucket; the account's settings could not be read (${account.why}), and they may cover it`;
  const what = `Block Public Access of bucket '${bucketName}' has ${off.join(', ')} off ${where}`;
  const fix =
    "Turn all four settings on in the bucket's PublicAccessBlockConfiguration (AWS::S3::Bucket): BlockPublicAcls, " +
    "IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets true (or the account's, with S3 Control PutPublicAccessBlock).";
  return finding('public-access-block', [{ what, fix }]);
}
