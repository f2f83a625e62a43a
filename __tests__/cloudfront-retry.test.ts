/**
 * One retry layer per CloudFront call, with the bounds the README states: the real client made by the
 * real factory (endpoint from AWS_ENDPOINT_URL_CLOUDFRONT, SigV4, REST-XML) against the local
 * CloudFront, the invalidate stage and the doctor's reads on top; backoff sleeps injected, so no test waits. The requests
 * the fake CloudFront received are counted: attempts, not log lines.
 */
import { jest } from '@jest/globals';
import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { createCdn, createDistributionLookup } from '../src/aws/cloudfront.js';
import { createCloudFrontReads } from '../src/aws/cloudfront-doctor.js';
import { createAwsClients } from '../src/aws/clients.js';
import { resolveSiteUrl, startInvalidation, waitForInvalidation, type InvalidateDeps } from '../src/cdn/invalidate.js';
import { parseConfig, type Config } from '../src/config/parse.js';
import type { Cdn } from '../src/ports.js';
import { startFakeCloudFront, type FakeCloudFront } from './fixtures/fake-cloudfront.js';

const DIST = 'E2RETRY0000001';

let cf: FakeCloudFront;
let cdn: Cdn;
let cloudfront: () => Promise<CloudFrontClient>;
const savedEndpoint = process.env.AWS_ENDPOINT_URL_CLOUDFRONT;

// A fresh CloudFront and client per test: injected failures do not carry over.
beforeEach(async () => {
  cf = await startFakeCloudFront({ [DIST]: 'd111111abcdef8.cloudfront.net' });
  cf.inProgressPolls = 0;
  // The SDK reads the variable when the client is made, as the action's factory makes it.
  process.env.AWS_ENDPOINT_URL_CLOUDFRONT = cf.endpoint;
  ({ cloudfront } = createAwsClients('eu-west-1', async () => ({ accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' })));
  cdn = createCdn(cloudfront);
  // @actions/core logs to stdout: keep the retry lines out of the test output.
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(async () => {
  jest.restoreAllMocks();
  await cf.close();
});
afterAll(() => {
  if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_CLOUDFRONT;
  else process.env.AWS_ENDPOINT_URL_CLOUDFRONT = savedEndpoint;
});

/** A clock that moves only when the code under test sleeps; every sleep recorded. */
function fakeTime(): InvalidateDeps & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
    random: () => 0.5,
  };
}

function config(inputs: Record<string, string> = {}): Config {
  const all: Record<string, string> = { bucket: 'site-bucket', region: 'eu-west-1', 'distribution-id': DIST, ...inputs };
  return parseConfig((name) => all[name] ?? '', { GITHUB_RUN_ID: '99', GITHUB_RUN_ATTEMPT: '1' }, {});
}

test('CreateInvalidation answering 503 every time: exactly 8 requests reach CloudFront, then the job is told', async () => {
  cf.failNext('CreateInvalidation', 'ServiceUnavailable', 1_000);
  const time = fakeTime();
  await expect(startInvalidation(cdn, config(), ['index.html'], time)).rejects.toThrow(
    /CloudFront CreateInvalidation failed for distribution 'E2RETRY0000001'/,
  );
  expect(cf.count('CreateInvalidation')).toBe(8);
  expect(time.slept).toHaveLength(7);
});

test('GetDistribution throttled every time: exactly 8 requests', async () => {
  cf.failNext('GetDistribution', 'Throttling', 1_000);
  await expect(resolveSiteUrl(cdn, config(), fakeTime())).rejects.toThrow(/GetDistribution/);
  expect(cf.count('GetDistribution')).toBe(8);
});

test('a poll of the wait answering 503 every time: exactly 8 GetInvalidation requests, and the wait fails at once', async () => {
  cf.inProgressPolls = 1_000;
  const created = await startInvalidation(cdn, config(), ['index.html'], fakeTime());
  cf.failNext('GetInvalidation', 'ServiceUnavailable', 1_000);
  await expect(waitForInvalidation(cdn, config({ 'wait-for-invalidation': 'true' }), created.result!, fakeTime())).rejects.toThrow(
    /GetInvalidation/,
  );
  expect(cf.count('GetInvalidation')).toBe(8);
});

test('a distribution busy with other invalidations is retried past 8 attempts, within invalidation-timeout', async () => {
  cf.failNext('CreateInvalidation', 'TooManyInvalidationsInProgress', 11);
  const started = await startInvalidation(cdn, config({ 'invalidation-timeout': '600' }), ['index.html'], fakeTime());
  expect(started.result?.id).toMatch(/FAKEINVAL$/);
  expect(cf.count('CreateInvalidation')).toBe(12);
});

test('a distribution that stays busy: retried until invalidation-timeout, never past it', async () => {
  cf.failNext('CreateInvalidation', 'TooManyInvalidationsInProgress', 1_000);
  const time = fakeTime();
  await expect(startInvalidation(cdn, config({ 'invalidation-timeout': '120' }), ['index.html'], time)).rejects.toThrow(
    /too many invalidations in progress/,
  );
  const waited = time.slept.reduce((a, b) => a + b, 0);
  expect(waited).toBeLessThanOrEqual(120_000);
  // random() = 0.5: half of min(20 s, 2^n s): 1, 2, 4, 8 s, then 10 s; 115 s in 14 sleeps, a 15th would pass 120 s.
  expect(time.slept).toEqual([1_000, 2_000, 4_000, 8_000, ...Array<number>(10).fill(10_000)]);
  expect(cf.count('CreateInvalidation')).toBe(15);
});

describe("the doctor's CloudFront reads", () => {
  const OAC = 'E2QWRUHAPOMQZL';
  const oacConfig = { Name: 'site', SigningProtocol: 'sigv4', SigningBehavior: 'always', OriginAccessControlOriginType: 's3' };
  const reads = (time: InvalidateDeps) => createCloudFrontReads(cloudfront, createDistributionLookup(cloudfront), time);

  test('GetDistribution answering 503 once: a second request, and the distribution is read', async () => {
    cf.failNext('GetDistribution', 'ServiceUnavailable', 1);
    const time = fakeTime();
    const read = await reads(time).getDistribution(DIST);
    expect(read.arn).toBe(`arn:aws:cloudfront::123456789012:distribution/${DIST}`);
    expect(cf.count('GetDistribution')).toBe(2);
    expect(time.slept).toHaveLength(1);
  });

  test('GetOriginAccessControl answering 503 once: a second request, and the OAC is read', async () => {
    cf.originAccessControls.set(OAC, oacConfig);
    cf.failNext('GetOriginAccessControl', 'ServiceUnavailable', 1);
    const time = fakeTime();
    expect(await reads(time).getOriginAccessControl(OAC)).toMatchObject({ SigningBehavior: 'always' });
    expect(cf.count('GetOriginAccessControl')).toBe(2);
    expect(time.slept).toHaveLength(1);
  });

  test('GetOriginAccessControl answering 503 every time: exactly 8 requests, then the error reaches the doctor', async () => {
    cf.originAccessControls.set(OAC, oacConfig);
    cf.failNext('GetOriginAccessControl', 'ServiceUnavailable', 1_000);
    await expect(reads(fakeTime()).getOriginAccessControl(OAC)).rejects.toMatchObject({ name: 'ServiceUnavailable' });
    expect(cf.count('GetOriginAccessControl')).toBe(8);
  });

  test('GetDistribution denied: one request, no retry', async () => {
    cf.denied.add('GetDistribution');
    const time = fakeTime();
    await expect(reads(time).getDistribution(DIST)).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(cf.count('GetDistribution')).toBe(1);
    expect(time.slept).toEqual([]);
  });
});
