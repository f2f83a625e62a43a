/**
 * Faults end to end: dist/index.js against s3rver behind the fault-injecting proxy. Transient
 * faults are ridden out and counted in the log; persistent ones fail the job without deleting
 * anything the source still has, and a rerun converges.
 */
import { runAction, type ActionRun } from '../fixtures/run-action.js';
import { useSiteBed } from '../fixtures/site-bed.js';

const BUCKET = 'faulty-bucket';

const SITE: Record<string, string> = {
  'index.html': '<!doctype html><script src="/static/app.js"></script>',
  'about/index.html': '<!doctype html><h1>About</h1>',
  'static/app.js': 'console.log("app")',
  'static/app.css': 'body{}',
  'static/vendor.js': 'var vendor = 1;',
  'img/a.svg': '<svg/>',
  'img/b.svg': '<svg></svg>',
};

const bed = useSiteBed(BUCKET, SITE);

function deploy(): Promise<ActionRun> {
  return runAction({ inputs: { bucket: BUCKET, checks: 'false' }, endpoint: bed.s3.endpoint, workspace: bed.workspace });
}

const expectBucketEqualsSite = (): Promise<void> => bed.expectBucketEquals(SITE);

test('503 SlowDown, 500 InternalError and dropped connections are ridden out; the log counts them', async () => {
  await bed.s3.putObject(BUCKET, 'stale.js', 'old');
  bed.s3.faults.failNext('ListObjectsV2', 1, 500, 'InternalError');
  bed.s3.faults.failNext('PutObject', 3, 503, 'SlowDown');
  bed.s3.faults.dropNext('PutObject', 2);
  bed.s3.faults.failNext('DeleteObjects', 1, 503, 'SlowDown');

  const run = await deploy();

  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  await expectBucketEqualsSite();
  const injected = bed.s3.requests.filter((request) => request.injected).length;
  expect(injected).toBe(7);
  expect(run.stdout).toContain(`${injected} AWS request attempt(s) failed and were retried or reported.`);
  expect(run.outputs).toMatchObject({ uploaded: String(Object.keys(SITE).length), deleted: '1' });
});

test('persistent 500s: each upload tried is tried exactly 8 times, then the job fails, deletes nothing, and a rerun converges', async () => {
  await bed.s3.putObject(BUCKET, 'stale.js', 'old');
  await bed.s3.putObject(BUCKET, 'index.html', 'the previous index');
  // 500, not 503 SlowDown: the same bounded retry, without adaptive mode's rate limiting (~90 s).
  bed.s3.faults.failAll('PutObject', 500, 'InternalError');

  const failed = await deploy();

  expect(failed.code).toBe(1);
  expect(failed.stdout).toMatch(/::error::.*upload\(s\) of assets failed/);
  expect(failed.stdout).toMatch(/nothing was deleted/);
  expect(bed.s3.count('DeleteObjects')).toBe(0);
  // One retry layer, the SDK's, 8 attempts per request (aws/clients.ts): every PutObject got the
  // injected 500, and every key that was tried was tried exactly 8 times, no fewer, no more.
  const puts = bed.s3.requests.filter((r) => r.operation === 'PutObject');
  expect(puts.filter((r) => r.injected !== 'error')).toEqual([]);
  const attemptsPerKey = new Map<string, number>();
  for (const request of puts) attemptsPerKey.set(request.path, (attemptsPerKey.get(request.path) ?? 0) + 1);
  expect(attemptsPerKey.size).toBeGreaterThan(0);
  expect([...new Set(attemptsPerKey.values())]).toEqual([8]);
  expect([...attemptsPerKey.keys()].some((key) => key.endsWith('.html'))).toBe(false);
  expect((await bed.s3.getObject(BUCKET, 'index.html')).body.toString()).toBe('the previous index');
  expect(await bed.s3.listKeys(BUCKET)).toContain('stale.js');

  bed.s3.faults.clear();
  const rerun = await deploy();
  expect(rerun.code).toBe(0);
  await expectBucketEqualsSite();
});

test('server down: the job fails with a message naming the operation, before any write', async () => {
  bed.s3.faults.failAll('*', 503, 'ServiceUnavailable');
  const run = await deploy();
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(/::error::.*(ListObjectsV2|list).*(503|ServiceUnavailable)/i);
  expect(bed.s3.requests.filter((r) => r.operation !== 'ListObjectsV2')).toEqual([]);
});
