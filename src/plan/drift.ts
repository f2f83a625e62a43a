/** Pure header-drift decisions: the headers the action manages, their fingerprint, when a HEAD is needed. */
import { createHash } from 'node:crypto';
import { trustedEntry, type StateEntry } from '../remote/state.js';
import type { LocalFile, ManagedHeaders, RemoteObject } from '../types.js';

/** HTTP names, sorted: the fingerprint's canonical order. A header added here changes only the fingerprints of files that get it. */
const HEADER_NAMES: Record<keyof ManagedHeaders, string> = { cacheControl: 'cache-control', contentType: 'content-type' };

export function managedHeaders(file: LocalFile): ManagedHeaders {
  return { contentType: file.contentType, cacheControl: file.cacheControl };
}

/** 16 base64url characters (96 bits) of SHA-256 over `name:value` lines of the headers present. */
export function headerFingerprint(headers: ManagedHeaders): string {
  const lines = (Object.keys(HEADER_NAMES) as (keyof ManagedHeaders)[])
    .filter((field) => headers[field] !== undefined)
    .map((field) => `${HEADER_NAMES[field]}:${headers[field]}\n`);
  return createHash('sha256').update(lines.join('')).digest('base64url').slice(0, 16);
}

/**
 * Whether the object must be read (HeadObject) before planning this file. Never when a trusted
 * entry knows its content and headers (multipart and SSE-KMS objects included: their ETag is
 * compared with the entry, not with the MD5). Never when the size differs (a change: the upload
 * sets every header). Otherwise once: for the stored MD5 when the ETag is not the content's MD5,
 * and for the headers of an object with no entry (written by another tool or before the state).
 */
export function needsHead(file: LocalFile, object: RemoteObject | undefined, entry: StateEntry | undefined): boolean {
  if (!object || object.size !== file.size) return false;
  const trusted = trustedEntry(entry, object);
  return !(trusted && trusted.md5 !== '' && trusted.headers !== '');
}

/** The source files whose objects must be read once before planning (see needsHead). */
export function keysNeedingHead(
  local: readonly LocalFile[],
  remote: readonly RemoteObject[],
  entries: ReadonlyMap<string, StateEntry>,
): string[] {
  const remoteByKey = new Map(remote.map((object) => [object.key, object]));
  return local.filter((file) => needsHead(file, remoteByKey.get(file.key), entries.get(file.key))).map((file) => file.key);
}

export type HeaderVerdict = 'in-sync' | 'update' | 'needs-head';

/**
 * For an unchanged file: do the object's headers differ from what the current rules give? Known
 * from the trusted entry's fingerprint, else from the headers a HeadObject observed.
 */
export function headerVerdict(
  file: LocalFile,
  object: RemoteObject,
  entry: StateEntry | undefined,
  observed?: ManagedHeaders,
): HeaderVerdict {
  const trusted = trustedEntry(entry, object);
  const remote = trusted && trusted.headers !== '' ? trusted.headers : observed && headerFingerprint(observed);
  if (remote === undefined) return 'needs-head';
  return remote === headerFingerprint(managedHeaders(file)) ? 'in-sync' : 'update';
}
