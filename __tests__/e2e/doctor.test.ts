/**
 * The doctor, end to end: the bundled action (ACTION_DIST, default dist/index.js) reading a
 * distribution from the local CloudFront (GetDistribution, GetOriginAccessControl in CloudFront's XML)
 * and the bucket's policy and Block Public Access from the local S3 (and the account's through S3
 * Control on the same server), with S3's own answers for "not configured" and AccessDenied.
 * The passing configuration is the example CloudFormation template's, resolved from the template.
 */
import type { DefaultCacheBehavior, DistributionConfig } from '@aws-sdk/client-cloudfront';
import { jest } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFakeCloudFront, type FakeCloudFront } from '../fixtures/fake-cloudfront.js';
import { makeSite, runAction, type ActionRun } from '../fixtures/run-action.js';
import { startS3, type S3Fixture } from '../fixtures/s3-server.js';
import {
  TEMPLATE_BUCKET as BUCKET,
  TEMPLATE_DISTRIBUTION as DIST,
  TEMPLATE_OAC as OAC,
  templateBucketPolicy,
  templateDistributionConfig,
  templateOriginAccessControl,
  templatePublicAccessBlock,
} from '../fixtures/template-site.js';

jest.setTimeout(300_000);
const RUN_TIMEOUT_MS = 120_000;

const DOMAIN = 'd3doctor0000.cloudfront.net';
const SITE = { 'index.html': '<!doctype html><title>Shop</title>', 'assets/app.js': 'console.log("app");\n' };
const WRITES = ['PutObject', 'CreateMultipartUpload', 'UploadPart', 'DeleteObjects', 'DeleteObject'];

let s3: S3Fixture;
let cf: FakeCloudFront;
let tmp: string;

beforeAll(async () => {
  s3 = await startS3({ buckets: [BUCKET] });
  cf = await startFakeCloudFront({ [DIST]: DOMAIN });
  tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'doctor-e2e-'));
});

afterAll(async () => {
  await cf?.close();
  await s3?.stop();
  if (tmp) await fs.promises.rm(tmp, { recursive: true, force: true });
});

/** Before each test: the template's site, exactly as the template makes it. */
beforeEach(async () => {
  await s3.emptyBucket(BUCKET);
  s3.faults.clear();
  s3.resetRequests();
  cf.requests.length = 0;
  cf.invalidations.length = 0;
  cf.denied.clear();
  cf.configs.set(DIST, templateDistributionConfig());
  cf.originAccessControls.set(OAC, templateOriginAccessControl());
  s3.bucketConfigs.policies.set(BUCKET, templateBucketPolicy());
  s3.bucketConfigs.publicAccessBlocks.set(BUCKET, templatePublicAccessBlock());
  s3.bucketConfigs.accountPublicAccessBlocks.clear();
});

async function workspace(files: Record<string, string> | undefined = SITE): Promise<string> {
  const dir = await fs.promises.mkdtemp(path.join(tmp, 'ws-'));
  if (files) await makeSite(path.join(dir, 'build'), files);
  return dir;
}

async function run(inputs: Record<string, string> = {}, files?: Record<string, string>): Promise<ActionRun> {
  return runAction({
    workspace: await workspace(files),
    timeoutMs: RUN_TIMEOUT_MS,
    endpoint: s3.endpoint,
    env: { AWS_ENDPOINT_URL_CLOUDFRONT: cf.endpoint, AWS_REGION: 'eu-west-1' },
    inputs: { bucket: BUCKET, 'distribution-id': DIST, checks: 'false', ...inputs },
  });
}

const log = (r: ActionRun): string => `${r.stdout}\n${r.stderr}`;
const writes = () => s3.requests.filter((r) => WRITES.includes(r.operation)).length;

/** The template's distribution config with one change. */
function configWith(change: (config: DistributionConfig & { DefaultCacheBehavior: DefaultCacheBehavior }) => void): object {
  const config = templateDistributionConfig() as DistributionConfig & { DefaultCacheBehavior: DefaultCacheBehavior };
  change(config);
  return config;
}

test('the example template passes with no finding; one GetDistribution serves site-url and the doctor', async () => {
  const r = await run();
  expect({ code: r.code, log: r.code === 0 ? '' : log(r) }).toEqual({ code: 0, log: '' });
  expect(r.outputs).toMatchObject({ doctor: 'passed', 'doctor-findings': '', uploaded: '2' });
  expect(r.summary).toContain('### Doctor: passed');
  expect(r.summary).toContain('No finding');
  expect(cf.count('GetDistribution')).toBe(1);
  expect(cf.count('GetOriginAccessControl')).toBe(1);
  expect(cf.requests.find((q) => q.operation === 'GetOriginAccessControl')?.originAccessControlId).toBe(OAC);
  expect([s3.count('GetBucketPolicy'), s3.count('GetPublicAccessBlock'), s3.count('GetAccountPublicAccessBlock')]).toEqual([1, 1, 0]);
});

test('warnings only: exit 0, doctor=warnings, each finding a warning annotation with its fix', async () => {
  cf.configs.set(
    DIST,
    configWith((c) => {
      c.DefaultCacheBehavior.Compress = false;
      c.DefaultRootObject = '';
    }),
  );
  const r = await run();
  expect(r.code).toBe(0);
  expect(r.outputs).toMatchObject({ doctor: 'warnings', 'doctor-findings': 'default-root-object,compression', uploaded: '2' });
  expect(r.stdout).toContain('::warning title=Doctor%3A compression (warning)::the default cache behaviour does not compress objects');
  expect(r.stdout).toContain('Fix: Set Compress to true on the default cache behaviour.');
  expect(r.summary).toMatch(/\| `default-root-object` \| ⚠️ warning \| the distribution has no default root object/);
});

test('an error finding with doctor warn: exit 0, doctor=failed, annotated as a warning, the deploy goes on', async () => {
  const other = templateBucketPolicy().replace(`distribution/${DIST}`, 'distribution/E3OTHERDISTRO9');
  s3.bucketConfigs.policies.set(BUCKET, other);
  const r = await run();
  expect(r.code).toBe(0);
  expect(r.outputs).toMatchObject({ doctor: 'failed', 'doctor-findings': 'bucket-policy', uploaded: '2' });
  expect(r.stdout).toContain('::warning title=Doctor%3A bucket-policy (error)::the bucket policy lets CloudFront read for');
  expect(r.stdout).not.toContain('::error title=Doctor');
  expect(cf.count('CreateInvalidation')).toBe(1);
});

test('an error finding with doctor fail: non-zero exit before any write, no invalidation, the summary says why', async () => {
  s3.bucketConfigs.policies.delete(BUCKET);
  const r = await run({ doctor: 'fail' });
  expect(r.code).not.toBe(0);
  expect(writes()).toBe(0);
  expect(cf.count('CreateInvalidation')).toBe(0);
  expect(r.outputs).toMatchObject({ doctor: 'failed', 'doctor-findings': 'bucket-policy', uploaded: '0', deleted: '0' });
  expect(r.stdout).toContain("::error title=Doctor%3A bucket-policy (error)::bucket 'my-site-bucket' has no bucket policy");
  expect(log(r)).toContain('The doctor found an error (bucket-policy) and doctor is fail. Nothing was written, deleted or invalidated.');
  expect(r.summary).toContain('### Doctor: failed');
  expect(await s3.listKeys(BUCKET)).toEqual([]);
  // NoSuchBucketPolicy is an answer: the closing line counts no failed AWS attempt for it.
  expect(r.stdout).not.toContain('AWS request attempt(s) failed');
});

test('doctor fail refuses a dry run as it would the real run', async () => {
  s3.bucketConfigs.policies.delete(BUCKET);
  const r = await run({ doctor: 'fail', 'dry-run': 'true' });
  expect(r.code).not.toBe(0);
  expect(writes()).toBe(0);
  expect(r.outputs.doctor).toBe('failed');
});

test('a denied read: the rules that need it are not checked, naming the IAM action; never a failure', async () => {
  s3.faults.failAll('GetBucketPolicy', 403, 'AccessDenied');
  cf.denied.add('GetOriginAccessControl');
  const r = await run({ doctor: 'fail' });
  expect({ code: r.code, log: r.code === 0 ? '' : log(r) }).toEqual({ code: 0, log: '' });
  expect(r.outputs).toMatchObject({ doctor: 'passed', 'doctor-findings': '', uploaded: '2' });
  expect(r.stdout).toContain(
    '::notice title=Doctor::Not checked: origin-access-control: cloudfront:GetOriginAccessControl was denied (AccessDenied).',
  );
  expect(r.stdout).toContain(
    '::notice title=Doctor::Not checked: bucket-policy, state-private: s3:GetBucketPolicy was denied (AccessDenied).',
  );
  expect(r.summary).toContain('- `bucket-policy`, `state-private`: s3:GetBucketPolicy was denied (AccessDenied)');
});

test("no Block Public Access on the bucket: the account's settings are read through S3 Control with the distribution's account id", async () => {
  s3.bucketConfigs.publicAccessBlocks.delete(BUCKET);
  s3.bucketConfigs.accountPublicAccessBlocks.set('123456789012', templatePublicAccessBlock());
  const passed = await run();
  expect(passed.outputs).toMatchObject({ doctor: 'passed', 'doctor-findings': '' });
  const control = s3.requests.filter((q) => q.operation === 'GetAccountPublicAccessBlock');
  expect(control.map((q) => q.headers['x-amz-account-id'])).toEqual(['123456789012']);
  s3.bucketConfigs.accountPublicAccessBlocks.clear();
  const failed = await run();
  expect(failed.outputs).toMatchObject({ doctor: 'failed', 'doctor-findings': 'public-access-block' });
  expect(failed.summary).toContain(
    "Block Public Access of bucket 'my-site-bucket' has BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets off on the bucket and on the account",
  );
});

test('mode audit: no source folder, no listing, no write, no invalidation; the doctor reports and doctor fail fails the run', async () => {
  const noSource = undefined;
  const clean = await run({ mode: 'audit' }, noSource);
  expect({ code: clean.code, log: clean.code === 0 ? '' : log(clean) }).toEqual({ code: 0, log: '' });
  expect(clean.outputs).toMatchObject({ doctor: 'passed', uploaded: '0', deleted: '0', 'invalidation-id': '' });
  expect(clean.summary).toContain('Audit of `s3://my-site-bucket/`: doctor passed, checks skipped; nothing was written');
  expect(s3.requests.map((q) => q.operation).sort()).toEqual(['GetBucketPolicy', 'GetPublicAccessBlock']);
  expect(cf.count('CreateInvalidation')).toBe(0);

  cf.configs.set(
    DIST,
    configWith((c) => {
      c.CustomErrorResponses = { Quantity: 0 };
      c.DefaultCacheBehavior.FunctionAssociations = { Quantity: 0 };
    }),
  );
  const broken = await run({ mode: 'audit', doctor: 'fail' }, noSource);
  expect(broken.code).not.toBe(0);
  expect(broken.outputs).toMatchObject({ doctor: 'failed', 'doctor-findings': 'spa-fallback' });
  expect(log(broken)).toContain('The doctor found an error (spa-fallback) and doctor is fail. The audit wrote nothing.');
  expect(writes()).toBe(0);
});
