/** The write half of the pipeline and its proof: apply → header updates → invalidate → delete → deploy state → checks; the doctor's verdict; mode audit. */
import * as core from '@actions/core';
import { deleteAll, updateAllHeaders, uploadAll, type UploadStats } from './apply.js';
import { awaitDoctor, refuseOnDoctorErrors } from './cdn/doctor/run.js';
import type { DoctorReport } from './cdn/doctor/types.js';
import { startInvalidation, waitForInvalidation } from './cdn/invalidate.js';
import { indexProof } from './checks/plan.js';
import { runChecks } from './checks/run.js';
import type { Config } from './config/parse.js';
import { errorMessage } from './errors.js';
import { createProber } from './http/probe.js';
import type { Cdn, ObjectStore } from './ports.js';
import type { RemoteView } from './remote/list.js';
import { stateKey } from './remote/state.js';
import { saveAfterRun } from './remote/state-store.js';
import { checksOutcome } from './report/report.js';
import type { Stage } from './stages.js';
import type { DeployResult, LocalFile } from './types.js';

export interface Run {
  store: ObjectStore;
  cdn: Cdn;
  view: RemoteView;
  local: LocalFile[];
  now: number;
}

/**
 * Writes the plan, then proves it: upload → header updates → invalidate (→ wait) → delete → deploy
 * state → checks (remove: delete, the state too → invalidate).
 */
export async function execute(cfg: Config, { store, cdn, view, local, now }: Run, result: DeployResult, stage: Stage) {
  const { plan } = result;
  const applied: UploadStats & { deleted: number } = { uploaded: 0, bytesUploaded: 0, deleted: 0, headersUpdated: 0, written: new Map() };
  result.applied = applied;
  const saveState = () => view.state && saveAfterRun(store, cfg, { state: view.state, view, local, plan, applied, now });
  try {
    await stage('apply', 'Uploading', () => uploadAll(store, plan.uploads, cfg.concurrency, applied, stage.span));
    if (plan.headerUpdates.length > 0) {
      await stage('headers', 'Updating headers', () => updateAllHeaders(store, plan.headerUpdates, cfg.concurrency, applied));
    }
    if (cfg.mode === 'remove') {
      await stage('delete', 'Deleting', async () => {
        await deleteAll(store, plan.deletes, applied);
        // The deploy state goes with the prefix, uncounted: it is not a file of the site.
        if (view.stateListed) await deleteAll(store, [stateKey(cfg.prefix)], { deleted: 0 });
      });
    }
    await stage('invalidate', 'CloudFront invalidation', async () => {
      // Header updates too: edges hold copies with the old headers. Retained objects did not change.
      const updated = plan.headerUpdates.map((update) => update.file.key);
      const changedKeys = [...plan.uploads.map((upload) => upload.file.key), ...updated, ...plan.deletes];
      const { result: invalidation, skipped } = await startInvalidation(cdn, cfg, changedKeys);
      result.invalidationSkipped = skipped;
      result.invalidation = invalidation;
      if (invalidation && cfg.waitForInvalidation) {
        result.invalidation = await stage.span('invalidation wait', () => waitForInvalidation(cdn, cfg, invalidation));
      }
    });
    // Stale objects go only after the new index is live and cached copies are being dropped.
    if (cfg.mode === 'deploy') await stage('delete', 'Deleting stale objects', () => deleteAll(store, plan.deletes, applied));
  } catch (err) {
    // What was written must reach the state: an entry left with an old header fingerprint but an
    // unchanged ETag (a header update keeps it) would hide that update from every later deploy.
    if (cfg.mode === 'deploy' && applied.written.size > 0) await saveStateAfterFailure(saveState);
    throw err;
  }
  if (cfg.mode === 'deploy') {
    if (view.state) await stage('state', 'Deploy state', saveState);
    const index = local.find((file) => file.kind === 'index');
    const proof = index && indexProof(index.md5, cfg.distributionId, result.invalidation);
    result.checks = await stage('checks', 'Post-deploy checks', () =>
      cfg.checks ? runChecks(createProber(), cfg, result.siteUrl, {}, proof, result.doctor?.findings) : [],
    );
    result.checksOutcome = checksOutcome(result.checks);
  }
}

/** The doctor's report, logged; with `doctor: fail` an error finding stops the run here, before any write. */
export async function doctor(cfg: Config, doctoring: Promise<DoctorReport>, result: DeployResult, stage: Stage): Promise<void> {
  await stage('doctor', 'Doctor', async () => {
    result.doctor = await awaitDoctor(doctoring, cfg);
    refuseOnDoctorErrors(result.doctor, cfg);
  });
}

/** mode audit: the doctor and the checks; no write, no invalidation. `doctor: fail` fails the run after both. */
export async function audit(cfg: Config, doctoring: Promise<DoctorReport>, result: DeployResult, stage: Stage): Promise<void> {
  result.invalidationSkipped = 'mode audit';
  result.doctor = await stage('doctor', 'Doctor', () => awaitDoctor(doctoring, cfg));
  result.checks = await stage('checks', 'Post-deploy checks', () =>
    cfg.checks ? runChecks(createProber(), cfg, result.siteUrl, {}, undefined, result.doctor?.findings) : [],
  );
  result.checksOutcome = checksOutcome(result.checks);
  await stage('doctor', 'Doctor verdict', () => refuseOnDoctorErrors(result.doctor!, cfg));
}

async function saveStateAfterFailure(save: () => Promise<unknown> | undefined): Promise<void> {
  try {
    await save();
  } catch (err) {
    core.warning(`The deploy state was not updated after the failure: ${errorMessage(err)}`);
  }
}
