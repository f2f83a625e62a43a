/**
 * A demo deploy you can watch (`npm run demo`): starts an embedded S3-compatible server (s3rver),
 * a CloudFront API stand-in, an HTTPS edge serving the bucket the way CloudFront with OAC does,
 * and a private direct-S3 endpoint; deploys a sample SPA with the real dist/index.js exactly as
 * the GitHub runner runs it (invalidation awaited, all three checks); then touches every file and
 * deploys again to show that nothing is re-uploaded; then deploys a pull-request preview under pr-7/,
 * recorded as a GitHub deployment and a PR comment on a local stand-in of the GitHub API. Prints the
 * logs and the job summaries, and leaves nothing running. Exits non-zero if a deploy does not do what it should.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTestCa, s3Origin, startDirectS3, startEdge } from '../__tests__/fixtures/edge.js';
import { startFakeCloudFront } from '../__tests__/fixtures/fake-cloudfront.js';
import { startFakeGithub } from '../__tests__/fixtures/fake-github.js';
import { makeSite, runAction, type ActionRun } from '../__tests__/fixtures/run-action.js';
import { startS3 } from '../__tests__/fixtures/s3-server.js';

const BUCKET = 'demo-site';
const DISTRIBUTION = 'EDEMO1234567';
const REPOSITORY = 'octo-org/site';

const SITE: Record<string, string> = {
  'index.html':
    '<!doctype html><title>Tents</title><link rel="stylesheet" href="/static/app.3f9c.css"><script src="/static/app.4f2a.js"></script>',
  'collections/index.html': '<!doctype html><title>Collections</title>',
  'static/app.4f2a.js': 'document.title += " (loaded)";',
  'static/app.3f9c.css': 'body { font-family: sans-serif }',
  'img/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
  '.well-known/security.txt': 'Contact: mailto:security@example.com',
};

async function main(): Promise<void> {
  // The action runs on this Node too (runAction's default), as the runner runs it on node24.
  console.log(`Demo on Node ${process.version} (${process.execPath})`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-demo-'));
  const ca = createTestCa();
  const s3 = await startS3({ buckets: [BUCKET] });
  const cloudfront = await startFakeCloudFront({ [DISTRIBUTION]: 'd111111abcdef8.cloudfront.net' });
  cloudfront.inProgressPolls = 1;
  const edge = await startEdge({ origin: s3Origin(s3, BUCKET), ca });
  const direct = await startDirectS3({ origin: s3Origin(s3, BUCKET), mode: 'private' });
  const github = await startFakeGithub();
  try {
    await makeSite(path.join(work, 'build'), SITE);
    const deploy = (): Promise<ActionRun> =>
      runAction({
        endpoint: s3.endpoint,
        workspace: work,
        inputs: {
          bucket: BUCKET,
          region: 'us-east-1',
          'source-dir': 'build',
          'distribution-id': DISTRIBUTION,
          'wait-for-invalidation': 'true',
          'site-url': edge.url, // the real domain would come from GetDistribution; the edge is local
          's3-check-url': direct.urlFor('index.html'),
          'cache-control': '**/*.html: no-cache\nstatic/**: public, max-age=31536000, immutable',
        },
        env: { AWS_ENDPOINT_URL_CLOUDFRONT: cloudfront.endpoint, NODE_EXTRA_CA_CERTS: ca.caFile },
      });

    banner(
      `1st deploy: ${Object.keys(SITE).length} files to s3://${BUCKET} (s3rver at ${s3.endpoint}), CloudFront ${DISTRIBUTION}, edge ${edge.url}`,
    );
    const first = show(await deploy());
    banner('2nd deploy, every mtime touched (as a fresh CI checkout does): nothing to upload, no invalidation');
    touchAll(path.join(work, 'build'));
    const second = show(await deploy());

    banner(`3rd deploy: a pull-request preview under pr-7/, recorded as a GitHub deployment (GitHub API stand-in at ${github.url})`);
    const third = show(
      await runAction({
        endpoint: s3.endpoint,
        workspace: work,
        eventName: 'pull_request',
        event: {
          action: 'opened',
          number: 7,
          pull_request: {
            number: 7,
            head: { sha: '7'.repeat(40), repo: { full_name: REPOSITORY } },
            base: { repo: { full_name: REPOSITORY } },
          },
        },
        inputs: {
          bucket: BUCKET,
          region: 'us-east-1',
          'source-dir': 'build',
          prefix: 'pr-7',
          'distribution-id': DISTRIBUTION,
          'site-url': edge.url,
          's3-check-url': direct.urlFor('pr-7/index.html'),
          'github-token': github.token,
        },
        env: {
          AWS_ENDPOINT_URL_CLOUDFRONT: cloudfront.endpoint,
          NODE_EXTRA_CA_CERTS: ca.caFile,
          GITHUB_REPOSITORY: REPOSITORY,
          GITHUB_API_URL: github.url,
        },
      }),
    );
    const deployment = github.deployments[0];
    console.log('--- what GitHub received ---');
    for (const d of github.deployments) {
      console.log(`deployment ${d.id} of '${d.environment}' at ${d.ref.slice(0, 12)} (transient: ${d.transient_environment})`);
      for (const status of d.statuses)
        console.log(`  status ${status.state}${status.environment_url ? ` → ${status.environment_url}` : ''}`);
    }
    for (const comment of github.commentsOn(7)) console.log(`\nPR #7 comment ${comment.id}:\n${comment.body}`);

    banner('Result');
    const ok =
      first.code === 0 &&
      second.code === 0 &&
      third.code === 0 &&
      first.outputs.uploaded === String(Object.keys(SITE).length) &&
      first.outputs.checks === 'passed' &&
      second.outputs.uploaded === '0' &&
      second.outputs['invalidation-id'] === '' &&
      third.outputs['deployment-id'] === String(deployment?.id) &&
      deployment?.statuses.map((status) => status.state).join(' → ') === 'in_progress → success';
    console.log(`1st run outputs: ${JSON.stringify(first.outputs)}`);
    console.log(`2nd run outputs: ${JSON.stringify(second.outputs)}`);
    console.log(`3rd run outputs: ${JSON.stringify(third.outputs)}`);
    console.log(`Bucket now holds: ${(await s3.listKeys(BUCKET)).join(', ')}`);
    console.log(ok ? '\nDemo OK.' : '\nDemo FAILED.');
    process.exitCode = ok ? 0 : 1;
  } finally {
    await Promise.all([edge.close(), direct.close(), cloudfront.close(), github.close()]);
    await s3.stop();
    ca.remove();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function show(run: ActionRun): ActionRun {
  process.stdout.write(run.stdout);
  process.stderr.write(run.stderr);
  console.log('\n--- job summary (GITHUB_STEP_SUMMARY) ---');
  console.log(run.summary);
  return run;
}

function touchAll(dir: string): void {
  const later = new Date(Date.now() + 60_000);
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) fs.utimesSync(path.join(entry.parentPath, entry.name), later, later);
  }
}

function banner(text: string): void {
  console.log(`\n\x1b[1m==> ${text}\x1b[0m\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
