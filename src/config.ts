/**
 * Inputs are read once, here, into a typed and validated Config. Every check runs before any
 * network call; each error names the input and the fix. Nothing else reads inputs.
 */
import * as path from 'node:path';
import picomatch from 'picomatch';
import { ConfigError, escapeChar, shown } from './errors';
import { Inputs, type InputName } from './names';

export type ReadInput = (name: InputName) => string;
export type Env = Record<string, string | undefined>;

export interface CacheRule {
  glob: string;
  value: string;
}

export type PathList = { kind: 'auto' } | { kind: 'none' } | { kind: 'explicit'; paths: string[] };

/** What the workflow run is about (from GITHUB_* variables and the event file). */
export interface RunContext {
  eventName: string;
  /** `action` of the event payload, e.g. `closed` for a pull_request. */
  eventAction?: string;
  prNumber?: number;
  /** Head commit of the pull request, else GITHUB_SHA. */
  sha: string;
  repository: { owner: string; repo: string } | undefined;
  runId: string;
  runAttempt: string;
  /** Whether the PR comes from a fork (no OIDC token, read-only token). */
  fromFork: boolean;
}

export interface Config {
  bucket: string;
  /** Absolute path; undefined in remove mode. */
  sourceDir: string;
  region: string;
  /** '' or a normalised prefix ending in '/', e.g. 'pr-42/'. */
  prefix: string;
  delete: boolean;
  include: string[];
  exclude: string[];
  cacheControl: CacheRule[];
  indexDocument: string;
  concurrency: number;
  force: boolean;
  dryRun: boolean;
  /** The mode in effect, `auto` resolved. */
  mode: 'deploy' | 'remove';
  distributionId?: string;
  invalidationPaths: PathList;
  waitForInvalidation: boolean;
  invalidationTimeoutSeconds: number;
  roleToAssume?: string;
  roleSessionName: string;
  audience: string;
  checks: boolean;
  /** Without trailing slash; undefined until derived from the distribution. */
  siteUrl?: string;
  checkRoutes: { kind: 'auto' } | { kind: 'none' } | { kind: 'explicit'; routes: string[] };
  /** null = skip the check. */
  s3CheckUrl: string | null;
  checkTimeoutSeconds: number;
  githubToken: string;
  prComment: boolean;
  run: RunContext;
}

/** Defaults, identical to action.yml (a test holds them together). */
export const DEFAULTS: Partial<Record<InputName, string>> = {
  [Inputs.SourceDir]: 'build',
  [Inputs.Prefix]: '',
  [Inputs.Delete]: 'true',
  [Inputs.Include]: '',
  [Inputs.Exclude]: '',
  [Inputs.CacheControl]: '**/*.html: no-cache',
  [Inputs.IndexDocument]: 'index.html',
  [Inputs.Concurrency]: '32',
  [Inputs.Force]: 'false',
  [Inputs.DryRun]: 'false',
  [Inputs.Mode]: 'deploy',
  [Inputs.DistributionId]: '',
  [Inputs.InvalidationPaths]: 'auto',
  [Inputs.WaitForInvalidation]: 'false',
  [Inputs.InvalidationTimeout]: '600',
  [Inputs.RoleToAssume]: '',
  [Inputs.RoleSessionName]: 'github-actions-deploy',
  [Inputs.Audience]: 'sts.amazonaws.com',
  [Inputs.Checks]: 'true',
  [Inputs.SiteUrl]: '',
  [Inputs.CheckRoutes]: 'auto',
  [Inputs.S3CheckUrl]: '',
  [Inputs.CheckTimeout]: '120',
  [Inputs.PrComment]: 'true',
};

const MAX_INPUT_LENGTH = 16 * 1024;
// Control characters other than tab/newline (C0, DEL and C1) have no business in any input.
const CONTROL_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
// Inputs that are lists, one item per line; every other input is a single value on one line.
const MULTI_LINE: ReadonlySet<InputName> = new Set([
  Inputs.Include,
  Inputs.Exclude,
  Inputs.CacheControl,
  Inputs.InvalidationPaths,
  Inputs.CheckRoutes,
]);
const LINE_BREAKS = /[\n\u2028\u2029]/;
/** S3 object keys are at most 1,024 bytes of UTF-8. */
const MAX_KEY_BYTES = 1024;
/** CloudFront refuses URLs longer than 8,192 bytes. */
const MAX_URL_BYTES = 8192;
function utf8Bytes(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

export function parseConfig(readRaw: ReadInput, env: Env, event: unknown): Config {
  const read = (name: InputName): string => {
    const raw = readRaw(name);
    const value = raw === '' ? (DEFAULTS[name] ?? '') : raw;
    if (value.length > MAX_INPUT_LENGTH) {
      throw new ConfigError(name, `is ${value.length} characters long`, `Keep it under ${MAX_INPUT_LENGTH}.`);
    }
    const control = CONTROL_CHARS.exec(value);
    if (control) {
      throw new ConfigError(
        name,
        `contains a control character (${escapeChar(control[0])} at position ${control.index + 1})`,
        'Remove it: it is invisible in the workflow file, often pasted along with the value.',
      );
    }
    const trimmed = value.trim();
    if (!MULTI_LINE.has(name) && LINE_BREAKS.test(trimmed)) {
      throw new ConfigError(
        name,
        'contains a line break',
        "Give a single value on one line (a YAML block scalar such as '|' or '>' can join several lines into it).",
      );
    }
    return trimmed;
  };
  const run = parseRunContext(env, event);
  const requestedMode = oneOf(read, Inputs.Mode, ['deploy', 'remove', 'auto'] as const);
  const mode = requestedMode === 'auto' ? autoMode(run) : requestedMode;
  const prefix = parsePrefix(read(Inputs.Prefix));
  if (mode === 'remove' && prefix === '') {
    throw new ConfigError(
      Inputs.Prefix,
      `is empty with mode '${requestedMode}' resolving to 'remove', which would empty the whole bucket`,
      "Set 'prefix' to the preview's folder (e.g. pr-${{ github.event.number }}).",
    );
  }
  const bucket = parseBucket(read(Inputs.Bucket));
  const region = parseRegion(read(Inputs.Region), env);
  const indexDocument = parseIndexDocument(read(Inputs.IndexDocument));
  const indexKeyBytes = utf8Bytes(prefix + indexDocument);
  if (indexKeyBytes > MAX_KEY_BYTES) {
    throw new ConfigError(
      Inputs.Prefix,
      `${shown(prefix)} with index-document ${shown(indexDocument)} makes a key of ${indexKeyBytes} bytes, over S3's limit of ${MAX_KEY_BYTES}`,
      "Use a short prefix such as 'pr-42'.",
    );
  }
  const distributionId = optional(read(Inputs.DistributionId));
  if (distributionId !== undefined && !/^[A-Z0-9]{1,64}$/.test(distributionId)) {
    throw new ConfigError(
      Inputs.DistributionId,
      `${shown(distributionId)} is not a CloudFront distribution id`,
      'Use the id (like E1ABCDEF2GHIJK), not the domain name or ARN.',
    );
  }
  return {
    bucket,
    sourceDir: parseSourceDir(read(Inputs.SourceDir), env),
    region,
    prefix,
    delete: bool(read, Inputs.Delete),
    include: globList(read, Inputs.Include),
    exclude: globList(read, Inputs.Exclude),
    cacheControl: parseCacheRules(read(Inputs.CacheControl)),
    indexDocument,
    concurrency: int(read, Inputs.Concurrency, 1, 256),
    force: bool(read, Inputs.Force),
    dryRun: bool(read, Inputs.DryRun),
    mode,
    distributionId,
    invalidationPaths: parseInvalidationPaths(read(Inputs.InvalidationPaths)),
    waitForInvalidation: bool(read, Inputs.WaitForInvalidation),
    invalidationTimeoutSeconds: int(read, Inputs.InvalidationTimeout, 1, 3600),
    roleToAssume: parseRoleArn(read(Inputs.RoleToAssume)),
    roleSessionName: parseSessionName(read(Inputs.RoleSessionName)),
    audience: parseAudience(nonEmpty(read, Inputs.Audience)),
    checks: bool(read, Inputs.Checks),
    siteUrl: parseSiteUrl(read(Inputs.SiteUrl)),
    checkRoutes: parseCheckRoutes(read(Inputs.CheckRoutes)),
    s3CheckUrl: parseS3CheckUrl(read(Inputs.S3CheckUrl), bucket, region, prefix, indexDocument),
    checkTimeoutSeconds: int(read, Inputs.CheckTimeout, 0, 3600),
    githubToken: read(Inputs.GithubToken),
    prComment: bool(read, Inputs.PrComment),
    run,
  };
}

type Read = (name: InputName) => string;

function optional(value: string): string | undefined {
  return value === '' ? undefined : value;
}

function nonEmpty(read: Read, name: InputName): string {
  const value = read(name);
  if (value === '') throw new ConfigError(name, 'is empty', 'Set it, or remove it to use the default.');
  return value;
}

function bool(read: Read, name: InputName): boolean {
  const value = read(name);
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigError(name, `${shown(value)} is not a boolean`, "Use 'true' or 'false'.");
}

function int(read: Read, name: InputName, min: number, max: number): number {
  const value = read(name);
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(name, `${shown(value)} is not a whole number from ${min} to ${max}`, `Use a whole number from ${min} to ${max}.`);
  }
  return Number(value);
}

function oneOf<T extends string>(read: Read, name: InputName, allowed: readonly T[]): T {
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

function globList(read: Read, name: InputName): string[] {
  const globs = splitList(read(name));
  for (const glob of globs) checkGlob(name, glob);
  return globs;
}

function checkGlob(name: InputName, glob: string): void {
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

export function parsePrefix(raw: string): string {
  const trimmed = raw.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  const segments = trimmed.split('/');
  for (const segment of segments) {
    if (segment === '..' || segment === '.') {
      throw new ConfigError(Inputs.Prefix, `${shown(raw)} contains a '${segment}' segment`, "Use a plain folder name such as 'pr-42'.");
    }
    if (segment === '') {
      throw new ConfigError(Inputs.Prefix, `${shown(raw)} contains '//'`, "Use single slashes, e.g. 'previews/pr-42'.");
    }
    if (/[\\*?[\]{}\s]/.test(segment)) {
      throw new ConfigError(
        Inputs.Prefix,
        `${shown(raw)} contains whitespace, a backslash or a glob character`,
        "Use letters, digits, '-', '_' and '.' (e.g. 'pr-42').",
      );
    }
  }
  const prefix = `${trimmed}/`;
  if (utf8Bytes(prefix) >= MAX_KEY_BYTES) {
    throw new ConfigError(
      Inputs.Prefix,
      `${shown(raw)} is ${utf8Bytes(prefix)} bytes long (UTF-8), and every key starts with it: S3 keys are at most ${MAX_KEY_BYTES} bytes`,
      "Use a short folder name such as 'pr-42'.",
    );
  }
  return prefix;
}

function parseBucket(value: string): string {
  if (value === '') throw new ConfigError(Inputs.Bucket, 'is required', "Set 'bucket' to the bucket's name (not its ARN or URL).");
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value)) {
    throw new ConfigError(
      Inputs.Bucket,
      `${shown(value)} is not a valid S3 bucket name`,
      "Use the bucket's name only (3-63 lowercase letters, digits, '.', '-'), not an ARN or URL.",
    );
  }
  return value;
}

function parseRegion(value: string, env: Env): string {
  const region = value || env.AWS_REGION || env.AWS_DEFAULT_REGION || '';
  if (region === '') {
    throw new ConfigError(
      Inputs.Region,
      'is not set and neither is AWS_REGION nor AWS_DEFAULT_REGION',
      "Set 'region' to the bucket's region, e.g. us-east-1.",
    );
  }
  if (region.length > 63 || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new ConfigError(Inputs.Region, `${shown(region)} is not an AWS region`, 'Use a region code such as us-east-1 or eu-west-3.');
  }
  return region;
}

function parseIndexDocument(value: string): string {
  if (value === '' || value.startsWith('/') || value.includes('\\') || value.split('/').some((s) => s === '..' || s === '.' || s === '')) {
    throw new ConfigError(
      Inputs.IndexDocument,
      `${shown(value)} is not a file name inside source-dir`,
      "Use a relative file name such as 'index.html'.",
    );
  }
  if (utf8Bytes(value) > MAX_KEY_BYTES) {
    throw new ConfigError(
      Inputs.IndexDocument,
      `${shown(value)} is ${utf8Bytes(value)} bytes long (UTF-8), over S3's limit of ${MAX_KEY_BYTES} for a key`,
      "Use the file name of the site's entry page, e.g. 'index.html'.",
    );
  }
  return value;
}

/** The longest file or folder name file systems allow (NAME_MAX). */
const MAX_NAME_BYTES = 255;

function parseSourceDir(value: string, env: Env): string {
  const longName = value.split('/').find((name) => utf8Bytes(name) > MAX_NAME_BYTES);
  if (longName !== undefined) {
    throw new ConfigError(
      Inputs.SourceDir,
      `${shown(value)} has a folder name of ${utf8Bytes(longName)} bytes, longer than any file system allows (${MAX_NAME_BYTES})`,
      "Set it to the build output folder, relative to the workspace, e.g. 'build' or 'dist'.",
    );
  }
  const sourceDir = path.resolve(env.GITHUB_WORKSPACE ?? process.cwd(), value);
  if (utf8Bytes(sourceDir) > 4096) {
    throw new ConfigError(
      Inputs.SourceDir,
      `${shown(value)} makes a path of ${utf8Bytes(sourceDir)} bytes, longer than any directory can have (4,096)`,
      "Set it to the build output folder, relative to the workspace, e.g. 'build' or 'dist'.",
    );
  }
  return sourceDir;
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

function parseInvalidationPaths(value: string): PathList {
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

function parseRoleArn(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 2048 || !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(value)) {
    throw new ConfigError(
      Inputs.RoleToAssume,
      `${shown(value)} is not an IAM role ARN`,
      'Use the full ARN, e.g. arn:aws:iam::123456789012:role/deploy-site.',
    );
  }
  return value;
}

function parseSessionName(value: string): string {
  if (!/^[\w+=,.@-]{2,64}$/.test(value)) {
    throw new ConfigError(
      Inputs.RoleSessionName,
      `${shown(value)} is not a valid session name`,
      "Use 2-64 characters from letters, digits and '+=,.@_-'.",
    );
  }
  return value;
}

function parseAudience(value: string): string {
  if (value.length > 255) {
    throw new ConfigError(
      Inputs.Audience,
      `${shown(value)} is longer than the 255 characters IAM allows for an OIDC audience (client ID)`,
      "Use the audience your IAM OIDC provider lists, usually 'sts.amazonaws.com'.",
    );
  }
  return value;
}

function parseHttpUrl(name: InputName, value: string): URL {
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

function parseSiteUrl(value: string): string | undefined {
  if (value === '') return undefined;
  const url = parseHttpUrl(Inputs.SiteUrl, value);
  if (url.search || url.hash) {
    throw new ConfigError(Inputs.SiteUrl, `${shown(value)} has a query or fragment`, 'Give the origin (and optional base path) only.');
  }
  return url.toString().replace(/\/+$/, '');
}

function parseCheckRoutes(value: string): Config['checkRoutes'] {
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

function parseS3CheckUrl(value: string, bucket: string, region: string, prefix: string, indexDocument: string): string | null {
  if (value === 'none') return null;
  if (value !== '') return parseHttpUrl(Inputs.S3CheckUrl, value).toString();
  const key = (prefix + indexDocument).split('/').map(encodeURIComponent).join('/');
  return `https://${bucket}.s3.${region}.amazonaws.com/${key}`;
}

function autoMode(run: RunContext): 'deploy' | 'remove' {
  const isPr = run.eventName === 'pull_request' || run.eventName === 'pull_request_target';
  return isPr && run.eventAction === 'closed' ? 'remove' : 'deploy';
}

function parseRunContext(env: Env, event: unknown): RunContext {
  const payload = (event ?? {}) as {
    action?: unknown;
    number?: unknown;
    pull_request?: {
      number?: unknown;
      head?: { sha?: unknown; repo?: { full_name?: unknown } };
      base?: { repo?: { full_name?: unknown } };
    };
  };
  const pr = payload.pull_request;
  const prNumber = typeof pr?.number === 'number' ? pr.number : typeof payload.number === 'number' ? payload.number : undefined;
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const headRepo = pr?.head?.repo?.full_name;
  const baseRepo = pr?.base?.repo?.full_name;
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    eventAction: typeof payload.action === 'string' ? payload.action : undefined,
    prNumber,
    sha: typeof pr?.head?.sha === 'string' ? pr.head.sha : (env.GITHUB_SHA ?? ''),
    repository: owner && repo ? { owner, repo } : undefined,
    runId: env.GITHUB_RUN_ID ?? 'local',
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    fromFork: typeof headRepo === 'string' && typeof baseRepo === 'string' && headRepo !== baseRepo,
  };
}
