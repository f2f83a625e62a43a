/**
 * Faults end to end: dist/index.js against s3rver behind the fault-injecting proxy. Transient
 * faults are ridden out and counted in the log; persistent ones fail the job without deleting
 * anything the source still has, and a rerun converges.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeSite, runAction, type ActionRun } from '../fixtures/run-action';
import { startS3, type S3Fixture } from '../fixtures/s3-server';

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

let s3: S3Fixture;
let workspace: string;

beforeAll(async () => {
  s3 = await startS3({ buckets: [BUCKET] });
});
afterAll(async () => {
  await s3.stop();
});
beforeEach(async () => {
  await s3.emptyBucket(BUCKET);
  s3.faults.clear();
  s3.resetRequests();
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'reliability-e2e-'));
  await makeSite(path.join(workspace, 'build'), SITE);
});
afterEach(() => {
  fs.rmSync(workspace, { recursive: true, force: true });
});

function deploy(): Promise<ActionRun> {
  return runAction({ inputs: { bucket: BUCKET, checks: 'false' }, endpoint: s3.endpoint, workspace });
}

const md5 = (body: Buffer | string): string => createHash('md5').update(body).digest('hex');

async function expectBucketEqualsSite(): Promise<void> {
  expect(await s3.listKeys(BUCKET)).toEqual(Object.keys(SITE).sort());
  for (const [key, body] of Object.entries(SITE)) {
    expect([key, md5((await s3.getObject(BUCKET, key)).body)]).toEqual([key, md5(body)]);
  }
}

test('503 SlowDown, 500 InternalError and dropped connections are ridden out; the log counts them', async () => {
  await s3.putObject(BUCKET, 'stale.js', 'old');
  s3.faults.failNext('ListObjectsV2', 1, 500, 'InternalError');
  s3.faults.failNext('PutObject', 3, 503, 'SlowDown');
  s3.faults.dropNext('PutObject', 2);
  s3.faults.failNext('DeleteObjects', 1, 503, 'SlowDown');

  const run = await deploy();

  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  await expectBucketEqualsSite();
  const injected = s3.requests.filter((request) => request.injected).length;
  expect(injected).toBe(7);
  expect(run.stdout).toContain(`${injected} AWS request attempt(s) failed and were retried or reported.`);
  expect(run.outputs).toMatchObject({ uploaded: String(Object.keys(SITE).length), deleted: '1' });
});

test('persistent 500s: the job fails in bounded attempts, deletes nothing, and a rerun converges', async () => {
  await s3.putObject(BUCKET, 'stale.js', 'old');
  await s3.putObject(BUCKET, 'index.html', 'the previous index');
  // 500, not 503 SlowDown: the same bounded retry, without adaptive mode's rate limiting (~90 s).
  s3.faults.failAll('PutObject', 500, 'InternalError');

  const failed = await deploy();

  expect(failed.code).toBe(1);
  expect(failed.stdout).toMatch(/::error::.*upload\(s\) of assets failed/);
  expect(failed.stdout).toMatch(/nothing was deleted/);
  expect(s3.count('DeleteObjects')).toBe(0);
  // The SDK's own retry is bounded: 8 attempts per request (aws/clients.ts), never an endless loop.
  const attemptsPerKey = new Map<string, number>();
  for (const request of s3.requests.filter((r) => r.operation === 'PutObject')) {
    attemptsPerKey.set(request.path, (attemptsPerKey.get(request.path) ?? 0) + 1);
  }
  expect(Math.max(...attemptsPerKey.values())).toBeLessThanOrEqual(8);
  expect([...attemptsPerKey.keys()].some((key) => key.endsWith('.html'))).toBe(false);
  expect((await s3.getObject(BUCKET, 'index.html')).body.toString()).toBe('the previous index');
  expect(await s3.listKeys(BUCKET)).toContain('stale.js');

  s3.faults.clear();
  const rerun = await deploy();
  expect(rerun.code).toBe(0);
  await expectBucketEqualsSite();
});

test('server down: the job fails with a message naming the operation, before any write', async () => {
  s3.faults.failAll('*', 503, 'ServiceUnavailable');
  const run = await deploy();
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(/::error::.*(ListObjectsV2|list).*(503|ServiceUnavailable)/i);
  expect(s3.requests.filter((r) => r.operation !== 'ListObjectsV2')).toEqual([]);
});
