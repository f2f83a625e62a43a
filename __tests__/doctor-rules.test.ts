import type { CacheBehavior, DistributionConfig, OriginAccessControlConfig } from '@aws-sdk/client-cloudfront';
import { examine } from '../src/cdn/doctor/examine.js';
import { parseOriginDomain, pathPatternMatches } from '../src/cdn/doctor/match.js';
import { conditionHolds } from '../src/cdn/doctor/policy.js';
import type { DoctorContext, DoctorReads, PublicAccessBlockShape, Read } from '../src/cdn/doctor/types.js';
import {
  ACCOUNT,
  ALL_ON,
  allowCloudFront,
  BUCKET,
  context,
  DISTRIBUTION_ARN,
  denyDeployState,
  denyInsecureTransport,
  goodDistributionConfig,
  goodOac,
  goodReads,
  OTHER_DISTRIBUTION_ARN,
  policyOf,
} from './fixtures/doctor-configs.js';

interface Variation {
  config?: (c: DistributionConfig) => void;
  oac?: (o: OriginAccessControlConfig) => void;
  policy?: string | null;
  bucketBpa?: Read<PublicAccessBlockShape | null>;
  accountBpa?: Read<PublicAccessBlockShape | null>;
}

/** The good reads with one thing changed. */
function readsWith(v: Variation): DoctorReads {
  const reads = goodReads();
  const config = goodDistributionConfig();
  v.config?.(config);
  const oac = goodOac();
  v.oac?.(oac);
  reads.distribution = { state: 'read', value: { arn: DISTRIBUTION_ARN, config } };
  reads.originAccessControl = config.Origins?.Items?.[0]?.OriginAccessControlId ? { state: 'read', value: oac } : undefined;
  if (v.policy !== undefined) reads.bucketPolicy = { state: 'read', value: v.policy };
  if (v.bucketBpa) reads.bucketPublicAccessBlock = v.bucketBpa;
  if (v.accountBpa) reads.accountPublicAccessBlock = v.accountBpa;
  return reads;
}

const origin = (c: DistributionConfig) => c.Origins!.Items![0]!;
const ids = (reads: DoctorReads, ctx: DoctorContext = context()) => examine(reads, ctx).findings.map((f) => f.id);
const findingOf = (reads: DoctorReads, ctx: DoctorContext = context()) => {
  const { findings } = examine(reads, ctx);
  expect(findings).toHaveLength(1);
  return findings[0]!;
};

const viewerRequestFunction = {
  Quantity: 1,
  Items: [{ FunctionARN: `arn:aws:cloudfront::${ACCOUNT}:function/spa-router`, EventType: 'viewer-request' as const }],
};

function pathBehaviour(pattern: string, extra: Partial<CacheBehavior> = {}): CacheBehavior {
  return {
    PathPattern: pattern,
    TargetOriginId: 'site-bucket',
    ViewerProtocolPolicy: 'redirect-to-https',
    Compress: true,
    LambdaFunctionAssociations: { Quantity: 0 },
    FunctionAssociations: { Quantity: 0 },
    CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6',
    ...extra,
  };
}

describe('the good configuration', () => {
  test('passes every rule: no finding, nothing left unchecked', () => {
    expect(examine(goodReads(), context())).toEqual({ outcome: 'passed', findings: [], notChecked: [] });
  });
});

describe('each broken property gives exactly its finding', () => {
  test.each<[string, string, Variation]>([
    [
      'origin on another bucket',
      'origin-rest-endpoint',
      { config: (c) => void (origin(c).DomainName = 'other-bucket.s3.eu-west-1.amazonaws.com') },
    ],
    [
      'origin endpoint of another region',
      'origin-rest-endpoint',
      { config: (c) => void (origin(c).DomainName = `${BUCKET}.s3.us-east-1.amazonaws.com`) },
    ],
    ['no Origin Access Control and no OAI', 'origin-access-control', { config: (c) => void (origin(c).OriginAccessControlId = '') }],
    ['OAC signing never', 'origin-access-control', { oac: (o) => void (o.SigningBehavior = 'never') }],
    ['OAC signing no-override', 'origin-access-control', { oac: (o) => void (o.SigningBehavior = 'no-override') }],
    ['OAC of type mediastore', 'origin-access-control', { oac: (o) => void (o.OriginAccessControlOriginType = 'mediastore') }],
    ['no bucket policy (NoSuchBucketPolicy)', 'bucket-policy', { policy: null }],
    ['policy for another distribution', 'bucket-policy', { policy: policyOf(allowCloudFront(OTHER_DISTRIBUTION_ARN), denyDeployState()) }],
    ['deploy state not denied to CloudFront', 'state-private', { policy: policyOf(allowCloudFront(), denyInsecureTransport()) }],
    [
      'Block Public Access partly off, account without settings',
      'public-access-block',
      {
        bucketBpa: { state: 'read', value: { ...ALL_ON, BlockPublicPolicy: false, RestrictPublicBuckets: false } },
        accountBpa: { state: 'read', value: null },
      },
    ],
    ['no custom error responses and no function', 'spa-fallback', { config: (c) => void (c.CustomErrorResponses = { Quantity: 0 }) }],
    ['no default root object', 'default-root-object', { config: (c) => void (c.DefaultRootObject = '') }],
    [
      'default behaviour allows plain HTTP',
      'viewer-https',
      { config: (c) => void (c.DefaultCacheBehavior!.ViewerProtocolPolicy = 'allow-all') },
    ],
    [
      'custom certificate with TLSv1.2_2019',
      'tls-minimum',
      {
        config: (c) =>
          void (c.ViewerCertificate = {
            ACMCertificateArn: `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`,
            SSLSupportMethod: 'sni-only',
            MinimumProtocolVersion: 'TLSv1.2_2019',
            CertificateSource: 'acm',
          }),
      },
    ],
    ['compression off', 'compression', { config: (c) => void (c.DefaultCacheBehavior!.Compress = false) }],
  ])('%s → %s', (_name, id, variation) => {
    expect(ids(readsWith(variation))).toEqual([id]);
  });
});

describe('origin-rest-endpoint and origin-access-control', () => {
  test('a website endpoint origin (custom origin, no OAC) is named as such; the OAC rule waits for a REST origin', () => {
    const reads = readsWith({
      config: (c) => {
        c.Origins!.Items![0] = {
          Id: 'site-bucket',
          DomainName: `${BUCKET}.s3-website-eu-west-1.amazonaws.com`,
          OriginPath: '',
          CustomHeaders: { Quantity: 0 },
          CustomOriginConfig: {
            HTTPPort: 80,
            HTTPSPort: 443,
            OriginProtocolPolicy: 'http-only',
            OriginReadTimeout: 30,
            OriginKeepaliveTimeout: 5,
          },
          ConnectionAttempts: 3,
          ConnectionTimeout: 10,
          OriginAccessControlId: '',
        };
      },
    });
    const f = findingOf(reads);
    expect(f).toMatchObject({ id: 'origin-rest-endpoint', severity: 'error' });
    expect(f.what).toContain('S3 website endpoint');
    expect(f.fix).toContain(`${BUCKET}.s3.eu-west-1.amazonaws.com`);
  });

  test('the legacy global endpoint (bucket.s3.amazonaws.com) is the bucket REST endpoint', () => {
    expect(ids(readsWith({ config: (c) => void (origin(c).DomainName = `${BUCKET}.s3.amazonaws.com`) }))).toEqual([]);
  });

  test('OAI instead of OAC: the finding names the identity and the fix clears it', () => {
    const oai = 'origin-access-identity/cloudfront/E3OAIEXAMPLE1';
    const reads = readsWith({
      config: (c) => {
        origin(c).OriginAccessControlId = '';
        origin(c).S3OriginConfig = { OriginAccessIdentity: oai };
      },
    });
    const f = findingOf(reads);
    expect(f.id).toBe('origin-access-control');
    expect(f.what).toContain(oai);
    expect(f.fix).toContain("S3OriginConfig.OriginAccessIdentity to ''");
  });

  test('OAC signing never: the finding says so and names SigningBehavior always as the fix', () => {
    const f = findingOf(readsWith({ oac: (o) => void (o.SigningBehavior = 'never') }));
    expect(f.what).toContain("SigningBehavior 'never'");
    expect(f.fix).toBe('Set OriginAccessControlConfig.SigningBehavior to always.');
  });
});

describe('bucket-policy, parsed as IAM does', () => {
  const publicRead = { Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` };

  test.each<[string, object[]]>([
    ['Principal "*" without a condition', [allowCloudFront(), denyDeployState(), publicRead]],
    [
      'Principal {"AWS": "*"} with Action "s3:Get*"',
      [allowCloudFront(), denyDeployState(), { ...publicRead, Principal: { AWS: '*' }, Action: 's3:Get*' }],
    ],
    [
      'Principal "*" with only a Referer condition (the visitor sets it)',
      [allowCloudFront(), denyDeployState(), { ...publicRead, Condition: { StringLike: { 'aws:Referer': 'https://example.com/*' } } }],
    ],
  ])('public: %s', (_name, statements) => {
    const f = findingOf(readsWith({ policy: policyOf(...statements) }));
    expect(f.id).toBe('bucket-policy');
    expect(f.what).toContain("statement 'PublicRead' allows s3:GetObject to everyone");
  });

  test('policy for another distribution: the finding names the ARN it trusts and the fix names this one', () => {
    const f = findingOf(readsWith({ policy: policyOf(allowCloudFront(OTHER_DISTRIBUTION_ARN), denyDeployState()) }));
    expect(f.what).toContain(`lets CloudFront read for ${OTHER_DISTRIBUTION_ARN}, not for this distribution (${DISTRIBUTION_ARN})`);
    expect(f.fix).toContain(`"AWS:SourceArn": "${DISTRIBUTION_ARN}"`);
  });

  test.each<[string, object]>([
    [
      'Principal "*" with an AWS:SourceArn condition (key in lower case)',
      { ...allowCloudFront(), Principal: '*', Condition: { StringEquals: { 'aws:sourcearn': DISTRIBUTION_ARN } } },
    ],
    [
      'ArnEquals on AWS:SourceArn, Action and Resource as arrays',
      {
        ...allowCloudFront(),
        Action: ['s3:GetObject', 's3:ListBucket'],
        Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
        Condition: { ArnEquals: { 'AWS:SourceArn': DISTRIBUTION_ARN } },
      },
    ],
    [
      'ArnLike naming two distributions, Service as an array, Action "s3:*"',
      {
        ...allowCloudFront(),
        Principal: { Service: ['cloudfront.amazonaws.com'] },
        Action: 's3:*',
        Condition: { ArnLike: { 'AWS:SourceArn': [OTHER_DISTRIBUTION_ARN, DISTRIBUTION_ARN] } },
      },
    ],
    ['Resource "*"', { ...allowCloudFront(), Resource: '*' }],
  ])('trusted: %s', (_name, statement) => {
    expect(ids(readsWith({ policy: policyOf(statement, denyDeployState(), denyInsecureTransport()) }))).toEqual([]);
  });

  test.each<[string, object, string]>([
    ['no condition at all', { ...allowCloudFront(), Condition: undefined }, 'any CloudFront distribution, in any AWS account,'],
    [
      'ArnLike on every distribution of the account',
      { ...allowCloudFront(), Condition: { ArnLike: { 'AWS:SourceArn': `arn:aws:cloudfront::${ACCOUNT}:distribution/*` } } },
      `any CloudFront distribution of account ${ACCOUNT}`,
    ],
  ])('too broad: %s', (_name, statement, whose) => {
    const f = findingOf(readsWith({ policy: policyOf(statement, denyDeployState()) }));
    expect(f.what).toContain(`statement 'AllowCloudFrontOriginAccessControl' lets ${whose} read the bucket`);
  });

  test('a Deny that also matches CloudFront (only through a VPC endpoint) is named', () => {
    const vpceOnly = {
      Sid: 'DenyOutsideVpce',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${BUCKET}/*`,
      Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } },
    };
    const f = findingOf(readsWith({ policy: policyOf(allowCloudFront(), denyDeployState(), vpceOnly) }));
    expect(f.what).toContain("statement 'DenyOutsideVpce' of the bucket policy denies this distribution's s3:GetObject on index.html");
  });

  test('a Deny on insecure transport does not touch CloudFront (its requests are HTTPS)', () => {
    expect(ids(readsWith({ policy: policyOf(allowCloudFront(), denyDeployState(), denyInsecureTransport()) }))).toEqual([]);
  });

  test('a policy that is not JSON leaves bucket-policy and state-private not checked', () => {
    const report = examine(readsWith({ policy: '{not json' }), context());
    expect(report.findings).toEqual([]);
    expect(report.notChecked).toEqual([{ ids: ['bucket-policy', 'state-private'], reason: expect.stringContaining('not valid JSON') }]);
  });

  test('state-private uses the key under the prefix: a Deny on that prefix only protects it', () => {
    const denyPr42 = { ...denyDeployState(), Resource: `arn:aws:s3:::${BUCKET}/pr-42/.deploy-state.json` };
    const policy = policyOf(allowCloudFront(), denyPr42);
    const withFunction = (c: DistributionConfig) => void (c.DefaultCacheBehavior!.FunctionAssociations = viewerRequestFunction);
    expect(ids(readsWith({ policy, config: withFunction }), context({ prefix: 'pr-42/' }))).toEqual([]);
    expect(ids(readsWith({ policy, config: withFunction }), context({ prefix: 'pr-7/' }))).toEqual(['state-private']);
  });
});

describe('condition operators: a key absent from the request', () => {
  test.each<[string, string | undefined, string[], boolean]>([
    ['StringEquals', undefined, ['x'], false],
    ['StringNotEquals', undefined, ['x'], true],
    ['StringEqualsIfExists', undefined, ['x'], true],
    ['ArnNotLike', undefined, ['arn:*'], true],
    ['ForAnyValue:StringNotEquals', undefined, ['x'], false],
    ['Null', undefined, ['true'], true],
    ['Null', 'present', ['true'], false],
    ['StringEqualsIgnoreCase', 'ABC', ['abc'], true],
    ['StringLike', 'arn:aws:cloudfront::1:distribution/E1', ['arn:aws:cloudfront::1:distribution/*'], true],
    ['Bool', 'true', ['false'], false],
    ['NumericLessThan', '5', ['10'], false],
  ])('%s with actual %s against %j → %s', (operator, actual, expected, holds) => {
    expect(conditionHolds(operator, actual, expected)).toBe(holds);
  });
});

describe('public-access-block', () => {
  const partlyOff: Read<PublicAccessBlockShape | null> = {
    state: 'read',
    value: { ...ALL_ON, BlockPublicPolicy: false, RestrictPublicBuckets: false },
  };

  test('partly off: the finding names the settings that are off, on the bucket and the account', () => {
    const f = findingOf(readsWith({ bucketBpa: partlyOff, accountBpa: { state: 'read', value: null } }));
    expect(f.what).toBe(
      `Block Public Access of bucket '${BUCKET}' has BlockPublicPolicy, RestrictPublicBuckets off on the bucket and on the account`,
    );
  });

  test("the account's settings on, the bucket's off (no configuration): passes", () => {
    expect(ids(readsWith({ bucketBpa: { state: 'read', value: null }, accountBpa: { state: 'read', value: { ...ALL_ON } } }))).toEqual([]);
  });

  test("the account's settings denied: the finding says they may cover it, naming the IAM action", () => {
    const f = findingOf(readsWith({ bucketBpa: partlyOff, accountBpa: { state: 'denied', action: 's3:GetAccountPublicAccessBlock' } }));
    expect(f.what).toContain(
      "the account's settings could not be read (s3:GetAccountPublicAccessBlock was denied (AccessDenied)), and they may cover it",
    );
  });

  test("the bucket's settings denied, the account's all on: passes", () => {
    const reads = readsWith({
      bucketBpa: { state: 'denied', action: 's3:GetBucketPublicAccessBlock' },
      accountBpa: { state: 'read', value: { ...ALL_ON } },
    });
    expect(examine(reads, context())).toMatchObject({ outcome: 'passed', notChecked: [] });
  });

  test("the bucket's settings denied, the account's off: not checked, naming s3:GetBucketPublicAccessBlock", () => {
    const reads = readsWith({
      bucketBpa: { state: 'denied', action: 's3:GetBucketPublicAccessBlock' },
      accountBpa: { state: 'read', value: null },
    });
    expect(examine(reads, context()).notChecked).toEqual([
      { ids: ['public-access-block'], reason: 's3:GetBucketPublicAccessBlock was denied (AccessDenied)' },
    ]);
  });
});

describe('spa-fallback', () => {
  const noErrorResponses = (c: DistributionConfig) => void (c.CustomErrorResponses = { Quantity: 0 });

  test('no error responses but a viewer-request function: passes', () => {
    const config = (c: DistributionConfig) => {
      noErrorResponses(c);
      c.DefaultCacheBehavior!.FunctionAssociations = viewerRequestFunction;
    };
    expect(ids(readsWith({ config }))).toEqual([]);
  });

  test('an origin-request Lambda@Edge rewrites too: passes', () => {
    const lambda = {
      Quantity: 1,
      Items: [
        {
          LambdaFunctionARN: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:spa:3`,
          EventType: 'origin-request' as const,
          IncludeBody: false,
        },
      ],
    };
    const config = (c: DistributionConfig) => {
      noErrorResponses(c);
      c.DefaultCacheBehavior!.LambdaFunctionAssociations = lambda;
    };
    expect(ids(readsWith({ config }))).toEqual([]);
  });

  test('only 403 mapped: the finding names the missing 404', () => {
    const config = (c: DistributionConfig) =>
      void (c.CustomErrorResponses = { Quantity: 1, Items: [{ ErrorCode: 403, ResponsePagePath: '/index.html', ResponseCode: '200' }] });
    expect(findingOf(readsWith({ config })).what).toBe(
      'deep routes do not reach /index.html: no custom error response for 404, and the default cache behaviour runs no viewer-request function',
    );
  });

  test('error responses pointing at another page with status 404 are named', () => {
    const config = (c: DistributionConfig) =>
      void (c.CustomErrorResponses = {
        Quantity: 2,
        Items: [
          { ErrorCode: 403, ResponsePagePath: '/404.html', ResponseCode: '404' },
          { ErrorCode: 404, ResponsePagePath: '/index.html', ResponseCode: '200' },
        ],
      });
    expect(findingOf(readsWith({ config })).what).toContain('403 answers 404 with /404.html');
  });

  test('with a prefix only a function counts: the root error responses give a finding', () => {
    const f = findingOf(readsWith({}), context({ prefix: 'pr-42/' }));
    expect(f.id).toBe('spa-fallback');
    expect(f.what).toContain("custom error responses can only answer with the root's /index.html");
  });

  test('with check-routes none it is not evaluated, and the report says so', () => {
    const report = examine(readsWith({ config: noErrorResponses }), context({ spaRoutesChecked: false }));
    expect(report.findings).toEqual([]);
    expect(report.notChecked).toEqual([{ ids: ['spa-fallback'], reason: 'check-routes is none' }]);
  });
});

describe('the behaviour serving the prefix (path patterns as CloudFront matches them)', () => {
  test('a pr-* behaviour with a function serves pr-42/: passes though the default behaviour has none', () => {
    const config = (c: DistributionConfig) =>
      void (c.CacheBehaviors = { Quantity: 1, Items: [pathBehaviour('pr-*', { FunctionAssociations: viewerRequestFunction })] });
    expect(ids(readsWith({ config }), context({ prefix: 'pr-42/' }))).toEqual([]);
  });

  test("the findings name that behaviour: compression off on '/pr-*'", () => {
    const config = (c: DistributionConfig) =>
      void (c.CacheBehaviors = {
        Quantity: 1,
        Items: [pathBehaviour('/pr-*', { FunctionAssociations: viewerRequestFunction, Compress: false })],
      });
    expect(findingOf(readsWith({ config }), context({ prefix: 'pr-42/' })).what).toBe(
      "the cache behaviour '/pr-*' does not compress objects (Compress is off)",
    );
  });

  test('a behaviour that does not match the prefix (assets/*) leaves the default one serving it: its function and its Compress off do not count', () => {
    const config = (c: DistributionConfig) =>
      void (c.CacheBehaviors = {
        Quantity: 1,
        Items: [pathBehaviour('assets/*', { FunctionAssociations: viewerRequestFunction, Compress: false })],
      });
    expect(ids(readsWith({ config }), context({ prefix: 'pr-42/' }))).toEqual(['spa-fallback']);
  });

  test('a behaviour serving the prefix from another origin gives origin-rest-endpoint', () => {
    const config = (c: DistributionConfig) => {
      c.Origins = {
        Quantity: 2,
        Items: [
          ...c.Origins!.Items!,
          {
            Id: 'api',
            DomainName: 'api.example.com',
            CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'https-only' },
          },
        ],
      };
      c.CacheBehaviors = {
        Quantity: 1,
        Items: [pathBehaviour('pr-*', { TargetOriginId: 'api', FunctionAssociations: viewerRequestFunction })],
      };
    };
    expect(findingOf(readsWith({ config }), context({ prefix: 'pr-42/' })).what).toContain(
      "the cache behaviour 'pr-*' sends requests to origin 'api' (api.example.com)",
    );
  });

  test('viewer-https looks at every behaviour, not only the one serving the prefix', () => {
    const config = (c: DistributionConfig) =>
      void (c.CacheBehaviors = { Quantity: 1, Items: [pathBehaviour('api/*', { ViewerProtocolPolicy: 'allow-all' })] });
    expect(findingOf(readsWith({ config })).what).toBe("the cache behaviour 'api/*' serves plain HTTP (ViewerProtocolPolicy allow-all)");
  });

  test.each<[string, string, boolean]>([
    ['*', '/index.html', true],
    ['pr-*', '/pr-42/index.html', true],
    ['/pr-*', '/pr-42/index.html', true],
    ['pr-*', '/index.html', false],
    ['images/*.jpg', '/images/a/b.jpg', true],
    ['images/*.jpg', '/images/a.JPG', false],
    ['pr-?/*', '/pr-4/index.html', true],
    ['pr-?/*', '/pr-42/index.html', false],
    ['/pr-42', '/pr-42/index.html', false],
  ])('pattern %s against %s → %s', (pattern, path, expected) => {
    expect(pathPatternMatches(pattern, path)).toBe(expected);
  });

  test.each<[string, ReturnType<typeof parseOriginDomain>]>([
    ['my.site.s3.eu-west-1.amazonaws.com', { kind: 's3-rest', bucket: 'my.site', region: 'eu-west-1' }],
    ['my-site.s3.amazonaws.com', { kind: 's3-rest', bucket: 'my-site' }],
    ['my-site.s3-eu-west-1.amazonaws.com', { kind: 's3-rest', bucket: 'my-site', region: 'eu-west-1' }],
    ['my-site.s3.dualstack.us-east-1.amazonaws.com', { kind: 's3-rest', bucket: 'my-site', region: 'us-east-1' }],
    ['my-site.s3.cn-north-1.amazonaws.com.cn', { kind: 's3-rest', bucket: 'my-site', region: 'cn-north-1' }],
    ['my-site.s3-website-eu-west-1.amazonaws.com', { kind: 's3-website', bucket: 'my-site', region: 'eu-west-1' }],
    ['my-site.s3-website.eu-central-1.amazonaws.com', { kind: 's3-website', bucket: 'my-site', region: 'eu-central-1' }],
    ['d111111abcdef8.cloudfront.net', { kind: 'other' }],
  ])('origin domain %s', (domain, expected) => {
    expect(parseOriginDomain(domain)).toEqual(expected);
  });
});

describe('tls-minimum', () => {
  const acm = (version: string) => (c: DistributionConfig) =>
    void (c.ViewerCertificate = {
      ACMCertificateArn: `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`,
      SSLSupportMethod: 'sni-only',
      MinimumProtocolVersion: version as 'TLSv1',
      CertificateSource: 'acm',
    });

  test.each([
    ['TLSv1.2_2021', []],
    ['TLSv1.3_2025', []],
    ['TLSv1', ['tls-minimum']],
  ])('custom certificate with %s → %j', (version, expected) => {
    expect(ids(readsWith({ config: acm(version) }))).toEqual(expected);
  });
});

describe('denied reads: not checked, naming the IAM action; never a finding', () => {
  test('GetDistribution denied: the distribution rules and the policy rules wait, the bucket ones still run', () => {
    const reads: DoctorReads = {
      ...goodReads(),
      distribution: { state: 'denied', action: 'cloudfront:GetDistribution' },
      originAccessControl: undefined,
    };
    const report = examine(reads, context());
    expect(report.findings).toEqual([]);
    expect(report.outcome).toBe('passed');
    expect(report.notChecked).toEqual([
      {
        ids: [
          'origin-rest-endpoint',
          'origin-access-control',
          'bucket-policy',
          'spa-fallback',
          'default-root-object',
          'viewer-https',
          'tls-minimum',
          'compression',
          'state-private',
        ],
        reason: 'cloudfront:GetDistribution was denied (AccessDenied)',
      },
    ]);
  });

  test('GetOriginAccessControl denied: only origin-access-control waits', () => {
    const reads = { ...goodReads(), originAccessControl: { state: 'denied', action: 'cloudfront:GetOriginAccessControl' } as const };
    expect(examine(reads, context())).toEqual({
      outcome: 'passed',
      findings: [],
      notChecked: [{ ids: ['origin-access-control'], reason: 'cloudfront:GetOriginAccessControl was denied (AccessDenied)' }],
    });
  });

  test('GetBucketPolicy failed on storage without policies: bucket-policy and state-private wait, with the error', () => {
    const reads: DoctorReads = {
      ...goodReads(),
      bucketPolicy: {
        state: 'failed',
        action: 's3:GetBucketPolicy',
        reason: 'NotImplemented: A header you provided implies functionality that is not implemented',
      },
    };
    expect(examine(reads, context()).notChecked).toEqual([
      {
        ids: ['bucket-policy', 'state-private'],
        reason: 's3:GetBucketPolicy failed: NotImplemented: A header you provided implies functionality that is not implemented',
      },
    ]);
  });

  test('nothing readable: skipped', () => {
    const reads: DoctorReads = {
      distribution: { state: 'denied', action: 'cloudfront:GetDistribution' },
      bucketPolicy: { state: 'denied', action: 's3:GetBucketPolicy' },
      bucketPublicAccessBlock: { state: 'denied', action: 's3:GetBucketPublicAccessBlock' },
    };
    expect(examine(reads, context()).outcome).toBe('skipped');
  });
});

describe('outcome and severities', () => {
  test('warnings only → warnings; any error → failed; findings in the order of the SPEC table', () => {
    const warningsOnly = readsWith({ config: (c) => void ((c.DefaultRootObject = ''), (c.DefaultCacheBehavior!.Compress = false)) });
    expect(examine(warningsOnly, context())).toMatchObject({
      outcome: 'warnings',
      findings: [
        { id: 'default-root-object', severity: 'warning' },
        { id: 'compression', severity: 'warning' },
      ],
    });
    const withError = readsWith({ policy: null, config: (c) => void (c.DefaultCacheBehavior!.Compress = false) });
    expect(examine(withError, context())).toMatchObject({
      outcome: 'failed',
      findings: [
        { id: 'bucket-policy', severity: 'error' },
        { id: 'compression', severity: 'warning' },
      ],
    });
  });
});
