/** The run's result and its report: outputs, the PR comment, the job summary, the failed-checks failure and the last log line. */
import * as core from '@actions/core';
import type { Config } from '../config/parse.js';
import { errorMessage } from '../errors.js';
import { createPrComments, updatePrComment } from '../github/comment.js';
import type { Stage } from '../stages.js';
import type { ChecksOutcome, CheckResult, DeployResult } from '../types.js';
import { setOutputs } from './outputs.js';
import { writeSummary } from './summary.js';

export function newResult(
  config: Config,
  plan: DeployResult['plan'],
  siteUrl: string | undefined,
  timings: DeployResult['timings'],
): DeployResult {
  const previewUrl = siteUrl && config.prefix ? `${siteUrl}/${config.prefix}${config.indexDocument}` : undefined;
  return {
    mode: config.mode,
    dryRun: config.dryRun,
    bucket: config.bucket,
    prefix: config.prefix,
    plan,
    siteUrl,
    previewUrl,
    checks: [],
    checksOutcome: 'skipped',
    timings,
    sha: config.run.sha,
  };
}

export function checksOutcome(checks: CheckResult[]): ChecksOutcome {
  if (checks.length === 0) return 'skipped';
  return checks.every((check) => check.passed) ? 'passed' : 'failed';
}

export async function report(config: Config, result: DeployResult, stage: Stage): Promise<void> {
  await stage('report', 'Report', async () => {
    setOutputs(result);
    await updatePrComment(createPrComments(config), config, result);
    await writeSummary(result).catch((err) => core.warning(`Could not write the job summary: ${errorMessage(err)}`));
  });
  const failed = result.checks.filter((check) => !check.passed);
  if (failed.length > 0) {
    core.setFailed(
      `Post-deploy checks failed: ${failed.map((check) => `${check.name} (${check.url}): ${check.diagnosis ?? check.got}`).join('; ')}`,
    );
  }
  core.info(summaryLine(result));
}

function summaryLine(result: DeployResult): string {
  // Wall time since the process started: hashing and listing overlap, so stage times do not add up.
  const total = process.uptime() * 1000;
  const a = result.applied;
  const done = a ? `${a.uploaded} uploaded (${a.bytesUploaded} bytes), ${a.deleted} deleted` : 'nothing written (dry run)';
  const retried = result.failedAttempts ? ` ${result.failedAttempts} AWS request attempt(s) failed and were retried or reported.` : '';
  return `Done in ${(total / 1000).toFixed(1)} s: ${done}, ${result.plan.unchanged.length} unchanged; checks ${result.checksOutcome}.${retried}`;
}
