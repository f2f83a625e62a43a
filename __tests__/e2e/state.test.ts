/**
 * The deploy state end to end: dist/index.js run as the runner runs it, against s3rver behind the
 * recording proxy (which evaluates conditional PUTs and decodes copy sources as S3 does) and the
 * local CloudFront. Retention across deploys, header drift corrected without bodies, adoption of
 * objects written by another tool, a damaged state, concurrent writers, and the requests each costs.
 * No timed assertions; the one wait (keep-stale 2s) waits on a condition read from the state.
 */
import { jest } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFakeCloudFront, type FakeCloudFront } from '../fixtures/fake-cloudfront.js';
import { makeSite, runAction, type ActionRun } from '../fixtures/run-action.js';
import { startS3, type S3Fixture } from '../fixtures/s3-server.js';
import { md5 } from '../fixtures/site-bed.js';

jest.setTimeout(400_000);
const RUN_TIMEOUT_MS = 120_000;

const BUCKET = 'state-site';
const DIST = 'E2ESTATE000001';
const STATE = '.deploy-state.json';
const DAY = 86_400_000;

const SITE: Record<string, string> = {
  'index.html': '<!doctype html><script src="/assets/app.v1.js"></script>',
  'about.html': '<!doctype html><h1>About</h1>',
  'assets/app.v1.js': 'console.log("v1")',
  'assets/chunk-a.js': 'export const a = 1',
  'assets/style.css': 'body{}',
};

let s3: S3Fixture;
let cf: FakeCloudFront;
let tmp: string;
let ws: string;

beforeAll(async () => {
  s3 = await startS3({ buckets: [BUCKET] });
  cf = await startFakeCloudFront({ [DIST]: 'd3state3state3.cloudfront.net' });
  tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'state-e2e-'));
});

afterAll(async () => {
  await cf?.close();
  await s3?.stop();
  if (tmp) await fs.promises.rm(tmp, { recursive: true, force: true });
});

beforeEach(async () => {
  await s3.emptyBucket(BUCKET);
  s3.faults.clear();
  s3.resetRequests();
  cf.requests.length = 0;
  cf.invalidations.length = 0;
  cf.inProgressPolls = 0;
  ws = await fs.promises.mkdtemp(path.join(tmp, 'ws-'));
  await makeSite(build(), SITE);
});

function build(): string {
  return path.join(ws, 'build');
}

function deploy(inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    workspace: ws,
    timeoutMs: RUN_TIMEOUT_MS,
    endpoint: s3.endpoint,
    env: { AWS_ENDPOINT_URL_CLOUDFRONT: cf.endpoint },
    // The doctor's reads are its own tests' business: these count the deploy state's requests.
    inputs: { bucket: BUCKET, 'distribution-id': DIST, checks: 'false', doctor: 'off', ...inputs },
  });
}

async function deployOk(inputs: Record<string, string> = {}): Promise<ActionRun> {
  const run = await deploy(inputs);
  if (run.code !== 0) throw new Error(`action failed (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  return run;
}

/** The operations since the last reset, as `Operation /key` (bucket left out). */
function requestLog(): string[] {
  return s3.requests.map((r) => `${r.operation} ${r.path.slice(BUCKET.length + 1) || '/'}`);
}

interface StateDoc {
  format: string;
  deploys: { commit: string; uploaded: number; deleted: number; headersUpdated: number; retained: number }[];
  objects: Record<string, [string, number, string, string, (number | null)?, Record<string, string>?]>;
}

async function readState(prefix = ''): Promise<StateDoc> {
  return JSON.parse((await s3.getObject(BUCKET, prefix + STATE)).body.toString('utf8')) as StateDoc;
}

async function keys(): Promise<string[]> {
  return s3.listKeys(BUCKET);
}

describe('retention (keep-stale)', () => {
  test('across three deploys with keep-stale 2s: the old chunk stays, is not invalidated, then goes; HTML goes at once', async () => {
    await deployOk({ 'keep-stale': '2s' });
    fs.renameSync(path.join(build(), 'assets/app.v1.js'), path.join(build(), 'assets/app.v2.js'));
    fs.writeFileSync(path.join(build(), 'index.html'), '<!doctype html><script src="/assets/app.v2.js"></script>');
    fs.rmSync(path.join(build(), 'about.html'));
    cf.requests.length = 0;

    const second = await deployOk({ 'keep-stale': '2s' });
    expect(second.outputs).toMatchObject({ uploaded: '2', deleted: '1', retained: '1' });
    expect(await keys()).toEqual([STATE, 'assets/app.v1.js', 'assets/app.v2.js', 'assets/chunk-a.js', 'assets/style.css', 'index.html']);
    expect(cf.createdPaths()).toEqual([['/', '/about.html', '/assets/app.v2.js', '/index.html']]);
    const staleSince = (await readState()).objects['assets/app.v1.js']?.[4];
    expect(typeof staleSince).toBe('number');
    expect(second.summary).toMatch(/\| retained \(keep-stale\) \| 1 \| 1 \|/);

    // The condition, not a fixed sleep: the stale time must have passed on this clock.
    while (Date.now() < (staleSince as number) + 2000) await new Promise((resolve) => setTimeout(resolve, 100));
    cf.requests.length = 0;
    const third = await deployOk({ 'keep-stale': '2s' });
    expect(third.outputs).toMatchObject({ uploaded: '0', deleted: '1', retained: '0' });
    expect(await keys()).toEqual([STATE, 'assets/app.v2.js', 'assets/chunk-a.js', 'assets/style.css', 'index.html']);
    expect(cf.createdPaths()).toEqual([['/assets/app.v1.js']]);
    expect((await readState()).objects['assets/app.v1.js']).toBeUndefined();
  });

  test('an expired stale time (seeded in the past) deletes at the next deploy; one not yet expired stays', async () => {
    await deployOk({ 'keep-stale': '7d' });
    fs.rmSync(path.join(build(), 'assets/chunk-a.js'));
    fs.rmSync(path.join(build(), 'assets/style.css'));
    await deployOk({ 'keep-stale': '7d' });
    const state = await readState();
    state.objects['assets/chunk-a.js']![4] = Date.now() - 8 * DAY;
    await s3.putObject(BUCKET, STATE, JSON.stringify(state));
    s3.resetRequests();

    const run = await deployOk({ 'keep-stale': '7d' });
    expect(run.outputs).toMatchObject({ uploaded: '0', deleted: '1', retained: '1' });
    expect(await keys()).not.toContain('assets/chunk-a.js');
    expect(await keys()).toContain('assets/style.css');
    expect(run.stdout).toMatch(/delete \(stale since .*keep-stale is over\) assets\/chunk-a\.js/);
  });

  test('a retained key back in the source is live again: nothing uploaded, its stale time dropped', async () => {
    await deployOk({ 'keep-stale': '7d' });
    fs.rmSync(path.join(build(), 'assets/chunk-a.js'));
    expect((await deployOk({ 'keep-stale': '7d' })).outputs.retained).toBe('1');
    fs.writeFileSync(path.join(build(), 'assets/chunk-a.js'), SITE['assets/chunk-a.js']!);
    s3.resetRequests();

    const run = await deployOk({ 'keep-stale': '7d' });
    expect(run.outputs).toMatchObject({ uploaded: '0', deleted: '0', retained: '0', unchanged: '5' });
    // The bucket did not change, the state did: one conditional write of it, nothing else.
    expect(requestLog().filter((line) => !/^(ListObjectsV2|GetObject)/.test(line))).toEqual([`PutObject /${STATE}`]);
    expect((await readState()).objects['assets/chunk-a.js']).toHaveLength(4);
  });

  test('dry run shows what would be kept, deleted and header-updated, and writes nothing', async () => {
    await deployOk({ 'keep-stale': '7d' });
    fs.rmSync(path.join(build(), 'assets/chunk-a.js'));
    fs.rmSync(path.join(build(), 'about.html'));
    s3.resetRequests();
    const run = await deployOk({ 'keep-stale': '7d', 'dry-run': 'true', 'cache-control': '**/*.css: max-age=60\n**/*.html: no-cache' });
    expect(run.stdout).toContain('would keep assets/chunk-a.js (stale since');
    expect(run.stdout).toContain('would delete about.html');
    expect(run.stdout).toContain('would update headers of assets/style.css');
    expect(s3.requests.map((r) => r.operation).filter((op) => !['ListObjectsV2', 'GetObject', 'HeadObject'].includes(op))).toEqual([]);
    expect(cf.count('CreateInvalidation')).toBe(1); // the first deploy's only
  });
});

describe('header drift', () => {
  test('a run that updated headers and then failed still records them: reverting the rule corrects the objects again', async () => {
    await deployOk({ 'cache-control': 'assets/**: max-age=60\n**/*.html: no-cache' });
    cf.denied.add('CreateInvalidation');
    const failed = await deploy({ 'cache-control': 'assets/**: public, max-age=31536000, immutable\n**/*.html: no-cache' });
    cf.denied.clear();
    expect(failed.code).toBe(1);
    expect(failed.outputs['headers-updated']).toBe('3');
    expect((await s3.getObject(BUCKET, 'assets/chunk-a.js')).cacheControl).toBe('public, max-age=31536000, immutable');

    const reverted = await deployOk({ 'cache-control': 'assets/**: max-age=60\n**/*.html: no-cache' });
    expect(reverted.outputs['headers-updated']).toBe('3');
    expect((await s3.getObject(BUCKET, 'assets/chunk-a.js')).cacheControl).toBe('max-age=60');
  });

  test('a changed Cache-Control rule is applied with CopyObject, no body sent, paths invalidated', async () => {
    await deployOk();
    const before = await s3.getObject(BUCKET, 'assets/chunk-a.js');
    s3.resetRequests();
    cf.requests.length = 0;

    const run = await deployOk({ 'cache-control': 'assets/**: public, max-age=31536000, immutable\n**/*.html: no-cache' });
    expect(run.outputs).toMatchObject({ uploaded: '0', 'bytes-uploaded': '0', 'headers-updated': '3', unchanged: '5' });
    expect(requestLog().sort()).toEqual(
      [
        'ListObjectsV2 /',
        `GetObject /${STATE}`,
        'CopyObject /assets/app.v1.js',
        'CopyObject /assets/chunk-a.js',
        'CopyObject /assets/style.css',
        `PutObject /${STATE}`,
      ].sort(),
    );
    expect(s3.requests.filter((r) => r.operation === 'CopyObject').every((r) => r.bodyBytes === 0)).toBe(true);
    const after = await s3.getObject(BUCKET, 'assets/chunk-a.js');
    expect([after.cacheControl, after.contentType, after.metadata.md5, md5(after.body)]).toEqual([
      'public, max-age=31536000, immutable',
      before.contentType,
      md5(SITE['assets/chunk-a.js']!),
      md5(SITE['assets/chunk-a.js']!),
    ]);
    expect(cf.createdPaths()).toEqual([['/assets/app.v1.js', '/assets/chunk-a.js', '/assets/style.css']]);
    expect(run.summary).toMatch(/\| headers updated \| 3 \| 3 \|/);

    s3.resetRequests();
    const again = await deployOk({ 'cache-control': 'assets/**: public, max-age=31536000, immutable\n**/*.html: no-cache' });
    expect(again.outputs['headers-updated']).toBe('0');
    expect(requestLog()).toEqual(expect.arrayContaining(['ListObjectsV2 /', `GetObject /${STATE}`]));
    expect(requestLog()).toHaveLength(2);
  });

  test('objects written by another tool are read once, corrected once, then never read again', async () => {
    for (const [rel, body] of Object.entries(SITE)) {
      await s3.putObject(BUCKET, rel, body, {
        'content-type': 'binary/octet-stream',
        'content-encoding': 'identity',
        'x-amz-meta-owner': 'other-tool',
      });
    }
    s3.resetRequests();
    const first = await deployOk();
    expect(first.outputs).toMatchObject({ uploaded: '0', 'headers-updated': '5' });
    expect(s3.count('HeadObject')).toBe(5);
    expect(s3.count('CopyObject')).toBe(5);
    const page = await s3.getObject(BUCKET, 'about.html');
    expect([page.contentType, page.cacheControl, page.metadata.owner, page.metadata.md5]).toEqual([
      'text/html; charset=utf-8',
      'no-cache',
      'other-tool',
      md5(SITE['about.html']!),
    ]);

    s3.resetRequests();
    const second = await deployOk();
    expect(second.outputs).toMatchObject({ uploaded: '0', 'headers-updated': '0', unchanged: '5' });
    expect(requestLog()).toEqual(expect.arrayContaining(['ListObjectsV2 /', `GetObject /${STATE}`]));
    expect(requestLog()).toHaveLength(2);
  });
});

describe('safety', () => {
  test('a damaged state is rebuilt with a notice; no object is lost and the state is whole again', async () => {
    await deployOk();
    await s3.putObject(BUCKET, STATE, '{"format":"s3-cloudfront-deploy-action/deploy-state","version":1,"objects":{"a');
    fs.writeFileSync(path.join(build(), 'assets/style.css'), 'body{color:red}');
    const run = await deployOk();
    expect(run.stdout).toMatch(/::notice::The deploy state \.deploy-state\.json is unreadable .*rebuilt from the listing/);
    expect(run.outputs).toMatchObject({ uploaded: '1', deleted: '0' });
    expect(await keys()).toEqual([STATE, 'about.html', 'assets/app.v1.js', 'assets/chunk-a.js', 'assets/style.css', 'index.html']);
    expect(Object.keys((await readState()).objects).sort()).toEqual(Object.keys(SITE).sort());
  });

  test('another tool’s JSON at the key is foreign: rebuilt, never a failure', async () => {
    await s3.putObject(BUCKET, STATE, '{"files":[]}');
    const run = await deployOk();
    expect(run.stdout).toMatch(/::notice::The deploy state \.deploy-state\.json is foreign/);
    expect((await readState()).format).toBe('s3-cloudfront-deploy-action/deploy-state');
  });

  test('a concurrent write between read and write fails the job saying so (412); a rerun converges', async () => {
    await deployOk();
    fs.writeFileSync(path.join(build(), 'assets/style.css'), 'body{color:blue}');
    s3.resetRequests();
    const hold = s3.faults.holdNext('PutObject', STATE);
    const running = deploy();
    await hold.reached;
    await s3.putObject(BUCKET, STATE, '{"written":"by another deploy"}');
    hold.release();
    const run = await running;
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Another deploy wrote the deploy state \.deploy-state\.json while this one ran.*concurrency:/);
    expect(s3.requests.filter((r) => r.operation === 'PutObject' && r.path.endsWith(STATE)).map((r) => r.status)).toEqual([412]);

    const rerun = await deployOk();
    expect(rerun.outputs).toMatchObject({ uploaded: '0', deleted: '0' });
    expect((await readState()).format).toBe('s3-cloudfront-deploy-action/deploy-state');
  });

  test('a 412 on a retried PUT whose first attempt landed is recognised by the run nonce: success', async () => {
    s3.faults.loseAnswerNext('PutObject', STATE);
    const run = await deployOk();
    expect(s3.requests.filter((r) => r.operation === 'PutObject' && r.path.endsWith(STATE)).map((r) => r.injected ?? r.status)).toEqual([
      'lost-answer',
      412,
    ]);
    expect(run.stdout).toContain("already holds this run's write");
  });

  test('409 ConditionalRequestConflict on the state write is retried', async () => {
    await deployOk();
    // A damaged state makes a run whose only write is the state (the objects are adopted, unchanged).
    await s3.putObject(BUCKET, STATE, 'damaged');
    s3.resetRequests();
    s3.faults.failNext('PutObject', 1, 409, 'ConditionalRequestConflict');
    const run = await deployOk();
    expect(run.outputs).toMatchObject({ uploaded: '0', 'headers-updated': '0' });
    expect(s3.requests.filter((r) => r.operation === 'PutObject').map((r) => `${r.status} ${r.path}`)).toEqual([
      `409 /${BUCKET}/${STATE}`,
      `200 /${BUCKET}/${STATE}`,
    ]);
  });

  test('a source file named .deploy-state.json is skipped with a warning and never uploaded', async () => {
    fs.writeFileSync(path.join(build(), STATE), '{"mine":true}');
    const run = await deployOk();
    expect(run.stdout).toContain("::warning::Skipping '.deploy-state.json'");
    expect(run.outputs.uploaded).toBe('5');
    expect((await readState()).format).toBe('s3-cloudfront-deploy-action/deploy-state');
  });

  test('mode remove deletes the state with the prefix, uncounted', async () => {
    await deployOk({ prefix: 'pr-9' });
    expect(await keys()).toContain(`pr-9/${STATE}`);
    const run = await deployOk({ prefix: 'pr-9', mode: 'remove' });
    expect(run.outputs.deleted).toBe('5');
    expect(await keys()).toEqual([]);
  });
});

describe('requests', () => {
  test('a multipart object makes no HeadObject on a no-op redeploy, and nothing is written', async () => {
    fs.writeFileSync(path.join(build(), 'assets/video.bin'), Buffer.alloc(9 * 1024 * 1024, 7));
    await deployOk();
    expect(s3.count('CompleteMultipartUpload')).toBe(1);
    s3.resetRequests();
    const run = await deployOk();
    expect(run.outputs).toMatchObject({ uploaded: '0', unchanged: '6' });
    expect(requestLog().sort()).toEqual(['ListObjectsV2 /', `GetObject /${STATE}`].sort());
  });
});
