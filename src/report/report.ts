/** The run's result and its report: outputs, the PR comment, the job summary, the failed-checks failure and the last log line. */
import * as core from '@actions/core';
import type { Config } from '../config/parse.js';
import { errorMessage } from '../errors.js';
import { createPrComments, updatePrComment } from '../github/comment.js';
import { siteRootUrl } from '../checks/plan.js';
import type { ChecksOutcome, CheckResult, DeployResult } from '../types.js';
import { previewComment } from './comment-body.js';
import { setOutputs } from './outputs.js';
import { writeSummary } from './summary.js';

/** The result as it stands before any stage ran: nothing planned, nothing done; the stages fill it in. */
export function newResult(config: Config): DeployResult {
  return {
    mode: config.mode,
    dryRun: config.dryRun,
    bucket: config.bucket,
    prefix: config.prefix,
    plan: { uploads: [], deletes: [], unchanged: [], headerUpdates: [], retained: [], expiring: [] },
    checks: [],
    checksOutcome: 'skipped',
    timings: {},
    sha: config.run.sha,
  };
}

/** The preview's address, with a prefix: the site root check's URL, percent-encoded like it. */
export function previewUrl(siteUrl: string | undefined, config: Pick<Config, 'prefix' | 'indexDocument'>): string | undefined {
  return siteUrl && config.prefix ? siteRootUrl(siteUrl.replace(/\/+$/, ''), config.prefix, config.indexDocument) : undefined;
}

/** Checks that only warn (state-private) count as run, never as failed. */
export function checksOutcome(checks: CheckResult[]): ChecksOutcome {
  if (checks.length === 0) return 'skipped';
  return checks.every((check) => check.passed || check.warnOnly) ? 'passed' : 'failed';
}

/**
 * Outputs, PR comment, job summary, each on its own: one failing does not stop the others, and
 * nothing here rejects (index.ts does not catch). Outputs that cannot be written fail the job.
 */
/**
 * The step outputs, written before the GitHub deployment's last word so that a job failing here
 * does not leave a deployment saying success. Returns the error that failed the job, if any.
 */
export function writeOutputs(result: DeployResult): string | undefined {
  try {
    setOutputs(result);
    return undefined;
  } catch (err) {
    const message = `Could not write the step outputs: ${errorMessage(err)}`;
    core.setFailed(message);
    return message;
  }
}

/** The PR comment, the job summary, the failed-checks failure and the last log line; the outputs come first (writeOutputs). */
export async function report(config: Config, result: DeployResult): Promise<void> {
  core.startGroup('Report');
  const started = Date.now();
  await attempt(
    'update the preview comment',
    () => updatePrComment(createPrComments(config), config, result, previewComment),
    core.warning,
  );
  await attempt('write the job summary', () => writeSummary(result), core.warning);
  result.timings.report = Date.now() - started;
  core.endGroup();
  const failed = result.checks.filter((check) => !check.passed && !check.warnOnly);
  if (failed.length > 0) {
    core.setFailed(
      `Post-deploy checks failed: ${failed.map((check) => `${check.name} (${check.url}): ${check.diagnosis ?? check.got}`).join('; ')}`,
    );
  }
  core.info(summaryLine(result));
}

async function attempt(what: string, fn: () => unknown, onError: (message: string) => void): Promise<void> {
  try {
    await fn();
  } catch (err) {
    onError(`Could not ${what}: ${errorMessage(err)}`);
  }
}

function summaryLine(result: DeployResult): string {
  // Wall time since the process started: hashing and listing overlap, so stage times do not add up.
  const total = process.uptime() * 1000;
  const a = result.applied;
  const why = result.mode === 'audit' ? ' (audit)' : result.dryRun ? ' (dry run)' : '';
  const done = a
    ? `${a.uploaded} uploaded (${a.bytesUploaded} bytes), ${a.headersUpdated} headers updated, ${a.deleted} deleted, ${result.plan.retained.length} retained`
    : `nothing written${why}`;
  const retried = result.failedAttempts ? ` ${result.failedAttempts} AWS request attempt(s) failed and were retried or reported.` : '';
  const doctor = `doctor ${result.doctor?.outcome ?? 'skipped'}`;
  return `${result.failure ? 'Failed' : 'Done'} in ${(total / 1000).toFixed(1)} s: ${done}, ${result.plan.unchanged.length} unchanged; ${doctor}; checks ${result.checksOutcome}.${retried}`;
}
