/** Pure retention decisions (keep-stale): which stale objects go now, which stay, and since when. */
import { trustedEntry, type StateEntry } from '../remote/state.js';
import type { RemoteObject, StaleObject } from '../types.js';

export interface RetentionInput {
  /** The state's entries by full key (untrusted: each is checked against the listing here). */
  entries: ReadonlyMap<string, StateEntry>;
  /** Objects in scope, as listed. */
  listing: readonly RemoteObject[];
  /** Full keys of the files in the source. */
  sourceKeys: ReadonlySet<string>;
  /** Whether a key is an HTML document (Content-Type text/html under the rules). */
  isHtml: (key: string) => boolean;
  /** Epoch milliseconds. */
  now: number;
  /** Milliseconds; 0 deletes every stale object in this run. */
  keepStaleMs: number;
}

export interface RetentionDecision {
  /** Stale and deleted at once: HTML documents, or everything when keep-stale is 0. Key order. */
  deleteNow: string[];
  /** Stale for less than keep-stale: they stay, and the state records since when. */
  retain: StaleObject[];
  /** Retained until now, stale for keep-stale or longer: deleted by this run. */
  expired: StaleObject[];
}

/**
 * A stale object is one in scope that is not in the source. Its stale time starts at the trusted
 * entry's `staleSince`, else now (first seen stale, or the state was rebuilt). A time in the
 * future (another runner's clock) counts as now, so a skewed clock cannot keep an object forever.
 */
export function decideRetention(input: RetentionInput): RetentionDecision {
  const decision: RetentionDecision = { deleteNow: [], retain: [], expired: [] };
  const stale = input.listing.filter((object) => !input.sourceKeys.has(object.key));
  for (const object of [...stale].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    if (input.keepStaleMs <= 0 || input.isHtml(object.key)) {
      decision.deleteNow.push(object.key);
      continue;
    }
    const since = Math.min(trustedEntry(input.entries.get(object.key), object)?.staleSince ?? input.now, input.now);
    if (input.now - since >= input.keepStaleMs) decision.expired.push({ key: object.key, since });
    else decision.retain.push({ key: object.key, since });
  }
  return decision;
}

/** Every key this run deletes because of staleness (max-delete counts these). */
export function keysToDelete(decision: RetentionDecision): string[] {
  return [...decision.deleteNow, ...decision.expired.map((stale) => stale.key)];
}
