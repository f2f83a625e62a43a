/**
 * The pipeline, top to bottom:
 * config → credentials → scan → (list ‖ hash) → plan → apply (upload) → invalidate → delete → checks → report.
 * Each stage lives in its own module; this file only wires them.
 */
import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import { deleteAll, uploadAll } from './apply';
import { createAwsClients, createStsClient } from './aws/clients';
import { createCdn } from './aws/cdn';
import { createS3Store } from './aws/s3-store';
import { runChecks } from './checks';
import { parseConfig, type Config } from './config';
import { resolveCredentials } from './credentials';
import { ConfigError, DeployError, errorMessage, GuardError } from './errors';
import { describeError } from './retry';
import { createPrComments } from './github/pr-comments';
import { createProber } from './http/probe';
import { resolveSiteUrl, startInvalidation, waitForInvalidation } from './invalidate';
import type { InputName } from './names';
import { planDeploy, planRemoval } from './plan';
import type { Cdn, ObjectStore, Prober } from './ports';
import { listRemote, startListing } from './remote';
import { setOutputs } from './report/outputs';
import { updatePrComment } from './report/pr-comment';
import { writeSummary } from './report/summary';
import { findSourceFiles, hashSourceFiles } from './scan';
import type { ChecksOutcome, CheckResult, Credentials, DeployResult, StageName } from './types';
import { logPlan } from './report/plan-log';

/** Everything run() needs from outside; tests and the demo may hand in their own. */
export interface Deps {
  loadConfig: () => Config;
  resolveCredentials: (config: Config) => Promise<Credentials | undefined>;
  connect: (config: Config, credentials: Credentials | undefined) => { store: ObjectStore; cdn: Cdn; failedAttempts?: () => number };
  prober: () => Prober;
}

export function realDeps(): Deps {
  return {
    loadConfig: () => parseConfig((name: InputName) => core.getInput(name), process.env, readEvent(process.env.GITHUB_EVENT_PATH)),
    resolveCredentials: (config) =>
      resolveCredentials(config, {
        getIdToken: (aud) => core.getIDToken(aud),
        sts: () => createStsClient(config.region),
        setSecret: core.setSecret,
        info: core.info,
      }),
    connect: (config, credentials) => {
      const clients = createAwsClients(config.region, credentials);
      return {
        store: createS3Store(clients.s3, config.bucket),
        cdn: createCdn(clients.cloudfront),
        failedAttempts: clients.failedAttempts,
      };
    },
    prober: createProber,
  };
}

/** Runs one stage inside a log group, timing it and explaining raw failures. */
type Stage = <T>(name: StageName, title: string, fn: () => Promise<T> | T) => Promise<T>;

export async function run(deps: Deps = realDeps()): Promise<void> {
  const timings: DeployResult['timings'] = {};
  const stage: Stage = async (name, title, fn) => {
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
  let config: Config | undefined;
  let result: DeployResult | undefined;
  let failedAttempts: (() => number) | undefined;
  try {
    config = deps.loadConfig();
    const cfg = config;
    const credentials = await stage('credentials', 'Credentials', () => deps.resolveCredentials(cfg));
    const { store, cdn, ...connection } = deps.connect(cfg, credentials);
    failedAttempts = connection.failedAttempts;
    const siteUrl = await resolveSiteUrl(cdn, cfg);
    const found = cfg.mode === 'deploy' ? await stage('scan', `Scanning ${cfg.sourceDir}`, () => findSourceFiles(cfg)) : [];
    // The folder passed its guards: list the bucket while the files are hashed (both take seconds).
    const listing = startListing(store, cfg.prefix);
    const local = await stage('hash', `Hashing ${found.length} files`, () => hashSourceFiles(found));
    const remote = await stage('list', `Listing s3://${cfg.bucket}/${cfg.prefix}`, () => listRemote(store, listing, local, cfg));
    const plan = await stage('plan', 'Plan', () => {
      const planned = cfg.mode === 'deploy' ? planDeploy(local, remote, cfg) : planRemoval(remote);
      logPlan(planned, cfg.dryRun);
      return planned;
    });
    result = newResult(cfg, plan, siteUrl, timings);
    // A dry run stops here, but still reports (summary, outputs) below.
    if (!cfg.dryRun) await execute(cfg, plan, { store, cdn, prober: deps.prober }, result, stage);
  } catch (err) {
    const message = errorMessage(err);
    if (result) result.error = message;
    core.setFailed(message);
  }
  if (config && result) {
    result.failedAttempts = failedAttempts?.();
    await report(config, result, stage);
  }
}

/** Writes the plan, then proves it: upload → invalidate (→ wait) → delete → checks (remove: delete → invalidate). */
async function execute(
  cfg: Config,
  plan: DeployResult['plan'],
  parts: { store: ObjectStore; cdn: Cdn; prober: () => Prober },
  result: DeployResult,
  stage: Stage,
): Promise<void> {
  const { store, cdn } = parts;
  const applied = { uploaded: 0, bytesUploaded: 0, deleted: 0 };
  result.applied = applied;
  await stage('apply', 'Uploading', () => uploadAll(store, plan.uploads, cfg.concurrency, applied));
  if (cfg.mode === 'remove') {
    applied.deleted = await stage('delete', 'Deleting', () => deleteAll(store, plan.deletes));
  }
  await stage('invalidate', 'CloudFront invalidation', async () => {
    const changedKeys = [...plan.uploads.map((upload) => upload.file.key), ...plan.deletes];
    const { result: invalidation, skipped } = await startInvalidation(cdn, cfg, changedKeys);
    result.invalidationSkipped = skipped;
    result.invalidation = invalidation && cfg.waitForInvalidation ? await waitForInvalidation(cdn, cfg, invalidation) : invalidation;
  });
  if (cfg.mode === 'deploy') {
    // Stale objects go only after the new index is live and cached copies are being dropped.
    applied.deleted = await stage('delete', 'Deleting stale objects', () => deleteAll(store, plan.deletes));
    result.checks = await stage('checks', 'Post-deploy checks', () => (cfg.checks ? runChecks(parts.prober(), cfg, result.siteUrl) : []));
    result.checksOutcome = checksOutcome(result.checks);
  }
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

function newResult(
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

function checksOutcome(checks: CheckResult[]): ChecksOutcome {
  if (checks.length === 0) return 'skipped';
  return checks.every((check) => check.passed) ? 'passed' : 'failed';
}

async function report(config: Config, result: DeployResult, stage: Stage): Promise<void> {
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

function readEvent(eventPath: string | undefined): unknown {
  if (!eventPath) return {};
  try {
    return JSON.parse(readFileSync(eventPath, 'utf8')) as unknown;
  } catch {
    return {};
  }
}
