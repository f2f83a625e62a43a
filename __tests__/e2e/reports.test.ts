/**
 * Every run reports, and says what it left behind. The bundle runs against s3rver, the local
 * CloudFront and GitHub, and is made to fail at each stage: every run must write each output of
 * action.yml (counts `0` where nothing was done), a job summary naming the failed stage and what
 * was left, and for a preview, a PR comment saying this commit failed. Failures after writes are
 * held against what the bucket holds.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { startFakeCloudFront, type FakeCloudFront } from '../fixtures/fake-cloudfront.js';
import { startFakeGithub, type FakeGithub } from '../fixtures/fake-github.js';
import { runAction, type ActionRun } from '../fixtures/run-action.js';
import { useSiteBed } from '../fixtures/site-bed.js';

const BUCKET = 'reports';
const DISTRIBUTION = 'EREPORTS000001';
const SITE = { 'index.html': '<!doctype html><title>v1</title>', 'app.js': 'v1();\n' };
const OUTPUT_NAMES = Object.keys(
  (parse(fs.readFileSync(path.join(process.cwd(), 'action.yml'), 'utf8')) as { outputs: Record<string, unknown> }).outputs,
).sort();
const NOTHING_DONE = { uploaded: '0', deleted: '0', unchanged: '0', 'bytes-uploaded': '0', 'invalidation-id': '', checks: 'skipped' };

const bed = useSiteBed(BUCKET, SITE);
let cf: FakeCloudFront;
let gh: FakeGithub;

beforeAll(async () => {
  cf = await startFakeCloudFront({ [DISTRIBUTION]: 'd111111abcdef8.cloudfront.net' });
  gh = await startFakeGithub();
});
afterAll(async () => {
  await Promise.all([cf?.close(), gh?.close()]);
});
beforeEach(() => {
  cf.requests.length = 0;
  cf.denied.clear();
  gh.requests.length = 0;
  gh.comments.length = 0;
});

interface RunOptions {
  env?: Record<string, string | undefined>;
  event?: object;
  eventName?: string;
}

function deploy(inputs: Record<string, string> = {}, opts: RunOptions = {}): Promise<ActionRun> {
  return runAction({
    endpoint: bed.s3.endpoint,
    workspace: bed.workspace,
    inputs: { bucket: BUCKET, 'source-dir': 'build', checks: 'false', ...inputs },
    env: { AWS_ENDPOINT_URL_CLOUDFRONT: cf.endpoint, GITHUB_API_URL: gh.url, ...opts.env },
    event: opts.event,
    eventName: opts.eventName,
  });
}

/** Fails with the action's whole output, so a wrong exit code explains itself. */
function expectExit(run: ActionRun, code: number): void {
  if (run.code !== code) throw new Error(`expected exit ${code}, got ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`);
}

const writes = (): number => bed.s3.count('PutObject') + bed.s3.count('CreateMultipartUpload') + bed.s3.count('DeleteObjects');

describe('a run that fails before writing anything still reports', () => {
  test.each<[string, string, () => Promise<ActionRun>]>([
    [
      'credentials (role-to-assume without an OIDC token)',
      'Credentials',
      () => deploy({ 'role-to-assume': 'arn:aws:iam::123456789012:role/deploy' }),
    ],
    [
      'the scan guard (no index document)',
      'Scanning ',
      () => {
        fs.rmSync(path.join(bed.workspace, 'build', 'index.html'));
        return deploy();
      },
    ],
    [
      'a listing that keeps failing',
      'Listing s3://reports/',
      () => {
        bed.s3.faults.failAll('ListObjectsV2', 500, 'InternalError');
        return deploy();
      },
    ],
    [
      'GetDistribution (a distribution that does not exist)',
      'CloudFront distribution EUNKNOWN000001',
      () => deploy({ 'distribution-id': 'EUNKNOWN000001' }),
    ],
  ])('%s: every output (0 for the counts); the summary names the stage and says nothing was written', async (_name, stage, go) => {
    const run = await go();
    expectExit(run, 1);
    expect(Object.keys(run.outputs).sort()).toEqual(OUTPUT_NAMES);
    expect(run.outputs).toMatchObject(NOTHING_DONE);
    expect(run.summary.split('\n')[0]).toContain(`## ❌ Deploy to \`s3://${BUCKET}/\` failed at ${stage}`);
    expect(run.summary).toContain('**Left behind:** Nothing was written or deleted.');
    expect(run.stdout).toMatch(/^::error::.*Nothing was written or deleted\.$/m);
    expect(writes()).toBe(0);
    expect(run.stderr).toBe('');
  });
});

describe('the aftermath of a failure after writes is what the bucket holds', () => {
  test('CreateInvalidation denied after the uploads: the stale object is left in place, and the message says so', async () => {
    await bed.s3.putObject(BUCKET, 'stale.js', 'old');
    cf.denied.add('CreateInvalidation');
    const run = await deploy({ 'distribution-id': DISTRIBUTION, 'site-url': 'https://example.invalid' });
    expectExit(run, 1);
    // The deploy state records what the failed run wrote (so a later run trusts no outdated entry).
    expect(await bed.s3.listKeys(BUCKET)).toEqual(['.deploy-state.json', 'app.js', 'index.html', 'stale.js']);
    expect(run.stdout).toMatch(
      /^::error::.*cloudfront:CreateInvalidation.*All 2 files were uploaded; 1 stale object was left in place\. No CloudFront invalidation was made: .*rerun with 'force: true'\. A rerun converges the bucket\.$/m,
    );
    expect(run.summary).toContain('failed at CloudFront invalidation');
    expect(run.outputs).toMatchObject({ uploaded: '2', deleted: '0', 'invalidation-id': '' });
  });

  test('remove mode, CreateInvalidation denied after the deletion (which runs first there): the objects are gone, invalidate by hand', async () => {
    for (const key of ['pr-7/index.html', 'pr-7/app.js']) await bed.s3.putObject(BUCKET, key, 'preview');
    cf.denied.add('CreateInvalidation');
    const run = await deploy({ mode: 'remove', prefix: 'pr-7', 'distribution-id': DISTRIBUTION, 'site-url': 'https://example.invalid' });
    expectExit(run, 1);
    expect(await bed.s3.listKeys(BUCKET, 'pr-7/')).toEqual([]);
    expect(run.stdout).toMatch(
      /^::error::.*All 2 objects were deleted under 'pr-7\/'\. No CloudFront invalidation was made: .*invalidate '\/pr-7\/\*' by hand\.$/m,
    );
    expect(run.stdout).not.toMatch(/files are uploaded|stale object/);
    expect(run.summary.split('\n')[0]).toBe('## ❌ Removing the preview at `s3://reports/pr-7/` failed at CloudFront invalidation');
    expect(run.outputs).toMatchObject({ uploaded: '0', deleted: '2' });
  });
});

describe('a preview whose build fails its guard', () => {
  const SHA_1 = '1'.repeat(40);
  const SHA_2 = '2'.repeat(40);
  const prEvent = (sha: string) => ({
    action: 'synchronize',
    number: 7,
    pull_request: { number: 7, head: { sha, repo: { full_name: 'octo-org/site' } }, base: { repo: { full_name: 'octo-org/site' } } },
  });
  const preview = (sha: string) =>
    deploy(
      { prefix: 'pr-7', 'github-token': gh.token, 'site-url': 'https://example.invalid' },
      { eventName: 'pull_request', event: prEvent(sha), env: { GITHUB_REPOSITORY: 'octo-org/site' } },
    );

  test('turns the sticky comment into a failure for the new commit, naming the guard', async () => {
    expectExit(await preview(SHA_1), 0);
    const [comment] = gh.commentsOn(7);
    expect(comment!.body).toContain('### ✅ Preview deployed');

    fs.rmSync(path.join(bed.workspace, 'build', 'index.html'));
    const second = await preview(SHA_2);
    expectExit(second, 1);
    expect(gh.commentsOn(7)).toHaveLength(1);
    expect(comment!.body).toContain('### ❌ Preview deploy failed');
    expect(comment!.body).toMatch(/> Failed at \*\*Scanning .*\*\*: index-document 'index\.html' is not in source-dir/);
    expect(comment!.body).toContain('> Nothing was written or deleted.');
    expect(comment!.body).toContain(`| **Commit** | ${SHA_2} |`);
    expect(comment!.body).not.toContain('✅');
    expect(comment!.body).not.toContain(SHA_1);
    expect(Object.keys(second.outputs).sort()).toEqual(OUTPUT_NAMES);
  });
});

describe('the report itself cannot crash the run', () => {
  test('an outputs file that cannot be written: exit 1 naming it, the summary and the bucket still right, no unhandled rejection', async () => {
    const run = await deploy({}, { env: { GITHUB_OUTPUT: path.join(bed.workspace, 'no-such-dir', 'output') } });
    expectExit(run, 1);
    expect(run.stdout).toMatch(/^::error::Could not write the step outputs: .*no-such-dir/m);
    expect(run.summary.split('\n')[0]).toBe('## ✅ Deployed to `s3://reports/`');
    expect(run.stderr).toBe('');
    await bed.expectBucketEquals(SITE);
  });
});
