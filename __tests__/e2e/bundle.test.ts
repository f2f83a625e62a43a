/**
 * The bundle loads only what a run needs. CloudFront, STS and @actions/github live in chunk files
 * of their own (src/aws/load-sdk.ts, src/github/load-sdk.ts), read only by a run that uses them. Proof: a copy of dist/ without
 * its chunks still deploys a plain push, and each feature that needs a chunk fails on that copy
 * (so the chunks really hold those SDKs, and the plain run really never opened them).
 */
import { jest } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFakeCloudFront, type FakeCloudFront } from '../fixtures/fake-cloudfront.js';
import { startFakeGithub, type FakeGithub } from '../fixtures/fake-github.js';
import { startFakeOidc, type FakeOidc } from '../fixtures/fake-oidc.js';
import { makeSite, runAction, type ActionRun, type RunActionOptions } from '../fixtures/run-action.js';
import { startS3, type S3Fixture } from '../fixtures/s3-server.js';

jest.setTimeout(240_000);

const BUCKET = 'site';
const DISTRIBUTION = 'E2BUNDLE000001';
const CHUNK = /^\d+\.index\.js$/;
// Node's ES module loader names the chunk by its absolute path.
const MISSING_CHUNK = /Cannot find module '[^']*\/\d+\.index\.js'/;

let s3: S3Fixture;
let cloudfront: FakeCloudFront;
let oidc: FakeOidc;
let gh: FakeGithub;
let tmp: string;
let chunks: string[];
let leanEntry: string;

beforeAll(async () => {
  s3 = await startS3({ buckets: [BUCKET] });
  cloudfront = await startFakeCloudFront({ [DISTRIBUTION]: 'd111111abcdef8.cloudfront.net' });
  oidc = await startFakeOidc();
  gh = await startFakeGithub({ owner: 'octo-org', repo: 'site' });
  tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'bundle-e2e-'));
  const dist = path.resolve(import.meta.dirname, '..', '..', 'dist');
  chunks = (await fs.promises.readdir(dist)).filter((name) => CHUNK.test(name));
  const lean = path.join(tmp, 'dist');
  await fs.promises.cp(dist, lean, { recursive: true, filter: (source) => !CHUNK.test(path.basename(source)) });
  leanEntry = path.join(lean, 'index.js');
});

afterAll(async () => {
  await Promise.all([cloudfront?.close(), oidc?.close(), gh?.close()]);
  await s3?.stop();
  if (tmp) await fs.promises.rm(tmp, { recursive: true, force: true });
});

beforeEach(async () => {
  await s3.emptyBucket(BUCKET);
  s3.resetRequests();
  cloudfront.requests.length = 0;
  gh.requests.length = 0;
});

/** A deploy of a two-file site from the bundle without its chunks. */
async function leanRun(opts: RunActionOptions = {}): Promise<ActionRun> {
  const workspace = await fs.promises.mkdtemp(path.join(tmp, 'ws-'));
  await makeSite(path.join(workspace, 'build'), { 'index.html': '<!doctype html><title>x</title>', 'app.js': '1;\n' });
  return runAction({
    dist: leanEntry,
    workspace,
    endpoint: s3.endpoint,
    ...opts,
    inputs: { bucket: BUCKET, 'source-dir': 'build', checks: 'false', ...opts.inputs },
    env: { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', ...opts.env },
  });
}

test("dist/ splits CloudFront, STS, @actions/github and S3 Control (the doctor's account read) into four chunks", () => {
  expect(chunks).toHaveLength(4);
});

test('a plain push deploy never reads a chunk', async () => {
  const run = await leanRun();
  expect(run.stderr).not.toMatch(MISSING_CHUNK);
  expect(run.code).toBe(0);
  expect(run.outputs.uploaded).toBe('2');
});

test('distribution-id needs the CloudFront chunk', async () => {
  const run = await leanRun({
    inputs: { 'distribution-id': DISTRIBUTION },
    env: { AWS_ENDPOINT_URL_CLOUDFRONT: cloudfront.endpoint },
  });
  expect(run.code).toBe(1);
  expect(run.stdout + run.stderr).toMatch(MISSING_CHUNK);
  expect(cloudfront.requests).toHaveLength(0);
});

test('role-to-assume needs the STS chunk', async () => {
  const run = await leanRun({
    inputs: { 'role-to-assume': 'arn:aws:iam::123456789012:role/deployer' },
    env: { ACTIONS_ID_TOKEN_REQUEST_URL: oidc.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken },
  });
  expect(run.code).toBe(1);
  expect(run.stdout + run.stderr).toMatch(MISSING_CHUNK);
  expect(s3.requests).toHaveLength(0);
});

test('the pull-request comment needs the @actions/github chunk', async () => {
  const run = await leanRun({
    eventName: 'pull_request',
    event: {
      action: 'synchronize',
      number: 7,
      pull_request: { number: 7, state: 'open', head: { sha: '1'.repeat(40), repo: { full_name: 'octo-org/site' } } },
      repository: { full_name: 'octo-org/site' },
    },
    inputs: { prefix: 'pr-7', 'github-token': gh.token },
    env: { GITHUB_REPOSITORY: 'octo-org/site', GITHUB_API_URL: gh.url },
  });
  expect(run.stdout + run.stderr).toMatch(MISSING_CHUNK);
  expect(gh.requests).toHaveLength(0);
});
