/**
 * The bundled action (ACTION_DIST, default dist/index.js) deploying to the local S3 with the local
 * CloudFront behind AWS_ENDPOINT_URL_CLOUDFRONT: what the fake receives is what CloudFront would.
 * No timed assertions: waits are bounded by invalidation-timeout, never measured.
 */
import { jest } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeSite, runAction, type ActionRun } from '../fixtures/run-action.js';
import { startS3, type S3Fixture } from '../fixtures/s3-server.js';
import { startFakeCloudFront, type FakeCloudFront } from '../fixtures/fake-cloudfront.js';

// Servers start in hooks and the action runs as a child process (up to three runs a test): generous
// limits, the machine may be busy.
jest.setTimeout(400_000);
const RUN_TIMEOUT_MS = 120_000;

const BUCKET = 'site';
const DIST = 'E2EINVAL000001';
const DOMAIN = 'd2e2e2e2e2e2e2.cloudfront.net';
const SITE = {
  'index.html': '<!doctype html><title>Shop</title><script src="/assets/app.js"></script>',
  'assets/app.js': 'console.log("app");\n',
  'docs/index.html': '<!doctype html><title>Docs</title>',
  'my file.html': '<!doctype html><title>Spaces</title>',
};

let s3: S3Fixture;
let cf: FakeCloudFront;
let tmp: string;

beforeAll(async () => {
  s3 = await startS3({ buckets: [BUCKET] });
  cf = await startFakeCloudFront({ [DIST]: DOMAIN });
  tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'invalidation-e2e-'));
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
  cf.denied.clear();
  cf.inProgressPolls = 2;
});

/** A fresh workspace holding `files` under build/. */
async function workspace(files: Record<string, string>): Promise<string> {
  const dir = await fs.promises.mkdtemp(path.join(tmp, 'ws-'));
  await makeSite(path.join(dir, 'build'), files);
  return dir;
}

function deploy(ws: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    workspace: ws,
    timeoutMs: RUN_TIMEOUT_MS,
    endpoint: s3.endpoint,
    env: { AWS_ENDPOINT_URL_CLOUDFRONT: cf.endpoint },
    inputs: { bucket: BUCKET, 'distribution-id': DIST, checks: 'false', ...inputs },
  });
}

const log = (run: ActionRun): string => `${run.stdout}\n${run.stderr}`;

function expectSuccess(run: ActionRun): void {
  if (run.code !== 0) throw new Error(`action failed (exit ${run.code}):\n${log(run)}`);
}

describe('auto paths', () => {
  it('first deploy: one invalidation with exactly the changed URLs, site-url from the distribution', async () => {
    const run = await deploy(await workspace(SITE));
    expectSuccess(run);
    expect(cf.createdPaths()).toEqual([['/', '/assets/app.js', '/docs', '/docs/', '/docs/index.html', '/index.html', '/my%20file.html']]);
    expect(cf.requests[0]).toMatchObject({ operation: 'GetDistribution', distributionId: DIST });
    expect(cf.requests[1]?.callerReference).toMatch(/^4242-1-[0-9a-f]{16}$/);
    expect(run.outputs['invalidation-id']).toBe(cf.invalidations[0]?.id);
    expect(run.outputs['site-url']).toBe(`https://${DOMAIN}`);
    expect(run.summary).toContain(cf.invalidations[0]!.id);
    expect(run.summary).toContain('7 paths');
  });

  it('a no-op redeploy makes no invalidation, and says so', async () => {
    const ws = await workspace(SITE);
    expectSuccess(await deploy(ws));
    cf.requests.length = 0;
    const again = await deploy(ws);
    expectSuccess(again);
    expect(cf.count('CreateInvalidation')).toBe(0);
    expect(again.outputs['invalidation-id']).toBe('');
    expect(again.stdout).toContain('No invalidation: nothing changed');
    expect(again.summary).toContain('nothing changed');
  });

  it('a redeploy invalidates what changed and what was deleted, nothing else', async () => {
    const ws = await workspace(SITE);
    expectSuccess(await deploy(ws));
    await fs.promises.writeFile(path.join(ws, 'build', 'index.html'), '<!doctype html><title>Shop v2</title>');
    await fs.promises.rm(path.join(ws, 'build', 'my file.html'));
    expectSuccess(await deploy(ws));
    expect(cf.createdPaths()[1]).toEqual(['/', '/index.html', '/my%20file.html']);
  });

  it('keys with spaces, Unicode, #, ?, %, + and ~ are encoded as CloudFront requires', async () => {
    const names = ['café.html', 'a#b.html', 'what?.html', '100%.html', 'c++.html', '~tilde.html', 'sp ace.html', '日本.html'];
    const run = await deploy(await workspace({ 'index.html': '<!doctype html>', ...Object.fromEntries(names.map((n) => [n, n])) }));
    expectSuccess(run);
    expect(cf.createdPaths()).toEqual([
      [
        '/',
        '/%7Etilde.html',
        '/%E6%97%A5%E6%9C%AC.html',
        '/100%25.html',
        '/a%23b.html',
        '/c++.html',
        '/caf%C3%A9.html',
        '/index.html',
        '/sp%20ace.html',
        '/what%3F.html',
      ],
    ]);
  });

  it('many changed files collapse to a wildcard, and the log and summary say so', async () => {
    const assets = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`assets/chunk-${i}.js`, `/* ${i} */`]));
    const run = await deploy(await workspace({ 'index.html': '<!doctype html>', ...assets }));
    expectSuccess(run);
    expect(cf.createdPaths()).toEqual([['/', '/assets/*', '/index.html']]);
    const reason = 'collapsed 42 changed paths (over 30) to 3 paths: 1 wildcard (/assets/*) and 2 exact paths';
    expect(run.stdout).toContain(reason);
    expect(run.summary).toContain(reason);
  });

  it('removing a preview invalidates the whole prefix, never /*', async () => {
    const ws = await workspace(SITE);
    expectSuccess(await deploy(ws, { prefix: 'pr-42' }));
    const removed = await deploy(ws, { prefix: 'pr-42', mode: 'remove' });
    expectSuccess(removed);
    expect(cf.createdPaths()[1]).toEqual(['/pr-42', '/pr-42/*']);
  });

  it('invalidation-paths: none and dry-run make no invalidation', async () => {
    const ws = await workspace(SITE);
    expectSuccess(await deploy(ws, { 'dry-run': 'true' }));
    expectSuccess(await deploy(ws, { 'invalidation-paths': 'none' }));
    expect(cf.count('CreateInvalidation')).toBe(0);
  });
});

describe('retries, waiting and failures', () => {
  it('TooManyInvalidationsInProgress is retried with the same CallerReference, then succeeds', async () => {
    cf.failNext('CreateInvalidation', 'TooManyInvalidationsInProgress', 2);
    const run = await deploy(await workspace(SITE));
    expectSuccess(run);
    const creates = cf.requests.filter((r) => r.operation === 'CreateInvalidation');
    expect(creates.map((r) => r.status)).toEqual([400, 400, 201]);
    expect(new Set(creates.map((r) => r.callerReference)).size).toBe(1);
    expect(cf.invalidations).toHaveLength(1);
    expect(run.stdout).toContain('CreateInvalidation: attempt 1 failed (TooManyInvalidationsInProgress');
  });

  it('wait-for-invalidation polls through InProgress to Completed, then deletes stale objects', async () => {
    const ws = await workspace(SITE);
    expectSuccess(await deploy(ws));
    await fs.promises.rm(path.join(ws, 'build', 'my file.html'));
    cf.requests.length = 0;
    const run = await deploy(ws, { 'wait-for-invalidation': 'true' });
    expectSuccess(run);
    expect(cf.count('GetInvalidation')).toBe(3);
    expect(run.stdout).toMatch(/Invalidation \S+: InProgress after \d+ s/);
    expect(run.stdout).toMatch(/Invalidation \S+: Completed after \d+ s/);
    expect(run.summary).toContain('Completed');
    expect(await s3.listKeys(BUCKET)).not.toContain('my file.html');
  });

  it('gives up after invalidation-timeout naming the invalidation, and deletes nothing', async () => {
    const ws = await workspace(SITE);
    expectSuccess(await deploy(ws));
    await fs.promises.rm(path.join(ws, 'build', 'my file.html'));
    cf.inProgressPolls = Infinity;
    const run = await deploy(ws, { 'wait-for-invalidation': 'true', 'invalidation-timeout': '2' });
    expect(run.code).not.toBe(0);
    const id = cf.invalidations[1]?.id;
    expect(log(run)).toContain(`Invalidation ${id} on distribution '${DIST}' is still InProgress after 2 s`);
    expect(await s3.listKeys(BUCKET)).toContain('my file.html');
  });

  it('an unknown distribution fails before anything is uploaded', async () => {
    const run = await deploy(await workspace(SITE), { 'distribution-id': 'EUNKNOWN00001' });
    expect(run.code).not.toBe(0);
    expect(log(run)).toContain("CloudFront distribution 'EUNKNOWN00001' does not exist");
    expect(s3.count('PutObject') + s3.count('CreateMultipartUpload')).toBe(0);
  });

  it('a role without cloudfront:CreateInvalidation fails naming the permission, and deletes nothing', async () => {
    const ws = await workspace(SITE);
    expectSuccess(await deploy(ws));
    await fs.promises.rm(path.join(ws, 'build', 'my file.html'));
    cf.denied.add('CreateInvalidation');
    const run = await deploy(ws);
    expect(run.code).not.toBe(0);
    expect(log(run)).toContain('"cloudfront:CreateInvalidation"');
    expect(await s3.listKeys(BUCKET)).toContain('my file.html');
  });
});
