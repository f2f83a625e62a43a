/**
 * What the checks and the reports point at is this deploy: the bundle deploys to s3rver behind the
 * HTTPS edge stand-in (trusted through NODE_EXTRA_CA_CERTS), with the local CloudFront and GitHub.
 * - the site root must serve the index document just deployed once the invalidation was awaited
 *   (an edge serving an older one fails, saying why); while it is in progress, that is reported;
 * - explicit check-routes with a prefix are probed under the prefix;
 * - preview-url is percent-encoded, in the output and in the PR comment.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTestCa, s3Origin, startDirectS3, startEdge, type DirectS3, type Edge, type TestCa } from '../fixtures/edge.js';
import { startFakeCloudFront, type FakeCloudFront } from '../fixtures/fake-cloudfront.js';
import { startFakeGithub, type FakeGithub } from '../fixtures/fake-github.js';
import { makeSite, runAction, type ActionRun } from '../fixtures/run-action.js';
import { startS3, type S3Fixture } from '../fixtures/s3-server.js';

const BUCKET = 'proof';
const DISTRIBUTION = 'EPROOF00000001';
const INDEX = '<!doctype html><html><head><title>v2</title></head><body><div id="app"></div></body></html>';
const OLDER_INDEX = '<!doctype html><html><head><title>v1</title></head><body>the previous release</body></html>';
const SITE = { 'index.html': INDEX, 'assets/app.js': 'console.log("v2");\n' };
const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

let ca: TestCa;
let s3: S3Fixture;
let edge: Edge;
let direct: DirectS3;
let cf: FakeCloudFront;
let gh: FakeGithub;
let tmp: string;

beforeAll(async () => {
  ca = createTestCa();
  s3 = await startS3({ buckets: [BUCKET] });
  edge = await startEdge({ origin: s3Origin(s3, BUCKET), ca });
  direct = await startDirectS3({ origin: s3Origin(s3, BUCKET), mode: 'private' });
  cf = await startFakeCloudFront({ [DISTRIBUTION]: 'd111111abcdef8.cloudfront.net' });
  gh = await startFakeGithub();
  tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'proof-e2e-'));
});

afterAll(async () => {
  await Promise.all([edge?.close(), direct?.close(), cf?.close(), gh?.close()]);
  await s3?.stop();
  ca?.remove();
  if (tmp) await fs.promises.rm(tmp, { recursive: true, force: true });
});

beforeEach(async () => {
  await s3.emptyBucket(BUCKET);
  edge.cached.clear();
  edge.requests.length = 0;
  cf.requests.length = 0;
  cf.inProgressPolls = 0;
  gh.comments.length = 0;
});

async function deploy(
  inputs: Record<string, string>,
  opts: { files?: Record<string, string>; event?: object; eventName?: string } = {},
): Promise<ActionRun> {
  const workspace = await fs.promises.mkdtemp(path.join(tmp, 'ws-'));
  await makeSite(path.join(workspace, 'build'), opts.files ?? SITE);
  return runAction({
    endpoint: s3.endpoint,
    workspace,
    inputs: { bucket: BUCKET, 'source-dir': 'build', 'site-url': edge.url, 's3-check-url': 'none', 'check-timeout': '1', ...inputs },
    env: {
      NODE_EXTRA_CA_CERTS: ca.caFile,
      AWS_ENDPOINT_URL_CLOUDFRONT: cf.endpoint,
      GITHUB_API_URL: gh.url,
      GITHUB_REPOSITORY: 'octo-org/site',
    },
    event: opts.event,
    eventName: opts.eventName,
  });
}

function expectExit(run: ActionRun, code: number): void {
  if (run.code !== code) throw new Error(`expected exit ${code}, got ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`);
}

const servedAt = (p: string) => edge.requests.filter((r) => r.path === p);

describe('the site root proves this deploy', () => {
  test('no distribution: the edge serves the index just deployed, and the check says so', async () => {
    const run = await deploy({ 'check-routes': 'none' });
    expectExit(run, 0);
    expect(run.outputs.checks).toBe('passed');
    expect(servedAt('/').map((r) => [r.status, r.bodyMd5])).toEqual([[200, md5(INDEX)]]);
    expect(run.summary).toContain(
      '| site-root | ' +
        `${edge.url}/` +
        " | 200 over HTTPS, this deploy's index document | 200 text/html, this deploy's index document | ✅ pass |",
    );
  });

  test('an edge serving an older index after an awaited invalidation fails the root check, saying why', async () => {
    edge.cached.set('/', { body: Buffer.from(OLDER_INDEX), contentType: 'text/html; charset=utf-8' });
    const run = await deploy({ 'check-routes': 'none', 'distribution-id': DISTRIBUTION, 'wait-for-invalidation': 'true' });
    expectExit(run, 1);
    expect(cf.count('CreateInvalidation')).toBe(1);
    expect(run.outputs.checks).toBe('failed');
    expect(servedAt('/').every((r) => r.status === 200 && r.bodyMd5 === md5(OLDER_INDEX))).toBe(true);
    expect(run.summary).toContain(
      `The site root answered 200, but not with the index document this run deployed (served MD5 ${md5(OLDER_INDEX)}, deployed ${md5(INDEX)}). The invalidation has completed, so distribution ${DISTRIBUTION} reads another origin`,
    );
    expect(run.stdout).toMatch(/^::error::Post-deploy checks failed: site-root .*reads another origin/m);
  });

  test('an older index while the invalidation is still in progress passes, reported as such', async () => {
    edge.cached.set('/', { body: Buffer.from(OLDER_INDEX), contentType: 'text/html; charset=utf-8' });
    const run = await deploy({ 'check-routes': 'none', 'distribution-id': DISTRIBUTION });
    expectExit(run, 0);
    expect(run.outputs.checks).toBe('passed');
    expect(run.summary).toContain('200 text/html, an older index document (invalidation still in progress)');
  });
});

describe('explicit check-routes with a prefix', () => {
  test('are probed under the prefix; a route already under it is used as written', async () => {
    // The distribution-wide fallback (custom error response → /index.html) answers the deep routes.
    await s3.putObject(BUCKET, 'index.html', '<!doctype html><title>production</title>', { 'content-type': 'text/html; charset=utf-8' });
    const run = await deploy({ prefix: 'pr-7', 'check-routes': '/collections/tents\n/pr-7/already/there' });
    expectExit(run, 0);
    const paths = edge.requests.map((r) => r.path);
    expect(paths).toEqual(expect.arrayContaining(['/pr-7/index.html', '/pr-7/collections/tents', '/pr-7/already/there']));
    expect(paths).not.toContain('/collections/tents');
    expect(paths.filter((p) => p.startsWith('/pr-7/pr-7'))).toEqual([]);
  });
});

describe('preview-url', () => {
  test('is percent-encoded in the output and the PR comment, and is the URL the root check probed', async () => {
    const event = {
      action: 'synchronize',
      number: 7,
      pull_request: {
        number: 7,
        head: { sha: 'a'.repeat(40), repo: { full_name: 'octo-org/site' } },
        base: { repo: { full_name: 'octo-org/site' } },
      },
    };
    const run = await deploy(
      { prefix: 'pr-7', 'index-document': 'main page.html', 'github-token': gh.token, 'check-routes': 'none' },
      { files: { 'main page.html': INDEX }, event, eventName: 'pull_request' },
    );
    expectExit(run, 0);
    const url = `${edge.url}/pr-7/main%20page.html`;
    expect(run.outputs['preview-url']).toBe(url);
    expect(gh.commentsOn(7)[0]!.body).toContain(`| **Preview** | ${url} |`);
    expect(servedAt('/pr-7/main%20page.html').map((r) => [r.status, r.bodyMd5])).toEqual([[200, md5(INDEX)]]);
  });
});
