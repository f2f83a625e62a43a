/**
 * The pipeline, top to bottom, wiring only:
 * config → credentials → scan → (list + deploy state ‖ hash ‖ doctor's reads) → plan → doctor → apply
 * (upload, header updates) → invalidate → delete → write the deploy state → checks → report.
 * mode audit: credentials → doctor → checks → report. Once the inputs parse, every run reports, whichever stage fails.
 * This file runs up to the plan; execute.ts writes the plan and proves it.
 */
import * as core from '@actions/core';
import { createAwsClients, createStsClient } from './aws/clients.js';
import { createBucketConfigReads } from './aws/bucket-config.js';
import { createCdn, createDistributionLookup } from './aws/cloudfront.js';
import { createCloudFrontReads } from './aws/cloudfront-doctor.js';
import { createS3Store } from './aws/s3-store.js';
import { startDoctor } from './cdn/doctor/run.js';
import type { ConfigReader } from './cdn/doctor/types.js';
import { resolveSiteUrl } from './cdn/invalidate.js';
import { readEvent } from './config/context.js';
import { parseConfig, type Config } from './config/parse.js';
import { resolveCredentials } from './credentials.js';
import { errorMessage } from './errors.js';
import { audit, doctor, execute } from './execute.js';
import { finishRunDeployment, startRunDeployment, type RunDeployment } from './github/deployment-run.js';
import { hashSourceFiles, totalSizeWhenAsked } from './local/hash.js';
import { findSourceFiles } from './local/scan.js';
import type { InputName } from './names.js';
import { refuseOverDeleteLimit } from './plan/delete-limit.js';
import { planDeploy, planRemoval } from './plan/plan.js';
import { listRemote, startListing } from './remote/list.js';
import { logPlan } from './report/plan-log.js';
import { withProgress } from './report/progress.js';
import { newResult, previewUrl, report, writeOutputs } from './report/report.js';
import { recordFailure, stageRunner, type Stage } from './stages.js';
import type { DeployResult } from './types.js';

export async function run(): Promise<void> {
  let config: Config;
  try {
    config = parseConfig((name: InputName) => core.getInput(name), process.env, readEvent(process.env.GITHUB_EVENT_PATH));
  } catch (err) {
    core.setFailed(errorMessage(err));
    return;
  }
  const cfg = config;
  const result = newResult(cfg);
  const scope = { invalidates: cfg.distributionId !== undefined && cfg.invalidationPaths.kind !== 'none' };
  const stage = stageRunner(result, scope);
  const counters: { failedAttempts?: () => number } = {};
  let deployment: RunDeployment | undefined;
  try {
    // An audit deploys nothing, so it records no GitHub deployment.
    const records = cfg.githubDeployment && cfg.mode !== 'audit';
    deployment = records ? await stage('deployment', 'GitHub deployment', () => startRunDeployment(cfg)) : undefined;
    await deploy(cfg, result, stage, counters);
  } catch (err) {
    core.setFailed(errorMessage(recordFailure(result, scope, 'The run', err)));
  }
  result.failedAttempts = counters.failedAttempts?.();
  if (deployment?.id !== undefined) result.deployment = { environment: deployment.target.environment, id: deployment.id };
  const outputsFailure = writeOutputs(result);
  try {
    // The deployment's last word: success, or failure with the cause (the report shows it too).
    const started = deployment;
    if (started)
      result.deployment = await stage('deployment', 'GitHub deployment', () =>
        finishRunDeployment(started, cfg, result, result.failure?.message ?? outputsFailure),
      );
  } catch (err) {
    core.setFailed(errorMessage(recordFailure(result, scope, 'GitHub deployment', err)));
  }
  await report(cfg, result);
}

async function deploy(cfg: Config, result: DeployResult, stage: Stage, counters: { failedAttempts?: () => number }): Promise<void> {
  const credentials = await stage('credentials', 'Credentials', () =>
    resolveCredentials(cfg, {
      getIdToken: (aud) => core.getIDToken(aud),
      sts: () => createStsClient(cfg.region),
      setSecret: core.setSecret,
      info: core.info,
    }),
  );
  const clients = createAwsClients(cfg.region, credentials, { s3PathStyle: cfg.s3PathStyle });
  counters.failedAttempts = clients.failedAttempts;
  const store = createS3Store(clients.s3, cfg.bucket);
  const distributions = createDistributionLookup(clients.cloudfront);
  const cdn = createCdn(clients.cloudfront, distributions);
  const reader: ConfigReader = {
    ...createCloudFrontReads(clients.cloudfront, distributions),
    ...createBucketConfigReads(clients.s3, clients.s3Control),
  };
  const lookup = cfg.siteUrl === undefined && cfg.distributionId !== undefined;
  result.siteUrl = lookup
    ? await stage('distribution', `CloudFront distribution ${cfg.distributionId}`, () => resolveSiteUrl(cdn, cfg))
    : cfg.siteUrl;
  result.previewUrl = previewUrl(result.siteUrl, cfg);
  if (cfg.mode === 'audit')
    return audit(
      cfg,
      stage.span('doctor reads', () => startDoctor(reader, cfg)),
      result,
      stage,
    );
  const found = cfg.mode === 'deploy' ? await stage('scan', `Scanning ${cfg.sourceDir}`, () => findSourceFiles(cfg)) : [];
  // The folder passed its guards: list the bucket (and read the deploy state) and its configuration while the files are hashed.
  const listing = startListing(store, cfg);
  void stage.span('listing', () => listing.objects); // a bar on the timeline; awaited in the list stage
  const doctoring = stage.span('doctor reads', () => startDoctor(reader, cfg));
  const local = await stage('hash', `Hashing ${found.length} files`, () =>
    withProgress('Hashing', { files: found.length, bytes: totalSizeWhenAsked(found) }, (progress) => hashSourceFiles(found, progress)),
  );
  const view = await stage('list', `Listing s3://${cfg.bucket}/${cfg.prefix}`, () => listRemote(store, listing, local, cfg));
  const now = Date.now();
  await stage('plan', 'Plan', () => {
    const knowledge = { entries: view.state?.parsed.state.entries ?? new Map(), heads: view.heads, now };
    result.plan = cfg.mode === 'deploy' ? planDeploy(local, view.remote, cfg, knowledge) : planRemoval(view.remote);
    logPlan(result.plan, cfg.dryRun, cfg.keepStaleMs);
    // Refused before any write, dry run included; removing a preview deletes all of it by design. Retained objects are not deletions.
    if (cfg.mode === 'deploy') refuseOverDeleteLimit(result.plan.deletes.length, view.remote.length, cfg);
  });
  await doctor(cfg, doctoring, result, stage);
  // A dry run stops here, but still reports (summary, outputs).
  if (!cfg.dryRun) await execute(cfg, { store, cdn, view, local, now }, result, stage);
}
