/**
 * The pipeline, top to bottom, wiring only:
 * config → credentials → scan → (list ‖ hash) → plan → apply (upload) → invalidate → delete → checks → report.
 */
import * as core from '@actions/core';
import { deleteAll, uploadAll } from './apply.js';
import { createAwsClients, createStsClient } from './aws/clients.js';
import { createCdn } from './aws/cloudfront.js';
import { createS3Store } from './aws/s3-store.js';
import { resolveSiteUrl, startInvalidation, waitForInvalidation } from './cdn/invalidate.js';
import { runChecks } from './checks/run.js';
import { readEvent } from './config/context.js';
import { parseConfig, type Config } from './config/parse.js';
import { resolveCredentials } from './credentials.js';
import { errorMessage } from './errors.js';
import { finishRunDeployment, startRunDeployment, type RunDeployment } from './github/deployment-run.js';
import { createProber } from './http/probe.js';
import { hashSourceFiles, totalSizeWhenAsked } from './local/hash.js';
import { findSourceFiles } from './local/scan.js';
import type { InputName } from './names.js';
import { planDeploy, planRemoval } from './plan/plan.js';
import type { Cdn, ObjectStore } from './ports.js';
import { listRemote, startListing } from './remote/list.js';
import { logPlan } from './report/plan-log.js';
import { withProgress } from './report/progress.js';
import { checksOutcome, newResult, report } from './report/report.js';
import { stageRunner, type Stage } from './stages.js';
import type { DeployResult, Timeline } from './types.js';

export async function run(): Promise<void> {
  const timings: DeployResult['timings'] = {};
  const timeline: Timeline = { startedAt: Date.now(), spans: [] };
  const stage = stageRunner(timings, timeline);
  let config: Config | undefined;
  let result: DeployResult | undefined;
  let failedAttempts: (() => number) | undefined;
  let deployment: RunDeployment | undefined;
  let failure: string | undefined;
  try {
    config = parseConfig((name: InputName) => core.getInput(name), process.env, readEvent(process.env.GITHUB_EVENT_PATH));
    const cfg = config;
    deployment = cfg.githubDeployment ? await stage('deployment', 'GitHub deployment', () => startRunDeployment(cfg)) : undefined;
    const credentials = await stage('credentials', 'Credentials', () =>
      resolveCredentials(cfg, {
        getIdToken: (aud) => core.getIDToken(aud),
        sts: () => createStsClient(cfg.region),
        setSecret: core.setSecret,
        info: core.info,
      }),
    );
    const clients = createAwsClients(cfg.region, credentials, { s3PathStyle: cfg.s3PathStyle });
    failedAttempts = clients.failedAttempts;
    const store = createS3Store(clients.s3, cfg.bucket);
    const cdn = createCdn(clients.cloudfront);
    const siteUrl = await resolveSiteUrl(cdn, cfg);
    const found = cfg.mode === 'deploy' ? await stage('scan', `Scanning ${cfg.sourceDir}`, () => findSourceFiles(cfg)) : [];
    // The folder passed its guards: list the bucket while the files are hashed (both take seconds).
    const listing = stage.span('listing', () => startListing(store, cfg.prefix));
    const local = await stage('hash', `Hashing ${found.length} files`, () =>
      withProgress('Hashing', { files: found.length, bytes: totalSizeWhenAsked(found) }, (progress) => hashSourceFiles(found, progress)),
    );
    const remote = await stage('list', `Listing s3://${cfg.bucket}/${cfg.prefix}`, () => listRemote(store, listing, local, cfg));
    const plan = await stage('plan', 'Plan', () => {
      const planned = cfg.mode === 'deploy' ? planDeploy(local, remote, cfg) : planRemoval(remote);
      logPlan(planned, cfg.dryRun);
      return planned;
    });
    result = { ...newResult(cfg, plan, siteUrl, timings), timeline };
    // A dry run stops here, but still reports (summary, outputs) below.
    if (!cfg.dryRun) await execute(cfg, plan, { store, cdn }, result, stage);
  } catch (err) {
    failure = errorMessage(err);
    if (result) result.error = failure;
    core.setFailed(failure);
  }
  const cfg = config;
  const recorded =
    deployment && cfg && (await stage('deployment', 'GitHub deployment', () => finishRunDeployment(deployment, cfg, result, failure)));
  if (config && result) {
    result.failedAttempts = failedAttempts?.();
    result.deployment = recorded;
    await report(config, result, stage);
  }
}

/** Writes the plan, then proves it: upload → invalidate (→ wait) → delete → checks (remove: delete → invalidate). */
async function execute(
  cfg: Config,
  plan: DeployResult['plan'],
  { store, cdn }: { store: ObjectStore; cdn: Cdn },
  result: DeployResult,
  stage: Stage,
): Promise<void> {
  const applied = { uploaded: 0, bytesUploaded: 0, deleted: 0 };
  result.applied = applied;
  await stage('apply', 'Uploading', () => uploadAll(store, plan.uploads, cfg.concurrency, applied, stage.span));
  if (cfg.mode === 'remove') {
    applied.deleted = await stage('delete', 'Deleting', () => deleteAll(store, plan.deletes));
  }
  await stage('invalidate', 'CloudFront invalidation', async () => {
    const changedKeys = [...plan.uploads.map((upload) => upload.file.key), ...plan.deletes];
    const { result: invalidation, skipped } = await startInvalidation(cdn, cfg, changedKeys);
    result.invalidationSkipped = skipped;
    result.invalidation =
      invalidation && cfg.waitForInvalidation
        ? await stage.span('invalidation wait', () => waitForInvalidation(cdn, cfg, invalidation))
        : invalidation;
  });
  if (cfg.mode === 'deploy') {
    // Stale objects go only after the new index is live and cached copies are being dropped.
    applied.deleted = await stage('delete', 'Deleting stale objects', () => deleteAll(store, plan.deletes));
    result.checks = await stage('checks', 'Post-deploy checks', () => (cfg.checks ? runChecks(createProber(), cfg, result.siteUrl) : []));
    result.checksOutcome = checksOutcome(result.checks);
  }
}
