/**
 * max-delete, run from the bundle against s3rver: a deploy whose plan deletes more than the limit
 * (a count, or a share of the objects in scope) is refused before any write, dry runs too, with a
 * message naming the count and the input; within the limit it deploys; mode remove is not limited.
 */
import { runAction, type ActionRun } from '../fixtures/run-action.js';
import { useSiteBed } from '../fixtures/site-bed.js';

const BUCKET = 'max-delete';
const SITE = { 'index.html': '<!doctype html><title>site</title>', 'app.js': 'app();\n' };

const bed = useSiteBed(BUCKET, SITE);

/** The bucket holds the site and `stale` objects the source no longer has. */
async function seed(stale: number, prefix = ''): Promise<void> {
  for (const [key, body] of Object.entries(SITE)) await bed.s3.putObject(BUCKET, prefix + key, body);
  for (let i = 0; i < stale; i++) await bed.s3.putObject(BUCKET, `${prefix}old/${i}.js`, 'old');
  bed.s3.resetRequests();
}

function deploy(inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({
    endpoint: bed.s3.endpoint,
    workspace: bed.workspace,
    inputs: { bucket: BUCKET, 'source-dir': 'build', checks: 'false', ...inputs },
  });
}

function expectExit(run: ActionRun, code: number): void {
  if (run.code !== code) throw new Error(`expected exit ${code}, got ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`);
}

/** The log as the runner shows it: workflow command data unescaped (`%25` → `%`, as in `::error::`). */
const shownLog = (run: ActionRun): string => run.stdout.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');

const writes = (): number => bed.s3.count('PutObject') + bed.s3.count('CreateMultipartUpload') + bed.s3.count('DeleteObjects');

test('a count: 8 deletions against max-delete 5 are refused before any write, naming both', async () => {
  await seed(8);
  await bed.s3.putObject(BUCKET, 'app.js', 'changed since'); // an upload is planned too, and must not happen
  bed.s3.resetRequests();
  const run = await deploy({ 'max-delete': '5' });
  expectExit(run, 1);
  expect(shownLog(run)).toContain(
    "::error::The plan would delete 8 objects under the bucket root (80% of the 10 objects in scope), more than 'max-delete: 5' allows (at most 5). If source-dir, prefix, include and exclude are right and these deletions are intended, raise 'max-delete' for this run. Nothing was written or deleted.",
  );
  expect(writes()).toBe(0);
  expect((await bed.s3.listKeys(BUCKET)).length).toBe(10);
  expect(run.outputs).toMatchObject({ uploaded: '0', deleted: '0' });
  expect(run.summary).toContain('failed at Plan');
  expect(run.summary).toContain('<details><summary>Deletions (8)</summary>');
});

test('a dry run is refused as the real run would be', async () => {
  await seed(8);
  const run = await deploy({ 'max-delete': '5', 'dry-run': 'true' });
  expectExit(run, 1);
  expect(shownLog(run)).toMatch(/^::error::The plan would delete 8 objects .*'max-delete: 5'.* Nothing was written \(dry run\)\.$/m);
  expect(writes()).toBe(0);
});

test('a share counts only the objects in scope (under the prefix, not excluded): 4 of 6 is over 25%, within 70%', async () => {
  await seed(4, 'pr-7/');
  await bed.s3.putObject(BUCKET, 'elsewhere/out-of-scope.js', 'not under the prefix');
  for (let i = 0; i < 6; i++) await bed.s3.putObject(BUCKET, `pr-7/keep/${i}.map`, 'excluded, so out of scope');
  bed.s3.resetRequests();
  const refused = await deploy({ prefix: 'pr-7', 'max-delete': '25%', exclude: 'keep/**' });
  expectExit(refused, 1);
  expect(shownLog(refused)).toMatch(
    /The plan would delete 4 objects under 'pr-7\/' \(66\.7% of the 6 objects in scope\), more than 'max-delete: 25%' allows \(at most 1, 25% of 6\)/,
  );
  expect(writes()).toBe(0);

  const allowed = await deploy({ prefix: 'pr-7', 'max-delete': '70%', exclude: 'keep/**' });
  expectExit(allowed, 0);
  expect(allowed.outputs.deleted).toBe('4');
  expect((await bed.s3.listKeys(BUCKET, 'pr-7/keep/')).length).toBe(6);
});

test('mode remove deletes the whole preview whatever max-delete says', async () => {
  await seed(3, 'pr-9/');
  const run = await deploy({ mode: 'remove', prefix: 'pr-9', 'max-delete': '1' });
  expectExit(run, 0);
  expect(run.outputs.deleted).toBe('5');
  expect(await bed.s3.listKeys(BUCKET, 'pr-9/')).toEqual([]);
});
