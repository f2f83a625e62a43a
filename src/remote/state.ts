/** The deploy state document: its key, schema, parsing (never fatal) and compact serialization. */
import type { CarriedHeaders, RemoteObject } from '../types.js';

/** The state's name inside the deploy target; at the bucket root the key is this name alone. */
export const STATE_FILE_NAME = '.deploy-state.json';
/** Marks a document as ours: another tool's JSON at the same key is "foreign" and rebuilt. */
export const STATE_FORMAT = 's3-cloudfront-deploy-action/deploy-state';
export const STATE_VERSION = 1;
/** Deploys kept in the history (runs that changed the bucket). */
export const HISTORY_LIMIT = 10;

/**
 * What the action last wrote at one key. `md5` and `headers` are '' when unknown (a stale object
 * retained before it was ever read); such an entry proves nothing about content or headers.
 */
export interface StateEntry {
  /** Hex MD5 of the content. */
  md5: string;
  size: number;
  /** The ETag S3 returned for the write, without quotes. */
  etag: string;
  /** Fingerprint of every header the action set (plan/drift.ts). */
  headers: string;
  /** Epoch milliseconds since which the key has been out of the source; only for retained keys. */
  staleSince?: number;
  /**
   * Headers the action does not manage, seen on the object when it was adopted (HTTP names, e.g.
   * content-encoding): a later header update must send them again. Absent for the action's own uploads.
   */
  carried?: CarriedHeaders;
}

export interface DeployRecord {
  commit: string;
  /** `<run id>/<attempt>`. */
  run: string;
  /** ISO 8601. */
  time: string;
  uploaded: number;
  deleted: number;
  headersUpdated: number;
  retained: number;
}

export interface DeployState {
  /** By full object key (prefix included); stored relative to the prefix. */
  entries: Map<string, StateEntry>;
  /** Newest first, at most HISTORY_LIMIT. */
  history: DeployRecord[];
  /** The writer's run nonce: after a 412 on a retried PUT, tells our own first attempt from another deploy. */
  nonce: string;
}

export type RebuildReason = 'missing' | 'unreadable' | 'foreign' | 'outdated';

export interface ParsedState {
  state: DeployState;
  /** Set when the document could not be used and the state starts empty (rebuilt from the listing). */
  rebuilt?: { reason: RebuildReason; detail: string };
  /** Entries dropped because they were malformed (the rest of the document was usable). */
  droppedEntries: number;
}

/** `prefix` is '' or ends in '/' (config/): `pr-42/.deploy-state.json`, or `.deploy-state.json`. */
export function stateKey(prefix: string): string {
  return `${prefix}${STATE_FILE_NAME}`;
}

export function emptyState(): DeployState {
  return { entries: new Map(), history: [], nonce: '' };
}

/**
 * An entry counts only while the listing shows the ETag and size it recorded: anything else means
 * the object was written by someone else since, and the state knows nothing about it.
 */
export function trustedEntry(entry: StateEntry | undefined, object: RemoteObject | undefined): StateEntry | undefined {
  if (!entry || !object) return undefined;
  return entry.etag === object.etag && entry.size === object.size ? entry : undefined;
}

/** `text` undefined = no object at the key. Never throws: what cannot be used is rebuilt. */
export function parseState(text: string | undefined, prefix: string): ParsedState {
  if (text === undefined) return rebuilt('missing', 'no deploy state yet');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return rebuilt('unreadable', `not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isRecord(doc) || doc.format !== STATE_FORMAT) return rebuilt('foreign', 'not a deploy state written by this action');
  if (doc.version !== STATE_VERSION) {
    return rebuilt('outdated', `schema version ${JSON.stringify(doc.version)}, this action reads version ${STATE_VERSION}`);
  }
  if (!isRecord(doc.objects) || !Array.isArray(doc.deploys) || typeof doc.nonce !== 'string') {
    return rebuilt('unreadable', 'objects, deploys or nonce missing or malformed');
  }
  const entries = new Map<string, StateEntry>();
  let droppedEntries = 0;
  for (const [relKey, value] of Object.entries(doc.objects)) {
    const entry = parseEntry(value);
    if (entry && relKey !== '') entries.set(prefix + relKey, entry);
    else droppedEntries++;
  }
  const history = doc.deploys.filter(isDeployRecord).slice(0, HISTORY_LIMIT);
  return { state: { entries, history, nonce: doc.nonce }, droppedEntries };
}

/**
 * One line per key, as a tuple `[md5, size, etag, headers(, staleSince | null(, carried))]`, keys
 * relative to the prefix and sorted, so equal states serialize to equal bytes. About 100 bytes
 * plus the key's length.
 */
export function serializeState(state: DeployState, prefix: string): string {
  const head = JSON.stringify({ format: STATE_FORMAT, version: STATE_VERSION, nonce: state.nonce, deploys: state.history });
  const lines: string[] = [];
  for (const key of [...state.entries.keys()].sort()) {
    if (!key.startsWith(prefix) || key.length === prefix.length) continue;
    lines.push(`${JSON.stringify(key.slice(prefix.length))}:${JSON.stringify(entryTuple(state.entries.get(key) as StateEntry))}`);
  }
  const objects = lines.length === 0 ? '{}' : `{\n${lines.join(',\n')}\n}`;
  return `${head.slice(0, -1)},"objects":${objects}}\n`;
}

/** Whether two states record the same objects (history and nonce aside): a no-op run writes nothing. */
export function sameEntries(a: ReadonlyMap<string, StateEntry>, b: ReadonlyMap<string, StateEntry>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, entry] of a) {
    const other = b.get(key);
    if (!other || JSON.stringify(entryTuple(entry)) !== JSON.stringify(entryTuple(other))) return false;
  }
  return true;
}

/** Newest first, capped. */
export function withDeploy(history: DeployRecord[], record: DeployRecord): DeployRecord[] {
  return [record, ...history].slice(0, HISTORY_LIMIT);
}

type EntryTuple = [string, number, string, string, (number | null)?, CarriedHeaders?];

function entryTuple(entry: StateEntry): EntryTuple {
  const tuple: EntryTuple = [entry.md5, entry.size, entry.etag, entry.headers];
  const carried = entry.carried && Object.keys(entry.carried).length > 0 ? sortedRecord(entry.carried) : undefined;
  if (entry.staleSince !== undefined || carried) tuple.push(entry.staleSince ?? null);
  if (carried) tuple.push(carried);
  return tuple;
}

function parseEntry(value: unknown): StateEntry | undefined {
  if (!Array.isArray(value) || value.length < 4 || value.length > 6) return undefined;
  const [md5, size, etag, headers, staleSince = null, carried] = value as unknown[];
  if (typeof md5 !== 'string' || !(md5 === '' || /^[0-9a-f]{32}$/.test(md5))) return undefined;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return undefined;
  if (typeof etag !== 'string' || etag === '' || typeof headers !== 'string') return undefined;
  if (staleSince !== null && (typeof staleSince !== 'number' || !Number.isFinite(staleSince))) return undefined;
  if (carried !== undefined && !isStringRecord(carried)) return undefined;
  const entry: StateEntry = { md5, size, etag, headers };
  if (staleSince !== null) entry.staleSince = staleSince;
  if (carried !== undefined && Object.keys(carried).length > 0) entry.carried = carried;
  return entry;
}

function sortedRecord(record: CarriedHeaders): CarriedHeaders {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((item) => typeof item === 'string');
}

function isDeployRecord(value: unknown): value is DeployRecord {
  if (!isRecord(value)) return false;
  const strings = ['commit', 'run', 'time'].every((name) => typeof value[name] === 'string');
  const counts = ['uploaded', 'deleted', 'headersUpdated', 'retained'].every((name) => Number.isSafeInteger(value[name]));
  return strings && counts;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rebuilt(reason: RebuildReason, detail: string): ParsedState {
  return { state: emptyState(), rebuilt: { reason, detail }, droppedEntries: 0 };
}
