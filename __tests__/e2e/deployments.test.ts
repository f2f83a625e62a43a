/**
 * GitHub deployments, run from the bundle against s3rver and the local GitHub API (which records
 * every deployment and status body): a preview, a failing preview, a closed pull request, a push
 * with the default `auto`, a token without `deployments: write`, and `github-deployment: true` on a push.
 */
import { jest } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startFakeGithub, type FakeGithub } from '../fixtures/fake-github.js';
import { runAction, type ActionRun } from '../fixtures/run-action.js';
import { useSiteBed } from '../fixtures/site-bed.js';

const BUCKET = 'deployments-site';
const OWNER = 'octo-org';
const REPO = 'site';
const HEAD_SHA = '1111111111111111111111111111111111111111';
/** What GITHUB_SHA holds on a pull_request event: the merge commit GitHub made, not the head. */
const MERGE_SHA = '9999999999999999999999999999999999999999';
const SITE_URL = 'https://www.example.com';
const RUN_URL = `https://github.com/${OWNER}/${REPO}/actions/runs/4242`;
const SITE = {
  'index.html': '<!doctype html><script src="/pr-7/assets/app.js"></script>',
  'assets/app.js': 'console.log("app");\n',
};

jest.setTimeout(240_000);

const bed = useSiteBed(BUCKET, SITE);
let gh: FakeGithub;

beforeAll(async () => {
  gh = await startFakeGithub({ owner: OWNER, repo: REPO });
});
afterAll(async () => {
  await gh?.close();
});
beforeEach(() => {
  gh.requests.length = 0;
  gh.deployments.length = 0;
  gh.comments.length = 0;
  gh.deploymentsForbidden = false;
});

function prEvent(action: string): object {
  return {
    action,
    number: 7,
    pull_request: {
      number: 7,
      state: action === 'closed' ? 'closed' : 'open',
      head: { sha: HEAD_SHA, ref: 'feature', repo: { full_name: `${OWNER}/${REPO}` } },
      base: { ref: 'main', repo: { full_name: `${OWNER}/${REPO}` } },
    },
  };
}

/** A run with the token and the GitHub API wired; a pull_request event unless `push`. */
function deploy(
  opts: { inputs?: Record<string, string>; event?: object; push?: boolean; env?: Record<string, string> } = {},
): Promise<ActionRun> {
  return runAction({
    workspace: bed.workspace,
    endpoint: bed.s3.endpoint,
    eventName: opts.push ? 'push' : 'pull_request',
    event: opts.push ? {} : (opts.event ?? prEvent('synchronize')),
    inputs: {
      bucket: BUCKET,
      region: 'us-east-1',
      'source-dir': 'build',
      'site-url': SITE_URL,
      checks: 'false',
      'github-token': gh.token,
      'pr-comment': 'false',
      ...(opts.push ? {} : { prefix: 'pr-7' }),
      ...opts.inputs,
    },
    env: { GITHUB_REPOSITORY: `${OWNER}/${REPO}`, GITHUB_API_URL: gh.url, GITHUB_SHA: MERGE_SHA, ...opts.env },
  });
}

function expectExit(run: ActionRun, code: number): void {
  if (run.code !== code) throw new Error(`expected exit ${code}, got ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`);
}

const deploymentCalls = (): string[] =>
  gh.requests.filter((r) => r.path.includes('/deployments')).map((r) => `${r.method} ${r.path.replace(`/repos/${OWNER}/${REPO}`, '')}`);

test('a preview: a transient deployment of preview-pr-7 at the head commit, in_progress then success with the preview URL', async () => {
  const run = await deploy();
  expectExit(run, 0);

  expect(gh.deployments).toHaveLength(1);
  const deployment = gh.deployments[0]!;
  expect(deployment.body).toEqual({
    ref: HEAD_SHA,
    environment: 'preview-pr-7',
    transient_environment: true,
    production_environment: false,
    auto_merge: false,
    required_contexts: [],
    description: `s3://${BUCKET}/pr-7/, deployed by s3-cloudfront-deploy-action`,
  });
  expect(deployment.statuses.map((s) => [s.state, s.environment_url, s.log_url, s.auto_inactive])).toEqual([
    ['in_progress', '', RUN_URL, false],
    ['success', `${SITE_URL}/pr-7/index.html`, RUN_URL, true],
  ]);
  expect(run.outputs['deployment-id']).toBe(String(deployment.id));
  expect(run.summary).toContain(
    `**GitHub deployment:** ${deployment.id} of [preview-pr-7](https://github.com/${OWNER}/${REPO}/deployments/preview-pr-7)`,
  );
  expect(run.summary).toMatch(/```mermaid\ngantt\n/);
  expect(run.summary).toMatch(/^ {4}listing \d+\.\d s :\d+, \d+$/m);
  expect(run.summary).toMatch(/<sub>Time per stage: deployment \d+\.\d s · /);
});

test('the preview comment links the deployment environment, and stays the single comment', async () => {
  const first = await deploy({ inputs: { 'pr-comment': 'true' } });
  const second = await deploy({ inputs: { 'pr-comment': 'true' } });
  expectExit(first, 0);
  expectExit(second, 0);
  expect(gh.commentsOn(7)).toHaveLength(1);
  expect(gh.commentsOn(7)[0]!.body).toContain(
    `| **Deployment** | [\`preview-pr-7\`](https://github.com/${OWNER}/${REPO}/deployments/preview-pr-7) |`,
  );
});

test('a failing preview (no index document): the deployment ends in failure with the log URL', async () => {
  fs.rmSync(path.join(bed.workspace, 'build', 'index.html'));
  const run = await deploy();
  expectExit(run, 1);

  expect(gh.deployments).toHaveLength(1);
  const statuses = gh.deployments[0]!.statuses;
  expect(statuses.map((s) => [s.state, s.environment_url, s.log_url, s.auto_inactive])).toEqual([
    ['in_progress', '', RUN_URL, false],
    ['failure', '', RUN_URL, false],
  ]);
  expect(statuses[1]!.description).toMatch(/index\.html/);
});

test('failing post-deploy checks also end the deployment in failure', async () => {
  // Nothing listens on the site URL: the site-root check cannot pass.
  const run = await deploy({ inputs: { checks: 'true', 'site-url': 'http://127.0.0.1:9', 's3-check-url': 'none', 'check-timeout': '0' } });
  expectExit(run, 1);
  expect(gh.deployments[0]!.statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);
  expect(gh.deployments[0]!.statuses[1]!.description).toBe('Post-deploy checks failed');
});

test('a closed pull request: every deployment of preview-pr-7 marked inactive, no other environment, nothing deleted on GitHub', async () => {
  const earlier = [gh.seedDeployment('preview-pr-7', ['success']), gh.seedDeployment('preview-pr-7', ['in_progress', 'failure'])];
  const other = gh.seedDeployment('preview-pr-70', ['success']);
  await bed.s3.putObject(BUCKET, 'pr-7/index.html', 'preview 7');

  const run = await deploy({ event: prEvent('closed'), inputs: { mode: 'auto' } });
  expectExit(run, 0);

  expect(await bed.s3.listKeys(BUCKET, 'pr-7/')).toEqual([]);
  for (const d of earlier) expect([d.id, d.statuses.at(-1)!.state, d.statuses.at(-1)!.log_url]).toEqual([d.id, 'inactive', RUN_URL]);
  expect(other.statuses.map((s) => s.state)).toEqual(['success']);
  expect(gh.deployments).toHaveLength(3); // none created
  expect(gh.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
  expect(deploymentCalls()).toEqual([
    'GET /deployments',
    `POST /deployments/${earlier[1]!.id}/statuses`,
    `POST /deployments/${earlier[0]!.id}/statuses`,
  ]);
  expect(gh.requests[0]!.query.environment).toBe('preview-pr-7');
  expect(run.outputs['deployment-id']).toBe('');
});

test('a push with the default auto: no deployment call at all', async () => {
  const run = await deploy({ push: true });
  expectExit(run, 0);
  expect(gh.requests).toEqual([]);
  expect(run.outputs['deployment-id']).toBe('');
});

test('without deployments: write (403): one warning naming the permission, exit 0, the preview deployed', async () => {
  gh.deploymentsForbidden = true;
  const run = await deploy();
  expectExit(run, 0);

  const warnings = run.stdout.split('\n').filter((line) => line.startsWith('::warning::'));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain('HTTP 403: Resource not accessible by integration');
  expect(warnings[0]).toContain("'permissions: deployments: write'");
  expect(deploymentCalls()).toEqual(['POST /deployments']);
  expect(run.outputs['deployment-id']).toBe('');
  expect(await bed.s3.listKeys(BUCKET, 'pr-7/')).toEqual(['pr-7/.deploy-state.json', 'pr-7/assets/app.js', 'pr-7/index.html']);
});

test('github-deployment true on a push: a production deployment of GITHUB_SHA, success with the site URL', async () => {
  const run = await deploy({ push: true, inputs: { 'github-deployment': 'true' } });
  expectExit(run, 0);

  expect(gh.deployments).toHaveLength(1);
  expect(gh.deployments[0]!.body).toMatchObject({
    ref: MERGE_SHA,
    environment: 'production',
    transient_environment: false,
    production_environment: true,
  });
  expect(gh.deployments[0]!.statuses.map((s) => [s.state, s.environment_url])).toEqual([
    ['in_progress', ''],
    ['success', SITE_URL],
  ]);
  expect(run.outputs['deployment-id']).toBe(String(gh.deployments[0]!.id));
});

test('a dry run records no deployment', async () => {
  const run = await deploy({ inputs: { 'dry-run': 'true' } });
  expectExit(run, 0);
  expect(gh.requests).toEqual([]);
  expect(run.stdout).toContain('Dry run: no GitHub deployment is recorded.');
});

test('outputs that cannot be written fail the job, and the deployment ends in failure, not success', async () => {
  const run = await deploy({ env: { GITHUB_OUTPUT: path.join(bed.workspace, 'no-such-dir', 'output') } });
  expectExit(run, 1);
  expect(run.stdout).toMatch(/^::error::Could not write the step outputs: .*no-such-dir/m);
  expect(gh.deployments).toHaveLength(1);
  const statuses = gh.deployments[0]!.statuses;
  expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);
  expect(statuses[1]!.description).toMatch(/^Could not write the step outputs/);
});
