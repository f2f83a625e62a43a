import { examine } from '../src/cdn/doctor/examine.js';
import { readConfiguration } from '../src/cdn/doctor/read.js';
import type { ConfigReader, DistributionConfigShape, PublicAccessBlockShape } from '../src/cdn/doctor/types.js';
import {
  ACCOUNT,
  ALL_ON,
  BUCKET,
  context,
  DISTRIBUTION_ARN,
  DISTRIBUTION_ID,
  goodDistributionConfig,
  goodOac,
  goodPolicy,
  OAC_ID,
} from './fixtures/doctor-configs.js';

/** An error as the SDK throws it: `name` is the service's error code, `$metadata` the HTTP status. */
function awsError(code: string, status: number, message = code): Error {
  return Object.assign(new Error(message), { name: code, $metadata: { httpStatusCode: status } });
}

type Answer<T> = T | Error;

interface FakeAnswers {
  distribution: Answer<DistributionConfigShape>;
  oac: Answer<ReturnType<typeof goodOac>>;
  policy: Answer<string | null>;
  bucketBpa: Answer<PublicAccessBlockShape | null>;
  accountBpa: Answer<PublicAccessBlockShape | null>;
}

/** A ConfigReader answering from a table, recording each call (method and argument) in order. */
function fakeReader(overrides: Partial<FakeAnswers> = {}) {
  const answers: FakeAnswers = {
    distribution: goodDistributionConfig(),
    oac: goodOac(),
    policy: goodPolicy(),
    bucketBpa: { ...ALL_ON },
    accountBpa: null,
    ...overrides,
  };
  const calls: string[] = [];
  const answer = async <T>(call: string, value: Answer<T>): Promise<T> => {
    calls.push(call);
    if (value instanceof Error) throw value;
    return value;
  };
  const reader: ConfigReader = {
    getDistribution: async (id) => ({ arn: DISTRIBUTION_ARN, config: await answer(`getDistribution ${id}`, answers.distribution) }),
    getOriginAccessControl: (id) => answer(`getOriginAccessControl ${id}`, answers.oac),
    getBucketPolicy: (bucket) => answer(`getBucketPolicy ${bucket}`, answers.policy),
    getBucketPublicAccessBlock: (bucket) => answer(`getBucketPublicAccessBlock ${bucket}`, answers.bucketBpa),
    getAccountPublicAccessBlock: (account) => answer(`getAccountPublicAccessBlock ${account}`, answers.accountBpa),
  };
  return { reader, calls };
}

const target = { distributionId: DISTRIBUTION_ID, bucket: BUCKET, prefix: '', indexDocument: 'index.html' };

describe('readConfiguration', () => {
  test("reads the distribution, the OAC of the origin serving the site, the policy and the bucket's settings; not the account's when the bucket's are all on", async () => {
    const { reader, calls } = fakeReader();
    const reads = await readConfiguration(reader, target);
    expect([...calls].sort()).toEqual([
      `getBucketPolicy ${BUCKET}`,
      `getBucketPublicAccessBlock ${BUCKET}`,
      `getDistribution ${DISTRIBUTION_ID}`,
      `getOriginAccessControl ${OAC_ID}`,
    ]);
    expect(reads).toEqual({
      distribution: { state: 'read', value: { arn: DISTRIBUTION_ARN, config: goodDistributionConfig() } },
      originAccessControl: { state: 'read', value: goodOac() },
      bucketPolicy: { state: 'read', value: goodPolicy() },
      bucketPublicAccessBlock: { state: 'read', value: ALL_ON },
      accountPublicAccessBlock: undefined,
    });
  });

  test('starts the distribution, policy and Block Public Access reads before any of them answers', async () => {
    const started: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const held = async <T>(name: string, value: T): Promise<T> => {
      started.push(name);
      await gate;
      return value;
    };
    const reader: ConfigReader = {
      getDistribution: () => held('distribution', { arn: DISTRIBUTION_ARN, config: goodDistributionConfig() }),
      getOriginAccessControl: () => held('oac', goodOac()),
      getBucketPolicy: () => held('policy', goodPolicy()),
      getBucketPublicAccessBlock: () => held('bucketBpa', { ...ALL_ON }),
      getAccountPublicAccessBlock: () => held('accountBpa', null),
    };
    const reading = readConfiguration(reader, target);
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['distribution', 'policy', 'bucketBpa']);
    release();
    await reading;
    expect(started).toEqual(['distribution', 'policy', 'bucketBpa', 'oac']);
  });

  test("reads the account's settings, with the account id of the distribution ARN, when the bucket has none", async () => {
    const { reader, calls } = fakeReader({ bucketBpa: null, accountBpa: { ...ALL_ON } });
    const reads = await readConfiguration(reader, target);
    expect(calls).toContain(`getAccountPublicAccessBlock ${ACCOUNT}`);
    expect(reads.bucketPublicAccessBlock).toEqual({ state: 'read', value: null });
    expect(reads.accountPublicAccessBlock).toEqual({ state: 'read', value: ALL_ON });
  });

  test("an error that is neither a denial nor an answer is a failed read with the error; the account's settings are then read", async () => {
    const notImplemented = awsError('NotImplemented', 501, 'A header you provided implies functionality that is not implemented');
    const { reader, calls } = fakeReader({ bucketBpa: notImplemented });
    const reads = await readConfiguration(reader, target);
    expect(reads.bucketPublicAccessBlock).toEqual({
      state: 'failed',
      action: 's3:GetBucketPublicAccessBlock',
      reason: 'NotImplemented: A header you provided implies functionality that is not implemented',
    });
    expect(calls).toContain(`getAccountPublicAccessBlock ${ACCOUNT}`);
  });

  test.each([
    ['AccessDenied with its code', awsError('AccessDenied', 403, 'Access Denied')],
    ['AccessDeniedException (JSON services)', awsError('AccessDeniedException', 400, 'User is not authorized')],
    ['a bare 403 with no code', awsError('Forbidden', 403, 'Forbidden')],
  ])('%s is a denied read naming the IAM action', async (_name, error) => {
    const { reader } = fakeReader({ policy: error });
    const reads = await readConfiguration(reader, target);
    expect(reads.bucketPolicy).toEqual({ state: 'denied', action: 's3:GetBucketPolicy' });
  });

  test("MethodNotAllowed (a caller outside the bucket owner's account) is a failed read that says why", async () => {
    const { reader } = fakeReader({
      policy: awsError('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.'),
    });
    const reads = await readConfiguration(reader, target);
    expect(reads.bucketPolicy).toEqual({
      state: 'failed',
      action: 's3:GetBucketPolicy',
      reason: "MethodNotAllowed: only the bucket owner's account can read its configuration",
    });
  });

  test('GetDistribution denied: no OAC read and no account read (the account id comes from the ARN)', async () => {
    const { reader, calls } = fakeReader({ distribution: awsError('AccessDenied', 403), bucketBpa: null });
    const reads = await readConfiguration(reader, target);
    expect(reads.distribution).toEqual({ state: 'denied', action: 'cloudfront:GetDistribution' });
    expect(reads.originAccessControl).toBeUndefined();
    expect(reads.accountPublicAccessBlock).toBeUndefined();
    expect(calls.filter((c) => c.startsWith('getOriginAccessControl') || c.startsWith('getAccountPublicAccessBlock'))).toEqual([]);
  });

  test('an origin without an OAC: no OAC read', async () => {
    const config = goodDistributionConfig();
    config.Origins!.Items![0]!.OriginAccessControlId = '';
    const { reader, calls } = fakeReader({ distribution: config });
    const reads = await readConfiguration(reader, target);
    expect(reads.originAccessControl).toBeUndefined();
    expect(calls.some((c) => c.startsWith('getOriginAccessControl'))).toBe(false);
  });
});

describe('read, then examine: denied reads end up "not checked", never as findings', () => {
  test('GetOriginAccessControl and the account settings denied', async () => {
    const { reader } = fakeReader({
      oac: awsError('AccessDenied', 403),
      bucketBpa: { ...ALL_ON, RestrictPublicBuckets: false },
      accountBpa: awsError('AccessDenied', 403),
    });
    const report = examine(await readConfiguration(reader, target), context());
    expect(report.notChecked).toEqual([
      { ids: ['origin-access-control'], reason: 'cloudfront:GetOriginAccessControl was denied (AccessDenied)' },
    ]);
    expect(report.findings.map((f) => [f.id, f.what])).toEqual([
      [
        'public-access-block',
        `Block Public Access of bucket '${BUCKET}' has RestrictPublicBuckets off on the bucket; the account's settings could not be read (s3:GetAccountPublicAccessBlock was denied (AccessDenied)), and they may cover it`,
      ],
    ]);
  });
});
