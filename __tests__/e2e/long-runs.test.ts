/**
 * Long runs, from the bundle against the local S3 (which can hold requests, and refuses requests
 * signed with expired credentials as S3 does):
 * - role-to-assume credentials that expire during the run are renewed (a fresh OIDC token, a new
 *   AssumeRoleWithWebIdentity), so the run completes;
 * - uploads on a slow server print progress lines; a small site on a fast one prints none.
 * The waits come from the fixtures holding requests; nothing here measures time.
 */
import { jest } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFakeOidc, type FakeOidc } from '../fixtures/fake-oidc.js';
import { startFakeSts, type FakeSts } from '../fixtures/fake-sts.js';
import { makeSite, runAction, type ActionRun } from '../fixtures/run-action.js';
import { startS3, type S3Fixture } from '../fixtures/s3-server.js';

jest.setTimeout(240_000);

const BUCKET = 'long-runs';
const ROLE = 'arn:aws:iam::123456789012:role/deployer';
const SITE = {
  'index.html': '<!doctype html><script src="/a.js"></script>',
  'about.html': '<!doctype html>about',
  'a.js': 'console.log("a");\n',
  'b.js': 'console.log("b");\n',
  'c.css': 'body{}\n',
  'd.svg': '<svg/>',
};
const PROGRESS_LINE = /^Uploading: \d+ of 6 files, [\d.]+ (B|KiB) of [\d.]+ (B|KiB) \(\d+ %\), [\d.]+ (B|KiB)\/s$/m;

let s3: S3Fixture;
let oidc: FakeOidc;
let sts: FakeSts;
let tmp: string;

beforeAll(async () => {
  s3 = await startS3({ buckets: [BUCKET] });
  oidc = await startFakeOidc();
  // Every issue is valid for 3 s only, with a session token of its own.
  sts = await startFakeSts({ accessKeyId: 'S3RVER' }, { durationSeconds: 3 });
  tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'long-runs-'));
});
afterAll(async () => {
  await Promise.all([oidc?.close(), sts?.close()]);
  await s3?.stop();
  if (tmp) await fs.promises.rm(tmp, { recursive: true, force: true });
});
beforeEach(async () => {
  await s3.emptyBucket(BUCKET);
  s3.faults.clear();
  s3.resetRequests();
  sts.requests.length = 0;
  oidc.requests.length = 0;
});

async function deploy(inputs: Record<string, string> = {}, env: Record<string, string> = {}): Promise<ActionRun> {
  const workspace = await fs.promises.mkdtemp(path.join(tmp, 'ws-'));
  await makeSite(path.join(workspace, 'build'), SITE);
  return runAction({ workspace, endpoint: s3.endpoint, inputs: { bucket: BUCKET, checks: 'false', ...inputs }, env });
}

test('credentials that expire during the run are renewed before each request needs them: the run completes', async () => {
  s3.faults.rejectExpiredTokens((token) => sts.expirationOf(token));
  // The first upload is held 4 s: every credential issued before it has expired when it is answered.
  s3.faults.delayNext('PutObject', 1, 4_000);

  const run = await deploy(
    { 'role-to-assume': ROLE, concurrency: '1' },
    {
      AWS_ENDPOINT_URL_STS: sts.endpoint,
      ACTIONS_ID_TOKEN_REQUEST_URL: oidc.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken,
    },
  );

  expect([run.code, run.stderr]).toEqual([0, '']);
  expect(s3.requests.filter((r) => r.status !== 200 && r.status !== 204)).toEqual([]);
  // Each renewal is a new exchange with a fresh OIDC token, and the requests after the held one were signed with renewed credentials.
  expect(sts.requests.length).toBeGreaterThan(1);
  expect(oidc.requests).toHaveLength(sts.requests.length);
  const tokens = new Set(s3.requests.map((r) => String(r.headers['x-amz-security-token'])));
  expect(tokens.size).toBeGreaterThan(1);
  expect(run.stdout).toContain(`Renewed the credentials of role ${ROLE}`);
  expect(await s3.listKeys(BUCKET)).toHaveLength(6 + 1); // the site and its deploy state, the last write
});

test('uploads to a slow server print progress lines; a small site on a fast server prints none', async () => {
  s3.faults.delayAll('PutObject', 1_500);
  const slow = await deploy({ concurrency: '1' });
  expect([slow.code, slow.stderr]).toEqual([0, '']);
  expect(slow.stdout).toMatch(PROGRESS_LINE);

  s3.faults.clear();
  await s3.emptyBucket(BUCKET);
  const fast = await deploy();
  expect([fast.code, fast.stderr]).toEqual([0, '']);
  expect(fast.stdout).not.toMatch(/^(Uploading|Hashing): /m);
});
