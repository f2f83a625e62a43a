/** The remote side: list what is under the prefix (and read the deploy state meanwhile), keep what the filters cover, read what the listing cannot tell. */
import * as core from '@actions/core';
import pMap from 'p-map';
import type { Config } from '../config/parse.js';
import { keysNeedingHead } from '../plan/drift.js';
import { makeScopeFilter } from '../plan/rules.js';
import type { ObjectStore } from '../ports.js';
import type { LocalFile, ObjectHead, RemoteObject } from '../types.js';
import { stateKey } from './state.js';
import { announceState, readDeployState, type LoadedState } from './state-store.js';

export type ListOptions = Pick<Config, 'prefix' | 'include' | 'exclude' | 'concurrency' | 'mode' | 'force'>;

export interface PendingListing {
  objects: Promise<RemoteObject[]>;
  /** Undefined in remove mode, which needs no state. */
  state?: Promise<LoadedState>;
}

export interface RemoteView {
  /** Objects in scope, the deploy state's own key left out. */
  remote: RemoteObject[];
  /** Undefined in remove mode. */
  state?: LoadedState;
  /** HeadObject results, for objects whose content or headers the listing and the state cannot tell. */
  heads: Map<string, ObjectHead>;
  /** Whether the listing holds this target's deploy state (remove mode deletes it). */
  stateListed: boolean;
}

/**
 * Sends the listing now, and the state's GET as soon as the listing shows it, and returns them
 * unawaited, so they run while the files are hashed. Rejections are marked handled here and
 * rethrown where listRemote awaits them.
 */
export function startListing(store: ObjectStore, options: Pick<Config, 'prefix' | 'mode'>): PendingListing {
  const objects = store.list(options.prefix);
  objects.catch(() => undefined);
  if (options.mode !== 'deploy') return { objects };
  // Read only once listed: no GET (and no 404 counted as a failed attempt) where there is no state.
  const key = stateKey(options.prefix);
  const state = objects.then((listed) =>
    readDeployState(
      store,
      options.prefix,
      listed.some((object) => object.key === key),
    ),
  );
  state.catch(() => undefined);
  return { objects, state };
}

export async function listRemote(
  store: ObjectStore,
  pending: PendingListing,
  local: LocalFile[],
  options: ListOptions,
): Promise<RemoteView> {
  const [listed, state] = await Promise.all([pending.objects, pending.state]);
  const ownState = stateKey(options.prefix);
  const inScope = remoteScope(options);
  const remote = listed.filter((object) => object.key !== ownState && inScope(object.key.slice(options.prefix.length)));
  core.info(`Listed ${listed.length} objects under '${options.prefix || '(bucket root)'}'; ${remote.length} in scope of include/exclude.`);
  if (state) announceState(state);
  const stateListed = listed.length !== remote.length && listed.some((object) => object.key === ownState);
  // Forced uploads re-send every header: nothing to read.
  const keys = state && !options.force ? keysNeedingHead(local, remote, state.parsed.state.entries) : [];
  return { remote, state, heads: await readHeads(store, keys, options.concurrency), stateListed };
}

/** Remove mode takes everything under the prefix; deploy mode only what the filters cover. */
function remoteScope(options: ListOptions): (relPath: string) => boolean {
  if (options.mode === 'remove') return () => true;
  const filter = makeScopeFilter(options.include, options.exclude);
  // '' is a folder marker for the prefix itself: never a file of the site.
  return (relPath) => relPath !== '' && filter(relPath);
}

async function readHeads(store: ObjectStore, keys: string[], concurrency: number): Promise<Map<string, ObjectHead>> {
  if (keys.length === 0) return new Map();
  core.info(
    `Reading ${keys.length} objects once with HeadObject: no deploy-state entry matches their listing (written by another tool, before the state, or a multipart/KMS ETag), so their content MD5 or headers are unknown.`,
  );
  const heads = await pMap(keys, async (key) => [key, await store.head(key)] as const, { concurrency });
  return new Map(heads);
}
