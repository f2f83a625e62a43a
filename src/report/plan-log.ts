/** One line per decision that matters: the plan's counts, and every action in a dry run. */
import * as core from '@actions/core';
import type { Plan } from '../types.js';

/** A dry run prints each action; past this many, the rest go to the debug log only. */
const MAX_INFO_LINES = 1000;

export function logPlan(plan: Plan, dryRun: boolean): void {
  const byReason = (reason: string) => plan.uploads.filter((upload) => upload.reason === reason).length;
  const bytes = plan.uploads.reduce((sum, upload) => sum + upload.file.size, 0);
  core.info(
    `Plan: upload ${plan.uploads.length} (${byReason('new')} new, ${byReason('changed')} changed, ${byReason('forced')} forced; ${bytes} bytes), ` +
      `delete ${plan.deletes.length}, unchanged ${plan.unchanged.length}.`,
  );
  const lines = [
    ...plan.uploads.map((upload) => `${dryRun ? 'would upload' : 'upload'} (${upload.reason}) ${upload.file.key}`),
    ...plan.deletes.map((key) => `${dryRun ? 'would delete' : 'delete'} ${key}`),
  ];
  lines.forEach((line, i) => (dryRun && i < MAX_INFO_LINES ? core.info(line) : core.debug(line)));
  if (dryRun && lines.length > MAX_INFO_LINES) core.info(`… and ${lines.length - MAX_INFO_LINES} more (see the debug log).`);
}
