/** Pure: the deploy state's entries after a run, from what was read, planned and written. */
import { trustedEntry, type DeployRecord, type StateEntry } from '../remote/state.js';
import type { CarriedHeaders, LocalFile, ObjectHead, RemoteObject, StaleObject } from '../types.js';
import { headerFingerprint, managedHeaders } from './drift.js';
import { etagMatches } from './plan.js';

export interface NextEntriesInput {
  /** The entries as read (untrusted: each is checked against the listing here). */
  previous: ReadonlyMap<string, StateEntry>;
  /** Objects in scope, as listed before this run wrote anything. */
  listing: ReadonlyMap<string, RemoteObject>;
  /** HeadObject results of this run. */
  heads: ReadonlyMap<string, ObjectHead>;
  /** Every source file in scope. */
  files: readonly LocalFile[];
  /** Keys this run wrote (uploads and header updates): the ETag S3 returned, what a header update carried. */
  written: ReadonlyMap<string, { etag: string; carried?: CarriedHeaders }>;
  /** Stale objects kept by keep-stale, with since when. */
  retained: readonly StaleObject[];
}

/**
 * A source file gets an entry when this run wrote it, or when its content and headers are known
 * (a trusted entry of the same content, or a HeadObject). Retained objects keep what was known of
 * them, with their stale time. Everything else (deleted, excluded, unknown) has no entry.
 */
export function nextEntries(input: NextEntriesInput): Map<string, StateEntry> {
  const next = new Map<string, StateEntry>();
  for (const file of input.files) {
    const entry = fileEntry(file, input);
    if (entry) next.set(file.key, entry);
  }
  for (const { key, since } of input.retained) {
    const object = input.listing.get(key);
    if (!object) continue;
    const known = trustedEntry(input.previous.get(key), object) ?? { md5: '', size: object.size, etag: object.etag, headers: '' };
    next.set(key, { ...known, staleSince: since });
  }
  return next;
}

function fileEntry(file: LocalFile, input: NextEntriesInput): StateEntry | undefined {
  const written = input.written.get(file.key);
  if (written) return withCarried({ md5: file.md5, size: file.size, etag: written.etag, headers: fingerprintOf(file) }, written.carried);
  const object = input.listing.get(file.key);
  if (!object || object.size !== file.size) return undefined;
  const trusted = trustedEntry(input.previous.get(file.key), object);
  if (trusted && trusted.md5 !== '' && trusted.headers !== '') {
    if (trusted.md5 !== file.md5) return undefined;
    const { staleSince: _wasStale, ...live } = trusted;
    return live;
  }
  const head = input.heads.get(file.key);
  // The multipart ETag counts too: an object another tool uploaded in the same 8 MiB parts.
  const sameContent = etagMatches(file, object) || head?.storedMd5 === file.md5;
  if (!head || !sameContent) return undefined;
  return withCarried({ md5: file.md5, size: file.size, etag: object.etag, headers: headerFingerprint(head.headers) }, head.carried);
}

function fingerprintOf(file: LocalFile): string {
  return headerFingerprint(managedHeaders(file));
}

function withCarried(entry: StateEntry, carried: CarriedHeaders | undefined): StateEntry {
  return carried && Object.keys(carried).length > 0 ? { ...entry, carried } : entry;
}

/** The history line of a run that changed the bucket; undefined for one that did not (it is not recorded). */
export function deployRecord(
  run: { commit: string; runId: string; runAttempt: string; now: number },
  done: { uploaded: number; deleted: number; headersUpdated: number },
  retained: number,
): DeployRecord | undefined {
  if (done.uploaded + done.deleted + done.headersUpdated === 0) return undefined;
  const { uploaded, deleted, headersUpdated } = done;
  return {
    commit: run.commit,
    run: `${run.runId}/${run.runAttempt}`,
    time: new Date(run.now).toISOString(),
    uploaded,
    deleted,
    headersUpdated,
    retained,
  };
}
