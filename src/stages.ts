/** The stage runner: a log group, a timing and a timeline bar per stage, and for a raw failure, what it left behind. */
import * as core from '@actions/core';
import { ConfigError, DeployError, GuardError } from './errors.js';
import { describeError } from './retry.js';
import type { DeployResult, StageName, Timeline } from './types.js';

/** Times part of a stage, or work running beside the stages, as a timeline bar of its own (no log group). */
export type Span = <T>(label: string, fn: () => Promise<T>) => Promise<T>;

/** Runs one stage inside a log group, timing it and explaining raw failures; `span` times a part of it. */
export type Stage = (<T>(name: StageName, title: string, fn: () => Promise<T> | T) => Promise<T>) & { span: Span };

/** A stage runner that adds each stage's time to `timings` and its bar (start, end, failed) to `timeline`. */
export function stageRunner(timings: DeployResult['timings'], timeline: Timeline, now: () => number = Date.now): Stage {
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
      throw explainStageFailure(name, title, err);
    } finally {
      // A stage may run twice (the deployment: created first, finished last): its time adds up.
      timings[name] = (timings[name] ?? 0) + (now() - started);
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

/** What a raw failure (an AWS or network error) in each stage leaves behind, in plain words. */
const AFTERMATH: Partial<Record<StageName, string>> = {
  credentials: 'Nothing was written or deleted.',
  scan: 'Nothing was written or deleted.',
  hash: 'Nothing was written or deleted.',
  list: 'Nothing was written or deleted.',
  apply: 'Some files may be uploaded; nothing was deleted. Rerun to converge.',
  invalidate: 'The files are uploaded; no stale object was deleted. Rerun to converge.',
  delete: 'The files are uploaded; some stale objects may remain. Rerun to converge.',
};

/** Our own errors already say what failed and what to do; raw ones get the stage and the aftermath. */
function explainStageFailure(name: StageName, title: string, err: unknown): unknown {
  const ours = err instanceof ConfigError || err instanceof GuardError || err instanceof DeployError;
  const raw = typeof err === 'object' && err !== null && ('$metadata' in err || 'errno' in err);
  if (ours || !raw) return err;
  return new Error(`${title} failed: ${describeError(err)}. ${AFTERMATH[name] ?? ''}`.trim(), { cause: err });
}
