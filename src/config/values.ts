/** Readers of input values: booleans, numbers, choices, lists, globs, Cache-Control rules, paths, routes and URLs. */
import picomatch from 'picomatch';
import { ConfigError, shown } from '../errors.js';
import { Inputs, type InputName } from '../names.js';

export type Read = (name: InputName) => string;

export interface CacheRule {
  glob: string;
  value: string;
}

export type PathList = { kind: 'auto' } | { kind: 'none' } | { kind: 'explicit'; paths: string[] };

export type CheckRoutes = { kind: 'auto' } | { kind: 'none' } | { kind: 'explicit'; routes: string[] };

/** `max-delete`: a count of objects, or a share (percent) of the objects in scope; `input` as written, for messages. */
export type DeleteLimit = { kind: 'count'; count: number; input: string } | { kind: 'share'; percent: number; input: string };

/** S3 object keys are at most 1,024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;
/** CloudFront refuses URLs longer than 8,192 bytes. */
export const MAX_URL_BYTES = 8192;
export function utf8Bytes(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

export function nonEmpty(read: Read, name: InputName): string {
  const value = read(name);
  if (value === '') throw new ConfigError(name, 'is empty', 'Set it, or remove it to use the default.');
  return value;
}

export function bool(read: Read, name: InputName): boolean {
  const value = read(name);
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigError(name, `${shown(value)} is not a boolean`, "Use 'true' or 'false'.");
}

export function int(read: Read, name: InputName, min: number, max: number): number {
  const value = read(name);
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(name, `${shown(value)} is not a whole number from ${min} to ${max}`, `Use a whole number from ${min} to ${max}.`);
  }
  return Number(value);
}

const DURATION_UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `0`, or a whole number with a unit (`90s`, `30m`, `12h`, `7d`), at most `maxDays` days; in milliseconds. */
export function duration(read: Read, name: InputName, maxDays: number): number {
  const value = read(name);
  const match = /^(\d{1,6})([smhd])$/.exec(value);
  const ms = value === '0' ? 0 : match ? Number(match[1]) * (DURATION_UNIT_MS[match[2]!] ?? NaN) : NaN;
  if (!(ms <= maxDays * DURATION_UNIT_MS.d!)) {
    throw new ConfigError(
      name,
      `${shown(value)} is not a duration of at most ${maxDays}d`,
      `Use 0, or a whole number with a unit: '90s', '30m', '12h' or '7d' (at most '${maxDays}d').`,
    );
  }
  return ms;
}

export function oneOf<T extends string>(read: Read, name: InputName, allowed: readonly T[]): T {
  const value = read(name);
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(name, `${shown(value)} is not allowed`, `Use one of: ${allowed.join(', ')}.`);
}

/** Lines, or comma-separated items; commas inside {braces} belong to the glob. */
export function splitList(value: string): string[] {
  const items: string[] = [];
  for (const line of value.split('\n')) {
    let depth = 0;
    let current = '';
    for (const ch of line) {
      if (ch === '{') depth++;
      if (ch === '}') depth = Math.max(0, depth - 1);
      if (ch === ',' && depth === 0) {
        items.push(current);
        current = '';
      } else {
        current += ch;
      }
    }
    items.push(current);
  }
  return items.map((s) => s.trim()).filter((s) => s !== '' && !s.startsWith('#'));
}

export function globList(read: Read, name: InputName): string[] {
  const globs = splitList(read(name));
  for (const glob of globs) checkGlob(name, glob);
  return globs;
}

export function checkGlob(name: InputName, glob: string): void {
  if (glob.startsWith('/')) {
    throw new ConfigError(
      name,
      `glob ${shown(glob)} starts with '/'`,
      'Globs are relative to source-dir (and prefix): drop the leading slash.',
    );
  }
  try {
    picomatch.makeRe(glob, { strictBrackets: true });
  } catch (err) {
    throw new ConfigError(name, `glob ${shown(glob)} is not valid (${(err as Error).message})`, 'Fix the glob syntax.');
  }
}

export function parseCacheRules(value: string): CacheRule[] {
  return value
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^(\S.*?)\s*:\s+(\S.*)$/.exec(line);
      if (!match || !match[1] || !match[2]) {
        throw new ConfigError(
          Inputs.CacheControl,
          `line ${shown(line)} is not 'GLOB: VALUE'`,
          "Write one rule per line, e.g. '**/*.html: no-cache' (a space after the colon).",
        );
      }
      checkGlob(Inputs.CacheControl, match[1]);
      checkCacheControlValue(match[2]);
      return { glob: match[1], value: match[2] };
    });
}

/** The value becomes a Cache-Control header of every PutObject: printable ASCII, and short. */
function checkCacheControlValue(value: string): void {
  if (!/^[\x20-\x7e\t]*$/.test(value)) {
    throw new ConfigError(
      Inputs.CacheControl,
      `value ${shown(value)} contains a character that is not printable ASCII`,
      "HTTP header values are ASCII: retype it, e.g. 'public, max-age=31536000, immutable'.",
    );
  }
  if (value.length > 2048) {
    throw new ConfigError(
      Inputs.CacheControl,
      `value ${shown(value)} is too long for a header (S3 accepts at most 8 KB of headers per upload)`,
      "Keep it to a few directives, e.g. 'public, max-age=31536000, immutable'.",
    );
  }
}

export function parseInvalidationPaths(value: string): PathList {
  if (value === 'auto') return { kind: 'auto' };
  if (value === 'none') return { kind: 'none' };
  const paths = value
    .split('\n')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  for (const p of paths) {
    if (!p.startsWith('/')) {
      throw new ConfigError(
        Inputs.InvalidationPaths,
        `path ${shown(p)} does not start with '/'`,
        "Write paths as CloudFront expects them, e.g. '/index.html' or '/assets/*', or use 'auto' or 'none'.",
      );
    }
    if (p.indexOf('*') !== -1 && p.indexOf('*') !== p.length - 1) {
      throw new ConfigError(
        Inputs.InvalidationPaths,
        `path ${shown(p)} has a '*' that is not at the end`,
        "CloudFront allows '*' only as the last character, e.g. '/assets/*'.",
      );
    }
    if (p.length > 4000) {
      throw new ConfigError(
        Inputs.InvalidationPaths,
        `path ${shown(p)} is longer than CloudFront's limit of 4,000 characters`,
        "Invalidate a shorter path, or a folder with '*' (e.g. '/assets/*').",
      );
    }
  }
  if (paths.length > 3000) {
    throw new ConfigError(
      Inputs.InvalidationPaths,
      `lists ${paths.length} paths`,
      'CloudFront accepts at most 3,000 per invalidation: use wildcards.',
    );
  }
  return { kind: 'explicit', paths };
}

export function parseHttpUrl(name: InputName, value: string): URL {
  if (utf8Bytes(value) > MAX_URL_BYTES) {
    throw new ConfigError(
      name,
      `${shown(value)} is longer than CloudFront's limit of ${MAX_URL_BYTES} bytes for a URL`,
      'Use a shorter URL.',
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `${shown(value)} is not a URL`, 'Use a full URL such as https://www.example.com.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(name, `${shown(value)} is not an http(s) URL`, 'Use a URL starting with https://.');
  }
  return url;
}

export function parseSiteUrl(value: string): string | undefined {
  if (value === '') return undefined;
  const url = parseHttpUrl(Inputs.SiteUrl, value);
  if (url.search || url.hash) {
    throw new ConfigError(Inputs.SiteUrl, `${shown(value)} has a query or fragment`, 'Give the origin (and optional base path) only.');
  }
  return url.toString().replace(/\/+$/, '');
}

export function parseCheckRoutes(value: string): CheckRoutes {
  if (value === 'auto') return { kind: 'auto' };
  if (value === 'none') return { kind: 'none' };
  const routes = value
    .split('\n')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  for (const route of routes) {
    if (!route.startsWith('/')) {
      throw new ConfigError(
        Inputs.CheckRoutes,
        `route ${shown(route)} does not start with '/'`,
        "Write routes as paths, e.g. '/collections/tents', or use 'auto' or 'none'.",
      );
    }
    if (utf8Bytes(route) > MAX_URL_BYTES) {
      throw new ConfigError(
        Inputs.CheckRoutes,
        `route ${shown(route)} is longer than CloudFront's limit of ${MAX_URL_BYTES} bytes for a URL`,
        'Use a shorter route.',
      );
    }
  }
  return { kind: 'explicit', routes };
}

/**
 * The default is the index document's direct S3 URL: on the custom endpoint when there is one
 * (path-style), path-style on S3 for a bucket name with dots (no certificate covers
 * `a.b.s3.<region>.amazonaws.com`), else virtual-hosted.
 */
export function parseS3CheckUrl(
  value: string,
  object: { bucket: string; region: string; prefix: string; indexDocument: string; s3Endpoint?: string },
): string | null {
  if (value === 'none') return null;
  if (value !== '') return parseHttpUrl(Inputs.S3CheckUrl, value).toString();
  const { bucket, region, s3Endpoint } = object;
  const key = (object.prefix + object.indexDocument).split('/').map(encodeURIComponent).join('/');
  if (s3Endpoint !== undefined) return `${s3Endpoint}/${bucket}/${key}`;
  if (bucket.includes('.')) return `https://s3.${region}.amazonaws.com/${bucket}/${key}`;
  return `https://${bucket}.s3.${region}.amazonaws.com/${key}`;
}

/** The S3 endpoint the SDK takes from the environment (AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL), without a trailing slash. */
export function s3EndpointFrom(env: Record<string, string | undefined>): string | undefined {
  const value = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
  return value ? value.replace(/\/+$/, '') : undefined;
}

/** `max-delete`: empty (no limit), a count (`500`) or a share of the objects in scope (`25%`, `2.5%`). */
export function parseMaxDelete(value: string): DeleteLimit | undefined {
  if (value === '') return undefined;
  if (/^\d{1,9}$/.test(value)) return { kind: 'count', count: Number(value), input: value };
  const share = /^(\d{1,3}(?:\.\d+)?)%$/.exec(value);
  if (share && Number(share[1]) <= 100) return { kind: 'share', percent: Number(share[1]), input: value };
  throw new ConfigError(
    Inputs.MaxDelete,
    `${shown(value)} is neither a count of objects nor a percentage from 0% to 100%`,
    "Use a number such as '500', a share of the objects in scope such as '25%', or leave it empty for no limit.",
  );
}
