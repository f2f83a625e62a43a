/** The stage runner: a log group, a timing and a timeline bar per stage, and for any failure, the stage and what the run left behind. */
import * as core from '@actions/core';
import { ConfigError, DeployError, DoctorError, errorMessage, GuardError } from './errors.js';
import { Inputs } from './names.js';
import { count } from './text.js';
import { describeError } from './retry.js';
import type { DeployResult, StageName, Timeline } from './types.js';

/** Times part of a stage, or work running beside the stages, as a timeline bar of its own (no log group). */
export type Span = <T>(label: string, fn: () => Promise<T>) => Promise<T>;

/** Runs one stage inside a log group, timing it (`span` times a part of it); a failure is recorded in the result and rethrown, explained. */
export type Stage = (<T>(name: StageName, title: string, fn: () => Promise<T> | T) => Promise<T>) & { span: Span };

/** What a failure can leave behind, beyond the result's own counts. */
export interface RunScope {
  /** A distribution is set and invalidation-paths is not none: what this run changes is meant to be invalidated. */
  invalidates: boolean;
}

/**
 * A stage runner that adds each stage's time to `result.timings`, its bar (start, end, failed) to
 * `result.timeline`, and records the first failure in `result.failure`.
 */
export function stageRunner(result: DeployResult, scope: RunScope, now: () => number = Date.now): Stage {
  const timeline: Timeline = (result.timeline ??= { startedAt: now(), spans: [] });
  const bar = (label: string, started: number, failed: boolean): void => {
    timeline.spans.push({ label, start: started - timeline.startedAt, end: now() - timeline.startedAt, ...(failed ? { failed } : {}) });
  };
  const stage = async <T>(name: StageName, title: string, fn: () => Promise<T> | T): Promise<T> => {
    core.startGroup(title);
    const started = now();
    let failed = false;
    try {
      return await fn();
    } catch (err) {
      failed = true;
      throw recordFailure(result, scope, title, err);
    } finally {
      // A stage may run twice (the deployment: created first, finished last): its time adds up.
      result.timings[name] = (result.timings[name] ?? 0) + (now() - started);
      bar(name, started, failed);
      core.endGroup();
    }
  };
  const span: Span = (label, fn) => {
    const started = now();
    const promise = fn();
    // Bookkeeping only: the caller gets the very same promise, and handles its rejection where it awaits it.
    void promise.then(
      () => bar(label, started, false),
      () => bar(label, started, true),
    );
    return promise;
  };
  return Object.assign(stage, { span });
}

/**
 * Records the failure (once: the first one is the cause) and returns the error to fail the job with:
 * the cause and fix (raw AWS and network errors get the stage's name), then what the run left behind.
 */
export function recordFailure(result: DeployResult, scope: RunScope, stage: string, err: unknown): Error {
  if (result.failure === undefined) {
    const ours = err instanceof ConfigError || err instanceof GuardError || err instanceof DeployError || err instanceof DoctorError;
    const raw = typeof err === 'object' && err !== null && ('$metadata' in err || 'errno' in err);
    const cause = raw && !ours ? `${stage} failed: ${describeError(err)}.` : errorMessage(err);
    result.failure = { stage, message: cause, leftBehind: leftBehind(factsOf(result, scope)) };
  }
  return new Error(`${result.failure.message} ${result.failure.leftBehind}`, { cause: err });
}

/** What the run had planned and done when it stopped. */
export interface RunFacts {
  mode: 'deploy' | 'remove' | 'audit';
  dryRun: boolean;
  prefix: string;
  planned: { uploads: number; deletes: number; headerUpdates?: number };
  done: { uploaded: number; deleted: number; headersUpdated?: number };
  invalidates: boolean;
  /** The invalidation this run created, if any. */
  invalidation?: { id: string; status: string };
}

function factsOf(result: DeployResult, scope: RunScope): RunFacts {
  return {
    mode: result.mode,
    dryRun: result.dryRun,
    prefix: result.prefix,
    planned: { uploads: result.plan.uploads.length, deletes: result.plan.deletes.length, headerUpdates: result.plan.headerUpdates.length },
    done: {
      uploaded: result.applied?.uploaded ?? 0,
      deleted: result.applied?.deleted ?? 0,
      headersUpdated: result.applied?.headersUpdated ?? 0,
    },
    invalidates: scope.invalidates,
    invalidation: result.invalidation,
  };
}

/**
 * The state a failure leaves, in plain words: what was written, what is still pending, and what a
 * rerun does about it. Deploy order: uploads → invalidation (→ wait) → deletions; remove order:
 * deletions → invalidation. A rerun converges the bucket, but not the edge's cache: it invalidates
 * only what it changes itself.
 */
export function leftBehind(facts: RunFacts): string {
  if (facts.dryRun) return 'Nothing was written (dry run).';
  const { planned, done } = facts;
  const headers = { planned: planned.headerUpdates ?? 0, done: done.headersUpdated ?? 0 };
  const wrote = done.uploaded > 0 || done.deleted > 0 || headers.done > 0;
  if (!wrote && facts.invalidation === undefined) return 'Nothing was written or deleted.';
  const parts: string[] = [];
  if (planned.uploads > 0) parts.push(fraction(done.uploaded, planned.uploads, 'file', 'uploaded'));
  if (headers.planned > 0) parts.push(fraction(headers.done, headers.planned, 'header update', 'made'));
  if (facts.mode === 'deploy') {
    const stale = planned.deletes - done.deleted;
    if (done.deleted > 0) parts.push(fraction(done.deleted, planned.deletes, 'stale object', 'deleted'));
    if (stale > 0) parts.push(`${count(stale, 'stale object')} ${stale === 1 ? 'was' : 'were'} left in place`);
  } else {
    parts.push(`${fraction(done.deleted, planned.deletes, 'object', 'deleted')} under '${facts.prefix}'`);
  }
  const sentences = [`${capitalize(parts.join('; '))}.`];
  if (facts.invalidation) {
    sentences.push(`Invalidation ${facts.invalidation.id} was created (${facts.invalidation.status}).`);
  } else if (facts.invalidates && wrote) {
    sentences.push(noInvalidation(facts));
  }
  const unfinished = done.uploaded < planned.uploads || done.deleted < planned.deletes || headers.done < headers.planned;
  // A removal stopped part-way already said what a rerun does.
  const rerunSaid = facts.mode === 'remove' && facts.invalidation === undefined && facts.invalidates;
  if (unfinished && !rerunSaid) sentences.push('A rerun converges the bucket.');
  return sentences.join(' ');
}

/**
 * What the missing invalidation means. A rerun invalidates only what it changes itself: after a
 * deploy, not the files this run uploaded (it finds them unchanged); after a removal that deleted
 * everything, nothing (it finds nothing to delete). A removal stopped part-way is different: the
 * rerun deletes the rest, and in mode remove paths auto invalidate the whole prefix (cdn/paths.ts).
 */
function noInvalidation(facts: RunFacts): string {
  const { planned, done, prefix } = facts;
  const cause = 'No CloudFront invalidation was made:';
  if (facts.mode === 'deploy') {
    return `${cause} the edge may serve cached copies of the files changed so far, and a rerun will not invalidate them (it finds them unchanged): invalidate them by hand, or rerun with 'force: true'.`;
  }
  const expiry = `${cause} the edge may serve the removed files until their cache expires`;
  const left = planned.deletes - done.deleted;
  if (left <= 0) return `${expiry}, and a rerun will not invalidate them (it finds nothing to delete): invalidate '/${prefix}*' by hand.`;
  return (
    `${expiry}. A rerun deletes the ${count(left, 'object')} left, then invalidates; with '${Inputs.InvalidationPaths}: auto' that is ` +
    `'/${prefix}*', which covers the objects this run deleted too.`
  );
}

/** "3 of 10 files were uploaded", "all 10 files were uploaded", "the file was uploaded". */
function fraction(done: number, planned: number, noun: string, verb: string): string {
  if (done === planned) return planned === 1 ? `the ${noun} was ${verb}` : `all ${count(planned, noun)} were ${verb}`;
  return `${done} of ${count(planned, noun)} ${done === 1 ? 'was' : 'were'} ${verb}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
