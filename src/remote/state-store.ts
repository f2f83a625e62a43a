/** The deploy state's I/O: one GET at listing time, one conditional PUT after the deletions (never for a no-op). */
import * as core from '@actions/core';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/parse.js';
import { deployRecord, nextEntries } from '../plan/next-state.js';
import type { ObjectStore } from '../ports.js';
import { describeError } from '../retry.js';
import type { CarriedHeaders, LocalFile, ObjectHead, Plan, RemoteObject } from '../types.js';
import {
  parseState,
  sameEntries,
  serializeState,
  stateKey,
  withDeploy,
  type DeployRecord,
  type DeployState,
  type ParsedState,
  type StateEntry,
} from './state.js';

export interface LoadedState {
  key: string;
  parsed: ParsedState;
  /** The ETag read: the write's If-Match. Undefined when there was none (If-None-Match: *). */
  etag?: string;
  /** Why the state could not be read (not a 404): then it is neither used nor written this run. */
  readError?: string;
}

/** Never rejects: a state that cannot be read is a notice, not a failure. `listed`: the listing holds it. */
export async function readDeployState(store: ObjectStore, prefix: string, listed: boolean): Promise<LoadedState> {
  const key = stateKey(prefix);
  if (!listed) return { key, parsed: parseState(undefined, prefix) };
  try {
    const found = await store.readText(key);
    return { key, parsed: parseState(found?.text, prefix), etag: found?.etag };
  } catch (err) {
    return { key, parsed: parseState(undefined, prefix), readError: describeError(err) };
  }
}

/** One line saying what the run knows from the state, or why it rebuilds it. */
export function announceState(loaded: LoadedState): void {
  const { key, parsed } = loaded;
  if (loaded.readError) {
    core.warning(
      `Could not read the deploy state ${key} (${loaded.readError}). This run works from the listing alone and leaves the state as it is.`,
    );
  } else if (parsed.rebuilt?.reason === 'missing') {
    core.info(`No deploy state at ${key} yet: it is built from the listing (objects it has no entry for are read once with HeadObject).`);
  } else if (parsed.rebuilt) {
    core.notice(
      `The deploy state ${key} is ${parsed.rebuilt.reason} (${parsed.rebuilt.detail}): it is rebuilt from the listing. Nothing is lost: the listing decides, the state only saves requests.`,
    );
  } else {
    const last = parsed.state.history[0];
    const since = last ? `; last deploy ${last.commit.slice(0, 12)} at ${last.time}` : '';
    core.info(`Deploy state ${key}: ${parsed.state.entries.size} entries${since}.`);
  }
  if (parsed.droppedEntries > 0) core.notice(`The deploy state ${key} had ${parsed.droppedEntries} malformed entries; they were ignored.`);
}

export interface StateUpdate {
  entries: Map<string, StateEntry>;
  /** Set when this run changed the bucket: it goes into the history. */
  record?: DeployRecord;
  /** This run's nonce: after a 412, tells our own earlier attempt from another deploy. */
  nonce: string;
}

export type SaveOutcome = 'written' | 'unchanged' | 'skipped';

/** Raised when another deploy wrote the state between this run's read and write. */
export class StateConflictError extends Error {
  constructor(key: string) {
    super(
      `Another deploy wrote the deploy state ${key} while this one ran (the conditional write was refused). ` +
        "This run's uploads and deletions are done; rerun to converge, and give deploys to one target a workflow `concurrency:` group so they never overlap.",
    );
    this.name = 'StateConflictError';
  }
}

export async function saveDeployState(store: ObjectStore, prefix: string, loaded: LoadedState, update: StateUpdate): Promise<SaveOutcome> {
  if (loaded.readError) {
    core.warning(`The deploy state ${loaded.key} was not written: it could not be read at the start of the run.`);
    return 'skipped';
  }
  const previous = loaded.parsed.state;
  if (!update.record && !loaded.parsed.rebuilt && sameEntries(previous.entries, update.entries)) {
    core.info(`Deploy state unchanged: ${loaded.key} not written.`);
    return 'unchanged';
  }
  const history = update.record ? withDeploy(previous.history, update.record) : previous.history;
  const state: DeployState = { entries: update.entries, history, nonce: update.nonce };
  const text = serializeState(state, prefix);
  let answer: Awaited<ReturnType<ObjectStore['writeText']>>;
  try {
    answer = await store.writeText(loaded.key, text, loaded.etag);
  } catch (err) {
    // The site is deployed; the state is only a cache. The next deploy works from the listing where it cannot trust it.
    core.warning(`The deploy state ${loaded.key} was not written (${describeError(err)}). The deployed files are not affected.`);
    return 'skipped';
  }
  if (answer === 'precondition-failed') {
    const mine = await ownWrite(store, loaded.key, prefix, update.nonce);
    if (mine === undefined) return 'skipped';
    if (!mine) throw new StateConflictError(loaded.key);
  }
  core.info(`Wrote the deploy state ${loaded.key}: ${state.entries.size} entries, ${Buffer.byteLength(text)} bytes.`);
  return 'written';
}

/**
 * A 412 on a retried PUT may be our own first attempt, which landed but whose answer was lost.
 * Undefined (with a warning) when the state cannot be re-read to tell.
 */
async function ownWrite(store: ObjectStore, key: string, prefix: string, nonce: string): Promise<boolean | undefined> {
  let current: Awaited<ReturnType<ObjectStore['readText']>>;
  try {
    current = await store.readText(key);
  } catch (err) {
    core.warning(`The deploy state ${key} changed during this run and could not be re-read (${describeError(err)}); it was not written.`);
    return undefined;
  }
  const mine = current !== undefined && parseState(current.text, prefix).state.nonce === nonce;
  if (mine) core.info(`The deploy state ${key} already holds this run's write (an earlier attempt landed).`);
  return mine;
}

export interface RunFacts {
  state: LoadedState;
  view: { remote: RemoteObject[]; heads: ReadonlyMap<string, ObjectHead> };
  local: LocalFile[];
  plan: Pick<Plan, 'retained'>;
  applied: {
    uploaded: number;
    deleted: number;
    headersUpdated: number;
    written: ReadonlyMap<string, { etag: string; carried?: CarriedHeaders }>;
  };
  now: number;
}

/** After the deletions: the entries this run leaves, the history line if it changed the bucket, one write. */
export function saveAfterRun(store: ObjectStore, config: Pick<Config, 'prefix' | 'run'>, facts: RunFacts): Promise<SaveOutcome> {
  const { state, view, applied, plan } = facts;
  const entries = nextEntries({
    previous: state.parsed.state.entries,
    listing: new Map(view.remote.map((object) => [object.key, object])),
    heads: view.heads,
    files: facts.local,
    written: applied.written,
    retained: plan.retained,
  });
  const { sha: commit, runId, runAttempt } = config.run;
  const record = deployRecord({ commit, runId, runAttempt, now: facts.now }, applied, plan.retained.length);
  return saveDeployState(store, config.prefix, state, { entries, record, nonce: randomUUID() });
}
