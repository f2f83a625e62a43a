/** The stage runner: a log group and a timing per stage, and for a raw failure, what it left behind. */
import * as core from '@actions/core';
import { ConfigError, DeployError, GuardError } from './errors.js';
import { describeError } from './retry.js';
import type { DeployResult, StageName } from './types.js';

/** Runs one stage inside a log group, timing it and explaining raw failures. */
export type Stage = <T>(name: StageName, title: string, fn: () => Promise<T> | T) => Promise<T>;

/** A stage runner that records each stage's time in `timings`. */
export function stageRunner(timings: DeployResult['timings']): Stage {
  return async (name, title, fn) => {
    core.startGroup(title);
    const started = Date.now();
    try {
      return await fn();
    } catch (err) {
      throw explainStageFailure(name, title, err);
    } finally {
      timings[name] = Date.now() - started;
      core.endGroup();
    }
  };
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
