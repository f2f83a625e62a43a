/** The remote side: list what is under the prefix, keep what the filters cover, resolve unclear ETags. */
import * as core from '@actions/core';
import pMap from 'p-map';
import type { Config } from '../config/parse.js';
import { keysNeedingStoredMd5 } from '../plan/plan.js';
import type { ObjectStore } from '../ports.js';
import { makeScopeFilter } from '../plan/rules.js';
import type { LocalFile, RemoteObject } from '../types.js';

export type ListOptions = Pick<Config, 'prefix' | 'include' | 'exclude' | 'concurrency' | 'mode'>;

/**
 * Sends the listing now and returns it unawaited, so it runs while the files are hashed. The
 * rejection is marked handled here and rethrown where listRemote awaits it, in the list stage.
 */
export function startListing(store: ObjectStore, prefix: string): Promise<RemoteObject[]> {
  const listing = store.list(prefix);
  listing.catch(() => undefined);
  return listing;
}

export async function listRemote(
  store: ObjectStore,
  listing: Promise<RemoteObject[]>,
  local: LocalFile[],
  options: ListOptions,
): Promise<RemoteObject[]> {
  const listed = await listing;
  const inScope = remoteScope(options);
  const remote = listed.filter((object) => inScope(object.key.slice(options.prefix.length)));
  core.info(`Listed ${listed.length} objects under '${options.prefix || '(bucket root)'}'; ${remote.length} in scope of include/exclude.`);
  return resolveStoredMd5s(store, local, remote, options.concurrency);
}

/** Remove mode takes everything under the prefix; deploy mode only what the filters cover. */
function remoteScope(options: ListOptions): (relPath: string) => boolean {
  if (options.mode === 'remove') return () => true;
  const filter = makeScopeFilter(options.include, options.exclude);
  // '' is a folder marker for the prefix itself: never a file of the site.
  return (relPath) => relPath !== '' && filter(relPath);
}

async function resolveStoredMd5s(
  store: ObjectStore,
  local: LocalFile[],
  remote: RemoteObject[],
  concurrency: number,
): Promise<RemoteObject[]> {
  const keys = new Set(keysNeedingStoredMd5(local, remote));
  if (keys.size === 0) return remote;
  core.info(`Reading the stored MD5 of ${keys.size} objects whose ETag is not an MD5 (multipart or KMS-encrypted).`);
  return pMap(remote, async (object) => (keys.has(object.key) ? { ...object, storedMd5: await store.readStoredMd5(object.key) } : object), {
    concurrency,
  });
}
