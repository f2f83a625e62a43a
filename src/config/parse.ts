/**
 * Inputs are read once, here, into a typed and validated Config. Every check runs before any
 * network call; each error names the input and the fix. Nothing else reads inputs.
 */
import { ConfigError, escapeChar, shown } from '../errors.js';
import { Inputs, type InputName } from '../names.js';
import { autoMode, parseRunContext, type Env, type RunContext } from './context.js';
import { parseDeploymentSettings } from './deployment.js';
import {
  parseAudience,
  parseBucket,
  parseDistributionId,
  parseIndexDocument,
  parsePrefix,
  parseRegion,
  parseRoleArn,
  parseSessionName,
  parseSourceDir,
} from './identifiers.js';
import {
  bool,
  duration,
  globList,
  int,
  MAX_KEY_BYTES,
  nonEmpty,
  oneOf,
  parseCacheRules,
  parseCheckRoutes,
  parseInvalidationPaths,
  parseMaxDelete,
  parseS3CheckUrl,
  s3EndpointFrom,
  parseSiteUrl,
  utf8Bytes,
  type CacheRule,
  type CheckRoutes,
  type DeleteLimit,
  type PathList,
  type Read,
} from './values.js';

export type { CacheRule, DeleteLimit, Env, PathList, RunContext };

export type ReadInput = (name: InputName) => string;

/** keep-stale's ceiling: a year of stale assets is already far more than any open tab needs. */
const MAX_KEEP_STALE_DAYS = 365;

export interface Config {
  bucket: string;
  /** Absolute path (not read in remove and audit modes). */
  sourceDir: string;
  region: string;
  /** '' or a normalised prefix ending in '/', e.g. 'pr-42/'. */
  prefix: string;
  delete: boolean;
  /** `max-delete`; undefined = no limit. */
  maxDelete?: DeleteLimit;
  include: string[];
  exclude: string[];
  cacheControl: CacheRule[];
  indexDocument: string;
  concurrency: number;
  force: boolean;
  /** keep-stale in milliseconds: how long stale non-HTML objects stay; 0 deletes them in the same run. */
  keepStaleMs: number;
  dryRun: boolean;
  /** The mode in effect, `auto` resolved. `audit`: the doctor and the checks only. */
  mode: 'deploy' | 'remove' | 'audit';
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
  checkRoutes: CheckRoutes;
  /** null = skip the check. */
  s3CheckUrl: string | null;
  /**
   * The action's own S3 requests go path-style: for a bucket name with dots (TLS cannot cover it
   * virtual-hosted) and for a custom endpoint (AWS_ENDPOINT_URL_S3), where the SDK would build
   * `<bucket>.<host>`.
   */
  s3PathStyle: boolean;
  checkTimeoutSeconds: number;
  githubToken: string;
  prComment: boolean;
  /** Record the run as a GitHub deployment (`auto` resolved). */
  githubDeployment: boolean;
  deploymentEnvironment: string;
  /** Audit the distribution's and bucket's configuration: report (`warn`), also stop on an error finding (`fail`), or not (`off`). */
  doctor: 'warn' | 'fail' | 'off';
  run: RunContext;
}

/** Defaults, identical to action.yml (a test holds them together). */
export const DEFAULTS: Partial<Record<InputName, string>> = {
  [Inputs.SourceDir]: 'build',
  [Inputs.Prefix]: '',
  [Inputs.Delete]: 'true',
  [Inputs.MaxDelete]: '',
  [Inputs.Include]: '',
  [Inputs.Exclude]: '',
  [Inputs.CacheControl]: '**/*.html: no-cache',
  [Inputs.IndexDocument]: 'index.html',
  [Inputs.Concurrency]: '32',
  [Inputs.Force]: 'false',
  [Inputs.KeepStale]: '0',
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
  [Inputs.GithubDeployment]: 'auto',
  [Inputs.DeploymentEnvironment]: '',
  [Inputs.Doctor]: 'warn',
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

/** One input, defaulted, trimmed, and refused when too long, holding a control character, or broken over lines. */
function inputReader(readRaw: ReadInput): Read {
  return (name) => {
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
}

export function parseConfig(readRaw: ReadInput, env: Env, event: unknown): Config {
  const read = inputReader(readRaw);
  const run = parseRunContext(env, event);
  const requestedMode = oneOf(read, Inputs.Mode, ['deploy', 'remove', 'auto', 'audit'] as const);
  const mode = requestedMode === 'auto' ? autoMode(run) : requestedMode;
  const prefix = parsePrefix(read(Inputs.Prefix));
  refuseEmptyingTheBucket(mode, requestedMode, prefix);
  const bucket = parseBucket(read(Inputs.Bucket));
  const region = parseRegion(read(Inputs.Region), env);
  const indexDocument = parseIndexDocument(read(Inputs.IndexDocument));
  checkIndexKeyLength(prefix, indexDocument);
  const distributionId = parseDistributionId(read(Inputs.DistributionId));
  const s3Endpoint = s3EndpointFrom(env);
  return {
    bucket,
    sourceDir: parseSourceDir(read(Inputs.SourceDir), env),
    region,
    prefix,
    delete: bool(read, Inputs.Delete),
    maxDelete: parseMaxDelete(read(Inputs.MaxDelete)),
    include: globList(read, Inputs.Include),
    exclude: globList(read, Inputs.Exclude),
    cacheControl: parseCacheRules(read(Inputs.CacheControl)),
    indexDocument,
    concurrency: int(read, Inputs.Concurrency, 1, 256),
    force: bool(read, Inputs.Force),
    keepStaleMs: duration(read, Inputs.KeepStale, MAX_KEEP_STALE_DAYS),
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
    s3CheckUrl: parseS3CheckUrl(read(Inputs.S3CheckUrl), { bucket, region, prefix, indexDocument, s3Endpoint }),
    s3PathStyle: bucket.includes('.') || s3Endpoint !== undefined,
    checkTimeoutSeconds: int(read, Inputs.CheckTimeout, 0, 3600),
    githubToken: read(Inputs.GithubToken),
    prComment: bool(read, Inputs.PrComment),
    ...parseDeploymentSettings(read, run, prefix),
    doctor: oneOf(read, Inputs.Doctor, ['warn', 'fail', 'off'] as const),
    run,
  };
}

/** Remove mode with no prefix would empty the whole bucket. */
function refuseEmptyingTheBucket(mode: Config['mode'], requestedMode: string, prefix: string): void {
  if (mode === 'remove' && prefix === '') {
    throw new ConfigError(
      Inputs.Prefix,
      `is empty with mode '${requestedMode}' resolving to 'remove', which would empty the whole bucket`,
      "Set 'prefix' to the preview's folder (e.g. pr-${{ github.event.number }}).",
    );
  }
}

function checkIndexKeyLength(prefix: string, indexDocument: string): void {
  const indexKeyBytes = utf8Bytes(prefix + indexDocument);
  if (indexKeyBytes > MAX_KEY_BYTES) {
    throw new ConfigError(
      Inputs.Prefix,
      `${shown(prefix)} with index-document ${shown(indexDocument)} makes a key of ${indexKeyBytes} bytes, over S3's limit of ${MAX_KEY_BYTES}`,
      "Use a short prefix such as 'pr-42'.",
    );
  }
}
