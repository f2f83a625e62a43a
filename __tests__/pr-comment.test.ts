import { parseConfig, type Config } from '../src/config/parse.js';
import { createPrComments, updatePrComment } from '../src/github/comment.js';
import type { InputName } from '../src/names.js';
import type { PrComments } from '../src/ports.js';
import { prCommentMarker, previewComment, renderPrComment } from '../src/report/comment-body.js';
import type { DeployResult, LocalFile } from '../src/types.js';
import { startFakeGithub, type FakeGithub } from './fixtures/fake-github.js';

const SHA = '3f786850e387550fdab836ed7e6dc881de23001b';

function config(
  inputs: Partial<Record<InputName, string>> = {},
  opts: { event?: string; action?: string; fork?: boolean; repository?: string } = {},
): Config {
  const event = {
    action: opts.action ?? 'synchronize',
    number: 7,
    pull_request: {
      number: 7,
      head: { sha: SHA, repo: { full_name: opts.fork ? 'someone/site' : 'octo-org/site' } },
      base: { repo: { full_name: 'octo-org/site' } },
    },
  };
  const values: Partial<Record<InputName, string>> = {
    bucket: 'site-bucket',
    region: 'eu-west-1',
    prefix: 'pr-7',
    'github-token': 'ghs_fakeInstallationToken0123456789abcdef',
    ...inputs,
  };
  return parseConfig(
    (name) => values[name] ?? '',
    {
      GITHUB_REPOSITORY: opts.repository ?? 'octo-org/site',
      GITHUB_EVENT_NAME: opts.event ?? 'pull_request',
      GITHUB_SHA: 'b'.repeat(40),
    },
    event,
  );
}

const file = (key: string): LocalFile => ({
  key,
  relPath: key.replace(/^pr-7\//, ''),
  absPath: `/tmp/${key}`,
  size: 10,
  md5: '0'.repeat(32),
  contentType: 'text/html; charset=utf-8',
  kind: 'html',
});

function result(overrides: Partial<DeployResult> = {}): DeployResult {
  return {
    mode: 'deploy',
    dryRun: false,
    bucket: 'site-bucket',
    prefix: 'pr-7/',
    plan: {
      uploads: [
        { file: file('pr-7/a.js'), reason: 'new' },
        { file: file('pr-7/index.html'), reason: 'changed' },
      ],
      deletes: ['pr-7/old.js'],
      unchanged: [file('pr-7/b.css'), file('pr-7/c.css'), file('pr-7/d.css')],
      headerUpdates: [],
      retained: [],
      expiring: [],
    },
    applied: { uploaded: 2, bytesUploaded: 3072, deleted: 1, headersUpdated: 0 },
    siteUrl: 'https://d111111abcdef8.cloudfront.net',
    previewUrl: 'https://d111111abcdef8.cloudfront.net/pr-7/index.html',
    checks: [
      {
        name: 'site-root',
        url: 'https://d111111abcdef8.cloudfront.net/pr-7/index.html',
        expected: '200',
        got: '200 text/html',
        passed: true,
      },
      {
        name: 's3-private',
        url: 'https://site-bucket.s3.eu-west-1.amazonaws.com/pr-7/index.html',
        expected: '403',
        got: '403',
        passed: true,
      },
    ],
    checksOutcome: 'passed',
    timings: {},
    sha: SHA,
    ...overrides,
  };
}

describe('prCommentMarker', () => {
  test('is an HTML comment keyed by bucket and prefix', () => {
    expect(prCommentMarker('site-bucket', 'pr-7/')).toBe('<!-- s3-cloudfront-deploy:pr-comment bucket=site-bucket prefix=pr-7%2F -->');
  });

  test('differs per bucket and per prefix, and pr-7 never matches pr-77', () => {
    const a = prCommentMarker('site-bucket', 'pr-7/');
    expect(prCommentMarker('docs-bucket', 'pr-7/')).not.toBe(a);
    expect(prCommentMarker('site-bucket', 'docs/pr-7/')).not.toBe(a);
    expect(renderPrComment(result({ prefix: 'pr-77/' }), config({ prefix: 'pr-77' }))).not.toContain(a);
  });

  test('no prefix can close the HTML comment early', () => {
    const marker = prCommentMarker('site-bucket', 'a-->b--/');
    expect(marker.indexOf('-->')).toBe(marker.length - 3);
    expect(marker.slice(4, -3)).not.toContain('--');
  });
});

describe('renderPrComment', () => {
  test('a deployed preview: URL, commit, counts, checks', () => {
    expect(renderPrComment(result(), config())).toBe(
      [
        '<!-- s3-cloudfront-deploy:pr-comment bucket=site-bucket prefix=pr-7%2F -->',
        '### ✅ Preview deployed',
        '',
        '| | |',
        '|---|---|',
        '| **Preview** | https://d111111abcdef8.cloudfront.net/pr-7/index.html |',
        `| **Commit** | ${SHA} |`,
        '| **Changes** | 2 uploaded (3.0 KiB), 1 deleted, 3 unchanged |',
        '| **Checks** | ✅ passed: ✅ site root, ✅ S3 private |',
        '',
      ].join('\n'),
    );
  });

  test('failed checks are listed with their diagnosis', () => {
    const body = renderPrComment(
      result({
        checksOutcome: 'failed',
        checks: [
          {
            name: 'spa-route',
            url: 'https://x.example/pr-7/deep',
            expected: '200 text/html',
            got: '403',
            passed: false,
            diagnosis: 'Deep routes answer 403:\nadd a custom error response.',
          },
        ],
        invalidation: { id: 'I2J0I21PCUYOIK', paths: ['/pr-7/*'], reason: '1 path', status: 'InProgress' },
      }),
      config(),
    );
    expect(body).toContain('### ⚠️ Preview deployed, checks failed');
    expect(body).toContain('| **Checks** | ❌ failed: ❌ deep route |');
    expect(body).toContain('| **Invalidation** | `I2J0I21PCUYOIK` (InProgress) |');
    expect(body).toContain(
      '- ❌ **deep route** https://x.example/pr-7/deep: expected 200 text/html, got 403. Deep routes answer 403: add a custom error response.',
    );
  });

  test('a failed deploy shows the stage, the error, what was left, this commit, and the plan, not applied', () => {
    const failure = { stage: 'Uploading', message: 'Upload failed: "pr-7/a.js"', leftBehind: 'Nothing was written or deleted.' };
    const body = renderPrComment(result({ applied: undefined, failure, checksOutcome: 'skipped', checks: [] }), config());
    expect(body).toBe(
      [
        '<!-- s3-cloudfront-deploy:pr-comment bucket=site-bucket prefix=pr-7%2F -->',
        '### ❌ Preview deploy failed',
        '',
        '> Failed at **Uploading**: Upload failed: "pr-7/a.js"',
        '> Nothing was written or deleted.',
        '',
        '| | |',
        '|---|---|',
        "| **Preview** | https://d111111abcdef8.cloudfront.net/pr-7/index.html (not updated: this commit's deploy failed) |",
        `| **Commit** | ${SHA} |`,
        '| **Changes** | planned: 2 to upload, 1 to delete, 3 unchanged (not applied) |',
        '| **Checks** | skipped |',
        '',
      ].join('\n'),
    );
  });

  test('a deploy that failed after all its uploads says the files were uploaded and where the run failed, not "not updated"', () => {
    const failure = { stage: 'CloudFront invalidation', message: 'AccessDenied', leftBehind: 'All 2 files were uploaded.' };
    const body = renderPrComment(
      result({
        applied: { uploaded: 2, bytesUploaded: 3072, deleted: 0, headersUpdated: 0 },
        failure,
        checksOutcome: 'skipped',
        checks: [],
      }),
      config(),
    );
    expect(body).toContain(
      '| **Preview** | https://d111111abcdef8.cloudfront.net/pr-7/index.html (files uploaded, then the run failed at CloudFront invalidation) |',
    );
  });

  test('a deploy that failed part-way through its uploads says how many were uploaded and where the run failed', () => {
    const failure = { stage: 'Uploading', message: 'Upload failed: "pr-7/index.html"', leftBehind: '1 of 2 files was uploaded.' };
    const body = renderPrComment(
      result({
        applied: { uploaded: 1, bytesUploaded: 1024, deleted: 0, headersUpdated: 0 },
        failure,
        checksOutcome: 'skipped',
        checks: [],
      }),
      config(),
    );
    expect(body).toContain(
      '| **Preview** | https://d111111abcdef8.cloudfront.net/pr-7/index.html (1 of 2 files uploaded, then the run failed at Uploading) |',
    );
  });

  test('a deploy that failed with writes begun but no file uploaded still says "not updated"', () => {
    const failure = { stage: 'Uploading', message: 'Upload failed: "pr-7/a.js"', leftBehind: 'Nothing was written or deleted.' };
    const body = renderPrComment(
      result({ applied: { uploaded: 0, bytesUploaded: 0, deleted: 0, headersUpdated: 0 }, failure, checksOutcome: 'skipped', checks: [] }),
      config(),
    );
    expect(body).toContain(
      "| **Preview** | https://d111111abcdef8.cloudfront.net/pr-7/index.html (not updated: this commit's deploy failed) |",
    );
  });

  test('a failed removal names the stage and what was left', () => {
    const failure = { stage: 'CloudFront invalidation', message: 'AccessDenied', leftBehind: "All 12 objects were deleted under 'pr-7/'." };
    const body = renderPrComment(
      result({
        mode: 'remove',
        applied: { uploaded: 0, bytesUploaded: 0, deleted: 12, headersUpdated: 0 },
        failure,
        checks: [],
        checksOutcome: 'skipped',
      }),
      config({ mode: 'auto' }, { action: 'closed' }),
    );
    expect(body).toContain(
      [
        '### ❌ Removing the preview failed',
        '',
        '> Failed at **CloudFront invalidation**: AccessDenied',
        "> All 12 objects were deleted under 'pr-7/'.",
      ].join('\n'),
    );
  });

  test('header updates and retained objects join the changes when there are some', () => {
    const base = result();
    const plan = {
      ...base.plan,
      headerUpdates: [{ file: file('pr-7/b.css'), object: { key: 'pr-7/b.css', etag: 'e', size: 1 }, carried: {} }],
      retained: [{ key: 'pr-7/old.v1.js', since: 0 }],
    };
    const applied = { uploaded: 2, bytesUploaded: 3072, deleted: 1, headersUpdated: 1 };
    expect(renderPrComment(result({ plan, applied }), config())).toContain(
      '| **Changes** | 2 uploaded (3.0 KiB), 1 headers updated, 1 deleted, 1 retained (keep-stale), 3 unchanged |',
    );
    expect(
      renderPrComment(
        result({ plan, applied: undefined, failure: { stage: 'Uploading', message: 'x', leftBehind: 'Nothing was deleted.' } }),
        config(),
      ),
    ).toContain('| **Changes** | planned: 2 to upload, 1 header updates, 1 to delete, 1 to keep (keep-stale), 3 unchanged (not applied) |');
  });

  test('without a site URL it says how to get one', () => {
    expect(renderPrComment(result({ previewUrl: undefined }), config())).toContain(
      '| **Preview** | not known (set `site-url` or `distribution-id`) |',
    );
  });

  test('remove mode says the preview is gone', () => {
    const body = renderPrComment(
      result({
        mode: 'remove',
        applied: { uploaded: 0, bytesUploaded: 0, deleted: 12, headersUpdated: 0 },
        checks: [],
        checksOutcome: 'skipped',
      }),
      config({ mode: 'auto' }, { action: 'closed' }),
    );
    expect(body).toBe(
      [
        '<!-- s3-cloudfront-deploy:pr-comment bucket=site-bucket prefix=pr-7%2F -->',
        '### 🧹 Preview removed',
        '',
        'The preview is gone: 12 objects deleted under `s3://site-bucket/pr-7/`.',
        '',
        `Commit: ${SHA}`,
        '',
      ].join('\n'),
    );
  });

  test('a recorded deployment adds a row linking its environment; a removed preview says how many were retired', () => {
    const url = 'https://github.com/octo-org/site/deployments/preview-pr-7';
    const deployed = renderPrComment(result({ deployment: { id: 1001, environment: 'preview-pr-7', url } }), config());
    expect(deployed).toContain(`| **Commit** | ${SHA} |\n| **Deployment** | [\`preview-pr-7\`](${url}) |\n`);
    const removed = renderPrComment(
      result({ mode: 'remove', deployment: { environment: 'preview-pr-7', url, deactivated: 3 } }),
      config({}, { action: 'closed' }),
    );
    expect(removed).toContain(`GitHub deployments of [\`preview-pr-7\`](${url}): 3 marked inactive.`);
  });

  test('no deployment row when GitHub did not create one', () => {
    const body = renderPrComment(result({ deployment: { environment: 'preview-pr-7' } }), config());
    expect(body).not.toContain('**Deployment**');
  });

  test('pipes in cells are escaped and HTML comment markers never leak into the body', () => {
    const failure = { stage: 'Plan', message: 'boom <!-- x -->', leftBehind: 'Nothing --> was written.' };
    expect(renderPrComment(result({ previewUrl: 'https://x.example/a|b-->' }), config())).toContain('https://x.example/a\\|b |');
    const body = renderPrComment(result({ previewUrl: 'https://x.example/a|b-->', failure }), config());
    expect(body.split('-->')).toHaveLength(2); // only the marker's own
  });
});

interface Call {
  prNumber: number;
  marker: string;
  body: string;
}

function fakeComments(behaviour: (call: number) => Promise<{ id: number; created: boolean }>) {
  const calls: Call[] = [];
  const comments: PrComments = {
    upsert: (prNumber, marker, body) => {
      calls.push({ prNumber, marker, body });
      return behaviour(calls.length);
    },
  };
  const infos: string[] = [];
  const warnings: string[] = [];
  const log = { info: (m: string) => infos.push(m), warning: (m: string) => warnings.push(m), sleep: async () => undefined };
  return { comments, calls, infos, warnings, log };
}

const httpError = (status: number, message: string): Error => Object.assign(new Error(message), { status });

describe('updatePrComment', () => {
  test('upserts the body of this result (its commit, its changes) with the keyed marker on the PR', async () => {
    const f = fakeComments(async () => ({ id: 42, created: true }));
    await updatePrComment(f.comments, config(), result(), previewComment, f.log);
    expect(f.calls).toEqual([
      {
        prNumber: 7,
        marker: '<!-- s3-cloudfront-deploy:pr-comment bucket=site-bucket prefix=pr-7%2F -->',
        body: expect.stringContaining(`| **Commit** | ${SHA} |\n| **Changes** | 2 uploaded (3.0 KiB), 1 deleted, 3 unchanged |`),
      },
    ]);
    expect(
      f.calls[0]!.body.startsWith('<!-- s3-cloudfront-deploy:pr-comment bucket=site-bucket prefix=pr-7%2F -->\n### ✅ Preview deployed\n'),
    ).toBe(true);
    expect(f.infos).toContain('Created the preview comment on pull request #7 (comment 42).');
    expect(f.warnings).toEqual([]);
  });

  test.each([
    ['a push event', config({}, { event: 'push' })],
    ['no prefix', config({ prefix: '' })],
    ['pr-comment: false', config({ 'pr-comment': 'false' })],
  ])('does nothing on %s', async (_name, cfg) => {
    const f = fakeComments(async () => ({ id: 1, created: true }));
    await updatePrComment(f.comments, cfg, result(), previewComment, f.log);
    expect(f.calls).toEqual([]);
    expect(f.warnings).toEqual([]);
  });

  test('leaves the comment alone on a dry run', async () => {
    const f = fakeComments(async () => ({ id: 1, created: true }));
    await updatePrComment(f.comments, config(), result({ dryRun: true }), previewComment, f.log);
    expect(f.calls).toEqual([]);
  });

  test.each([403, 404])('HTTP %i (read-only token) is a warning naming the permission, never a throw', async (status) => {
    const f = fakeComments(async () => {
      throw httpError(status, 'Resource not accessible by integration');
    });
    await expect(updatePrComment(f.comments, config({}, { fork: true }), result(), previewComment, f.log)).resolves.toBeUndefined();
    expect(f.calls).toHaveLength(1);
    expect(f.warnings).toHaveLength(1);
    expect(f.warnings[0]).toContain(`HTTP ${status}: Resource not accessible by integration`);
    expect(f.warnings[0]).toContain('pull-requests: write');
    expect(f.warnings[0]).toContain('forks always get a read-only token');
  });

  test('5xx is retried, then succeeds', async () => {
    const f = fakeComments(async (n) => {
      if (n < 3) throw httpError(502, 'Bad Gateway');
      return { id: 9, created: false };
    });
    await updatePrComment(f.comments, config(), result(), previewComment, f.log);
    expect(f.calls).toHaveLength(3);
    expect(f.warnings).toEqual([]);
    expect(f.infos).toContain('Updated the preview comment on pull request #7 (comment 9).');
  });

  test('any other failure is a warning too', async () => {
    const f = fakeComments(async () => {
      throw new TypeError('fetch failed');
    });
    await updatePrComment(f.comments, config(), result(), previewComment, f.log);
    expect(f.warnings).toEqual([expect.stringContaining('Could not update the preview comment on pull request #7')]);
  });

  test('without an adapter (no token) it says why, without warning', async () => {
    const f = fakeComments(async () => ({ id: 1, created: true }));
    await updatePrComment(undefined, config(), result(), previewComment, f.log);
    expect(f.infos.join()).toContain('github-token');
    expect(f.warnings).toEqual([]);
  });
});

describe('createPrComments (Octokit against the local GitHub API)', () => {
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
    gh.comments.length = 0;
    gh.readOnly = false;
  });

  const marker = prCommentMarker('site-bucket', 'pr-7/');
  const others = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `comment ${from + i}`);
  const lists = (): number => gh.requests.filter((r) => r.method === 'GET').length;

  test.each([
    ['a push event', config({}, { event: 'push' })],
    ['no prefix', config({ prefix: '' })],
    ['pr-comment: false', config({ 'pr-comment': 'false' })],
    ['no token', config({ 'github-token': '' })],
    ['no repository', config({}, { repository: '' })],
  ])('is undefined on %s', (_name, cfg) => {
    expect(createPrComments(cfg)).toBeUndefined();
  });

  test('creates the comment when no page has the marker (every page read)', async () => {
    gh.seed(7, others(250));
    gh.seed(8, [`${marker}\nother PR`]);
    const comments = createPrComments(config())!;
    await expect(comments.upsert(7, marker, `${marker}\nhello`)).resolves.toMatchObject({ created: true });
    expect(lists()).toBe(3);
    expect(gh.requests.find((r) => r.method === 'GET')?.query.per_page).toBe('100');
    expect(gh.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/repos/octo-org/site/issues/7/comments',
      body: { body: `${marker}\nhello` },
    });
    expect(gh.requests.every((r) => r.authorization === `token ${gh.token}`)).toBe(true);
    expect(gh.commentsOn(7).filter((c) => c.body.includes(marker))).toHaveLength(1);
  });

  test('finds the marker on page 2, updates it in place and never reads page 3', async () => {
    gh.seed(7, others(150));
    const [mine] = gh.seed(7, [`${marker}\nold`], 'github-actions[bot]');
    gh.seed(7, others(100, 150));
    const comments = createPrComments(config())!;
    await expect(comments.upsert(7, marker, `${marker}\nnew`)).resolves.toEqual({ id: mine!.id, created: false });
    // GET /user (refused to the job token, whose comments are github-actions[bot]'s) once the marker turns up.
    expect(gh.requests.map((r) => `${r.method} ${r.path === '/user' ? '/user' : (r.query.page ?? '')}`)).toEqual([
      'GET ',
      'GET 2',
      'GET /user',
      'PATCH ',
    ]);
    expect(gh.requests.at(-1)).toMatchObject({
      path: `/repos/octo-org/site/issues/comments/${mine!.id}`,
      body: { body: `${marker}\nnew` },
    });
    expect(gh.commentsOn(7)).toHaveLength(251);
    expect(mine!.body).toBe(`${marker}\nnew`);
  });

  test('a comment for another prefix is left alone', async () => {
    const [other] = gh.seed(7, [`${prCommentMarker('site-bucket', 'pr-77/')}\nother`]);
    await createPrComments(config())!.upsert(7, marker, `${marker}\nmine`);
    expect(other!.body).toContain('other');
    expect(gh.commentsOn(7)).toHaveLength(2);
  });

  test('a read-only token: 403 through updatePrComment becomes a warning', async () => {
    gh.readOnly = true;
    const warnings: string[] = [];
    await updatePrComment(createPrComments(config({}, { fork: true })), config({}, { fork: true }), result(), previewComment, {
      info: () => undefined,
      warning: (m) => warnings.push(m),
      sleep: async () => undefined,
    });
    expect(warnings).toEqual([expect.stringContaining('HTTP 403: Resource not accessible by integration')]);
    expect(gh.comments).toHaveLength(0);
  });
});
