/** The doctor's rules: pure functions from the configuration read to findings, one per finding id. */
import { behaviourName, behaviourServing, deepRoutePath, indexPath, originOf, parseOriginDomain, restEndpoint } from './match.js';
import type { ServingBehaviour } from './match.js';
import type { DistributionConfigShape, Finding, FindingId, OriginAccessControlShape, OriginShape } from './types.js';

/** A rule's answer: a finding, or nothing wrong. */
export type RuleResult = Finding | undefined;

export const SEVERITY = {
  'origin-rest-endpoint': 'error',
  'origin-access-control': 'error',
  'bucket-policy': 'error',
  'public-access-block': 'error',
  'spa-fallback': 'error',
  'default-root-object': 'warning',
  'viewer-https': 'warning',
  'tls-minimum': 'warning',
  compression: 'warning',
  'state-private': 'warning',
  'edge-router': 'error',
} as const satisfies Record<FindingId, Finding['severity']>;

/** One thing a rule saw wrong; several problems of one rule make one finding. */
export interface Problem {
  what: string;
  fix: string;
}

export function finding(id: FindingId, problems: Problem[]): RuleResult {
  if (problems.length === 0) return undefined;
  const what = problems.map((p) => p.what).join('; ');
  const fix = [...new Set(problems.map((p) => p.fix))].join(' ');
  return { id, severity: SEVERITY[id], what, fix };
}

/** The behaviour and origin that serve the prefix's index document. */
export function servingIndex(config: DistributionConfigShape, prefix: string, indexDocument: string) {
  const serving = behaviourServing(config, indexPath(prefix, indexDocument));
  const origin = serving && originOf(config, serving.behaviour);
  return { serving, origin };
}

const originName = (origin: OriginShape) => `origin '${origin.Id ?? ''}' (${origin.DomainName ?? 'no domain name'})`;

/** origin-rest-endpoint: the origin is this bucket's S3 REST endpoint, in the bucket's region. */
export function originRestEndpoint(
  serving: ServingBehaviour | undefined,
  origin: OriginShape | undefined,
  bucket: string,
  region: string,
): RuleResult {
  if (!serving) return undefined;
  const via = behaviourName(serving);
  const rest = restEndpoint(bucket, region);
  const fix = `Set the origin's DomainName to ${rest} (CloudFormation: Origins[].DomainName: !GetAtt <bucket>.RegionalDomainName).`;
  if (!origin) {
    const what = `${via} targets origin '${serving.behaviour.TargetOriginId ?? ''}', which the distribution does not define`;
    return finding('origin-rest-endpoint', [{ what, fix: `Set TargetOriginId of ${via} to an origin whose DomainName is ${rest}.` }]);
  }
  const endpoint = parseOriginDomain(origin.DomainName ?? '');
  if (endpoint.kind === 's3-website') {
    const what =
      `${via} sends requests to ${originName(origin)}, an S3 website endpoint: it is served over plain HTTP, ` +
      'needs a public bucket, and an Origin Access Control cannot sign requests to it';
    const websiteFix = `${fix} Replace CustomOriginConfig with S3OriginConfig and attach an Origin Access Control (OriginAccessControlId).`;
    return finding('origin-rest-endpoint', [{ what, fix: websiteFix }]);
  }
  if (endpoint.kind === 'other') {
    const what = `${via} sends requests to ${originName(origin)}, which is not an S3 REST endpoint, so the files deployed to bucket '${bucket}' are not what it serves`;
    return finding('origin-rest-endpoint', [{ what, fix }]);
  }
  if (endpoint.bucket !== bucket) {
    const what = `${via} sends requests to ${originName(origin)}, which is bucket '${endpoint.bucket}', not '${bucket}' (the bucket this job deploys to)`;
    return finding('origin-rest-endpoint', [{ what, fix }]);
  }
  if (endpoint.region !== undefined && endpoint.region !== region) {
    const what = `${originName(origin)} is the endpoint of region ${endpoint.region}, but bucket '${bucket}' is in ${region}`;
    return finding('origin-rest-endpoint', [{ what, fix }]);
  }
  return undefined;
}

/** Whether the origin is an S3 REST endpoint (of any bucket): the origin-access-control rule applies to those only. */
export function isS3RestOrigin(origin: OriginShape | undefined): origin is OriginShape {
  return origin !== undefined && parseOriginDomain(origin.DomainName ?? '').kind === 's3-rest';
}

/**
 * origin-access-control: an OAC of type s3 signing `always` with sigv4 is attached, and no legacy
 * origin access identity. `oac` is the OAC read for the origin's OriginAccessControlId (undefined: none attached).
 */
export function originAccessControl(origin: OriginShape, oac: OriginAccessControlShape | undefined): RuleResult {
  const problems: Problem[] = [];
  const oai = origin.S3OriginConfig?.OriginAccessIdentity ?? '';
  const oacId = origin.OriginAccessControlId ?? '';
  const attach =
    'Attach an Origin Access Control (AWS::CloudFront::OriginAccessControl with OriginAccessControlOriginType s3, ' +
    "SigningBehavior always, SigningProtocol sigv4) through the origin's OriginAccessControlId, set " +
    "S3OriginConfig.OriginAccessIdentity to '', and let the bucket policy trust the distribution (AWS:SourceArn).";
  if (oai !== '') {
    const what = `${originName(origin)} uses the legacy origin access identity '${oai}' instead of an Origin Access Control`;
    problems.push({ what, fix: attach });
  } else if (oacId === '') {
    const what = `${originName(origin)} has no Origin Access Control: CloudFront's requests reach the bucket unsigned, which works only if the bucket is public`;
    problems.push({ what, fix: attach });
  }
  if (oacId !== '' && oac) problems.push(...oacSettingProblems(`Origin Access Control ${oacId}`, oac));
  return finding('origin-access-control', problems);
}

function oacSettingProblems(name: string, oac: OriginAccessControlShape): Problem[] {
  const problems: Problem[] = [];
  if (oac.OriginAccessControlOriginType !== 's3') {
    const what = `${name} is of type '${oac.OriginAccessControlOriginType ?? ''}', not 's3'`;
    problems.push({ what, fix: 'Attach an Origin Access Control of type s3 (OriginAccessControlOriginType: s3).' });
  }
  if (oac.SigningBehavior !== 'always') {
    const effect =
      oac.SigningBehavior === 'never'
        ? 'CloudFront never signs, so the private bucket refuses every request'
        : 'CloudFront does not sign every request (a viewer Authorization header is passed on instead)';
    const what = `${name} has SigningBehavior '${oac.SigningBehavior ?? ''}': ${effect}`;
    problems.push({ what, fix: 'Set OriginAccessControlConfig.SigningBehavior to always.' });
  }
  if (oac.SigningProtocol !== 'sigv4') {
    const what = `${name} has SigningProtocol '${oac.SigningProtocol ?? ''}'`;
    problems.push({ what, fix: 'Set OriginAccessControlConfig.SigningProtocol to sigv4.' });
  }
  return problems;
}

/** Whether a behaviour runs code that can rewrite a deep route: a viewer-request function, or Lambda@Edge on the request. */
function rewritesRequests(serving: ServingBehaviour): boolean {
  const functions = serving.behaviour.FunctionAssociations?.Items ?? [];
  const lambdas = serving.behaviour.LambdaFunctionAssociations?.Items ?? [];
  return (
    functions.some((f) => f.EventType === 'viewer-request') ||
    lambdas.some((l) => l.EventType === 'viewer-request' || l.EventType === 'origin-request')
  );
}

/**
 * spa-fallback: deep routes reach the index document. A function on the behaviour serving a deep
 * route counts; else custom error responses mapping 403 and 404 to /<index-document> with 200,
 * except with a prefix: error responses serve the root's index document, not the prefix's.
 */
export function spaFallback(config: DistributionConfigShape, prefix: string, indexDocument: string): RuleResult {
  const serving = behaviourServing(config, deepRoutePath(prefix));
  if (!serving || rewritesRequests(serving)) return undefined;
  const via = behaviourName(serving);
  const functionFix =
    `Associate a viewer-request CloudFront Function with ${via} (FunctionAssociations, EventType viewer-request) that ` +
    `rewrites /${prefix}<route> to /${prefix}${indexDocument}; examples/preview-spa-router.js is one.`;
  if (prefix !== '') {
    const what = `deep routes under /${prefix} have no SPA fallback of their own: ${via} runs no viewer-request function, and custom error responses can only answer with the root's /${indexDocument}`;
    return finding('spa-fallback', [{ what, fix: functionFix }]);
  }
  const page = `/${indexDocument}`;
  const responses = config.CustomErrorResponses?.Items ?? [];
  const wrong = [403, 404].flatMap((code) => {
    const response = responses.find((r) => r.ErrorCode === code);
    if (!response) return [`no custom error response for ${code}`];
    if (response.ResponsePagePath !== page || response.ResponseCode !== '200') {
      return [`${code} answers ${response.ResponseCode ?? 'its own status'} with ${response.ResponsePagePath ?? 'no page'}`];
    }
    return [];
  });
  if (wrong.length === 0) return undefined;
  const what = `deep routes do not reach ${page}: ${wrong.join(', ')}, and ${via} runs no viewer-request function`;
  const fix = `Add CustomErrorResponses for ErrorCode 403 and 404 with ResponsePagePath ${page} and ResponseCode 200 (or: ${functionFix})`;
  return finding('spa-fallback', [{ what, fix }]);
}

/** default-root-object: a request for / is answered with the index document. */
export function defaultRootObject(config: DistributionConfigShape, indexDocument: string): RuleResult {
  const current = config.DefaultRootObject ?? '';
  if (current === indexDocument) return undefined;
  const what =
    current === ''
      ? `the distribution has no default root object, so / is not answered with ${indexDocument}`
      : `the distribution's default root object is '${current}', not '${indexDocument}'`;
  return finding('default-root-object', [{ what, fix: `Set DefaultRootObject to ${indexDocument}.` }]);
}

/** viewer-https: every behaviour redirects HTTP to HTTPS or allows HTTPS only. */
export function viewerHttps(config: DistributionConfigShape): RuleResult {
  const behaviours: ServingBehaviour[] = [
    ...(config.DefaultCacheBehavior ? [{ pattern: '*', behaviour: config.DefaultCacheBehavior }] : []),
    ...(config.CacheBehaviors?.Items ?? []).map((b) => ({ pattern: b.PathPattern ?? '', behaviour: b })),
  ];
  const plain = behaviours.filter((b) => !['redirect-to-https', 'https-only'].includes(b.behaviour.ViewerProtocolPolicy ?? ''));
  if (plain.length === 0) return undefined;
  const what = `${plain.map(behaviourName).join(', ')} ${plain.length === 1 ? 'serves' : 'serve'} plain HTTP (ViewerProtocolPolicy allow-all)`;
  return finding('viewer-https', [{ what, fix: 'Set ViewerProtocolPolicy to redirect-to-https on every cache behaviour.' }]);
}

/** CloudFront's minimum protocol versions, oldest first. */
const PROTOCOLS = [
  'SSLv3',
  'TLSv1',
  'TLSv1_2016',
  'TLSv1.1_2016',
  'TLSv1.2_2018',
  'TLSv1.2_2019',
  'TLSv1.2_2021',
  'TLSv1.2_2025',
  'TLSv1.3_2025',
];
const MINIMUM_PROTOCOL = 'TLSv1.2_2021';

/** tls-minimum: with a custom certificate, the minimum protocol is at least TLSv1.2_2021 (CloudFront's default certificate has no setting). */
export function tlsMinimum(config: DistributionConfigShape): RuleResult {
  const cert = config.ViewerCertificate;
  const custom =
    cert !== undefined && cert.CloudFrontDefaultCertificate !== true && Boolean(cert.ACMCertificateArn || cert.IAMCertificateId);
  if (!custom) return undefined;
  const current = cert.MinimumProtocolVersion ?? '';
  const rank = PROTOCOLS.indexOf(current);
  // A version newer than this list knows is taken as newer than the minimum.
  if (rank === -1 ? current !== '' : rank >= PROTOCOLS.indexOf(MINIMUM_PROTOCOL)) return undefined;
  const what = `the custom certificate accepts ${current || 'an unset minimum protocol'}, older than ${MINIMUM_PROTOCOL}`;
  return finding('tls-minimum', [{ what, fix: `Set ViewerCertificate.MinimumProtocolVersion to ${MINIMUM_PROTOCOL}.` }]);
}

/** compression: the behaviour serving the site compresses objects. */
export function compression(serving: ServingBehaviour | undefined): RuleResult {
  if (!serving || serving.behaviour.Compress === true) return undefined;
  const via = behaviourName(serving);
  return finding('compression', [{ what: `${via} does not compress objects (Compress is off)`, fix: `Set Compress to true on ${via}.` }]);
}
