/**
 * Executes a plan in the order visitors need: assets, then HTML, then the index document, each
 * phase finished before the next starts; then header updates; deletions come separately, after
 * everything else.
 */
import * as core from '@actions/core';
import pMap from 'p-map';
import { DeployError, errorMessage } from './errors.js';
import type { ObjectStore } from './ports.js';
import { withProgress, type Progress, type ProgressDeps } from './report/progress.js';
import { describeError } from './retry.js';
import type { Span } from './stages.js';
import type { CarriedHeaders, FileKind, HeaderUpdate, PlannedUpload } from './types.js';

export interface UploadStats {
  uploaded: number;
  bytesUploaded: number;
  headersUpdated: number;
  /** Per key written: the ETag S3 returned, and what a header update carried over (for the deploy state). */
  written: Map<string, { etag: string; carried?: CarriedHeaders }>;
}

const PHASES: { kind: FileKind; label: string; done: (n: number) => string }[] = [
  { kind: 'asset', label: 'assets', done: (n) => `Uploaded ${n} asset${n === 1 ? '' : 's'}.` },
  { kind: 'html', label: 'HTML pages', done: (n) => `Uploaded ${n} HTML page${n === 1 ? '' : 's'}.` },
  { kind: 'index', label: 'the index document', done: () => 'Uploaded the index document, last.' },
];

/** At most this many DeleteObjects requests (of 1,000 keys each) at once. */
const DELETE_CONCURRENCY = 4;
const DELETE_BATCH = 1000;

/**
 * Uploads in phases (each timed by `span`); `stats` is updated as uploads land, so a failure still
 * reports what was done. A progress line every 5 s while it runs (bytes counted part by part for
 * multipart uploads).
 */
export async function uploadAll(
  store: ObjectStore,
  uploads: PlannedUpload[],
  concurrency: number,
  stats: UploadStats,
  span: Span = (_label, fn) => fn(),
  progressDeps?: ProgressDeps,
): Promise<void> {
  const totals = { files: uploads.length, bytes: uploads.reduce((sum, upload) => sum + upload.file.size, 0) };
  await withProgress('Uploading', totals, (progress) => uploadPhases(store, uploads, concurrency, stats, span, progress), progressDeps);
}

async function uploadPhases(
  store: ObjectStore,
  uploads: PlannedUpload[],
  concurrency: number,
  stats: UploadStats,
  span: Span,
  progress: Progress,
): Promise<void> {
  for (const phase of PHASES) {
    const batch = uploads.filter((upload) => upload.file.kind === phase.kind);
    if (batch.length === 0) continue;
    const failed = await span(`upload ${phase.label}`, () => uploadPhase(store, batch, concurrency, stats, progress));
    if (failed.length > 0) {
      const skipped = uploads.length - stats.uploaded - failed.length;
      throw new DeployError(
        `${failed.length} upload(s) of ${phase.label} failed; ${skipped} later upload(s) were not attempted (no page was published that points at a missing asset) and nothing was deleted`,
        failed,
      );
    }
    core.info(phase.done(batch.length));
  }
}

/** Uploads one phase; after the first failure no new upload starts. Returns the failed keys. */
async function uploadPhase(
  store: ObjectStore,
  batch: PlannedUpload[],
  concurrency: number,
  stats: UploadStats,
  progress: Progress,
): Promise<string[]> {
  const failed: string[] = [];
  await pMap(
    batch,
    async ({ file, reason }) => {
      if (failed.length > 0) return;
      try {
        stats.written.set(file.key, await store.put(file, (bytes) => progress.add(0, bytes)));
        progress.add(1, 0);
        stats.uploaded++;
        stats.bytesUploaded += file.size;
        core.debug(`uploaded ${file.key} (${reason}, ${file.size} bytes)`);
      } catch (err) {
        failed.push(file.key);
        core.error(`Upload of '${file.key}' failed: ${describeError(err)}`);
      }
    },
    { concurrency },
  );
  return failed;
}

/**
 * CopyObject onto itself for each object whose headers drifted: no body is sent. Any failure fails
 * the run before the deletions, naming the keys (a copy refused because the object changed since
 * the listing included: a rerun plans it again).
 */
export async function updateAllHeaders(
  store: ObjectStore,
  updates: HeaderUpdate[],
  concurrency: number,
  stats: UploadStats,
): Promise<void> {
  const failed: string[] = [];
  await pMap(
    updates,
    async (update) => {
      try {
        const { etag } = await store.updateHeaders(update);
        stats.written.set(update.file.key, { etag, carried: update.carried });
        stats.headersUpdated++;
        core.debug(`updated the headers of ${update.file.key}`);
      } catch (err) {
        failed.push(update.file.key);
        core.error(`Header update of '${update.file.key}' failed: ${describeError(err)}`);
      }
    },
    { concurrency },
  );
  if (failed.length > 0) {
    throw new DeployError(
      `${failed.length} header update(s) failed; the uploads are done and nothing was deleted. Rerun to converge`,
      failed,
    );
  }
  if (updates.length > 0)
    core.info(`Updated the headers of ${updates.length} object${updates.length === 1 ? '' : 's'} without re-sending their bodies.`);
}

/** Deletes in batches; `stats.deleted` counts the deletions as they land, so a failure still reports what was done. */
export async function deleteAll(store: ObjectStore, keys: string[], stats: { deleted: number }): Promise<void> {
  const batches: string[][] = [];
  for (let i = 0; i < keys.length; i += DELETE_BATCH) batches.push(keys.slice(i, i + DELETE_BATCH));
  const failed: string[] = [];
  await pMap(
    batches,
    async (batch) => {
      try {
        const failures = await store.deleteBatch(batch);
        stats.deleted += batch.length - failures.length;
        for (const failure of failures) {
          failed.push(failure.key);
          core.error(`Delete of '${failure.key}' failed: ${failure.code}: ${failure.message}`);
        }
      } catch (err) {
        failed.push(...batch);
        core.error(`A DeleteObjects request for ${batch.length} keys failed: ${errorMessage(err)}`);
      }
    },
    { concurrency: DELETE_CONCURRENCY },
  );
  if (failed.length > 0) {
    throw new DeployError(`${failed.length} of ${keys.length} deletion(s) failed`, failed);
  }
}
