/** The max-delete guard: how many deletions a run may make, and the refusal when its plan wants more. Pure. */
import type { Config, DeleteLimit } from '../config/parse.js';
import { GuardError } from '../errors.js';
import { Inputs } from '../names.js';

/** How many deletions the limit allows when `inScope` objects are in scope. */
export function allowedDeletes(limit: DeleteLimit, inScope: number): number {
  return limit.kind === 'count' ? limit.count : Math.floor((inScope * limit.percent) / 100);
}

/**
 * The refusal when `deletes` is over the limit, else undefined. `inScope` counts the remote objects
 * under the prefix that include/exclude cover: the ones a deploy may delete.
 */
export function deleteLimitRefusal(deletes: number, inScope: number, prefix: string, limit: DeleteLimit | undefined): string | undefined {
  if (limit === undefined) return undefined;
  const allowed = allowedDeletes(limit, inScope);
  if (deletes <= allowed) return undefined;
  const where = prefix === '' ? 'the bucket root' : `'${prefix}'`;
  const share = inScope > 0 ? ` (${percent(deletes, inScope)} of the ${inScope} objects in scope)` : '';
  const allows = limit.kind === 'count' ? `at most ${allowed}` : `at most ${allowed}, ${limit.percent}% of ${inScope}`;
  return (
    `The plan would delete ${deletes} objects under ${where}${share}, more than '${Inputs.MaxDelete}: ${limit.input}' allows (${allows}). ` +
    `If source-dir, prefix, include and exclude are right and these deletions are intended, raise '${Inputs.MaxDelete}' for this run.`
  );
}

/** Throws the refusal (a guard: nothing is written after it) when the plan deletes more than max-delete allows. */
export function refuseOverDeleteLimit(deletes: number, inScope: number, config: Pick<Config, 'prefix' | 'maxDelete'>): void {
  const refusal = deleteLimitRefusal(deletes, inScope, config.prefix, config.maxDelete);
  if (refusal !== undefined) throw new GuardError(refusal);
}

function percent(part: number, whole: number): string {
  const value = (part * 100) / whole;
  return `${Number.isInteger(value) ? value : value.toFixed(1)}%`;
}
