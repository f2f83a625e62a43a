/** The verdict for each probe of each check, with its diagnosis, and what was observed. Pure. */
import { isHtml, mediaType } from '../plan/rules.js';
import type { ProbeResponse } from '../ports.js';
import { STATE_FORMAT } from '../remote/state.js';
import type { CheckResult } from '../types.js';
import {
  bodySnippet,
  describeProbeError,
  diagnoseEdgeError,
  diagnoseOtherIndex,
  diagnoseOtherStatus,
  diagnoseS3Error,
  FALLBACK_MISSING,
  isHttps,
  type DiagnosisContext,
  type ProbeOutcome,
} from './diagnoses.js';
import { EXPECTED, type IndexProof, type PlannedCheck } from './plan.js';

/** The verdict for one probe of one check. Pure. */
export function judge(check: PlannedCheck, outcome: ProbeOutcome, ctx: DiagnosisContext = {}): CheckResult {
  switch (check.name) {
    case 'site-root':
      return judgeSiteRoot(check.url, outcome, ctx, check.index);
    case 'spa-route':
      return judgeSpaRoute(check.url, outcome, ctx);
    case 's3-private':
      return judgeS3Private(check.url, outcome, ctx);
    case 'state-private':
      return judgeStatePrivate(check.url, outcome);
  }
}

export function judgeSiteRoot(url: string, outcome: ProbeOutcome, ctx: DiagnosisContext = {}, index?: IndexProof): CheckResult {
  const plainHttp = outcome.response !== undefined && !isHttps(url);
  const got = describeOutcome(outcome) + (plainHttp ? ' over plain http' : '');
  const expected = index?.when === 'required' ? `${EXPECTED['site-root']}, this deploy's index document` : EXPECTED['site-root'];
  const base = { name: 'site-root' as const, url, expected, got };
  if (outcome.error) return { ...base, passed: false, diagnosis: diagnoseEdgeError(outcome.error, url) };
  const { status } = outcome.response;
  if (status === 200) {
    if (isHttps(url)) return judgeServedIndex(base, outcome.response, ctx, index);
    return {
      ...base,
      passed: false,
      diagnosis:
        'site-url uses plain http://, so nothing proves the site is served over valid TLS. ' +
        'Set site-url to the https:// address (every CloudFront distribution serves HTTPS on its own domain).',
    };
  }
  if (status === 403) {
    const atRoot = new URL(url).pathname.endsWith('/');
    return {
      ...base,
      passed: false,
      diagnosis:
        'CloudFront answered 403 for a file that was just uploaded: it is not allowed to read the bucket. ' +
        "Either the bucket policy does not trust the distribution (it needs a statement allowing s3:GetObject to the service principal cloudfront.amazonaws.com with the condition AWS:SourceArn = this distribution's ARN, " +
        `arn:aws:cloudfront::ACCOUNT_ID:distribution/${ctx.distributionId ?? 'DISTRIBUTION_ID'}), ` +
        "or Origin Access Control is not attached to the distribution's S3 origin (Origins → Edit → Origin access → Origin access control settings)." +
        (atRoot ? " For the site root '/', also check that the distribution's Default root object is set to the index document." : ''),
    };
  }
  if (status === 404) {
    return {
      ...base,
      passed: false,
      diagnosis:
        "CloudFront did not find the index document at this path: check that the distribution's origin is this bucket (and its Origin path matches where the files are), " +
        "and, for the site root '/', that the Default root object is the index document.",
    };
  }
  return { ...base, passed: false, diagnosis: diagnoseOtherStatus(outcome.response, url, 'the site root', ctx) };
}

/**
 * A 200 over HTTPS from the site root, held against the index document this run deployed: the
 * same bytes pass; other bytes fail only when nothing could still serve an older copy.
 */
function judgeServedIndex(
  base: Omit<CheckResult, 'passed'>,
  response: ProbeResponse,
  ctx: DiagnosisContext,
  index?: IndexProof,
): CheckResult {
  if (index === undefined) return { ...base, passed: true };
  const served = servedMd5(response);
  if (served === undefined) return { ...base, got: `${base.got} (body too large to compare with the index document)`, passed: true };
  // The ETag counts too: an edge function may rewrite the body of the object it passes through.
  const same = served === index.md5 || etagMd5(response.etag) === index.md5;
  if (same) return { ...base, got: `${base.got}, this deploy's index document`, passed: true };
  switch (index.when) {
    case 'pending':
      return { ...base, got: `${base.got}, an older index document (invalidation still in progress)`, passed: true };
    case 'unproven':
      return { ...base, got: `${base.got}, not this deploy's index document (no invalidation in this run)`, passed: true };
    case 'required':
      return {
        ...base,
        got: `${base.got}, not this deploy's index document`,
        passed: false,
        diagnosis: diagnoseOtherIndex(served, index.md5, ctx),
      };
  }
}

/** The MD5 of what was served: the whole body's, else an ETag that is a plain MD5 (S3's, passed through). */
export function servedMd5(response: Pick<ProbeResponse, 'bodyMd5' | 'etag'>): string | undefined {
  return response.bodyMd5 ?? etagMd5(response.etag);
}

/** `"<md5>"` (or weak `W/"<md5>"`) → the hex MD5; a multipart or KMS ETag is no MD5 of the bytes. */
function etagMd5(etag: string | undefined): string | undefined {
  const value = etag?.replace(/^W\//, '').replace(/"/g, '').toLowerCase();
  return value !== undefined && /^[0-9a-f]{32}$/.test(value) ? value : undefined;
}

export function judgeSpaRoute(url: string, outcome: ProbeOutcome, ctx: DiagnosisContext = {}): CheckResult {
  const base = { name: 'spa-route' as const, url, expected: EXPECTED['spa-route'], got: describeOutcome(outcome) };
  if (outcome.error) return { ...base, passed: false, diagnosis: diagnoseEdgeError(outcome.error, url) };
  const { status, contentType, bodyStart } = outcome.response;
  if (status === 200 && isHtml(contentType)) return { ...base, passed: true };
  if (status === 200) {
    const snippet = bodySnippet(bodyStart);
    return {
      ...base,
      passed: false,
      diagnosis:
        `The deep route answered 200 but with ${contentType ? `Content-Type ${mediaType(contentType)}` : 'no Content-Type'}, not HTML, so the app will not load. ` +
        "The custom error response's Response page path must be /index.html (an HTML page), and index.html must be uploaded as text/html." +
        (snippet ? ` The body starts: ${snippet}` : ''),
    };
  }
  if (status === 403 || status === 404) {
    return { ...base, passed: false, diagnosis: FALLBACK_MISSING(status) };
  }
  return { ...base, passed: false, diagnosis: diagnoseOtherStatus(outcome.response, url, 'the deep route', ctx) };
}

export function judgeS3Private(url: string, outcome: ProbeOutcome, ctx: DiagnosisContext = {}): CheckResult {
  const base = { name: 's3-private' as const, url, expected: EXPECTED['s3-private'], got: describeOutcome(outcome) };
  if (outcome.error) return { ...base, passed: false, diagnosis: diagnoseS3Error(outcome.error, url, ctx) };
  const { status, bodyStart } = outcome.response;
  if (status === 403) return { ...base, passed: true };
  if (status === 200) {
    return {
      ...base,
      passed: false,
      diagnosis:
        'The bucket is still public: anyone can read it directly, so Origin Access Control is not what protects it. ' +
        'Block Public Access is off or a bucket policy (or ACL) grants public read. ' +
        'Turn on all four Block Public Access settings for the bucket, remove every statement with Principal "*" from the bucket policy (keep only the one for cloudfront.amazonaws.com with AWS:SourceArn), and turn off S3 static website hosting.',
    };
  }
  if (status === 404 && /NoSuchBucket/.test(bodyStart)) {
    return {
      ...base,
      passed: false,
      diagnosis:
        'There is no bucket at this URL: s3-check-url names the wrong bucket or region. Fix s3-check-url (or bucket/region), or set it to none.',
    };
  }
  if (status === 404) {
    return {
      ...base,
      passed: false,
      diagnosis:
        'S3 told an anonymous caller that the key does not exist, which it only does when anyone may list the bucket: the bucket is still public (a bucket policy or ACL grants s3:ListBucket to everyone, with Block Public Access off). ' +
        'Turn on Block Public Access and remove the public statements. If the object really is elsewhere, point s3-check-url at a key that exists.',
    };
  }
  if (status === 301 || /PermanentRedirect/.test(bodyStart)) {
    return {
      ...base,
      passed: false,
      diagnosis: 'S3 redirected: the bucket is in another region than the one in the URL. Fix region (or s3-check-url).',
    };
  }
  return {
    ...base,
    passed: false,
    diagnosis: `Expected S3 to deny an anonymous GET with 403 (a private bucket), got ${status}. Check that s3-check-url is the bucket's direct S3 URL, or set it to none.`,
  };
}

/**
 * The deploy state must not be readable through the site. Only its own bytes fail the check (a
 * warning): 403, 404 and the SPA fallback's index.html (200 text/html) pass.
 */
export function judgeStatePrivate(url: string, outcome: ProbeOutcome): CheckResult {
  const base = { name: 'state-private' as const, url, expected: EXPECTED['state-private'], got: describeOutcome(outcome), warnOnly: true };
  if (outcome.error)
    return { ...base, passed: false, diagnosis: `Could not probe the deploy state's URL: ${describeProbeError(outcome.error)}.` };
  const { status, contentType, bodyStart } = outcome.response;
  const served = status === 200 && bodyStart.includes(`"format":"${STATE_FORMAT}"`);
  if (status === 403 || status === 404 || (status === 200 && isHtml(contentType) && !served)) return { ...base, passed: true };
  if (served) {
    return {
      ...base,
      passed: false,
      diagnosis:
        "The deploy state is served to anyone: every file's name, size and MD5, and the deploy history. " +
        'Deny it to CloudFront in the bucket policy: a Deny statement for s3:GetObject on arn:aws:s3:::BUCKET/*.deploy-state.json with Principal {"Service": "cloudfront.amazonaws.com"} (as examples/cloudformation/site.yml does).',
    };
  }
  return { ...base, passed: false, diagnosis: `Expected 403, 404 or the SPA fallback for the deploy state's URL, got ${status}.` };
}

/** Cross-check the results: a route 403 while the root is 403 too says nothing about the fallback yet. */
export function refineDiagnoses(results: CheckResult[]): CheckResult[] {
  const root = results.find((r) => r.name === 'site-root');
  const rootDenied = root !== undefined && !root.passed && /^403\b/.test(root.got);
  if (!rootDenied) return results;
  return results.map((r) =>
    r.name === 'spa-route' && !r.passed && /^403\b/.test(r.got)
      ? {
          ...r,
          diagnosis:
            'The site root answers 403 as well, so CloudFront cannot read the bucket at all and no fallback can help: fix the site-root failure first (bucket policy trusting cloudfront.amazonaws.com with this distribution as AWS:SourceArn, and OAC attached to the origin). ' +
            'If deep routes still answer 403 after that, add custom error responses mapping 403 and 404 to /index.html with 200.',
        }
      : r,
  );
}

/** What was observed, for the summary's "got" column: "200 text/html", "403", "TLS error CERT_HAS_EXPIRED". */
export function describeOutcome(outcome: ProbeOutcome): string {
  if (outcome.error) return describeProbeError(outcome.error);
  const { status, contentType, location } = outcome.response;
  const type = mediaType(contentType);
  let got = type ? `${status} ${type}` : `${status}`;
  if (location && status >= 300 && status < 400) got += ` → ${location}`;
  return got;
}
