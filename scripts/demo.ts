/**
 * A demo deploy you can watch (`npm run demo`), the tour of what the action does: starts an embedded
 * S3-compatible server (s3rver), a CloudFront API stand-in configured as examples/cloudformation/site.yml
 * makes the distribution (so the doctor passes), an HTTPS edge serving the bucket the way CloudFront
 * with OAC does, and a private direct-S3 endpoint. With the real dist/index.js, exactly as the GitHub
 * runner runs it: deploys a sample SPA (invalidation awaited, the doctor, all checks); touches every
 * file and deploys again (nothing re-uploaded); renames a hashed chunk and deploys with keep-stale 7d
 * (the old chunk retained); changes a Cache-Control rule (headers updated in place, no body sent);
 * then deploys a pull-request preview under pr-7/, recorded as a GitHub deployment and a PR comment on
 * a local stand-in of the GitHub API. Prints the logs and the job summaries, checks each expectation,
 * and leaves nothing running. Exits non-zero if a deploy does not do what it should.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTestCa, s3Origin, startDirectS3, startEdge } from '../__tests__/fixtures/edge.js';
import { startFakeCloudFront } from '../__tests__/fixtures/fake-cloudfront.js';
import { startFakeGithub } from '../__tests__/fixtures/fake-github.js';
import { makeSite, runAction, type ActionRun } from '../__tests__/fixtures/run-action.js';
import { startS3, type S3Fixture, type S3Operation } from '../__tests__/fixtures/s3-server.js';
import {
  TEMPLATE_BUCKET as BUCKET,
  TEMPLATE_DISTRIBUTION as DISTRIBUTION,
  TEMPLATE_OAC,
  templateBucketPolicy,
  templateDistributionConfig,
  templateOriginAccessControl,
  templatePublicAccessBlock,
} from '../__tests__/fixtures/template-site.js';

// The template's bucket is in eu-west-1 (its origin's regional domain name says so).
const REGION = 'eu-west-1';
const REPOSITORY = 'octo-org/site';
const OLD_CHUNK = 'static/app.4f2a.js';
const NEW_CHUNK = 'static/app.9b1c.js';
const CACHE_RULES = '**/*.html: no-cache\nstatic/**: public, max-age=31536000, immutable';
const NEW_RULE = 'img/**: public, max-age=604800';

const SITE: Record<string, string> = {
  'index.html': page(OLD_CHUNK),
  'collections/index.html': '<!doctype html><title>Collections</title>',
  [OLD_CHUNK]: 'document.title += " (loaded)";',
  'static/app.3f9c.css': 'body { font-family: sans-serif }',
  'img/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
  '.well-known/security.txt': 'Contact: mailto:security@example.com',
};

function page(chunk: string): string {
  return `<!doctype html><title>Tents</title><link rel="stylesheet" href="/static/app.3f9c.css"><script src="/${chunk}"></script>`;
}

/** Each expectation is printed with its verdict; any one that does not hold fails the demo. */
const failures: string[] = [];
function expectThat(what: string, holds: boolean): void {
  console.log(`[demo] ${holds ? '\u2713' : '\u2717 NOT TRUE:'} ${what}`);
  if (!holds) failures.push(what);
}

async function main(): Promise<void> {
  // The action runs on this Node too (runAction's default), as the runner runs it on node24.
  console.log(`Demo on Node ${process.version} (${process.execPath})`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-demo-'));
  const build = path.join(work, 'build');
  const ca = createTestCa();
  const s3 = await startS3({ buckets: [BUCKET] });
  const cloudfront = await startFakeCloudFront({ [DISTRIBUTION]: 'd111111abcdef8.cloudfront.net' });
  cloudfront.inProgressPolls = 1;
  // The doctor reads these: the distribution, OAC, bucket policy and Block Public Access the example template creates.
  cloudfront.configs.set(DISTRIBUTION, templateDistributionConfig());
  cloudfront.originAccessControls.set(TEMPLATE_OAC, templateOriginAccessControl());
  s3.bucketConfigs.policies.set(BUCKET, templateBucketPolicy());
  s3.bucketConfigs.publicAccessBlocks.set(BUCKET, templatePublicAccessBlock());
  const edge = await startEdge({ origin: s3Origin(s3, BUCKET), ca });
  const direct = await startDirectS3({ origin: s3Origin(s3, BUCKET), mode: 'private' });
  const github = await startFakeGithub();
  try {
    await makeSite(build, SITE);
    const deploy = (inputs: Record<string, string> = {}): Promise<ActionRun> =>
      runAction({
        endpoint: s3.endpoint,
        workspace: work,
        inputs: {
          bucket: BUCKET,
          region: REGION,
          'source-dir': 'build',
          'distribution-id': DISTRIBUTION,
          'wait-for-invalidation': 'true',
          'site-url': edge.url, // the real domain would come from GetDistribution; the edge is local
          's3-check-url': direct.urlFor('index.html'),
          'cache-control': CACHE_RULES,
          'keep-stale': '7d',
          ...inputs,
        },
        env: { AWS_ENDPOINT_URL_CLOUDFRONT: cloudfront.endpoint, NODE_EXTRA_CA_CERTS: ca.caFile },
      });

    banner(
      `1st deploy: ${Object.keys(SITE).length} files to s3://${BUCKET} (s3rver at ${s3.endpoint}), CloudFront ${DISTRIBUTION}, edge ${edge.url}`,
    );
    explain(
      'The CloudFront and S3 stand-ins answer as the distribution and bucket of examples/cloudformation/site.yml would:',
      'the doctor reads them (distribution, OAC, bucket policy, Block Public Access) before any write, and passes.',
    );
    const first = show(await deploy());
    banner("The doctor's verdict on the stand-in distribution (its section of the summary above)");
    console.log(section(first.summary, '### Doctor'));
    expectThat('1st deploy: exit 0', first.code === 0);
    expectThat(`1st deploy: uploaded=${Object.keys(SITE).length}`, first.outputs.uploaded === String(Object.keys(SITE).length));
    expectThat('1st deploy: checks=passed', first.outputs.checks === 'passed');
    expectThat(
      "1st deploy: doctor=passed, doctor-findings=''",
      first.outputs.doctor === 'passed' && first.outputs['doctor-findings'] === '',
    );

    banner('2nd deploy, every mtime touched (as a fresh CI checkout does): nothing to upload, no invalidation');
    touchAll(build);
    const second = show(await deploy());
    expectThat('2nd deploy: exit 0', second.code === 0);
    expectThat('2nd deploy: uploaded=0', second.outputs.uploaded === '0');
    expectThat("2nd deploy: invalidation-id=''", second.outputs['invalidation-id'] === '');

    const third = await retainStaleChunk(deploy, s3, cloudfront.createdPaths, build);
    const fourth = await updateHeadersOnly(deploy, s3);

    banner(`Last deploy: a pull-request preview under pr-7/, recorded as a GitHub deployment (GitHub API stand-in at ${github.url})`);
    const preview = show(
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
          region: REGION,
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
    console.log();
    expectThat('preview: exit 0', preview.code === 0);
    expectThat('preview: deployment-id is the deployment GitHub recorded', preview.outputs['deployment-id'] === String(deployment?.id));
    expectThat(
      'preview: deployment statuses in_progress → success',
      deployment?.statuses.map((status) => status.state).join(' → ') === 'in_progress → success',
    );

    banner('Result');
    for (const [name, run] of Object.entries({ '1st': first, '2nd': second, '3rd': third, '4th': fourth, preview }))
      console.log(`${name} run outputs: ${JSON.stringify(run.outputs)}`);
    console.log(`Bucket now holds: ${(await s3.listKeys(BUCKET)).join(', ')}`);
    console.log(
      failures.length === 0 ? '\nDemo OK.' : `\nDemo FAILED: ${failures.length} expectation(s) did not hold:\n- ${failures.join('\n- ')}`,
    );
    process.exitCode = failures.length === 0 ? 0 : 1;
  } finally {
    await Promise.all([edge.close(), direct.close(), cloudfront.close(), github.close()]);
    await s3.stop();
    ca.remove();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

type Deploy = (inputs?: Record<string, string>) => Promise<ActionRun>;

/** A new build renames a hashed chunk: with keep-stale 7d the old one stays for tabs still running the old index.html. */
async function retainStaleChunk(deploy: Deploy, s3: S3Fixture, invalidations: () => string[][], build: string): Promise<ActionRun> {
  banner(`3rd deploy, keep-stale 7d: a new build renames the hashed chunk ${OLD_CHUNK} → ${NEW_CHUNK}`);
  explain(
    `A browser tab that loaded the old index.html still asks for /${OLD_CHUNK}. With keep-stale: 7d the old chunk`,
    'is not deleted but retained (and not invalidated: its content did not change); a later deploy deletes it after 7 days.',
    'The plan counts it ("keep 1 stale"), the summary lists it under "Retained by keep-stale", the `retained` output is 1.',
  );
  fs.renameSync(path.join(build, OLD_CHUNK), path.join(build, NEW_CHUNK));
  fs.writeFileSync(path.join(build, NEW_CHUNK), 'document.title += " (loaded, v2)";');
  fs.writeFileSync(path.join(build, 'index.html'), page(NEW_CHUNK));
  const run = show(await deploy());
  const keys = await s3.listKeys(BUCKET);
  const paths = invalidations().at(-1) ?? [];
  console.log(`outputs: retained=${run.outputs.retained}, uploaded=${run.outputs.uploaded}, deleted=${run.outputs.deleted}`);
  console.log(`bucket holds: ${keys.join(', ')}`);
  console.log(`invalidated: ${paths.join(', ')}\n`);
  expectThat('3rd deploy: exit 0', run.code === 0);
  expectThat(
    '3rd deploy: retained=1, uploaded=2 (the new chunk and index.html), deleted=0',
    [run.outputs.retained, run.outputs.uploaded, run.outputs.deleted].join() === '1,2,0',
  );
  expectThat(
    `3rd deploy: the bucket still holds the old chunk ${OLD_CHUNK}, and the new ${NEW_CHUNK}`,
    keys.includes(OLD_CHUNK) && keys.includes(NEW_CHUNK),
  );
  expectThat(
    `3rd deploy: /${OLD_CHUNK} is not invalidated, /${NEW_CHUNK} is`,
    !paths.includes(`/${OLD_CHUNK}`) && paths.includes(`/${NEW_CHUNK}`),
  );
  return run;
}

/** A changed Cache-Control rule: the objects' headers are rewritten in place (CopyObject), no body is sent. */
async function updateHeadersOnly(deploy: Deploy, s3: S3Fixture): Promise<ActionRun> {
  banner(`4th deploy: one Cache-Control rule added (${NEW_RULE}), no file changed`);
  explain(
    'The deploy state remembers the headers each object was written with, so a changed rule is found without a',
    'HEAD per object and applied with a copy of the object onto itself: headers-updated counts it, zero bytes are uploaded.',
  );
  const before = (await s3.getObject(BUCKET, 'img/logo.svg')).cacheControl;
  s3.resetRequests();
  const run = show(await deploy({ 'cache-control': `${CACHE_RULES}\n${NEW_RULE}` }));
  const after = (await s3.getObject(BUCKET, 'img/logo.svg')).cacheControl;
  const reads: S3Operation[] = ['ListObjectsV2', 'GetObject', 'HeadObject', 'GetBucketPolicy', 'GetPublicAccessBlock'];
  const writes = s3.requests.filter((r) => !reads.includes(r.operation));
  console.log(
    `outputs: headers-updated=${run.outputs['headers-updated']}, uploaded=${run.outputs.uploaded}, bytes-uploaded=${run.outputs['bytes-uploaded']}`,
  );
  console.log(`img/logo.svg Cache-Control: ${before ?? '(none)'} → ${after ?? '(none)'}`);
  console.log(`S3 reads: ${reads.map((op) => `${op} ×${s3.count(op)}`).join(', ')}`);
  console.log(`S3 writes: ${writes.map((r) => `${r.operation} ${r.path} (${r.bodyBytes} body bytes)`).join(', ')}\n`);
  expectThat('4th deploy: exit 0', run.code === 0);
  expectThat('4th deploy: headers-updated > 0', Number(run.outputs['headers-updated']) > 0);
  expectThat('4th deploy: uploaded=0, bytes-uploaded=0', run.outputs.uploaded === '0' && run.outputs['bytes-uploaded'] === '0');
  expectThat('4th deploy: img/logo.svg now has Cache-Control public, max-age=604800', after === 'public, max-age=604800');
  expectThat('4th deploy: no HeadObject (the deploy state knows the headers)', s3.count('HeadObject') === 0);
  return run;
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

/** The part of a job summary from its `heading` line to the next heading of the same level. */
function section(summary: string, heading: string): string {
  const start = summary.indexOf(heading);
  if (start < 0) return `(no "${heading}" section in the summary)`;
  const next = summary.indexOf('\n### ', start + heading.length);
  return summary.slice(start, next < 0 ? undefined : next).trim();
}

function explain(...lines: string[]): void {
  console.log(lines.map((line) => `  ${line}`).join('\n') + '\n');
}

function banner(text: string): void {
  console.log(`\n\x1b[1m==> ${text}\x1b[0m\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
