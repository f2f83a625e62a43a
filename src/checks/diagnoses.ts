/** Why a check failed, in plain words: probe errors classified, and the fix for each network, TLS and status failure. Pure. */
import type { ProbeResponse } from '../ports.js';

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
  /** '' or 'pr-7/'. */
  prefix?: string;
}

/** `BUCKET.s3.REGION.amazonaws.com`, with the real names when known. */
export function restEndpoint(ctx: DiagnosisContext): string {
  return `${ctx.bucket ?? 'BUCKET'}.s3.${ctx.region ?? 'REGION'}.amazonaws.com`;
}

/** The site root served 200, but not the index document this run deployed, though nothing should serve an older one. */
export function diagnoseOtherIndex(served: string, deployed: string, ctx: DiagnosisContext): string {
  const origin = `bucket ${ctx.bucket ?? 'BUCKET'}${ctx.prefix ? ` (the files are under '${ctx.prefix}')` : ''}`;
  const seen = `The site root answered 200, but not with the index document this run deployed (served MD5 ${served}, deployed ${deployed}). `;
  if (ctx.distributionId) {
    return (
      seen +
      `The invalidation has completed, so distribution ${ctx.distributionId} reads another origin, or another cache sits in front of it: ` +
      `check that its S3 origin is ${origin}, with an origin path that matches.`
    );
  }
  return (
    seen +
    `site-url does not serve this bucket, or a cache in front of it keeps an older copy (with no distribution-id, nothing is invalidated): ` +
    `set site-url to the address of the distribution in front of ${origin}, and distribution-id to that distribution.`
  );
}

export const FALLBACK_MISSING = (status: number): string =>
  `A deep route answered ${status}: the SPA fallback is missing. ` +
  'Add CloudFront custom error responses that map 403 (what a private bucket answers for a missing key) and 404 to the response page /index.html with response code 200. ' +
  'A fallback configured only in S3 static website hosting does not count: CloudFront reads a private bucket through its REST endpoint, which ignores website settings. ' +
  'Note that custom error responses apply to the whole distribution, so they also rewrite 403/404 errors of an API served behind the same distribution.';

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

export function describeProbeError(error: ProbeError): string {
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

export function diagnoseEdgeError(error: ProbeError, url: string): string {
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
        `Could not reach ${host} (${describeProbeError(error)}): the URL is wrong or the distribution is not deployed. ` +
        "Check site-url (or the distribution's domain name), that a custom domain's DNS record points to the distribution, and that the distribution is enabled and Deployed."
      );
    case 'reset':
    case 'timeout':
      return (
        `${host} did not answer (${describeProbeError(error)}) within the check timeout: the URL is wrong, the distribution is not deployed yet, or the network dropped the request. ` +
        'Check site-url and that the distribution is Deployed; raise check-timeout if it is still propagating.'
      );
    case 'other':
      return `The request failed (${error.code}: ${error.message}). Check site-url.`;
  }
}

export function diagnoseS3Error(error: ProbeError, url: string, ctx: DiagnosisContext): string {
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
      return `Could not reach ${host} (${describeProbeError(error)}): s3-check-url is wrong (check the bucket name and region), or set it to none.`;
    case 'other':
      return `The request failed (${error.code}: ${error.message}). Check s3-check-url.`;
  }
}

export function diagnoseOtherStatus(response: ProbeResponse, url: string, what: string, ctx: DiagnosisContext): string {
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

export function bodySnippet(body: string): string {
  const oneLine = body.replace(/\s+/g, ' ').trim();
  if (oneLine === '') return '';
  return JSON.stringify(oneLine.length > 100 ? `${oneLine.slice(0, 100)}…` : oneLine);
}

export function isHttps(url: string): boolean {
  return url.toLowerCase().startsWith('https://');
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
