/**
 * Pure: which CloudFront paths to invalidate for a set of changed S3 keys, and how to encode them.
 * No I/O, so dry-run can print the same answer the real run sends.
 *
 * Budget, from CloudFront's pricing and limits (Developer Guide, "Invalidating files"):
 * - the first 1,000 paths a month are free per account, then each path costs $0.005, and a
 *   wildcard counts as one path however many files it covers;
 * - at most 3,000 exact paths and 15 wildcard paths may be in progress per distribution.
 * A typical deploy of a bundled site changes the index document (2 paths: `/index.html`, `/`) and
 * a handful of hashed assets plus their deleted predecessors: 5-20 paths. MAX_EXACT_PATHS = 30
 * keeps such deploys exact (unchanged objects stay cached at the edges) while one deploy never
 * spends more than 3% of the month's free paths: 33 worst-case deploys, or ~100 typical ones, fit
 * in the free tier. Above 30 paths, precision buys little and costs paths, so we collapse.
 * MAX_WILDCARDS = 5 is a third of the 15 wildcards CloudFront runs at once, so the production
 * deploy and two preview deploys on the same distribution can overlap without
 * TooManyInvalidationsInProgress. Both limits sit far below the 3,000-path hard limit.
 */
import type { Config } from '../config/parse.js';
import { count } from '../text.js';

export const MAX_EXACT_PATHS = 30;
export const MAX_WILDCARDS = 5;

export type InvalidationConfig = Pick<Config, 'prefix' | 'indexDocument' | 'invalidationPaths' | 'mode'>;

export interface InvalidationPaths {
  /** Encoded, ready for CreateInvalidation; empty = nothing to invalidate. */
  paths: string[];
  /** A human sentence for the log and summary, e.g. "3 paths". */
  reason: string;
}

/** The paths to invalidate after a deploy (or remove) that changed `changedKeys` (full S3 keys). */
export function invalidationPathsFor(changedKeys: string[], config: InvalidationConfig): InvalidationPaths {
  const setting = config.invalidationPaths;
  if (setting.kind === 'none') return { paths: [], reason: "invalidation-paths is 'none'" };
  if (changedKeys.length === 0) return { paths: [], reason: 'nothing changed' };
  if (setting.kind === 'explicit') {
    const paths = unique(setting.paths.map(encodeExplicitPath));
    return { paths, reason: `${count(paths.length, 'path')} from invalidation-paths` };
  }
  const exact = urlPathsFor(changedKeys, config.indexDocument);
  if (config.mode === 'remove') {
    const paths = encodeAll(floorPaths(exact, config.prefix));
    return { paths, reason: `prefix ${config.prefix} removed: ${paths.join(' and ')}` };
  }
  if (exact.length <= MAX_EXACT_PATHS && wildcards(exact).length <= MAX_WILDCARDS) {
    return { paths: encodeAll(exact), reason: count(exact.length, 'path') };
  }
  const paths = encodeAll(collapse(exact, config.prefix));
  return { paths, reason: collapseReason(exact.length, paths) };
}

/**
 * Every URL that serves a changed object, unencoded and sorted: `/<key>`, plus `/dir/` and `/dir`
 * for a directory's index document (a viewer-request function usually maps both to it) and `/`
 * for the root one. Paths are compared as CloudFront does: case-sensitively, byte for byte.
 */
export function urlPathsFor(keys: string[], indexDocument: string): string[] {
  const indexName = basename(indexDocument);
  const paths = new Set<string>();
  for (const key of keys) {
    paths.add(`/${key}`);
    if (basename(key) !== indexName) continue;
    const dir = key.slice(0, key.length - indexName.length);
    paths.add(`/${dir}`);
    if (dir !== '') paths.add(`/${dir.slice(0, -1)}`);
  }
  return unique([...paths].map(starAtEnd)).sort();
}

/**
 * CloudFront allows `*` only as the last character. A key with a `*` inside it is covered by the
 * wildcard ending at its first `*`; escaping it as %2A would name a URL no browser requests.
 */
function starAtEnd(path: string): string {
  const star = path.indexOf('*');
  return star === -1 ? path : path.slice(0, star + 1);
}

/**
 * Fewest wildcards first (each one counts against the 15 in progress), each as narrow as what it
 * covers allows. Top-level directories under the prefix are disjoint, so taking the biggest first
 * needs the fewest of them to get under the budget; deeper directories can never need fewer.
 * When that is not enough, the whole prefix: `/*` or `/<prefix>*`.
 */
function collapse(paths: string[], prefix: string): string[] {
  const root = `/${prefix}`;
  const items = new Set(paths);
  const groups = topLevelGroups(paths, root).filter((g) => g.length >= 2);
  for (const members of groups) {
    for (const member of members) items.delete(member);
    items.add(`${root}${commonDir(members, root)}*`);
    const result = [...items].sort();
    if (result.length <= MAX_EXACT_PATHS && wildcards(result).length <= MAX_WILDCARDS) return result;
  }
  return floorPaths(paths, prefix);
}

/** The whole prefix, plus what lies outside it (`/pr-42`, the preview's root without a slash). */
function floorPaths(paths: string[], prefix: string): string[] {
  const root = `/${prefix}`;
  const outside = paths.filter((p) => !p.startsWith(root));
  return [`${root}*`, ...unique(outside)].sort();
}

/** Paths in directories under `root`, grouped by top-level directory, biggest group first. */
function topLevelGroups(paths: string[], root: string): string[][] {
  const groups = new Map<string, string[]>();
  for (const path of paths) {
    if (!path.startsWith(root)) continue;
    const rest = path.slice(root.length);
    const slash = rest.indexOf('/');
    if (slash === -1) continue;
    const top = rest.slice(0, slash);
    groups.set(top, [...(groups.get(top) ?? []), path]);
  }
  return [...groups.entries()].sort(([a, x], [b, y]) => y.length - x.length || (a < b ? -1 : 1)).map(([, members]) => members);
}

/** The deepest directory (relative to `root`, with a trailing slash) holding every member. */
function commonDir(members: string[], root: string): string {
  const dirs = members.map((m) => {
    const rest = m.slice(root.length);
    return rest
      .slice(0, rest.lastIndexOf('/') + 1)
      .split('/')
      .slice(0, -1);
  });
  const first = dirs[0] ?? [];
  let depth = 0;
  while (depth < first.length && dirs.every((d) => d[depth] === first[depth])) depth++;
  return first
    .slice(0, depth)
    .map((s) => `${s}/`)
    .join('');
}

function collapseReason(changed: number, paths: string[]): string {
  const stars = wildcards(paths);
  const exact = paths.length - stars.length;
  const starText = `${count(stars.length, 'wildcard')} (${stars.join(', ')})`;
  const what = exact === 0 ? starText : `${count(paths.length, 'path')}: ${starText} and ${count(exact, 'exact path')}`;
  return `collapsed ${count(changed, 'changed path')} (over ${MAX_EXACT_PATHS}) to ${what}`;
}

/**
 * CloudFront's rule: "If the path includes non-ASCII characters or unsafe characters as defined in
 * RFC 1738, URL-encode those characters. Do not URL-encode any other characters in the path, or
 * CloudFront will not invalidate the old version of the updated file."
 * RFC 1738 unsafe: space < > " # % { } | \ ^ ~ [ ] ` and the control characters. A `?` in a key is
 * data, not a query string, so it is escaped too (RFC 1738: a reserved character used for another
 * purpose must be encoded). Everything else stays literal, `*`, `+`, `$`, `&`, `=`, `@` included.
 */
export function encodeInvalidationPath(path: string): string {
  return encodeBytes(path, (ch) => UNSAFE.has(ch) || ch === '?');
}

/**
 * Paths from `invalidation-paths` are already URL paths: an existing %XX escape and a `?` that
 * starts a query string (`/image.jpg?v=2`, as CloudFront documents) are kept; the rest as above.
 */
export function encodeExplicitPath(path: string): string {
  return path
    .split(/(%[0-9A-Fa-f]{2})/)
    .map((part, i) => (i % 2 === 1 ? part : encodeBytes(part, (ch) => UNSAFE.has(ch))))
    .join('');
}

/** Sorted as sent, so logs, summary and request read the same. */
function encodeAll(paths: string[]): string[] {
  return paths.map(encodeInvalidationPath).sort();
}

const UNSAFE = new Set([' ', '<', '>', '"', '#', '%', '{', '}', '|', '\\', '^', '~', '[', ']', '`']);

function encodeBytes(text: string, mustEscape: (ch: string) => boolean): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    const escape = byte < 0x20 || byte >= 0x7f || mustEscape(ch);
    out += escape ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}` : ch;
  }
  return out;
}

function wildcards(paths: string[]): string[] {
  return paths.filter((p) => p.endsWith('*'));
}

function basename(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
