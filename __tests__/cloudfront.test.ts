/**
 * The Cdn adapter (and the invalidate stage on top of it) against the local CloudFront, through the
 * real SDK client made by the real factory: endpoint from AWS_ENDPOINT_URL_CLOUDFRONT, SigV4, REST-XML.
 */
import { jest } from '@jest/globals';
import { createCdn } from '../src/aws/cloudfront.js';
import { createAwsClients } from '../src/aws/clients.js';
import { parseConfig, type Config } from '../src/config/parse.js';
import { resolveSiteUrl, startInvalidation, waitForInvalidation, type InvalidateDeps } from '../src/cdn/invalidate.js';
import type { InputName } from '../src/names.js';
import type { Cdn } from '../src/ports.js';
import { isRetryableAwsError } from '../src/retry.js';
import { startFakeCloudFront, type FakeCloudFront } from './fixtures/fake-cloudfront.js';

// A local server and the SDK in hooks: generous limits (the machine may be busy).
jest.setTimeout(120_000);

const DIST = 'E2EDIST0000001';
const DOMAIN = 'd111111abcdef8.cloudfront.net';

let cf: FakeCloudFront;
let cdn: Cdn;
const savedEndpoint = process.env.AWS_ENDPOINT_URL_CLOUDFRONT;

beforeAll(async () => {
  cf = await startFakeCloudFront({ [DIST]: DOMAIN });
  // The SDK reads the variable when the client is made, as the action's factory makes it.
  process.env.AWS_ENDPOINT_URL_CLOUDFRONT = cf.endpoint;
  const { cloudfront } = createAwsClients('eu-west-1', { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' });
  cdn = createCdn(cloudfront);
});

afterAll(async () => {
  process.env.AWS_ENDPOINT_URL_CLOUDFRONT = savedEndpoint;
  if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_CLOUDFRONT;
  await cf.close();
});

beforeEach(() => {
  cf.requests.length = 0;
  cf.invalidations.length = 0;
  cf.denied.clear();
  cf.inProgressPolls = 2;
  // @actions/core logs to stdout; keep the test output readable.
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => jest.restoreAllMocks());

const rejection = (p: Promise<unknown>): Promise<{ name?: string; $metadata?: { httpStatusCode?: number }; message: string }> =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as { name?: string; message: string },
  );

describe('Cdn adapter', () => {
  it('GetDistribution → the domain name, signed, on the 2020-05-31 API', async () => {
    await expect(cdn.getDomainName(DIST)).resolves.toBe(DOMAIN);
    expect(cf.requests).toHaveLength(1);
    expect(cf.requests[0]).toMatchObject({
      method: 'GET',
      path: `/2020-05-31/distribution/${DIST}`,
      operation: 'GetDistribution',
      status: 200,
    });
    expect(cf.requests[0]?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDFAKE\/\d{8}\/us-east-1\/cloudfront\/aws4_request/,
    );
  });

  it('CreateInvalidation sends the paths byte for byte and the CallerReference', async () => {
    const paths = ['/', '/a%20b.html', "/x&y'z.html", '/caf%C3%A9/*'];
    await expect(cdn.createInvalidation(DIST, paths, 'run-1-abc')).resolves.toEqual({ id: 'I0001FAKEINVAL', status: 'InProgress' });
    expect(cf.requests[0]).toMatchObject({
      method: 'POST',
      operation: 'CreateInvalidation',
      paths,
      callerReference: 'run-1-abc',
      status: 201,
    });
  });

  it('the same CallerReference and paths return the same invalidation; other paths are refused', async () => {
    const first = await cdn.createInvalidation(DIST, ['/a', '/b'], 'ref-1');
    await expect(cdn.createInvalidation(DIST, ['/b', '/a'], 'ref-1')).resolves.toEqual(first);
    expect(cf.invalidations).toHaveLength(1);
    const err = await rejection(cdn.createInvalidation(DIST, ['/c'], 'ref-1'));
    expect(err.name).toBe('InvalidationBatchAlreadyExists');
    expect(err.$metadata?.httpStatusCode).toBe(409);
  });

  it('GetInvalidation: InProgress until the fake completes it', async () => {
    const { id } = await cdn.createInvalidation(DIST, ['/'], 'ref-2');
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await cdn.getInvalidationStatus(DIST, id));
    expect(statuses).toEqual(['InProgress', 'InProgress', 'Completed']);
  });

  it.each([
    ['NoSuchDistribution', 404, () => cdn.getDomainName('EUNKNOWN')],
    ['NoSuchInvalidation', 404, () => cdn.getInvalidationStatus(DIST, 'INOPE')],
  ])('%s comes back as the SDK error of that name (HTTP %i)', async (code, status, call) => {
    const err = await rejection(call());
    expect(err).toMatchObject({ name: code, $metadata: { httpStatusCode: status } });
    expect(isRetryableAwsError(err)).toBe(false);
  });

  it('AccessDenied (403) keeps CloudFront message naming the action', async () => {
    cf.denied.add('CreateInvalidation');
    const err = await rejection(cdn.createInvalidation(DIST, ['/'], 'ref-3'));
    expect(err).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(err.message).toContain('cloudfront:CreateInvalidation');
  });

  it('TooManyInvalidationsInProgress is left to our retry: the SDK sends it once', async () => {
    cf.failNext('CreateInvalidation', 'TooManyInvalidationsInProgress', 1);
    const err = await rejection(cdn.createInvalidation(DIST, ['/'], 'ref-4'));
    expect(err).toMatchObject({ name: 'TooManyInvalidationsInProgress', $metadata: { httpStatusCode: 400 } });
    expect(isRetryableAwsError(err)).toBe(true);
    expect(cf.count('CreateInvalidation')).toBe(1);
  });

  it('unencoded paths are refused as CloudFront refuses them', async () => {
    const err = await rejection(cdn.createInvalidation(DIST, ['/a b.html'], 'ref-5'));
    expect(err).toMatchObject({ name: 'InvalidArgument', $metadata: { httpStatusCode: 400 } });
  });
});

describe('the invalidate stage over the adapter', () => {
  const config = (inputs: Partial<Record<InputName, string>> = {}): Config =>
    parseConfig(
      (name) => ({ bucket: 'site-bucket', region: 'eu-west-1', 'distribution-id': DIST, ...inputs })[name] ?? '',
      { GITHUB_RUN_ID: '777', GITHUB_RUN_ATTEMPT: '2' },
      {},
    );
  const instant = (): InvalidateDeps => {
    let t = 0;
    return { now: () => t, sleep: async (ms) => void (t += ms), random: () => 0.5 };
  };

  it('resolves the site URL; an unknown distribution fails naming the input', async () => {
    await expect(resolveSiteUrl(cdn, config(), instant())).resolves.toBe(`https://${DOMAIN}`);
    await expect(resolveSiteUrl(cdn, config({ 'distribution-id': 'EUNKNOWN' }), instant())).rejects.toThrow(
      "CloudFront distribution 'EUNKNOWN' does not exist",
    );
  });

  it('rides out TooManyInvalidationsInProgress with one CallerReference, then waits for Completed', async () => {
    cf.failNext('CreateInvalidation', 'TooManyInvalidationsInProgress', 2);
    const deps = instant();
    const { result } = await startInvalidation(cdn, config(), ['index.html', 'my file.html'], deps);
    expect(cf.requests.map((r) => `${r.operation} ${r.status}`)).toEqual([
      'CreateInvalidation 400',
      'CreateInvalidation 400',
      'CreateInvalidation 201',
    ]);
    expect(new Set(cf.requests.map((r) => r.callerReference))).toEqual(new Set([expect.stringMatching(/^777-2-[0-9a-f]{16}$/)]));
    expect(cf.createdPaths()).toEqual([['/', '/index.html', '/my%20file.html']]);
    const done = await waitForInvalidation(cdn, config(), result!, deps);
    expect(done).toMatchObject({ id: result!.id, status: 'Completed', waitedSeconds: 7 });
    expect(cf.count('GetInvalidation')).toBe(3);
  });

  it('times out naming the invalidation when CloudFront never completes it', async () => {
    cf.inProgressPolls = Infinity;
    const deps = instant();
    const { result } = await startInvalidation(cdn, config(), ['index.html'], deps);
    await expect(waitForInvalidation(cdn, config({ 'invalidation-timeout': '30' }), result!, deps)).rejects.toThrow(
      `Invalidation ${result!.id} on distribution '${DIST}' is still InProgress after 30 s`,
    );
  });
});
