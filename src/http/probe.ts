/**
 * The HTTP(S) adapter behind the `Prober` port: one GET, the certificate chain and host name always
 * verified, redirects reported and never followed, the first bytes of the body kept for diagnoses and
 * the whole body hashed (MD5), so the site-root check can tell which index document was served.
 * It rejects with Node's own network/TLS error (its `code`: ENOTFOUND, ECONNREFUSED,
 * DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID, …) or ETIMEDOUT.
 */
import { createHash, type Hash } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { USER_AGENT } from '../names.js';
import type { ProbeResponse, Prober } from '../ports.js';

export interface ProberOptions {
  /** Give up on one request after this long (connect + TLS + headers + the body read). */
  timeoutMs?: number;
  /** How much of the body to keep. */
  maxBodyBytes?: number;
  /** How much of the body to read and hash; a longer body is cut there and gets no `bodyMd5`. */
  maxHashedBytes?: number;
  /**
   * Trust these PEM certificates instead of Node's bundled roots (tests only; the action itself uses
   * Node's roots plus NODE_EXTRA_CA_CERTS). Verification is never turned off.
   */
  ca?: string | string[];
}

export const DEFAULT_PROBE_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BODY_BYTES = 1024;
/** An index document is rarely over a few hundred KiB; a probe never reads more than this. */
export const DEFAULT_MAX_HASHED_BYTES = 16 * 1024 * 1024;

export function createProber(options: ProberOptions = {}): Prober {
  return { get: (url) => probe(url, options) };
}

function codedError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/** The URL to probe; rejects (with a code, like a network error) what is not an http(s) URL. */
function probeTarget(url: string): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw codedError('ERR_INVALID_URL', `not a URL: ${url}`);
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    throw codedError('ERR_INVALID_PROTOCOL', `only http(s) URLs can be checked: ${url}`);
  }
  return target;
}

function requestOptions(options: ProberOptions): https.RequestOptions {
  return {
    method: 'GET',
    // A fresh connection per probe: no pooled socket or TLS session outlives a check attempt.
    agent: false,
    headers: {
      'user-agent': `${USER_AGENT} (post-deploy check)`,
      accept: 'text/html,*/*;q=0.8',
      'accept-encoding': 'identity',
    },
    rejectUnauthorized: true,
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
  };
}

function probeResponse(res: http.IncomingMessage, chunks: Buffer[], maxBody: number, md5: string | undefined): ProbeResponse {
  const header = (name: string): string | undefined => {
    const v = res.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  return {
    status: res.statusCode ?? 0,
    contentType: header('content-type') ?? '',
    bodyStart: Buffer.concat(chunks).subarray(0, maxBody).toString('utf8'),
    ...(header('location') !== undefined ? { location: header('location') } : {}),
    ...(md5 !== undefined ? { bodyMd5: md5 } : {}),
    ...(header('etag') !== undefined ? { etag: header('etag') } : {}),
  };
}

function probe(url: string, options: ProberOptions): Promise<ProbeResponse> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxHashed = Math.max(options.maxHashedBytes ?? DEFAULT_MAX_HASHED_BYTES, maxBody);
  return new Promise<ProbeResponse>((resolve, reject) => {
    // A throw here rejects the promise.
    const target = probeTarget(url);
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const onResponse = (res: http.IncomingMessage): void => {
      const chunks: Buffer[] = [];
      const hash: Hash = createHash('md5');
      let size = 0;
      const done = (complete: boolean): void =>
        settle(() => {
          resolve(probeResponse(res, chunks, maxBody, complete ? hash.digest('hex') : undefined));
          res.destroy();
          req.destroy();
        });
      res.on('data', (chunk: Buffer) => {
        if (size < maxBody) chunks.push(chunk);
        size += chunk.length;
        hash.update(chunk);
        if (size > maxHashed) done(false);
      });
      res.on('end', () => done(true));
      res.on('error', (err) => settle(() => reject(err)));
      res.on('close', () => {
        if (res.complete) done(true);
        else settle(() => reject(codedError('ECONNRESET', 'the connection closed before the response ended')));
      });
    };
    const req =
      target.protocol === 'https:'
        ? https.request(target, requestOptions(options), onResponse)
        : http.request(target, requestOptions(options), onResponse);
    req.on('error', (err) => settle(() => reject(err)));
    const timer = setTimeout(() => {
      const err = codedError('ETIMEDOUT', `no response from ${target.host} within ${timeoutMs} ms`);
      settle(() => reject(err));
      req.destroy(err);
    }, timeoutMs);
    req.end();
  });
}
