/** One line per decision that matters: the plan's counts, and every action in a dry run. */
import * as core from '@actions/core';
import type { Plan, StaleObject } from '../types.js';

/** A dry run prints each action; past this many, the rest go to the debug log only. */
const MAX_INFO_LINES = 1000;

export function logPlan(plan: Plan, dryRun: boolean, keepStaleMs = 0): void {
  const byReason = (reason: string) => plan.uploads.filter((upload) => upload.reason === reason).length;
  const bytes = plan.uploads.reduce((sum, upload) => sum + upload.file.size, 0);
  const resent = byReason('headers') > 0 ? `, ${byReason('headers')} over 5 GiB re-sent for their headers` : '';
  const expired = plan.expiring.length > 0 ? ` (${plan.expiring.length} whose keep-stale time is over)` : '';
  core.info(
    `Plan: upload ${plan.uploads.length} (${byReason('new')} new, ${byReason('changed')} changed, ${byReason('forced')} forced${resent}; ${bytes} bytes), ` +
      `update headers of ${plan.headerUpdates.length}, delete ${plan.deletes.length}${expired}, keep ${plan.retained.length} stale, unchanged ${plan.unchanged.length}.`,
  );
  const would = (verb: string) => (dryRun ? `would ${verb}` : verb);
  const expiring = new Map(plan.expiring.map((stale) => [stale.key, stale]));
  const lines = [
    ...plan.uploads.map((upload) => `${would('upload')} (${upload.reason}) ${upload.file.key}`),
    ...plan.headerUpdates.map((update) => `${would('update headers of')} ${update.file.key}`),
    ...plan.deletes.map((key) => `${would('delete')}${expiredNote(expiring.get(key))} ${key}`),
    ...plan.retained.map((stale) => `${would('keep')} ${stale.key} (${staleNote(stale, keepStaleMs)})`),
  ];
  lines.forEach((line, i) => (dryRun && i < MAX_INFO_LINES ? core.info(line) : core.debug(line)));
  if (dryRun && lines.length > MAX_INFO_LINES) core.info(`… and ${lines.length - MAX_INFO_LINES} more (see the debug log).`);
}

function expiredNote(stale: StaleObject | undefined): string {
  return stale ? ` (stale since ${new Date(stale.since).toISOString()}, keep-stale is over)` : '';
}

function staleNote(stale: StaleObject, keepStaleMs: number): string {
  return `stale since ${new Date(stale.since).toISOString()}; deleted by the first deploy after ${new Date(stale.since + keepStaleMs).toISOString()}`;
}
