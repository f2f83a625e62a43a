import { environmentPageUrl, parseRunContext, runPageUrl } from '../src/config/context.js';
import { createDeploymentRecorder, createDeploymentsPort, type DeploymentLog, type DeploymentTarget } from '../src/github/deployments.js';
import type { DeploymentsPort } from '../src/ports.js';
import { startFakeGithub, type FakeGithub } from './fixtures/fake-github.js';

const SHA = '3f786850e387550fdab836ed7e6dc881de23001b';
const LOG_URL = 'https://github.com/octo-org/site/actions/runs/4242';
const PREVIEW: DeploymentTarget = {
  environment: 'preview-pr-7',
  ref: SHA,
  preview: true,
  target: 's3://site-bucket/pr-7/',
  logUrl: LOG_URL,
};
const PRODUCTION: DeploymentTarget = { environment: 'production', ref: SHA, preview: false, target: 's3://site-bucket/', logUrl: LOG_URL };

function recordingLog(): DeploymentLog & { infos: string[]; warnings: string[] } {
  const infos: string[] = [];
  const warnings: string[] = [];
  return { infos, warnings, info: (m) => infos.push(m), warning: (m) => warnings.push(m) };
}

describe('run and environment pages', () => {
  const run = (env: Record<string, string>) => parseRunContext({ GITHUB_REPOSITORY: 'octo-org/site', GITHUB_RUN_ID: '4242', ...env }, {});

  it('joins server, repository and run id as the run page GitHub shows', () => {
    expect(runPageUrl(run({ GITHUB_SERVER_URL: 'https://github.com' }))).toBe(LOG_URL);
    expect(runPageUrl(run({ GITHUB_SERVER_URL: 'https://ghe.example.com/' }))).toBe(
      'https://ghe.example.com/octo-org/site/actions/runs/4242',
    );
  });

  it('links an environment to its deployments page, its name percent-encoded', () => {
    expect(environmentPageUrl(run({}), 'preview-pr-7')).toBe('https://github.com/octo-org/site/deployments/preview-pr-7');
    expect(environmentPageUrl(run({}), 'preview-docs/pr 7')).toBe('https://github.com/octo-org/site/deployments/preview-docs%2Fpr%207');
  });

  it('has no pages without a repository', () => {
    const noRepo = parseRunContext({ GITHUB_RUN_ID: '1' }, {});
    expect(runPageUrl(noRepo)).toBeUndefined();
    expect(environmentPageUrl(noRepo, 'production')).toBeUndefined();
  });
});

describe('deployment recorder over Octokit, against the local GitHub API', () => {
  let gh: FakeGithub;
  const savedApiUrl = process.env.GITHUB_API_URL;
  beforeAll(async () => {
    gh = await startFakeGithub();
    process.env.GITHUB_API_URL = gh.url;
  });
  afterAll(async () => {
    if (savedApiUrl === undefined) delete process.env.GITHUB_API_URL;
    else process.env.GITHUB_API_URL = savedApiUrl;
    await gh.close();
  });
  beforeEach(() => {
    gh.requests.length = 0;
    gh.deployments.length = 0;
    gh.deploymentsForbidden = false;
  });

  const recorder = (log: DeploymentLog = recordingLog()) =>
    createDeploymentRecorder(createDeploymentsPort(gh.token, { owner: 'octo-org', repo: 'site' }), log);

  it('creates a transient, non-production deployment of the preview at the head commit, then marks it in_progress', async () => {
    const id = await recorder().start(PREVIEW);

    expect(gh.deployments).toHaveLength(1);
    const deployment = gh.deployments[0]!;
    expect(id).toBe(deployment.id);
    expect(deployment.body).toEqual({
      ref: SHA,
      environment: 'preview-pr-7',
      transient_environment: true,
      production_environment: false,
      auto_merge: false,
      required_contexts: [],
      description: 's3://site-bucket/pr-7/, deployed by s3-cloudfront-deploy-action',
    });
    expect(deployment.statuses.map((s) => [s.state, s.log_url, s.auto_inactive])).toEqual([['in_progress', LOG_URL, false]]);
  });

  it('creates a production deployment (not transient) outside previews', async () => {
    await recorder().start(PRODUCTION);
    expect(gh.deployments[0]!.body).toMatchObject({
      environment: 'production',
      transient_environment: false,
      production_environment: true,
    });
  });

  it('finishes with success carrying the site URL and the log URL, and asks GitHub to retire earlier ones (auto_inactive: true)', async () => {
    const rec = recorder();
    const id = await rec.start(PREVIEW);
    await rec.finish(id, PREVIEW, { ok: true, environmentUrl: 'https://d111.cloudfront.net/pr-7/index.html' });

    const statuses = gh.deployments[0]!.statuses;
    expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(statuses[1]).toMatchObject({
      environment_url: 'https://d111.cloudfront.net/pr-7/index.html',
      log_url: LOG_URL,
      auto_inactive: true,
    });
  });

  it('finishes with failure carrying the log URL and no site URL, keeping earlier ones active (auto_inactive: false)', async () => {
    const rec = recorder();
    const id = await rec.start(PREVIEW);
    await rec.finish(id, PREVIEW, { ok: false, description: 'Failed at: upload' });

    const last = gh.deployments[0]!.statuses[1]!;
    expect(last).toMatchObject({ state: 'failure', log_url: LOG_URL, environment_url: '', auto_inactive: false });
    expect(last.description).toBe('Failed at: upload');
  });

  it('marks every deployment of the environment inactive, across pages, and no other environment', async () => {
    for (let i = 0; i < 103; i++) gh.seedDeployment('preview-pr-7');
    const other = gh.seedDeployment('preview-pr-70');
    const log = recordingLog();

    const marked = await recorder(log).deactivate('preview-pr-7', LOG_URL);

    expect(marked).toBe(103);
    expect(gh.deploymentsIn('preview-pr-7').every((d) => d.statuses.at(-1)!.state === 'inactive')).toBe(true);
    expect(other.statuses.map((s) => s.state)).toEqual(['success']);
    const lists = gh.requests.filter((r) => r.method === 'GET');
    expect(lists.map((r) => [r.query.environment, r.query.page ?? '1'])).toEqual([
      ['preview-pr-7', '1'],
      ['preview-pr-7', '2'],
    ]);
    expect(gh.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(log.infos).toContain(
      "Marked 103 of 103 GitHub deployment(s) of 'preview-pr-7' inactive; the environment itself is kept (the job token cannot delete environments).",
    );
  });

  it('without deployments: write, warns once naming the permission, and makes no further deployment call', async () => {
    gh.deploymentsForbidden = true;
    const log = recordingLog();
    const rec = recorder(log);

    const id = await rec.start(PREVIEW);
    await rec.finish(id, PREVIEW, { ok: true, environmentUrl: 'https://d111.cloudfront.net/pr-7/index.html' });

    expect(id).toBeUndefined();
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /repos/octo-org/site/deployments']);
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toContain("'permissions: deployments: write'");
    expect(log.warnings[0]).toContain('HTTP 403: Resource not accessible by integration');
  });

  it('when removing without deployments: write, stops at the first refused status with one warning', async () => {
    gh.seedDeployment('preview-pr-7');
    gh.seedDeployment('preview-pr-7');
    gh.deploymentsForbidden = true;
    const log = recordingLog();

    const marked = await recorder(log).deactivate('preview-pr-7', LOG_URL);

    expect(marked).toBe(0);
    expect(gh.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toContain("'permissions: deployments: write'");
  });
});

describe('deployment recorder failures (port fakes)', () => {
  const failing = (err: unknown): DeploymentsPort => ({
    create: () => Promise.reject(err),
    setStatus: () => Promise.reject(err),
    listIds: () => Promise.reject(err),
  });

  it('does not blame the permission for a rate-limited 403, and keeps trying later steps', async () => {
    const limited = Object.assign(new Error('API rate limit exceeded for installation ID 1.'), {
      status: 403,
      response: { headers: { 'x-ratelimit-remaining': '0' } },
    });
    const log = recordingLog();
    const rec = createDeploymentRecorder(failing(limited), log);

    await rec.start(PREVIEW);
    await rec.deactivate('preview-pr-7', LOG_URL);

    expect(log.warnings).toEqual([
      "Could not create a deployment of 'preview-pr-7' on GitHub (HTTP 403: API rate limit exceeded for installation ID 1.); the deploy itself is not affected.",
      "Could not list the deployments of 'preview-pr-7' on GitHub (HTTP 403: API rate limit exceeded for installation ID 1.); the deploy itself is not affected.",
    ]);
  });

  it('retries a 502 and goes on without a warning when the next attempt succeeds', async () => {
    const states: string[] = [];
    let failures = 1;
    const port: DeploymentsPort = {
      create: () => Promise.resolve(77),
      setStatus: (_id, status) => {
        if (failures-- > 0) return Promise.reject(Object.assign(new Error('Server Error'), { status: 502 }));
        states.push(status.state);
        return Promise.resolve();
      },
      listIds: () => Promise.resolve([]),
    };
    const log = { ...recordingLog(), sleep: () => Promise.resolve() };

    const id = await createDeploymentRecorder(port, log).start(PREVIEW);

    expect(id).toBe(77);
    expect(states).toEqual(['in_progress']);
    expect(log.warnings).toEqual([]);
  });

  it('keeps the id of a created deployment when only its in_progress status is refused, so it can still be finished', async () => {
    const states: string[] = [];
    let first = true;
    const port: DeploymentsPort = {
      create: () => Promise.resolve(77),
      setStatus: (_id, status) => {
        if (first) {
          first = false;
          return Promise.reject(Object.assign(new Error('Validation Failed'), { status: 422 }));
        }
        states.push(status.state);
        return Promise.resolve();
      },
      listIds: () => Promise.resolve([]),
    };
    const log = recordingLog();
    const rec = createDeploymentRecorder(port, log);

    const id = await rec.start(PREVIEW);
    await rec.finish(id, PREVIEW, { ok: true, environmentUrl: 'https://example.com/pr-7/' });

    expect(id).toBe(77);
    expect(states).toEqual(['success']);
    expect(log.warnings).toEqual([
      'Could not mark deployment 77 in progress on GitHub (HTTP 422: Validation Failed); the deploy itself is not affected.',
    ]);
  });
});
