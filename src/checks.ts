/**
 * Post-deploy checks: prove the pipeline is what it must be, or say in plain words why not.
 *
 * - site root: `GET <site-url>/` (with a prefix: `<site-url>/<prefix><index-document>`) → 200 over HTTPS;
 * - SPA route(s): a route that cannot exist (or the `check-routes` given) → 200 with text/html;
 * - private bucket: `s3-check-url` → 403.
 *
 * The verdicts and diagnoses are pure functions of (check, probe outcome) and are exported for tests;
 * `runChecks` only adds the probing, the retry loop and the logging.
 *
 * Decisions where the spec is silent:
 * - a plain-http site-url fails the site-root check (nothing proves valid TLS), without retrying;
 * - without a site URL the root and route checks cannot run: they are left out of the results and
 *   logged as skipped (`planChecks` says why), so only the S3 check runs;
 * - explicit check-routes are appended to site-url as written, also with a prefix;
 * - every failure is retried until check-timeout (DNS, certificates and policies all propagate);
 *   a passing check stops; the last attempt's verdict stands.
 */
import * as core from '@actions/core';
import type { Config } from './config';
import type { Clock, ProbeResponse, Prober, Sleep } from './ports';
import { realSleep } from './retry';
import type { CheckName, CheckResult } from './types';

export interface ChecksDeps {
  sleep?: Sleep;
  now?: Clock;
  random?: () => number;
}

/** One probe's result: an HTTP answer, or the network/TLS error that stopped it. */
export type ProbeOutcome = { response: ProbeResponse; error?: undefined } | { response?: undefined; error: ProbeError };

export interface ProbeError {
  /** Node's error code, e.g. ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED; 'Error' when there is none. */
  code: string;
  message: string;
}

/** What the diagnoses can name concretely; placeholders (BUCKET, REGION, …) otherwise. */
export interface DiagnosisContext {
  bucket?: string;
  region?: string;
  distributionId?: string;
}

export interface PlannedCheck {
  name: CheckName;
  url: string;
  expected: string;
}

export interface SkippedCheck {
  name: CheckName;
  /** Why it did not run, e.g. "check-routes is none". */
  reason: string;
}

/** Backoff between attempts of one check: capped exponential with equal jitter. */
export const CHECK_BASE_DELAY_MS = 500;
export const CHECK_MAX_DELAY_MS = 10_000;

export const EXPECTED = {
  'site-root': '200 over HTTPS',
  'spa-route': '200 text/html',
  's3-private': '403',
} as const satisfies Record<CheckName, string>;

/** Run the checks the config asks for against `siteUrl`; never throws for a failed check. */
export async function runChecks(
  prober: Prober,
  config: Config,
  siteUrl: string | undefined,
  deps: ChecksDeps = {},
): Promise<CheckResult[]> {
  const { sleep = realSleep, now = Date.now, random = Math.random } = deps;
  const { planned, skipped } = planChecks(config, siteUrl, random);
  for (const s of skipped) core.info(`Check ${s.name} skipped: ${s.reason}.`);
  const deadline = now() + config.checkTimeoutSeconds * 1000;
  const ctx: DiagnosisContext = { bucket: config.bucket, region: config.region, distributionId: config.distributionId };
  const runs = await Promise.all(planned.map((check) => runOne(prober, check, { deadline, sleep, now, random, ctx })));
  const refined = refineDiagnoses(runs.map((run) => run.result));
  refined.forEach((r, i) => {
    const tries = runs[i]!.attempts === 1 ? '1 attempt' : `${runs[i]!.attempts} attempts`;
    core.info(
      r.passed
        ? `✓ ${r.name} ${r.url}: ${r.got} (expected ${r.expected}; ${tries})`
        : `✗ ${r.name} ${r.url}: ${r.got} (expected ${r.expected}; ${tries}). ${r.diagnosis ?? ''}`.trimEnd(),
    );
  });
  return refined;
}

/** Which checks run, with their URLs, and which are skipped and why. Pure. */
export function planChecks(
  config: Pick<Config, 'prefix' | 'indexDocument' | 'checkRoutes' | 's3CheckUrl' | 'run'>,
  siteUrl: string | undefined,
  random: () => number = Math.random,
): { planned: PlannedCheck[]; skipped: SkippedCheck[] } {
  const planned: PlannedCheck[] = [];
  const skipped: SkippedCheck[] = [];
  const base = siteUrl?.replace(/\/+$/, '');
  const noSite = 'no site-url (set site-url, or distribution-id so that it is derived from the distribution)';
  if (base === undefined) {
    skipped.push({ name: 'site-root', reason: noSite });
  } else {
    planned.push({ name: 'site-root', url: siteRootUrl(base, config.prefix, config.indexDocument), expected: EXPECTED['site-root'] });
  }
  const routes = config.checkRoutes;
  if (routes.kind === 'none') {
    skipped.push({ name: 'spa-route', reason: 'check-routes is none' });
  } else if (routes.kind === 'auto' && config.prefix !== '') {
    skipped.push({
      name: 'spa-route',
      reason: `check-routes is auto and prefix '${config.prefix}' is set (a distribution-wide fallback serves the root index, not the preview's); list routes in check-routes to check them`,
    });
  } else if (base === undefined) {
    skipped.push({ name: 'spa-route', reason: noSite });
  } else {
    const paths = routes.kind === 'auto' ? [autoRoute(config.run.runId, random)] : routes.routes;
    for (const route of paths) planned.push({ name: 'spa-route', url: routeUrl(base, route), expected: EXPECTED['spa-route'] });
  }
  if (config.s3CheckUrl === null) {
    skipped.push({ name: 's3-private', reason: 's3-check-url is none' });
  } else {
    planned.push({ name: 's3-private', url: config.s3CheckUrl, expected: EXPECTED['s3-private'] });
  }
  return { planned, skipped };
}

/** `<site>/` at the bucket root; `<site>/<prefix><index-document>` (segments encoded) under a prefix. */
export function siteRootUrl(site: string, prefix: string, indexDocument: string): string {
  if (prefix === '') return `${site}/`;
  return `${site}/${(prefix + indexDocument).split('/').map(encodeURIComponent).join('/')}`;
}

/** The route as written, appended to the site URL; the URL parser encodes what must be encoded. */
export function routeUrl(site: string, route: string): string {
  const joined = `${site}${route.startsWith('/') ? '' : '/'}${route}`;
  try {
    return new URL(joined).toString();
  } catch {
    return joined;
  }
}

/** A route that cannot exist in the bucket, e.g. `/__deploy-check-1234/5f0c2a9e81d3`. */
export function autoRoute(runId: string, random: () => number): string {
  const hex = (): string =>
    Math.floor(random() * 0x1000000)
      .toString(16)
      .padStart(6, '0');
  const run = runId.replace(/[^A-Za-z0-9_-]/g, '') || 'local';
  return `/__deploy-check-${run}/${hex()}${hex()}`;
}

/** The verdict for one probe of one check. Pure. */
export function judge(check: PlannedCheck, outcome: ProbeOutcome, ctx: DiagnosisContext = {}): CheckResult {
  switch (check.name) {
    case 'site-root':
      return judgeSiteRoot(check.url, outcome, ctx);
    case 'spa-route':
      return judgeSpaRoute(check.url, outcome, ctx);
    case 's3-private':
      return judgeS3Private(check.url, outcome, ctx);
  }
}

/** `BUCKET.s3.REGION.amazonaws.com`, with the real names when known. */
function restEndpoint(ctx: DiagnosisContext): string {
  return `${ctx.bucket ?? 'BUCKET'}.s3.${ctx.region ?? 'REGION'}.amazonaws.com`;
}

export function judgeSiteRoot(url: string, outcome: ProbeOutcome, ctx: DiagnosisContext = {}): CheckResult {
  const plainHttp = outcome.response !== undefined && !isHttps(url);
  const got = describeOutcome(outcome) + (plainHttp ? ' over plain http' : '');
  const base = { name: 'site-root' as const, url, expected: EXPECTED['site-root'], got };
  if (outcome.error) return { ...base, passed: false, diagnosis: diagnoseEdgeError(outcome.error, url) };
  const { status } = outcome.response;
  if (status === 200) {
    if (isHttps(url)) return { ...base, passed: true };
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

const FALLBACK_MISSING = (status: number): string =>
  `A deep route answered ${status}: the SPA fallback is missing. ` +
  'Add CloudFront custom error responses that map 403 (what a private bucket answers for a missing key) and 404 to the response page /index.html with response code 200. ' +
  'A fallback configured only in S3 static website hosting does not count: CloudFront reads a private bucket through its REST endpoint, which ignores website settings. ' +
  'Note that custom error responses apply to the whole distribution, so they also rewrite 403/404 errors of an API served behind the same distribution.';

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
  if (outcome.error) return describeError(outcome.error);
  const { status, contentType, location } = outcome.response;
  const type = mediaType(contentType);
  let got = type ? `${status} ${type}` : `${status}`;
  if (location && status >= 300 && status < 400) got += ` → ${location}`;
  return got;
}

export type ErrorKind = 'tls' | 'dns' | 'refused' | 'reset' | 'timeout' | 'unreachable' | 'other';

const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_|^EPROTO$|HOSTNAME_MISMATCH/;

export function classifyError(code: string): ErrorKind {
  if (TLS_CODE.test(code)) return 'tls';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') return 'dns';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') return 'reset';
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') return 'timeout';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EHOSTDOWN' || code === 'ENETDOWN') return 'unreachable';
  return 'other';
}

export function describeError(error: ProbeError): string {
  switch (classifyError(error.code)) {
    case 'tls':
      return `TLS error ${error.code}`;
    case 'dns':
      return `DNS lookup failed (${error.code})`;
    case 'refused':
      return 'connection refused';
    case 'reset':
      return `connection reset (${error.code})`;
    case 'timeout':
      return 'timed out';
    case 'unreachable':
      return `host unreachable (${error.code})`;
    case 'other':
      return `error ${error.code}: ${error.message}`;
  }
}

/** Turn whatever the prober rejected with into a code and a message. */
export function toProbeError(err: unknown): ProbeError {
  if (typeof err !== 'object' || err === null) return { code: 'Error', message: String(err) };
  const e = err as { code?: unknown; name?: unknown; message?: unknown; errors?: unknown };
  let code = typeof e.code === 'string' ? e.code : undefined;
  // Node's happy-eyeballs connect may reject with an AggregateError of one error per address.
  if (code === undefined && Array.isArray(e.errors)) {
    const inner = e.errors.find((x) => typeof (x as { code?: unknown })?.code === 'string') as { code: string } | undefined;
    code = inner?.code;
  }
  return {
    code: code ?? (typeof e.name === 'string' ? e.name : 'Error'),
    message: typeof e.message === 'string' ? e.message : String(err),
  };
}

function tlsCause(code: string): string {
  if (code === 'CERT_HAS_EXPIRED') return 'the certificate has expired';
  if (code === 'CERT_NOT_YET_VALID') return 'the certificate is not valid yet';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH') return 'the certificate does not cover this host name';
  if (/SELF_SIGNED|UNABLE_TO_|LEAF_SIGNATURE/.test(code)) return 'the certificate chain does not lead to a trusted certificate authority';
  return 'the TLS handshake failed';
}

function diagnoseEdgeError(error: ProbeError, url: string): string {
  const host = hostOf(url);
  switch (classifyError(error.code)) {
    case 'tls':
      return (
        `TLS verification failed (${error.code}): ${tlsCause(error.code)} for ${host}. It is a certificate chain or host name problem. ` +
        'For a custom domain, the distribution needs an ACM certificate in us-east-1 that covers the name, and the name must be listed as an alternate domain name (CNAME); the chain must lead to a public CA and be in date. ' +
        'TLS verification cannot be turned off.'
      );
    case 'dns':
    case 'refused':
    case 'unreachable':
      return (
        `Could not reach ${host} (${describeError(error)}): the URL is wrong or the distribution is not deployed. ` +
        "Check site-url (or the distribution's domain name), that a custom domain's DNS record points to the distribution, and that the distribution is enabled and Deployed."
      );
    case 'reset':
    case 'timeout':
      return (
        `${host} did not answer (${describeError(error)}) within the check timeout: the URL is wrong, the distribution is not deployed yet, or the network dropped the request. ` +
        'Check site-url and that the distribution is Deployed; raise check-timeout if it is still propagating.'
      );
    case 'other':
      return `The request failed (${error.code}: ${error.message}). Check site-url.`;
  }
}

function diagnoseS3Error(error: ProbeError, url: string, ctx: DiagnosisContext): string {
  const host = hostOf(url);
  switch (classifyError(error.code)) {
    case 'tls':
      return (
        `TLS verification failed (${error.code}): ${tlsCause(error.code)} for ${host}. ` +
        (isDottedBucketHost(host, ctx)
          ? `A bucket name with dots does not match S3's wildcard certificate in a virtual-hosted URL: set s3-check-url to the path-style URL https://s3.${ctx.region ?? 'REGION'}.amazonaws.com/${ctx.bucket ?? 'BUCKET'}/KEY.`
          : 'Check s3-check-url.')
      );
    case 'dns':
    case 'refused':
    case 'unreachable':
    case 'reset':
    case 'timeout':
      return `Could not reach ${host} (${describeError(error)}): s3-check-url is wrong (check the bucket name and region), or set it to none.`;
    case 'other':
      return `The request failed (${error.code}: ${error.message}). Check s3-check-url.`;
  }
}

function diagnoseOtherStatus(response: ProbeResponse, url: string, what: string, ctx: DiagnosisContext): string {
  const { status, location } = response;
  if (status >= 300 && status < 400) {
    const to = location ? ` to ${location}` : '';
    if (location && /\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com/.test(location)) {
      return (
        `CloudFront passed on a redirect${to} from S3: the origin uses the bucket's global endpoint (a new bucket redirects until DNS catches up, for up to a day) or the S3 website endpoint. ` +
        `Set the origin domain to the bucket's regional REST endpoint ${restEndpoint(ctx)}, with Origin Access Control.`
      );
    }
    if (location && !isHttps(url) && location.startsWith('https://')) {
      return `${capitalize(what)} redirects${to}: use the https:// address as site-url.`;
    }
    return `${capitalize(what)} answered a redirect${to} (redirects are not followed): set site-url to the final address.`;
  }
  if (status >= 500) {
    return (
      `CloudFront answered ${status}: it could not get ${what} from the origin. ` +
      `Check that the origin domain is the bucket's REST endpoint ${restEndpoint(ctx)} (not the s3-website endpoint, which does not speak HTTPS) and that the distribution is Deployed.`
    );
  }
  return `Expected ${what} to answer 200, got ${status}.`;
}

/** A virtual-hosted S3 URL for a bucket whose name has dots: S3's *.s3.REGION.amazonaws.com certificate cannot match it. */
function isDottedBucketHost(host: string, ctx: DiagnosisContext): boolean {
  if (ctx.bucket !== undefined) return ctx.bucket.includes('.') && host.startsWith(`${ctx.bucket}.s3`);
  return /\..*\.s3[.-]/.test(host);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function isHtml(contentType: string): boolean {
  return mediaType(contentType) === 'text/html';
}

/** `text/html; charset=utf-8` → `text/html`. */
export function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

function bodySnippet(body: string): string {
  const oneLine = body.replace(/\s+/g, ' ').trim();
  if (oneLine === '') return '';
  return JSON.stringify(oneLine.length > 100 ? `${oneLine.slice(0, 100)}…` : oneLine);
}

function isHttps(url: string): boolean {
  return url.toLowerCase().startsWith('https://');
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Delay before attempt `attempt + 1`: min(cap, base·2^(attempt-1)), half of it jittered. */
export function checkDelay(attempt: number, random: () => number): number {
  const ceiling = Math.min(CHECK_MAX_DELAY_MS, CHECK_BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** A failure that no amount of waiting fixes (a plain-http site root). */
function isPermanent(check: PlannedCheck, outcome: ProbeOutcome): boolean {
  return check.name === 'site-root' && outcome.response?.status === 200 && !isHttps(check.url);
}

interface Loop {
  deadline: number;
  sleep: Sleep;
  now: Clock;
  random: () => number;
  ctx: DiagnosisContext;
}

/** Probe until the check passes or the deadline has passed; the last attempt's verdict stands. */
async function runOne(prober: Prober, check: PlannedCheck, loop: Loop): Promise<{ result: CheckResult; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    let outcome: ProbeOutcome;
    try {
      outcome = { response: await prober.get(check.url) };
    } catch (err) {
      outcome = { error: toProbeError(err) };
    }
    const result = judge(check, outcome, loop.ctx);
    const remaining = loop.deadline - loop.now();
    if (result.passed || remaining <= 0 || isPermanent(check, outcome)) {
      core.debug(`${check.name} attempt ${attempt}: GET ${check.url} → ${result.got}${result.passed ? '' : ' (giving up)'}`);
      return { result, attempts: attempt };
    }
    const delay = Math.min(remaining, checkDelay(attempt, loop.random));
    core.debug(`${check.name} attempt ${attempt}: GET ${check.url} → ${result.got}, expected ${check.expected}; retrying in ${delay} ms`);
    await loop.sleep(delay);
  }
}
