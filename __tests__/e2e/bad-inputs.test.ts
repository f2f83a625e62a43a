/**
 * Every input of action.yml fed hostile values, end to end (dist/index.js against s3rver behind the
 * recording proxy). Each refused value must exit 1 with an `::error::` line naming the input (and
 * saying what is wrong), make zero S3 requests, leave the bucket as it was, echo at most ~200
 * characters of the value, and never print a raw control character.
 *
 * Classes tried for every input: 20,000 characters; 4,000 characters (under the 16 KiB input limit,
 * so the input's own parser answers); an embedded newline (single-line inputs); a control character
 * (\u0007); and the input-specific malformed values of MALFORMED.
 *
 * Accepted by design (asserted to deploy, in ACCEPTED):
 * | input        | value                   | why                                                                 |
 * |--------------|-------------------------|---------------------------------------------------------------------|
 * | prefix       | '/pr-1/'                | slashes at either end are ignored (README): deploys under pr-1/      |
 * | source-dir   | './build/'              | a path like any other, resolved against the workspace               |
 * | region       | 'us-mars-1'             | any well-formed region code, so a new region needs no new release;  |
 * |              |                         | one that does not exist fails at the first AWS call                 |
 * | audience     | 'https://example.com/a' | any string of at most 255 characters: only IAM knows its audiences  |
 * | github-token | 4,000 characters        | opaque, only GitHub can judge it, and only the PR comment uses it   |
 * | exclude      | a 4,000-character glob  | a glob that matches nothing excludes nothing                        |
 * Not deliverable: a NUL (e.g. prefix 'a\u0000'). Environment variables cannot hold one, so neither
 * the runner nor this harness (spawn refuses) can pass it; \u0001 stands in for it below.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import pMap from 'p-map';
import { parse } from 'yaml';
import { Inputs, type InputName } from '../../src/names.js';
import { runAction, type ActionRun } from '../fixtures/run-action.js';
import { useSiteBed } from '../fixtures/site-bed.js';

const BUCKET = 'bad-inputs-bucket';
const SITE = {
  'index.html': '<!doctype html><script src="/static/app.js"></script>',
  'about/index.html': '<!doctype html><h1>About</h1>',
  'static/app.js': 'console.log("app")',
  'static/app.js.map': '{"version":3}',
};
const KEEP = { key: 'keep.js', body: 'the live site' };
/** Action processes at once (the machine has 2 cores). */
const PARALLEL = 4;
/** The most of a bad value an error may echo. */
const MAX_ECHO = 200;
const RAW_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const MULTI_LINE: InputName[] = ['include', 'exclude', 'cache-control', 'invalidation-paths', 'check-routes'];

/** A good value of each input: the newline and control-character cases break exactly this. */
const VALID: Record<InputName, string> = {
  bucket: BUCKET,
  'source-dir': 'build',
  region: 'us-east-1',
  prefix: 'pr-1',
  delete: 'true',
  'max-delete': '25%',
  include: '**',
  exclude: '*.map',
  'cache-control': '**/*.html: no-cache',
  'index-document': 'index.html',
  concurrency: '4',
  force: 'false',
  'keep-stale': '7d',
  'dry-run': 'false',
  mode: 'deploy',
  'distribution-id': 'E1ABCDEF2GHIJK',
  'invalidation-paths': '/index.html',
  'wait-for-invalidation': 'false',
  'invalidation-timeout': '600',
  'role-to-assume': 'arn:aws:iam::123456789012:role/deploy-site',
  'role-session-name': 'github-actions-deploy',
  audience: 'sts.amazonaws.com',
  checks: 'false',
  'site-url': 'https://www.example.com',
  'check-routes': '/collections/tents',
  's3-check-url': `https://${BUCKET}.s3.us-east-1.amazonaws.com/index.html`,
  'check-timeout': '120',
  'github-token': 'ghs_0123456789abcdef',
  'pr-comment': 'true',
  'github-deployment': 'false',
  'deployment-environment': 'preview-pr-1',
  doctor: 'warn',
};

const NOT_BOOLEAN: [string, RegExp][] = [
  ['yes', /'yes' is not a boolean/],
  ['1', /'1' is not a boolean/],
];

/** Input-specific malformed values, and what the error must say about each. */
const MALFORMED: Record<InputName, [string, RegExp][]> = {
  bucket: [
    ['arn:aws:s3:::bad-inputs-bucket', /is not a valid S3 bucket name.*not an ARN or URL/],
    ['s3://x', /is not a valid S3 bucket name/],
  ],
  'source-dir': [
    ['build/index.html', /is not a directory/],
    ['no-such-dir', /does not exist/],
  ],
  region: [
    ['mars-1', /'mars-1' is not an AWS region/],
    ['https://s3.us-east-1.amazonaws.com', /is not an AWS region/],
  ],
  prefix: [
    ['../x', /contains a '\.\.' segment/],
    ['a//b', /contains '\/\/'/],
    ['a\u0001', /control character \(\\u0001/],
    ['pr 42', /contains whitespace/],
  ],
  delete: NOT_BOOLEAN,
  // The log escapes '%' in workflow commands as '%25'.
  'max-delete': [
    ['-1', /'-1' is neither a count of objects nor a percentage from 0%25 to 100%25/],
    ['101%', /'101%25' is neither a count/],
    ['lots', /'lots' is neither a count/],
  ],
  include: [
    ['[', /glob '\[' is not valid/],
    ['/abs', /starts with '\/'/],
  ],
  exclude: [
    ['[', /glob '\[' is not valid/],
    ['/abs', /starts with '\/'/],
  ],
  'cache-control': [
    ['no-cache', /line 'no-cache' is not 'GLOB: VALUE'/],
    ['[: no-cache', /glob '\[' is not valid/],
    ['*.js: max-age=60, é', /not printable ASCII/],
  ],
  'index-document': [
    ['../x', /is not a file name inside source-dir/],
    ['/index.html', /is not a file name inside source-dir/],
  ],
  concurrency: [
    ['0', /'0' is not a whole number from 1 to 256/],
    ['1.5', /is not a whole number/],
    ['lots', /is not a whole number/],
    ['257', /is not a whole number/],
  ],
  force: NOT_BOOLEAN,
  'keep-stale': [
    ['7', /'7' is not a duration.*a whole number with a unit/],
    ['366d', /at most 365d/],
  ],
  'dry-run': NOT_BOOLEAN,
  mode: [
    ['nuke', /'nuke' is not allowed\. Use one of: deploy, remove, auto/],
    ['Deploy', /is not allowed/],
  ],
  'distribution-id': [
    ['d111111abcdef8.cloudfront.net', /is not a CloudFront distribution id/],
    ['arn:aws:cloudfront::123456789012:distribution/E1ABCDEF2GHIJK', /is not a CloudFront distribution id/],
  ],
  'invalidation-paths': [
    ['index.html', /does not start with '\/'/],
    ['/a*b', /has a '\*' that is not at the end/],
  ],
  'wait-for-invalidation': NOT_BOOLEAN,
  'invalidation-timeout': [
    ['-1', /is not a whole number from 1 to 3600/],
    ['0', /is not a whole number from 1 to 3600/],
  ],
  'role-to-assume': [
    ['not-an-arn', /is not an IAM role ARN/],
    ['arn:aws:iam::123456789012:user/deploy', /is not an IAM role ARN/],
  ],
  'role-session-name': [
    ['has space', /is not a valid session name/],
    ['x', /is not a valid session name/],
  ],
  audience: [['a'.repeat(300), /longer than the 255 characters/]],
  checks: NOT_BOOLEAN,
  'site-url': [
    ['ftp://x', /is not an http\(s\) URL/],
    ['https://www.example.com/?preview=1', /has a query or fragment/],
  ],
  'check-routes': [['collections/tents', /does not start with '\/'/]],
  's3-check-url': [
    ['notaurl', /'notaurl' is not a URL/],
    ['file:///etc/passwd', /is not an http\(s\) URL/],
  ],
  'check-timeout': [
    ['-1', /is not a whole number from 0 to 3600/],
    ['1e3', /is not a whole number/],
  ],
  'github-token': [], // accepted by design: see the table above
  'pr-comment': NOT_BOOLEAN,
  'github-deployment': [
    ['yes', /'yes' is not allowed\. Use one of: true, false, auto/],
    ['True', /is not allowed/],
  ],
  'deployment-environment': [['e'.repeat(300), /is 300 characters long, over GitHub's limit of 255/]],
  doctor: [
    ['strict', /'strict' is not allowed.*Use one of: warn, fail, off/],
    ['true', /'true' is not allowed/],
  ],
};

/** Refused by a guard on the source tree (after the inputs parsed), not by the input parser. */
const GUARDED = new Set(['source-dir build/index.html', 'source-dir no-such-dir', `include ${'x'.repeat(4000)}`]);

interface Case {
  input: InputName;
  label: string;
  value: string;
  says: RegExp;
}

const bed = useSiteBed(BUCKET, SITE);

beforeEach(async () => {
  await bed.s3.putObject(BUCKET, KEEP.key, KEEP.body);
  bed.s3.resetRequests();
});

/** Runs `cases` a few at a time; returns one line per broken promise, for a single report. */
async function refuseAll(cases: Case[]): Promise<string[]> {
  const problems = await pMap(
    cases,
    async (c, i) => {
      // Tags this run's requests (User-Agent `app/<id>`), so any request is pinned on its case.
      const appId = `case-${i}`;
      const run = await runAction({
        inputs: { bucket: BUCKET, checks: 'false', [c.input]: c.value },
        endpoint: bed.s3.endpoint,
        workspace: bed.workspace,
        env: { AWS_SDK_UA_APP_ID: appId },
      });
      return problemsOf(c, run, requestsTagged(appId)).map((p) => `${c.input} (${c.label}): ${p}`);
    },
    { concurrency: PARALLEL },
  );
  return problems.flat();
}

function requestsTagged(appId: string): string[] {
  return bed.s3.requests
    .filter((r) => ` ${r.headers['user-agent']} ${r.headers['x-amz-user-agent']} `.includes(` app/${appId} `))
    .map((r) => `${r.operation} ${r.path}`);
}

function problemsOf(c: Case, run: ActionRun, requests: string[]): string[] {
  const problems: string[] = [];
  const log = run.stdout + run.stderr;
  const error = run.stdout.split('\n').find((line) => line.startsWith('::error::')) ?? '';
  const named = GUARDED.has(`${c.input} ${c.value}`) ? error.includes(`'${c.input}'`) : error.startsWith(`::error::Input '${c.input}': `);
  if (run.code !== 1) problems.push(`exit code ${run.code}`);
  if (!named || !c.says.test(error)) problems.push(`error line ${JSON.stringify(error.slice(0, 300))}`);
  if (requests.length > 0) problems.push(`S3 requests: ${requests.join(', ')}`);
  if (echoesTooMuch(c.value, log)) problems.push(`the log echoes over ${MAX_ECHO} characters of the value (${log.length} characters)`);
  if (RAW_CONTROL.test(log)) problems.push('a raw control character in the log');
  if (run.stderr !== '') problems.push(`stderr ${JSON.stringify(run.stderr.slice(0, 300))}`);
  return problems;
}

/** True when the log holds any run of the value longer than MAX_ECHO (+ the 50 step) characters. */
function echoesTooMuch(value: string, log: string): boolean {
  for (let i = 0; i + MAX_ECHO <= value.length; i += 50) if (log.includes(value.slice(i, i + MAX_ECHO))) return true;
  return false;
}

async function expectBucketUntouched(): Promise<void> {
  expect(bed.s3.requests).toEqual([]);
  expect(await bed.s3.listKeys(BUCKET)).toEqual([KEEP.key]);
  expect((await bed.s3.getObject(BUCKET, KEEP.key)).body.toString()).toBe(KEEP.body);
}

const ALL_INPUTS = Object.values(Inputs);
const preview = (value: string): string => (value.length > 40 ? `${value.length} characters` : JSON.stringify(value));

test('the matrix covers every input of action.yml', () => {
  const actionYml = parse(fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'action.yml'), 'utf8')) as { inputs: object };
  expect(Object.keys(actionYml.inputs).sort()).toEqual([...ALL_INPUTS].sort());
  expect(Object.keys(MALFORMED).sort()).toEqual([...ALL_INPUTS].sort());
  expect(Object.keys(VALID).sort()).toEqual([...ALL_INPUTS].sort());
});

test('every input refuses 20,000 and 4,000 characters, echoing a bounded slice of them', async () => {
  const cases = ALL_INPUTS.flatMap((input): Case[] => [
    { input, label: '20,000 characters', value: 'x'.repeat(20_000), says: /is 20000 characters long\. Keep it under 16384/ },
    ...(['github-token', 'exclude'].includes(input) ? [] : [{ input, label: '4,000 characters', value: 'x'.repeat(4000), says: /./ }]),
  ]);
  expect(await refuseAll(cases)).toEqual([]);
  await expectBucketUntouched();
});

test('every single-line input refuses an embedded newline, and every input a control character', async () => {
  const cases = ALL_INPUTS.flatMap((input): Case[] => [
    ...(MULTI_LINE.includes(input)
      ? []
      : [{ input, label: 'newline', value: `${VALID[input]}\n${VALID[input]}`, says: /contains a line break/ }]),
    { input, label: 'control character', value: `${VALID[input]}\u0007`, says: /contains a control character \(\\u0007 at position \d+\)/ },
  ]);
  expect(cases).toHaveLength(ALL_INPUTS.length * 2 - MULTI_LINE.length);
  expect(await refuseAll(cases)).toEqual([]);
  await expectBucketUntouched();
});

test('input-specific malformed values are refused, naming the input and what is wrong', async () => {
  const cases = ALL_INPUTS.flatMap((input) =>
    MALFORMED[input].map(([value, says]): Case => ({ input, label: preview(value), value, says })),
  );
  expect(await refuseAll(cases)).toEqual([]);
  await expectBucketUntouched();
});

test.each<[string, string, string]>([
  ['include', 'nothing/**', "'include' \\('nothing/\\*\\*'\\) does not match it; 0 of the 4 files are in scope\\. .*add it to 'include'"],
  ['exclude', '**', "'exclude' \\('\\*\\*'\\) matches it; 0 of the 4 files are in scope\\. .*take it out of 'exclude'"],
])('globs that leave the index document out (%s: %s) fail the guard naming the input and index-document', async (input, value, says) => {
  const run = await runAction({
    inputs: { bucket: BUCKET, checks: 'false', [input]: value },
    endpoint: bed.s3.endpoint,
    workspace: bed.workspace,
  });
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(
    new RegExp(`::error::index-document 'index.html' is in source-dir .*, but ${says}.*Nothing was written or deleted`),
  );
  await expectBucketUntouched();
});

const ACCEPTED: [InputName, string, string][] = [
  ['prefix', '/pr-1/', 'pr-1/'],
  ['source-dir', './build/', ''],
  ['region', 'us-mars-1', ''],
  ['audience', 'https://example.com/a', ''],
  ['github-token', 'x'.repeat(4000), ''],
  ['exclude', 'x'.repeat(4000), ''],
];

test.each(ACCEPTED.map(([input, value, prefix]) => [input, preview(value), value, prefix]))(
  'accepted by design: %s %s deploys the site',
  async (input, _label, value, prefix) => {
    const run = await runAction({
      inputs: { bucket: BUCKET, checks: 'false', [input]: value },
      endpoint: bed.s3.endpoint,
      workspace: bed.workspace,
    });
    expect([run.code, run.stderr]).toEqual([0, '']);
    // A root deploy deletes keep.js (it is not in the source); a prefix deploy leaves it alone.
    await bed.expectBucketEquals(SITE, prefix);
    // The site, its deploy state, and keep.js when the deploy was under a prefix.
    expect(await bed.s3.listKeys(BUCKET)).toHaveLength(Object.keys(SITE).length + 1 + (prefix ? 1 : 0));
  },
);
