/**
 * The GitHub side of the action, run from its bundle (ACTION_DIST, default dist/index.js) against
 * local stand-ins that record what they receive:
 * - the runner's OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN),
 * - STS (AWS_ENDPOINT_URL_STS) issuing access key id S3RVER (the only one s3rver accepts) with a
 *   distinctive secret and session token, while the environment holds other, bogus AWS credentials,
 * - the GitHub REST API (GITHUB_API_URL) for the PR comment, with Link-header pagination,
 * - s3rver behind a recording proxy, CloudFront, and an HTTPS edge + private direct-S3 stand-in so
 *   the post-deploy checks run for real and show up in the comment.
 */
import { jest } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { prCommentMarker } from '../../src/report/comment-body.js';
import { createTestCa, s3Origin, startDirectS3, startEdge, type DirectS3, type Edge, type TestCa } from '../fixtures/edge.js';
import { startFakeCloudFront, type FakeCloudFront } from '../fixtures/fake-cloudfront.js';
import { startFakeGithub, type FakeGithub } from '../fixtures/fake-github.js';
import { startFakeOidc, type FakeOidc } from '../fixtures/fake-oidc.js';
import { startFakeSts, type FakeSts } from '../fixtures/fake-sts.js';
import { makeSite, runAction, type ActionRun } from '../fixtures/run-action.js';
import { startS3, type S3Fixture } from '../fixtures/s3-server.js';

const BUCKET = 'site';
const ROLE = 'arn:aws:iam::123456789012:role/preview-deployer';
const AUDIENCE = 'preview-audience';
const DISTRIBUTION = 'E2PREVIEW00001';
const OWNER = 'octo-org';
const REPO = 'site';
const SHA_1 = '1111111111111111111111111111111111111111';
const SHA_2 = '2222222222222222222222222222222222222222';
const BOGUS_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIABOGUSENVIRONMENT',
  AWS_SECRET_ACCESS_KEY: 'bogus-secret-from-the-environment',
  AWS_SESSION_TOKEN: 'bogus-session-token-from-the-environment',
};

// The machine may be busy: each run spawns node on a 2.8 MB bundle (and loads the STS and GitHub chunks).
jest.setTimeout(240_000);

let ca: TestCa;
let s3: S3Fixture;
let edge: Edge;
let direct: DirectS3;
let cloudfront: FakeCloudFront;
let oidc: FakeOidc;
let sts: FakeSts;
let gh: FakeGithub;
let tmp: string;

beforeAll(async () => {
  ca = createTestCa();
  s3 = await startS3({ buckets: [BUCKET] });
  edge = await startEdge({ origin: s3Origin(s3, BUCKET), ca });
  direct = await startDirectS3({ origin: s3Origin(s3, BUCKET), mode: 'private' });
  cloudfront = await startFakeCloudFront({ [DISTRIBUTION]: 'd111111abcdef8.cloudfront.net' });
  oidc = await startFakeOidc();
  sts = await startFakeSts({
    accessKeyId: 'S3RVER',
    secretAccessKey: 'StsIssuedSecret/e2e/Zq8Lw3Vn5Rt7Yp1K',
    sessionToken: 'StsIssuedSessionToken//e2e+IQoJb3JpZ2luX2VjEJv//8f2c1d',
  });
  gh = await startFakeGithub({ owner: OWNER, repo: REPO });
  tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'github-e2e-'));
});

afterAll(async () => {
  await Promise.all([edge?.close(), direct?.close(), cloudfront?.close(), oidc?.close(), sts?.close(), gh?.close()]);
  await s3?.stop();
  ca?.remove();
  if (tmp) await fs.promises.rm(tmp, { recursive: true, force: true });
});

beforeEach(async () => {
  await s3.emptyBucket(BUCKET);
  s3.resetRequests();
  sts.requests.length = 0;
  sts.failWith = undefined;
  oidc.requests.length = 0;
  oidc.audiences.length = 0;
  gh.requests.length = 0;
  gh.comments.length = 0;
  gh.readOnly = false;
  gh.deploymentsForbidden = false;
  gh.deployments.length = 0;
  cloudfront.requests.length = 0;
});

function prEvent(action: string, opts: { number?: number; sha?: string; fork?: boolean } = {}): object {
  const number = opts.number ?? 7;
  return {
    action,
    number,
    pull_request: {
      number,
      state: action === 'closed' ? 'closed' : 'open',
      head: { sha: opts.sha ?? SHA_1, ref: 'feature', repo: { full_name: opts.fork ? 'outsider/site' : `${OWNER}/${REPO}` } },
      base: { ref: 'main', repo: { full_name: `${OWNER}/${REPO}` } },
    },
    repository: { full_name: `${OWNER}/${REPO}` },
  };
}

interface PreviewRun {
  inputs?: Record<string, string>;
  env?: Record<string, string | undefined>;
  event?: object;
  files?: Record<string, string>;
  oidc?: boolean;
}

/** A pull_request run with OIDC (unless `oidc: false`), the bogus env credentials, all fakes wired. */
async function preview(opts: PreviewRun = {}): Promise<ActionRun> {
  const workspace = await fs.promises.mkdtemp(path.join(tmp, 'ws-'));
  if (opts.files) await makeSite(path.join(workspace, 'build'), opts.files);
  const useOidc = opts.oidc ?? true;
  return runAction({
    workspace,
    endpoint: s3.endpoint,
    eventName: 'pull_request',
    event: opts.event ?? prEvent('synchronize'),
    inputs: {
      bucket: BUCKET,
      'source-dir': 'build',
      prefix: 'pr-7',
      'github-token': gh.token,
      'site-url': edge.url,
      's3-check-url': direct.urlFor('pr-7/index.html'),
      'check-timeout': '15',
      ...(useOidc ? { 'role-to-assume': ROLE, 'role-session-name': 'gha-preview-7', audience: AUDIENCE } : {}),
      ...opts.inputs,
    },
    env: {
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
      GITHUB_API_URL: gh.url,
      AWS_ENDPOINT_URL_STS: sts.endpoint,
      AWS_ENDPOINT_URL_CLOUDFRONT: cloudfront.endpoint,
      NODE_EXTRA_CA_CERTS: ca.caFile,
      ...(useOidc
        ? { ...BOGUS_ENV, ACTIONS_ID_TOKEN_REQUEST_URL: oidc.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken }
        : {}),
      ...opts.env,
    },
  });
}

const SITE_V1 = {
  'index.html': '<!doctype html><html><head><title>Preview</title><script src="/pr-7/assets/app.js"></script></head><body></body></html>',
  'assets/app.js': 'console.log("v1");\n',
  'robots.txt': 'User-agent: *\n',
};
const SITE_V2 = { ...SITE_V1, 'assets/app.js': 'console.log("v2");\n', 'assets/new.css': 'body{}\n' };

const secrets = (): Record<string, string> => ({
  'OIDC token': oidc.token,
  'runner request token': oidc.requestToken,
  'secret key': sts.credentials.secretAccessKey,
  'session token': sts.credentials.sessionToken,
});

/**
 * Every secret that appears outside an `::add-mask::` line in what the run left behind: the log, the
 * job summary, the outputs, and every body the fake GitHub received (the runner masks the log, not
 * what is posted to a pull request).
 */
function leakedSecrets(run: ActionRun): string[] {
  const posted = gh.requests.filter((r) => r.body !== undefined).map((r) => JSON.stringify(r.body));
  const artifacts = [run.stdout, run.stderr, run.summary, ...Object.values(run.outputs), ...posted, ...gh.comments.map((c) => c.body)].join(
    '\n',
  );
  const lines = artifacts.split('\n').filter((line) => !line.startsWith('::add-mask::'));
  return Object.entries(secrets())
    .filter(([, secret]) => lines.some((line) => line.includes(secret)))
    .map(([name]) => name);
}

/** Fails with the action's whole output, so a wrong exit code explains itself. */
function expectExit(run: ActionRun, code: number): void {
  if (run.code !== code) {
    throw new Error(`expected exit ${code}, got ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`);
  }
}
const markerFor = (prefix: string): string => prCommentMarker(BUCKET, prefix);
const commentsWithMarker = (issue: number, prefix = 'pr-7/') => gh.commentsOn(issue).filter((c) => c.body.includes(markerFor(prefix)));

describe('OIDC credentials', () => {
  test('passes audience and role, signs every S3 request with the STS-issued credentials, leaks no secret', async () => {
    const run = await preview({ files: SITE_V1 });
    expectExit(run, 0);

    expect(oidc.audiences).toEqual([AUDIENCE]);
    expect(oidc.requests[0]!.authorization).toBe(`Bearer ${oidc.requestToken}`);
    expect(sts.requests).toHaveLength(1);
    expect(sts.requests[0]!.params).toMatchObject({
      Action: 'AssumeRoleWithWebIdentity',
      RoleArn: ROLE,
      RoleSessionName: 'gha-preview-7',
      WebIdentityToken: oidc.token,
      DurationSeconds: '3600',
      Version: '2011-06-15',
    });

    // The bogus environment credentials are never used: every S3 request carries the issued ones.
    expect(s3.requests.length).toBeGreaterThan(0);
    for (const request of s3.requests) {
      expect(request.headers['x-amz-security-token']).toBe(sts.credentials.sessionToken);
      expect(String(request.headers.authorization)).toContain('Credential=S3RVER/');
    }
    expect(await s3.listKeys(BUCKET)).toEqual(['pr-7/.deploy-state.json', 'pr-7/assets/app.js', 'pr-7/index.html', 'pr-7/robots.txt']);

    expect(leakedSecrets(run)).toEqual([]);
    for (const secret of [oidc.token, sts.credentials.secretAccessKey, sts.credentials.sessionToken]) {
      expect(run.stdout).toContain(`::add-mask::${secret}\n`);
    }
    // Masked before anything else could print it: the token's mask comes before the STS exchange is logged.
    expect(run.stdout.indexOf(`::add-mask::${oidc.token}`)).toBeLessThan(run.stdout.indexOf(`::add-mask::${sts.credentials.sessionToken}`));
  });

  test('CloudFront requests are signed with the STS-issued credentials too', async () => {
    const run = await preview({ files: SITE_V1, inputs: { 'distribution-id': DISTRIBUTION } });
    expectExit(run, 0);
    expect(cloudfront.count('CreateInvalidation')).toBe(1);
    for (const request of cloudfront.requests) {
      expect(request.headers['x-amz-security-token']).toBe(sts.credentials.sessionToken);
      expect(String(request.headers.authorization)).toContain('Credential=S3RVER/');
    }
    expect(leakedSecrets(run)).toEqual([]);
  });

  test('no ACTIONS_ID_TOKEN_REQUEST_URL with role-to-assume: exit 1 naming id-token: write, zero AWS requests, the comment and the deployment say it failed', async () => {
    const run = await preview({
      files: SITE_V1,
      env: { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined },
    });
    expectExit(run, 1);
    expect(run.stdout).toMatch(/::error::.*id-token: write/);
    expect(run.stdout).not.toMatch(/fork/);
    expect(s3.requests).toHaveLength(0);
    expect(sts.requests).toHaveLength(0);
    // Every run reports: the preview comment says this commit failed at the credentials, and so does its deployment.
    expect(commentsWithMarker(7)[0]!.body).toMatch(/### ❌ Preview deploy failed\n\n> Failed at \*\*Credentials\*\*: .*id-token: write/);
    expect(gh.deployments.map((d) => d.statuses.map((s) => s.state))).toEqual([['in_progress', 'failure']]);
    expect(gh.deployments[0]!.statuses[1]!.description).toMatch(/^'role-to-assume' needs a GitHub OIDC token/);
  });

  test('a pull request from a fork: says plainly that forks get no OIDC token', async () => {
    const run = await preview({
      files: SITE_V1,
      event: prEvent('synchronize', { fork: true }),
      env: { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined },
    });
    expectExit(run, 1);
    expect(run.stdout).toMatch(/::error::.*GitHub gives no OIDC token to workflows running for a pull request from a fork/);
    expect(s3.requests).toHaveLength(0);
  });

  test('STS AccessDenied: exit 1 explaining the trust policy conditions, naming the role, zero S3 requests', async () => {
    sts.failWith = 'AccessDenied';
    const run = await preview({ files: SITE_V1 });
    expectExit(run, 1);
    expect(run.stdout).toContain(`Could not assume role ${ROLE}`);
    expect(run.stdout).toContain("token.actions.githubusercontent.com:sub must match this job: 'repo:octo-org/site:pull_request'");
    expect(run.stdout).toContain(`token.actions.githubusercontent.com:aud must equal the 'audience' input ('${AUDIENCE}')`);
    expect(s3.requests).toHaveLength(0);
    expect(leakedSecrets(run)).toEqual([]);
  });
});

describe('pull-request previews', () => {
  test('one comment, found past the first page, created then updated in place', async () => {
    // 150 comments from people: with 100 per page, the action's comment lands on page 2.
    gh.seed(
      7,
      Array.from({ length: 150 }, (_, i) => `LGTM ${i}`),
    );
    gh.seed(8, [`${markerFor('pr-7/')}\nthe comment of another PR`]);

    const first = await preview({ files: SITE_V1 });
    expectExit(first, 0);
    expect(first.outputs['preview-url']).toBe(`${edge.url}/pr-7/index.html`);
    const commentCalls = () => gh.requests.filter((r) => r.path.includes('/issues/') || r.path === '/user');
    expect(commentCalls().map((r) => r.method)).toEqual(['GET', 'GET', 'POST']);
    const [comment] = commentsWithMarker(7);
    expect(commentsWithMarker(7)).toHaveLength(1);
    expect(comment!.body).toContain('### ✅ Preview deployed');
    expect(comment!.body).toContain(`| **Preview** | ${edge.url}/pr-7/index.html |`);
    expect(comment!.body).toContain(`| **Commit** | ${SHA_1} |`);
    expect(comment!.body).toContain('| **Changes** | 3 uploaded');
    expect(comment!.body).toContain('| **Checks** | ✅ passed: ✅ site root, ✅ S3 private, ✅ deploy state private |');

    // More discussion after it: page 3 exists now, but the search stops on page 2.
    gh.seed(
      7,
      Array.from({ length: 80 }, (_, i) => `more ${i}`),
    );
    gh.requests.length = 0;
    const second = await preview({ files: SITE_V2, event: prEvent('synchronize', { sha: SHA_2 }) });
    expectExit(second, 0);
    // Who the token is is asked once a comment with the marker turns up (refused to a GITHUB_TOKEN: github-actions[bot]).
    expect(commentCalls().map((r) => `${r.method} ${r.path === '/user' ? '/user' : (r.query.page ?? '1')}`)).toEqual([
      'GET 1',
      'GET 2',
      'GET /user',
      'PATCH 1',
    ]);
    expect(commentCalls()[3]!.path).toBe(`/repos/${OWNER}/${REPO}/issues/comments/${comment!.id}`);
    expect(commentsWithMarker(7)).toHaveLength(1);
    expect(comment!.body).toContain(`| **Commit** | ${SHA_2} |`);
    expect(comment!.body).toContain('| **Changes** | 2 uploaded');
    expect(comment!.body).toContain('2 unchanged');
    expect(gh.commentsOn(8)[0]!.body).toContain('the comment of another PR');
    expect(gh.commentsOn(7)).toHaveLength(150 + 1 + 80);
  });

  test("someone else's comment carrying our marker is left alone; the action keeps one comment of its own", async () => {
    const quoted = `${markerFor('pr-7/')}\n> ### ✅ Preview deployed (quoted by a reviewer)`;
    const [foreign] = gh.seed(7, [quoted], 'octocat');

    const first = await preview({ files: SITE_V1, oidc: false });
    expectExit(first, 0);
    const second = await preview({ files: SITE_V2, oidc: false, event: prEvent('synchronize', { sha: SHA_2 }) });
    expectExit(second, 0);

    expect(foreign!.body).toBe(quoted);
    const ours = commentsWithMarker(7).filter((c) => c.user.login === 'github-actions[bot]');
    expect(ours).toHaveLength(1);
    expect(ours[0]!.body).toContain(`| **Commit** | ${SHA_2} |`);
    expect(gh.requests.filter((r) => r.method === 'PATCH').map((r) => r.path)).toEqual([
      `/repos/${OWNER}/${REPO}/issues/comments/${ours[0]!.id}`,
    ]);
    expect(gh.commentsOn(7)).toHaveLength(2);
  });

  test('a token without write access (fork PR): a warning for the comment and one for the deployment, exit 0, the preview still deployed', async () => {
    gh.readOnly = true;
    gh.deploymentsForbidden = true;
    const run = await preview({ files: SITE_V1, oidc: false, event: prEvent('opened', { fork: true }) });
    expectExit(run, 0);
    expect(run.stdout).toMatch(
      /::warning::Could not update the preview comment on pull request #7 \(HTTP 403: Resource not accessible by integration/,
    );
    expect(run.stdout).toContain('pull-requests: write');
    expect(run.stdout).not.toContain('::error::');
    expect(run.stdout).toMatch(
      /::warning::Could not create a deployment of 'preview-pr-7' on GitHub \(HTTP 403: Resource not accessible by integration/,
    );
    expect(gh.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([
      `/repos/${OWNER}/${REPO}/deployments`,
      `/repos/${OWNER}/${REPO}/issues/7/comments`,
    ]);
    expect(gh.comments).toHaveLength(0);
    expect(run.outputs['preview-url']).toBe(`${edge.url}/pr-7/index.html`);
    expect(await s3.listKeys(BUCKET, 'pr-7/')).toHaveLength(3 + 1); // the files and the deploy state
  });

  test('a closed pull request with mode auto removes the prefix, and only it, and says the preview is gone', async () => {
    for (const key of ['pr-7/index.html', 'pr-7/assets/app.js', 'pr-7/deep/dir/page.html']) await s3.putObject(BUCKET, key, 'preview 7');
    for (const key of ['pr-77/index.html', 'pr-77/assets/app.js']) await s3.putObject(BUCKET, key, 'preview 77');
    for (const key of ['index.html', 'pr-7.html', 'assets/app.js']) await s3.putObject(BUCKET, key, 'production');
    const [existing] = gh.seed(7, [`${markerFor('pr-7/')}\n### ✅ Preview deployed`], 'github-actions[bot]');
    const [other] = gh.seed(7, [`${markerFor('pr-77/')}\nanother preview's comment`], 'github-actions[bot]');
    s3.resetRequests();

    const run = await preview({
      event: prEvent('closed', { sha: SHA_2 }),
      inputs: { mode: 'auto', 'distribution-id': DISTRIBUTION },
    });
    expectExit(run, 0);
    expect(await s3.listKeys(BUCKET)).toEqual(['assets/app.js', 'index.html', 'pr-7.html', 'pr-77/assets/app.js', 'pr-77/index.html']);
    expect(s3.count('PutObject')).toBe(0);
    for (const list of s3.requests.filter((r) => r.operation === 'ListObjectsV2')) expect(list.query.prefix).toBe('pr-7/');

    const paths = cloudfront.createdPaths();
    expect(paths).toHaveLength(1);
    expect(paths[0]).toContain('/pr-7/*');
    for (const p of paths[0]!) expect(p === '/pr-7' || p.startsWith('/pr-7/')).toBe(true);

    expect(existing!.body).toContain('### 🧹 Preview removed');
    expect(existing!.body).toContain('3 objects deleted under `s3://site/pr-7/`');
    expect(other!.body).toContain("another preview's comment");
    expect(commentsWithMarker(7)).toHaveLength(1);
    expect(leakedSecrets(run)).toEqual([]);
  });
});
