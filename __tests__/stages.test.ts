/** The stage runner's failure record, and what a failed run left behind (pure, from what the run did). */
import { GuardError } from '../src/errors.js';
import { leftBehind, recordFailure, stageRunner, type RunFacts } from '../src/stages.js';
import type { DeployResult, LocalFile } from '../src/types.js';

const facts = (over: Partial<RunFacts>): RunFacts => ({
  mode: 'deploy',
  dryRun: false,
  prefix: 'pr-7/',
  planned: { uploads: 0, deletes: 0 },
  done: { uploaded: 0, deleted: 0 },
  invalidates: true,
  ...over,
});

const NO_INVALIDATION =
  "No CloudFront invalidation was made: the edge may serve cached copies of the files changed so far, and a rerun will not invalidate them (it finds them unchanged): invalidate them by hand, or rerun with 'force: true'.";

describe('leftBehind says what a failed run left, from what it did', () => {
  test.each<[string, Partial<RunFacts>, string]>([
    ['before any plan (credentials, scan, listing)', {}, 'Nothing was written or deleted.'],
    ['a dry run', { dryRun: true, planned: { uploads: 3, deletes: 2 } }, 'Nothing was written (dry run).'],
    ['planned, nothing uploaded yet', { planned: { uploads: 3, deletes: 2 } }, 'Nothing was written or deleted.'],
    [
      'uploads stopped part-way',
      { planned: { uploads: 10, deletes: 2 }, done: { uploaded: 3, deleted: 0, headersUpdated: 0 } },
      `3 of 10 files were uploaded; 2 stale objects were left in place. ${NO_INVALIDATION} A rerun converges the bucket.`,
    ],
    [
      'CreateInvalidation failed after every upload (deploy mode)',
      { planned: { uploads: 4, deletes: 1 }, done: { uploaded: 4, deleted: 0, headersUpdated: 0 } },
      `All 4 files were uploaded; 1 stale object was left in place. ${NO_INVALIDATION} A rerun converges the bucket.`,
    ],
    [
      'CreateInvalidation failed after every upload, nothing stale',
      { planned: { uploads: 1, deletes: 0 }, done: { uploaded: 1, deleted: 0, headersUpdated: 0 } },
      `The file was uploaded. ${NO_INVALIDATION}`,
    ],
    [
      'no distribution: nothing said about invalidation',
      { invalidates: false, planned: { uploads: 2, deletes: 0 }, done: { uploaded: 1, deleted: 0, headersUpdated: 0 } },
      '1 of 2 files was uploaded. A rerun converges the bucket.',
    ],
    [
      'the wait timed out: the invalidation exists, the deletions had not started',
      {
        planned: { uploads: 1, deletes: 3 },
        done: { uploaded: 1, deleted: 0, headersUpdated: 0 },
        invalidation: { id: 'I1', status: 'InProgress' },
      },
      'The file was uploaded; 3 stale objects were left in place. Invalidation I1 was created (InProgress). A rerun converges the bucket.',
    ],
    [
      'deletions failed part-way',
      {
        planned: { uploads: 0, deletes: 5 },
        done: { uploaded: 0, deleted: 2, headersUpdated: 0 },
        invalidation: { id: 'I2', status: 'Completed' },
      },
      '2 of 5 stale objects were deleted; 3 stale objects were left in place. Invalidation I2 was created (Completed). A rerun converges the bucket.',
    ],
    [
      'remove mode: the invalidation failed after the deletion (it runs first there)',
      { mode: 'remove', planned: { uploads: 0, deletes: 12 }, done: { uploaded: 0, deleted: 12, headersUpdated: 0 } },
      "All 12 objects were deleted under 'pr-7/'. No CloudFront invalidation was made: the edge may serve the removed files until their cache expires, and a rerun will not invalidate them (it finds nothing to delete): invalidate '/pr-7/*' by hand.",
    ],
    [
      'remove mode: the deletion failed part-way',
      { mode: 'remove', planned: { uploads: 0, deletes: 12 }, done: { uploaded: 0, deleted: 7 } },
      "7 of 12 objects were deleted under 'pr-7/'. No CloudFront invalidation was made: the edge may serve the removed files until their cache expires. A rerun deletes the 5 objects left, then invalidates; with 'invalidation-paths: auto' that is '/pr-7/*', which covers the objects this run deleted too.",
    ],
    [
      'remove mode without a distribution: the deletion failed part-way',
      { mode: 'remove', invalidates: false, planned: { uploads: 0, deletes: 12 }, done: { uploaded: 0, deleted: 7 } },
      "7 of 12 objects were deleted under 'pr-7/'. A rerun converges the bucket.",
    ],
  ] as [string, Partial<RunFacts>, string][])('%s', (_name, over, expected) => {
    expect(leftBehind(facts(over))).toEqual(expected);
  });
});

function emptyResult(): DeployResult {
  return {
    mode: 'deploy',
    dryRun: false,
    bucket: 'site',
    prefix: '',
    plan: { uploads: [], deletes: [], unchanged: [], headerUpdates: [], retained: [], expiring: [] },
    checks: [],
    checksOutcome: 'skipped',
    timings: {},
    sha: 'abc',
  };
}

const file = (key: string): LocalFile => ({
  key,
  relPath: key,
  absPath: `/b/${key}`,
  size: 1,
  md5: '0'.repeat(32),
  contentType: 'text/plain',
  kind: 'asset',
});

describe('the stage runner records the first failure with its stage and aftermath', () => {
  test('our own error keeps its words, gets the aftermath once, and the stage is recorded', async () => {
    const result = emptyResult();
    const stage = stageRunner(result, { invalidates: false });
    const err = await stage('scan', 'Scanning build', () => {
      throw new GuardError("source-dir 'build' does not exist.");
    }).catch((e: unknown) => e as Error);
    expect(err.message).toBe("source-dir 'build' does not exist. Nothing was written or deleted.");
    expect(result.failure).toEqual({
      stage: 'Scanning build',
      message: "source-dir 'build' does not exist.",
      leftBehind: 'Nothing was written or deleted.',
    });
    expect(Object.keys(result.timings)).toEqual(['scan']);
  });

  test('a raw AWS error is named with the stage; the aftermath counts what was done at that moment', async () => {
    const result = emptyResult();
    result.plan = {
      uploads: [
        { file: file('a.js'), reason: 'new' },
        { file: file('b.js'), reason: 'new' },
      ],
      deletes: ['old.js'],
      unchanged: [],
      headerUpdates: [],
      retained: [],
      expiring: [],
    };
    result.applied = { uploaded: 2, bytesUploaded: 2, deleted: 0, headersUpdated: 0 };
    const stage = stageRunner(result, { invalidates: true });
    const denied = Object.assign(new Error('User is not authorized to perform: cloudfront:CreateInvalidation'), {
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    const err = await stage('invalidate', 'CloudFront invalidation', () => Promise.reject(denied)).catch((e: unknown) => e as Error);
    expect(result.failure?.stage).toBe('CloudFront invalidation');
    expect(result.failure?.message).toMatch(/^CloudFront invalidation failed: .*AccessDenied/);
    expect(result.failure?.leftBehind).toBe(
      `All 2 files were uploaded; 1 stale object was left in place. ${NO_INVALIDATION} A rerun converges the bucket.`,
    );
    expect(err.message).toBe(`${result.failure?.message} ${result.failure?.leftBehind}`);
  });

  test('a second failure (the run-level catch) does not overwrite the first', () => {
    const result = emptyResult();
    recordFailure(result, { invalidates: false }, 'Listing s3://site/', new Error('first'));
    const again = recordFailure(result, { invalidates: false }, 'The run', new Error('second'));
    expect(result.failure?.stage).toBe('Listing s3://site/');
    expect(again.message).toBe('first Nothing was written or deleted.');
  });
});
