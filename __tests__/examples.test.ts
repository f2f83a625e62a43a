/**
 * The examples are documentation that must stay true: the CloudFormation template has to build the
 * pipeline the post-deploy checks expect, its two roles (production deploy, pull-request previews) have
 * to grant exactly the AWS calls src/ makes (so a new SDK call fails here until the policies are
 * updated), the preview role may reach nothing outside pr-* and each role trusts only its own OIDC
 * subject, and the workflows may only use inputs that action.yml declares, with values the action accepts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse, type Tags, type YAMLMap, type YAMLSeq } from 'yaml';
import { parseConfig, type Env } from '../src/config/parse.js';

const ROOT = path.join(__dirname, '..');
const read = (relPath: string): string => readFileSync(path.join(ROOT, relPath), 'utf8');

// ---------------------------------------------------------------------------------------------
// CloudFormation template
// ---------------------------------------------------------------------------------------------

/** Short-form intrinsics (`!Ref x`) resolve to their long form (`{ Ref: x }`), as CloudFormation reads them. */
const INTRINSICS = 'Ref Sub GetAtt If Equals Not Join Select Split FindInMap Condition Base64 ImportValue GetAZs And Or'.split(' ');

function longName(name: string): string {
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

/** `!GetAtt Res.Attr` is the scalar form of `!GetAtt [Res, Attr]`. */
function scalarArgument(name: string, value: string): unknown {
  if (name !== 'GetAtt') return value;
  const dot = value.indexOf('.');
  return [value.slice(0, dot), value.slice(dot + 1)];
}

function cloudFormationTags(): Tags {
  return INTRINSICS.flatMap((name) => [
    { tag: `!${name}`, resolve: (value: string) => ({ [longName(name)]: scalarArgument(name, value) }) },
    {
      tag: `!${name}`,
      collection: 'seq' as const,
      resolve: (seq: YAMLSeq.Parsed | YAMLMap.Parsed) => ({ [longName(name)]: seq.toJSON() }),
    },
    {
      tag: `!${name}`,
      collection: 'map' as const,
      resolve: (map: YAMLSeq.Parsed | YAMLMap.Parsed) => ({ [longName(name)]: map.toJSON() }),
    },
  ]);
}

interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
interface PolicyDocument {
  Statement: Statement[];
}
interface Resource {
  Type: string;
  Condition?: string;
  DependsOn?: string | string[];
  Properties: Record<string, unknown>;
}
interface Template {
  Parameters: Record<string, { Default?: string }>;
  Conditions: Record<string, unknown>;
  Resources: Record<string, Resource>;
  Outputs: Record<string, { Value: unknown; Condition?: string }>;
}

const template = parse(read('examples/cloudformation/site.yml'), { customTags: cloudFormationTags() }) as Template;

function resource(name: string): Resource {
  const found = template.Resources[name];
  if (!found) throw new Error(`the template has no resource '${name}'`);
  return found;
}

function resourceOfType(type: string): [string, Resource] {
  const found = Object.entries(template.Resources).filter(([, r]) => r.Type === type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}

function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

const PSEUDO_PARAMETERS = [
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
];

/** A name an intrinsic refers to: `kind` says where it must be declared. */
interface Reference {
  kind: 'value' | 'resource' | 'condition';
  name: string;
  /** Conditions known to be true where the reference sits (the resource's own, the true branches of !If). */
  active: ReadonlySet<string>;
}

/** `${Name}` and `${Res.Attr}` in a !Sub string; `${!Literal}` is an escape, and the second argument declares local names. */
function subReferences(argument: unknown): string[] {
  const [text, locals] = Array.isArray(argument) ? [String(argument[0]), Object.keys(argument[1] ?? {})] : [String(argument), []];
  return [...text.matchAll(/\$\{([^!}][^}]*)\}/g)].map((m) => m[1]!.split('.')[0]!).filter((name) => !locals.includes(name));
}

function intrinsicOf(value: object): [string, unknown] | undefined {
  const entries = Object.entries(value);
  if (entries.length !== 1) return undefined;
  const [key, argument] = entries[0]!;
  const isIntrinsic = key === 'Ref' || key.startsWith('Fn::') || (key === 'Condition' && typeof argument === 'string');
  return isIntrinsic ? [key, argument] : undefined;
}

/** Every name that the intrinsics inside `value` refer to. */
function referencesIn(value: unknown, active: ReadonlySet<string> = new Set()): Reference[] {
  if (Array.isArray(value)) return value.flatMap((item) => referencesIn(item, active));
  if (value === null || typeof value !== 'object') return [];
  const intrinsic = intrinsicOf(value);
  if (!intrinsic) return Object.values(value).flatMap((item) => referencesIn(item, active));
  const [fn, argument] = intrinsic;
  switch (fn) {
    case 'Ref':
      return [{ kind: 'value', name: String(argument), active }];
    case 'Condition':
      return [{ kind: 'condition', name: String(argument), active }];
    case 'Fn::GetAtt':
      return [{ kind: 'resource', name: String((argument as unknown[])[0]), active }];
    case 'Fn::Sub':
      return [
        ...subReferences(argument).map((name) => ({ kind: 'value' as const, name, active })),
        ...referencesIn((argument as unknown[])[1], active),
      ];
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = argument as [string, unknown, unknown];
      return [
        { kind: 'condition', name: condition, active },
        ...referencesIn(whenTrue, new Set([...active, condition])),
        ...referencesIn(whenFalse, active),
      ];
    }
    default:
      return referencesIn(argument, active);
  }
}

function referencesOfResource(name: string): Reference[] {
  const r = resource(name);
  const own = new Set(r.Condition ? [r.Condition] : []);
  const dependsOn = r.DependsOn === undefined ? [] : [r.DependsOn].flat();
  return [
    ...referencesIn(r.Properties, own),
    ...dependsOn.map((target) => ({ kind: 'resource' as const, name: target, active: own })),
    ...(r.Condition ? [{ kind: 'condition' as const, name: r.Condition, active: own }] : []),
  ];
}

/** The resources that `name` needs created first: what it references or DependsOn names. */
function directDependencies(name: string): string[] {
  const names = referencesOfResource(name)
    .filter((ref) => ref.kind !== 'condition' && ref.name in template.Resources)
    .map((ref) => ref.name);
  return [...new Set(names)];
}

/** CloudFormation's creation order (a topological sort); throws on a dependency cycle. */
function creationOrder(): string[] {
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string): void => {
    if (order.includes(name)) return;
    if (visiting.has(name)) throw new Error(`dependency cycle through '${name}'`);
    visiting.add(name);
    directDependencies(name).forEach(visit);
    visiting.delete(name);
    order.push(name);
  };
  Object.keys(template.Resources).forEach(visit);
  return order;
}

function dependsOnTransitively(name: string, dependency: string): boolean {
  const direct = directDependencies(name);
  return direct.includes(dependency) || direct.some((d) => dependsOnTransitively(d, dependency));
}

function allReferences(): Array<Reference & { from: string }> {
  const fromResources = Object.keys(template.Resources).flatMap((name) =>
    referencesOfResource(name).map((ref) => ({ ...ref, from: name })),
  );
  const fromConditions = Object.entries(template.Conditions).flatMap(([name, body]) =>
    referencesIn(body).map((ref) => ({ ...ref, from: name })),
  );
  const fromOutputs = Object.entries(template.Outputs).flatMap(([name, output]) =>
    referencesIn(output.Value, new Set(output.Condition ? [output.Condition] : [])).map((ref) => ({ ...ref, from: name })),
  );
  return [...fromResources, ...fromConditions, ...fromOutputs];
}

function isDeclared(ref: Reference): boolean {
  if (ref.kind === 'condition') return ref.name in template.Conditions;
  if (ref.kind === 'resource') return ref.name in template.Resources;
  return ref.name in template.Resources || ref.name in template.Parameters || PSEUDO_PARAMETERS.includes(ref.name);
}

describe('CloudFormation template: references and order', () => {
  test('every !Ref, !GetAtt, ${} in !Sub, DependsOn and condition names something declared', () => {
    const undeclared = allReferences().filter((ref) => !isDeclared(ref));
    expect(undeclared.map((ref) => `${ref.from} → ${ref.kind} ${ref.name}`)).toEqual([]);
  });

  test('a conditional resource is referenced only where its condition holds', () => {
    const unguarded = allReferences().filter((ref) => {
      const target = template.Resources[ref.name];
      return ref.kind !== 'condition' && target?.Condition !== undefined && !ref.active.has(target.Condition);
    });
    expect(unguarded.map((ref) => `${ref.from} → ${ref.name}`)).toEqual([]);
  });

  test('resources are created in the pipeline order, without a cycle', () => {
    const order = creationOrder();
    expect(order).toHaveLength(Object.keys(template.Resources).length);
    // The distribution needs the bucket and the OAC; the bucket policy and the role name the distribution.
    expect(dependsOnTransitively('Distribution', 'SiteBucket')).toBe(true);
    expect(dependsOnTransitively('Distribution', 'OriginAccessControl')).toBe(true);
    expect(dependsOnTransitively('Distribution', 'PreviewRouterFunction')).toBe(true);
    expect(dependsOnTransitively('SiteBucketPolicy', 'Distribution')).toBe(true);
    for (const role of ROLES) {
      expect(dependsOnTransitively(role, 'Distribution')).toBe(true);
      expect(dependsOnTransitively(role, 'GitHubOidcProvider')).toBe(true);
    }
  });
});

describe('CloudFormation template: the pipeline the checks expect', () => {
  test('the bucket is private, ACL-free, and encrypted with SSE-S3 (ETag = MD5)', () => {
    expect(resource('SiteBucket')).toMatchObject({
      Type: 'AWS::S3::Bucket',
      Properties: {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      },
    });
    expect(resource('SiteBucket').Properties).not.toHaveProperty('WebsiteConfiguration');
  });

  test('the origin access control signs every request to S3 with SigV4', () => {
    expect(resource('OriginAccessControl')).toMatchObject({
      Type: 'AWS::CloudFront::OriginAccessControl',
      Properties: {
        OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
      },
    });
  });

  const config = resource('Distribution').Properties.DistributionConfig as Record<string, unknown>;

  test('the distribution reaches the bucket through OAC, not an origin access identity', () => {
    const origins = config.Origins as Array<Record<string, unknown>>;
    expect(origins).toHaveLength(1);
    expect(origins[0]).toMatchObject({
      DomainName: { 'Fn::GetAtt': ['SiteBucket', 'RegionalDomainName'] },
      OriginAccessControlId: { 'Fn::GetAtt': ['OriginAccessControl', 'Id'] },
      S3OriginConfig: { OriginAccessIdentity: '' },
    });
    expect(config.DefaultCacheBehavior).toMatchObject({ TargetOriginId: origins[0]!.Id });
  });

  test('HTTPS, index.html at the root, CachingOptimized, HTTP/2 and 3, enabled', () => {
    expect(config).toMatchObject({
      Enabled: true,
      HttpVersion: 'http2and3',
      DefaultRootObject: 'index.html',
      Comment: expect.anything(),
      DefaultCacheBehavior: { ViewerProtocolPolicy: 'redirect-to-https', CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6' },
    });
  });

  test('the SPA fallback: 403 and 404 answer /index.html with 200', () => {
    const responses = config.CustomErrorResponses as Array<Record<string, unknown>>;
    const fallback = (code: number) => responses.find((r) => r.ErrorCode === code);
    for (const code of [403, 404]) expect(fallback(code)).toMatchObject({ ResponseCode: 200, ResponsePagePath: '/index.html' });
  });

  test('the preview router is examples/preview-spa-router.js, on viewer-request, only when EnablePreviewRouter is true', () => {
    expect(template.Parameters.EnablePreviewRouter).toMatchObject({ Default: 'false' });
    expect(template.Conditions.UsePreviewRouter).toEqual({ 'Fn::Equals': [{ Ref: 'EnablePreviewRouter' }, 'true'] });
    expect(resource('PreviewRouterFunction')).toMatchObject({
      Type: 'AWS::CloudFront::Function',
      Condition: 'UsePreviewRouter',
      Properties: {
        AutoPublish: true,
        FunctionConfig: { Runtime: 'cloudfront-js-2.0' },
        FunctionCode: read('examples/preview-spa-router.js'),
      },
    });
    expect((config.DefaultCacheBehavior as Record<string, unknown>).FunctionAssociations).toEqual({
      'Fn::If': [
        'UsePreviewRouter',
        [{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': ['PreviewRouterFunction', 'FunctionARN'] } }],
        { Ref: 'AWS::NoValue' },
      ],
    });
  });

  test("the bucket policy lets only this distribution's service principal read objects", () => {
    const [, policy] = resourceOfType('AWS::S3::BucketPolicy');
    expect(policy.Properties.Bucket).toEqual({ Ref: 'SiteBucket' });
    const statements = (policy.Properties.PolicyDocument as PolicyDocument).Statement;
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 's3:GetObject',
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${SiteBucket}/*' },
      Condition: {
        StringEquals: {
          'AWS:SourceArn': { 'Fn::Sub': 'arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}' },
        },
      },
    });
  });

  test('the GitHub OIDC provider is created only when asked', () => {
    expect(resource('GitHubOidcProvider')).toMatchObject({
      Type: 'AWS::IAM::OIDCProvider',
      Condition: 'ShouldCreateOidcProvider',
      Properties: { Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] },
    });
    expect(template.Conditions.ShouldCreateOidcProvider).toEqual({ 'Fn::Equals': [{ Ref: 'CreateOidcProvider' }, 'true'] });
  });
});

// ---------------------------------------------------------------------------------------------
// Two roles: production deploys (pushes to the branch) and pull-request previews (pr-* only)
// ---------------------------------------------------------------------------------------------

const ROLES = ['DeployRole', 'PreviewRole'] as const;
type RoleName = (typeof ROLES)[number];

const OIDC_PROVIDER_ARN = { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com' };
const DISTRIBUTION_ARN = { 'Fn::Sub': 'arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}' };
const SUB = 'token.actions.githubusercontent.com:sub';
const AUD = 'token.actions.githubusercontent.com:aud';

/** The one OIDC subject each role may be assumed with. */
const SUBJECT_OF_ROLE: Record<RoleName, unknown> = {
  DeployRole: { 'Fn::Sub': 'repo:${GitHubOrg}/${GitHubRepo}:ref:refs/heads/${Branch}' },
  PreviewRole: { 'Fn::Sub': 'repo:${GitHubOrg}/${GitHubRepo}:pull_request' },
};

function trustStatements(role: RoleName): Statement[] {
  return (resource(role).Properties.AssumeRolePolicyDocument as PolicyDocument).Statement;
}

/** Every value a trust policy compares the `sub` claim with, under any condition operator. */
function subjectConditions(statements: Statement[]): Array<[string, unknown]> {
  return statements.flatMap((s) =>
    Object.entries(s.Condition ?? {}).flatMap(([operator, keys]) => (SUB in keys ? [[operator, keys[SUB]] as [string, unknown]] : [])),
  );
}

describe('CloudFormation template: a production role and a preview role', () => {
  test.each(ROLES)('%s trusts GitHub OIDC tokens for sts.amazonaws.com, one hour at most, no managed policies', (role) => {
    expect(resource(role).Properties.MaxSessionDuration).toBe(3600);
    expect(resource(role).Properties).not.toHaveProperty('ManagedPolicyArns');
    const trust = trustStatements(role);
    expect(trust).toHaveLength(1);
    expect(trust[0]).toMatchObject({
      Effect: 'Allow',
      Principal: { Federated: { 'Fn::If': ['ShouldCreateOidcProvider', { Ref: 'GitHubOidcProvider' }, OIDC_PROVIDER_ARN] } },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [AUD]: 'sts.amazonaws.com' } },
    });
  });

  test('DeployRole trusts pushes to the branch (main) only, compared exactly', () => {
    expect(template.Parameters.Branch).toMatchObject({ Default: 'main' });
    expect(subjectConditions(trustStatements('DeployRole'))).toEqual([['StringEquals', SUBJECT_OF_ROLE.DeployRole]]);
  });

  test('PreviewRole trusts pull requests only, compared exactly', () => {
    expect(subjectConditions(trustStatements('PreviewRole'))).toEqual([['StringEquals', SUBJECT_OF_ROLE.PreviewRole]]);
  });

  test('each role accepts exactly its own OIDC subject (evaluated with the sample stack parameters)', () => {
    expect(acceptedSubjects(resolve(trustStatements('DeployRole')) as Statement[])).toEqual(['repo:OWNER/REPO:ref:refs/heads/main']);
    expect(acceptedSubjects(resolve(trustStatements('PreviewRole')) as Statement[])).toEqual(['repo:OWNER/REPO:pull_request']);
  });

  test('DeployRole scopes each grant to the bucket, all its objects, or the distribution', () => {
    const statements = roleStatements('DeployRole');
    const grantsOf = (action: string) => statements.filter((s) => actionsOf(s).includes(action));
    expect(grantsOf('s3:ListBucket')).toEqual([expect.objectContaining({ Resource: { 'Fn::GetAtt': ['SiteBucket', 'Arn'] } })]);
    for (const action of ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'])
      expect(grantsOf(action)).toEqual([expect.objectContaining({ Resource: { 'Fn::Sub': '${SiteBucket.Arn}/*' } })]);
    for (const action of ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation', 'cloudfront:GetDistribution'])
      expect(grantsOf(action)).toEqual([expect.objectContaining({ Resource: DISTRIBUTION_ARN })]);
  });

  test('PreviewRole: objects under pr-* only, listing only with a pr-* prefix, the same distribution', () => {
    const statements = roleStatements('PreviewRole');
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
    const grantsOf = (action: string) => statements.filter((s) => actionsOf(s).includes(action));
    expect(grantsOf('s3:ListBucket')).toEqual([
      expect.objectContaining({
        Resource: { 'Fn::GetAtt': ['SiteBucket', 'Arn'] },
        Condition: { StringLike: { 's3:prefix': 'pr-*' } },
      }),
    ]);
    for (const action of ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']) {
      expect(grantsOf(action)).toEqual([expect.objectContaining({ Resource: { 'Fn::Sub': '${SiteBucket.Arn}/pr-*' } })]);
    }
    for (const action of ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation', 'cloudfront:GetDistribution'])
      expect(grantsOf(action)).toEqual([expect.objectContaining({ Resource: DISTRIBUTION_ARN })]);
  });

  test('the outputs are what the workflows need: one ARN per role', () => {
    expect(Object.keys(template.Outputs)).toEqual(
      expect.arrayContaining(['BucketName', 'DistributionId', 'DistributionDomainName', 'DeployRoleArn', 'PreviewRoleArn']),
    );
    expect(template.Outputs).not.toHaveProperty('RoleArn');
    expect(template.Outputs.DistributionDomainName!.Value).toEqual({ 'Fn::Sub': 'https://${Distribution.DomainName}' });
    expect(template.Outputs.DeployRoleArn!.Value).toEqual({ 'Fn::GetAtt': ['DeployRole', 'Arn'] });
    expect(template.Outputs.PreviewRoleArn!.Value).toEqual({ 'Fn::GetAtt': ['PreviewRole', 'Arn'] });
  });
});

// ---------------------------------------------------------------------------------------------
// IAM actions: derived from the AWS calls in src/
// ---------------------------------------------------------------------------------------------

/**
 * Each AWS call src/ makes, and the IAM action that authorises it. `trust` marks a call authorised
 * by the role's trust policy instead of its permissions. A call missing here fails the test below.
 */
const IAM_ACTIONS_OF_CALL: Record<string, string[]> = {
  ListObjectsV2: ['s3:ListBucket'],
  HeadObject: ['s3:GetObject'], // IAM has no s3:HeadObject
  PutObject: ['s3:PutObject'],
  // lib-storage: Create/UploadPart/CompleteMultipartUpload are s3:PutObject; the AbortMultipartUpload
  // it sends when a part fails (leavePartsOnError: false) is an IAM action of its own.
  Upload: ['s3:PutObject', 's3:AbortMultipartUpload'],
  DeleteObjects: ['s3:DeleteObject'], // authorised per key
  CreateInvalidation: ['cloudfront:CreateInvalidation'],
  GetInvalidation: ['cloudfront:GetInvalidation'],
  GetDistribution: ['cloudfront:GetDistribution'],
  AssumeRoleWithWebIdentity: ['trust'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** AWS calls in the source: `new XCommand(`, `paginateX(` (pages of X) and lib-storage's `new Upload(`. */
function awsCallsInSource(): string[] {
  const source = sourceFiles(path.join(ROOT, 'src'))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
  const commands = [...source.matchAll(/new (\w+)Command\(/g)].map((m) => m[1]!);
  const paginated = [...source.matchAll(/\bpaginate(\w+)\(/g)].map((m) => m[1]!);
  const uploads = /new Upload\(/.test(source) ? ['Upload'] : [];
  return [...new Set([...commands, ...paginated, ...uploads])].sort();
}

function requiredIamActions(): string[] {
  const actions = awsCallsInSource()
    .flatMap((call) => IAM_ACTIONS_OF_CALL[call] ?? [])
    .filter((action): action is string => action !== undefined && action !== 'trust');
  return [...new Set(actions)].sort();
}

function grantedActions(statements: Statement[]): string[] {
  const actions = statements.filter((s) => s.Effect === 'Allow').flatMap(actionsOf);
  return [...new Set(actions)].sort();
}

function roleStatements(role: RoleName): Statement[] {
  const policies = resource(role).Properties.Policies as Array<{ PolicyDocument: PolicyDocument }>;
  return policies.flatMap((p) => p.PolicyDocument.Statement);
}

/** The ```json blocks of a README section: from its heading to the next heading of the same or a higher level. */
function readmeJsonBlocks(heading: string): unknown[] {
  const lines = read('README.md').split('\n');
  const start = lines.findIndex((line) => line.startsWith(heading));
  if (start === -1) throw new Error(`README.md has no heading '${heading}'`);
  const level = /^#+/.exec(heading)![0].length;
  const after = lines.slice(start + 1);
  const end = after.findIndex((line) => /^#+ /.test(line) && /^#+/.exec(line)![0].length <= level);
  const section = (end === -1 ? after : after.slice(0, end)).join('\n');
  return [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!));
}

/** A role in the README: its permissions policy, then its trust policy. */
const README_ROLE_HEADINGS: Record<RoleName, string> = {
  DeployRole: '### Production deploy role',
  PreviewRole: '### Preview role',
};

function readmeRole(role: RoleName): { permissions: PolicyDocument; trust: PolicyDocument } {
  const blocks = readmeJsonBlocks(README_ROLE_HEADINGS[role]) as PolicyDocument[];
  if (blocks.length !== 2) throw new Error(`README.md: '${README_ROLE_HEADINGS[role]}' needs 2 json blocks, has ${blocks.length}`);
  return { permissions: blocks[0]!, trust: blocks[1]! };
}

// ---------------------------------------------------------------------------------------------
// A small IAM evaluator: what a policy allows, for the requests the action makes
// ---------------------------------------------------------------------------------------------

/**
 * The stack parameters and resource names of the README's examples, so that the resolved template and
 * the README's literal policies can be put to the same requests.
 */
const SAMPLE_VALUES: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::AccountId': '123456789012',
  GitHubOrg: 'OWNER',
  GitHubRepo: 'REPO',
  Branch: template.Parameters.Branch?.Default ?? '(no default)',
  SiteBucket: 'my-site-bucket',
  'SiteBucket.Arn': 'arn:aws:s3:::my-site-bucket',
  Distribution: 'E1ABCDEF2GHIJK',
  GitHubOidcProvider: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
};
const BUCKET_ARN = SAMPLE_VALUES['SiteBucket.Arn']!;
const DISTRIBUTION_ARN_VALUE = `arn:aws:cloudfront::123456789012:distribution/${SAMPLE_VALUES.Distribution}`;
const OIDC_PROVIDER_VALUE = SAMPLE_VALUES.GitHubOidcProvider!;

function sampleValue(name: string): string {
  const value = SAMPLE_VALUES[name];
  if (value === undefined) throw new Error(`no sample value for '${name}'`);
  return value;
}

/** Resolves Ref, GetAtt, Sub and If (true branch: both branches of the template's !If name the same provider). */
function resolve(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolve);
  if (value === null || typeof value !== 'object') return value;
  const intrinsic = intrinsicOf(value);
  if (!intrinsic) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolve(item)]));
  const [fn, argument] = intrinsic;
  switch (fn) {
    case 'Ref':
      return sampleValue(String(argument));
    case 'Fn::GetAtt':
      return sampleValue((argument as string[]).join('.'));
    case 'Fn::Sub':
      return String(argument).replace(/\$\{([^!}][^}]*)\}/g, (_, name: string) => sampleValue(name));
    case 'Fn::If':
      return resolve((argument as unknown[])[1]);
    default:
      throw new Error(`resolve: unsupported intrinsic ${fn}`);
  }
}

interface IamRequest {
  action: string;
  resource: string;
  /** Condition keys of the request (s3:prefix, the OIDC claims); a key that is absent matches no condition. */
  context: Record<string, string>;
}

/** IAM's wildcards: `*` any run of characters, `?` one character. */
function wildcard(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

function conditionsHold(condition: Statement['Condition'], context: Record<string, string>): boolean {
  return Object.entries(condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => {
      const actual = context[key];
      if (actual === undefined) return false;
      const values = [expected].flat().map(String);
      if (operator === 'StringEquals') return values.includes(actual);
      if (operator === 'StringLike') return values.some((v) => wildcard(v).test(actual));
      throw new Error(`the evaluator does not know the condition operator ${operator}`);
    }),
  );
}

function statementMatches(statement: Statement, request: IamRequest): boolean {
  const resources = [statement.Resource].flat().map(String);
  return (
    actionsOf(statement).some((a) => wildcard(a).test(request.action)) &&
    (statement.Resource === undefined || resources.some((r) => wildcard(r).test(request.resource))) &&
    conditionsHold(statement.Condition, request.context)
  );
}

/** An explicit Deny wins; otherwise some Allow must match; otherwise the implicit deny. */
function allows(statements: Statement[], request: IamRequest): boolean {
  const matching = statements.filter((s) => statementMatches(s, request));
  return matching.some((s) => s.Effect === 'Allow') && !matching.some((s) => s.Effect === 'Deny');
}

/** OIDC subjects of the jobs that might try to assume a role: only one is right for each role. */
const CANDIDATE_SUBJECTS = [
  'repo:OWNER/REPO:ref:refs/heads/main',
  'repo:OWNER/REPO:pull_request',
  'repo:OWNER/REPO:ref:refs/heads/feature',
  'repo:OWNER/REPO:ref:refs/heads/main-old',
  'repo:OWNER/REPO:ref:refs/tags/v1.0.0',
  'repo:OWNER/REPO:environment:production',
  'repo:OWNER/OTHER:ref:refs/heads/main',
  'repo:OTHER/REPO:pull_request',
];

/** The subjects a trust policy accepts for AssumeRoleWithWebIdentity through the GitHub provider. */
function acceptedSubjects(trust: Statement[]): string[] {
  const fromGitHub = trust.filter((s) => (s.Principal as { Federated?: unknown } | undefined)?.Federated === OIDC_PROVIDER_VALUE);
  return CANDIDATE_SUBJECTS.filter((sub) =>
    allows(fromGitHub, { action: 'sts:AssumeRoleWithWebIdentity', resource: '', context: { [AUD]: 'sts.amazonaws.com', [SUB]: sub } }),
  );
}

/** Keys a deploy under `prefix` reads, writes and deletes (odd characters included: they must not escape pr-*). */
const SAMPLE_KEYS = ['index.html', 'assets/app.3f2a9c.js', 'about us/a+b#c%.html'];

/**
 * The IAM requests a job with this prefix makes, one set per AWS call src/ makes: ListObjectsV2 sends
 * Prefix (the normalised prefix, 'pr-42/'), object calls name prefix + relative path, CloudFront calls
 * the distribution. A new call that IAM_ACTIONS_OF_CALL maps gets its requests here by its action.
 */
function requestsOfJob(prefix: string): IamRequest[] {
  return awsCallsInSource().flatMap((call) =>
    (IAM_ACTIONS_OF_CALL[call] ?? []).flatMap((action) => requestsOfAction(call, action, prefix)),
  );
}

function requestsOfAction(call: string, action: string, prefix: string): IamRequest[] {
  if (action === 'trust') return [];
  if (action === 's3:ListBucket') return [{ action, resource: BUCKET_ARN, context: { 's3:prefix': prefix } }];
  if (action.startsWith('s3:')) return SAMPLE_KEYS.map((key) => ({ action, resource: `${BUCKET_ARN}/${prefix}${key}`, context: {} }));
  if (action.startsWith('cloudfront:')) return [{ action, resource: DISTRIBUTION_ARN_VALUE, context: {} }];
  throw new Error(`requestsOfJob: no request shape for ${call} (${action})`);
}

const describeRequest = (r: IamRequest) =>
  `${r.action} ${r.resource}${r.context['s3:prefix'] !== undefined ? ` prefix='${r.context['s3:prefix']}'` : ''}`;

/** The prefix each example workflow deploys to, as the action's own parser reads it. */
const previewPrefix = () =>
  configOf(onlyActionStep('preview.yml'), { GITHUB_EVENT_NAME: 'pull_request' }, { action: 'opened', number: 42 }).prefix;
const productionPrefix = () => configOf(onlyActionStep('deploy.yml'), { GITHUB_EVENT_NAME: 'push' }, {}).prefix;

describe('IAM: each role grants exactly what src/ calls', () => {
  const calls = awsCallsInSource();

  test('the scan finds the calls (the regexes still match the code)', () => {
    expect(calls).toEqual(expect.arrayContaining(['ListObjectsV2', 'HeadObject', 'Upload', 'DeleteObjects', 'CreateInvalidation']));
  });

  test('every AWS call in src/ has a known IAM action (a new call must update the policies and this table)', () => {
    expect(calls.filter((call) => !(call in IAM_ACTIONS_OF_CALL))).toEqual([]);
  });

  test('src/ uses bare clients only: aggregated clients (new S3(...)) would hide calls from the scan', () => {
    const source = sourceFiles(path.join(ROOT, 'src')).map((file) => readFileSync(file, 'utf8'));
    expect(source.filter((text) => /new (S3|CloudFront|STS)\(/.test(text))).toEqual([]);
  });

  test.each(ROLES)('the template %s grants exactly the required actions', (role) => {
    expect(grantedActions(roleStatements(role))).toEqual(requiredIamActions());
  });

  test.each(ROLES)('calls authorised by trust are in the trust policy of %s', (role) => {
    const trustCalls = calls.filter((call) => IAM_ACTIONS_OF_CALL[call]?.includes('trust'));
    expect(trustStatements(role).flatMap(actionsOf)).toEqual(trustCalls.map((call) => `sts:${call}`));
  });

  test.each(ROLES)("the README's policy for %s grants exactly the required actions", (role) => {
    expect(grantedActions(readmeRole(role).permissions.Statement)).toEqual(requiredIamActions());
  });
});

describe('IAM: a preview job can reach pr-* and nothing else', () => {
  const policies = (): Array<[string, RoleName, Statement[]]> =>
    ROLES.flatMap((role): Array<[string, RoleName, Statement[]]> => [
      ['template', role, resolve(roleStatements(role)) as Statement[]],
      ['README', role, readmeRole(role).permissions.Statement],
    ]);

  test('the example workflows deploy previews to pr-<number>/ and production at the bucket root', () => {
    expect(previewPrefix()).toBe('pr-42/');
    expect(productionPrefix()).toBe('');
  });

  test('the template and the README allow every request of a preview deploy or removal to PreviewRole', () => {
    for (const [where, , statements] of policies().filter(([, role]) => role === 'PreviewRole')) {
      const refused = requestsOfJob(previewPrefix()).filter((r) => !allows(statements, r));
      expect({ where, refused: refused.map(describeRequest) }).toEqual({ where, refused: [] });
    }
  });

  test('PreviewRole is refused every S3 request of the production deploy (bucket root), in the template and the README', () => {
    for (const [where, , statements] of policies().filter(([, role]) => role === 'PreviewRole')) {
      const rootRequests = requestsOfJob(productionPrefix()).filter((r) => r.action.startsWith('s3:'));
      expect(rootRequests.length).toBeGreaterThan(0);
      const allowed = rootRequests.filter((r) => allows(statements, r));
      expect({ where, allowed: allowed.map(describeRequest) }).toEqual({ where, allowed: [] });
      // A listing without a Prefix, or of another folder, is refused too.
      expect(allows(statements, { action: 's3:ListBucket', resource: BUCKET_ARN, context: {} })).toBe(false);
      expect(allows(statements, { action: 's3:ListBucket', resource: BUCKET_ARN, context: { 's3:prefix': 'assets/' } })).toBe(false);
    }
  });

  test('DeployRole allows every request of the production deploy, in the template and the README', () => {
    for (const [where, , statements] of policies().filter(([, role]) => role === 'DeployRole')) {
      const refused = requestsOfJob(productionPrefix()).filter((r) => !allows(statements, r));
      expect({ where, refused: refused.map(describeRequest) }).toEqual({ where, refused: [] });
    }
  });

  test("the README's trust policies accept exactly the template's subject for each role", () => {
    expect(acceptedSubjects(readmeRole('DeployRole').trust.Statement)).toEqual(['repo:OWNER/REPO:ref:refs/heads/main']);
    expect(acceptedSubjects(readmeRole('PreviewRole').trust.Statement)).toEqual(['repo:OWNER/REPO:pull_request']);
  });
});

// ---------------------------------------------------------------------------------------------
// Workflows
// ---------------------------------------------------------------------------------------------

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string | number | boolean>;
}
interface Workflow {
  on: Record<string, { types?: string[]; branches?: string[] } | null>;
  permissions: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  jobs: Record<string, { steps: Step[] }>;
}

const WORKFLOW_DIR = 'examples/workflows';
const workflowFiles = readdirSync(path.join(ROOT, WORKFLOW_DIR)).filter((f) => f.endsWith('.yml'));
const workflow = (file: string): Workflow => parse(read(`${WORKFLOW_DIR}/${file}`)) as Workflow;
const actionInputs = Object.keys((parse(read('action.yml')) as { inputs: Record<string, unknown> }).inputs);

function actionSteps(wf: Workflow): Step[] {
  return Object.values(wf.jobs).flatMap((job) => job.steps.filter((step) => step.uses?.includes('/s3-cloudfront-deploy-action@')));
}

function onlyActionStep(file: string): Step {
  const steps = actionSteps(workflow(file));
  expect(steps).toHaveLength(1);
  return steps[0]!;
}

/** Stand-ins for the expressions the examples use; an unknown expression fails, so it gets one here. */
const EXPRESSION_VALUES: Record<string, string> = {
  'vars.DEPLOY_ROLE_ARN': 'arn:aws:iam::123456789012:role/deploy-my-site',
  'vars.PREVIEW_ROLE_ARN': 'arn:aws:iam::123456789012:role/preview-my-site',
  'vars.SITE_BUCKET': 'my-site-bucket',
  'vars.AWS_REGION': 'eu-west-1',
  'vars.DISTRIBUTION_ID': 'E1ABCDEF2GHIJK',
  'github.event.number': '42',
};

function evaluate(value: string | number | boolean): string {
  return String(value).replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => {
    const known = EXPRESSION_VALUES[expression];
    if (known === undefined) throw new Error(`no stand-in for the expression '${expression}'`);
    return known;
  });
}

/** The action's own input parser, fed the step's `with:` as the runner would. */
function configOf(step: Step, env: Env, event: unknown) {
  const inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([key, value]) => [key, evaluate(value)]));
  return parseConfig((name) => inputs[name] ?? '', { GITHUB_WORKSPACE: '/work/site', ...env }, event);
}

describe('example workflows', () => {
  test.each(workflowFiles)('%s: every with: key is an input of action.yml', (file) => {
    const steps = actionSteps(workflow(file));
    expect(steps.length).toBeGreaterThan(0);
    const keys = steps.flatMap((step) => Object.keys(step.with ?? {}));
    expect(keys.filter((key) => !actionInputs.includes(key))).toEqual([]);
    expect(keys).toContain('bucket');
  });

  test('deploy.yml: push to main, one deploy at a time, previews kept, valid cache rules', () => {
    const wf = workflow('deploy.yml');
    expect(wf.on.push).toEqual({ branches: ['main'] });
    expect(wf.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
    expect(wf.concurrency).toEqual({ group: 'deploy-production', 'cancel-in-progress': false });
    const config = configOf(onlyActionStep('deploy.yml'), { GITHUB_EVENT_NAME: 'push' }, {});
    expect(config).toMatchObject({ mode: 'deploy', prefix: '', exclude: ['pr-*/**'], dryRun: false, distributionId: 'E1ABCDEF2GHIJK' });
    expect(config.cacheControl[0]).toEqual({ glob: '**/*.html', value: 'no-cache' });
    expect(config.cacheControl.slice(1).every((rule) => rule.value.includes('immutable'))).toBe(true);
  });

  test('preview.yml: per-PR concurrency, the permissions the comment and OIDC need, no build when closed', () => {
    const wf = workflow('preview.yml');
    expect(wf.on.pull_request?.types).toEqual(['opened', 'synchronize', 'reopened', 'closed']);
    expect(wf.permissions).toEqual({ 'id-token': 'write', contents: 'read', 'pull-requests': 'write' });
    expect(wf.concurrency?.group).toBe('preview-${{ github.event.number }}');
    const builds = Object.values(wf.jobs).flatMap((job) => job.steps.filter((step) => step.run?.includes('npm run build')));
    expect(builds.length).toBeGreaterThan(0);
    for (const build of builds) expect(build.if).toBe("github.event.action != 'closed'");
  });

  test('preview.yml: deploys pr-<number> on opened, removes it on closed, comments on the PR', () => {
    const step = onlyActionStep('preview.yml');
    expect(step.with).toMatchObject({ prefix: 'pr-${{ github.event.number }}', mode: 'auto', 'pr-comment': true });
    const env = { GITHUB_EVENT_NAME: 'pull_request' };
    expect(configOf(step, env, { action: 'opened', number: 42 })).toMatchObject({
      mode: 'deploy',
      prefix: expect.stringMatching(/^pr-42\/?$/),
    });
    expect(configOf(step, env, { action: 'closed', number: 42 })).toMatchObject({
      mode: 'remove',
      prefix: expect.stringMatching(/^pr-42\/?$/),
    });
  });

  test('each workflow assumes the role of its job: previews the preview role, production and dry runs the deploy role', () => {
    expect(onlyActionStep('deploy.yml').with?.['role-to-assume']).toBe('${{ vars.DEPLOY_ROLE_ARN }}');
    expect(onlyActionStep('dry-run.yml').with?.['role-to-assume']).toBe('${{ vars.DEPLOY_ROLE_ARN }}');
    expect(onlyActionStep('preview.yml').with?.['role-to-assume']).toBe('${{ vars.PREVIEW_ROLE_ARN }}');
    // The comments tell users which stack output goes into which variable.
    expect(read(`${WORKFLOW_DIR}/deploy.yml`)).toContain('DEPLOY_ROLE_ARN = DeployRoleArn');
    expect(read(`${WORKFLOW_DIR}/preview.yml`)).toContain('PREVIEW_ROLE_ARN = the PreviewRoleArn output');
  });

  test('dry-run.yml: manual, plans without writing', () => {
    const wf = workflow('dry-run.yml');
    expect(Object.keys(wf.on)).toEqual(['workflow_dispatch']);
    expect(configOf(onlyActionStep('dry-run.yml'), { GITHUB_EVENT_NAME: 'workflow_dispatch' }, {})).toMatchObject({
      dryRun: true,
      mode: 'deploy',
    });
  });
});

// ---------------------------------------------------------------------------------------------
// CI: the self-test job deploys with the action of this repository
// ---------------------------------------------------------------------------------------------

interface CiStep extends Step {
  id?: string;
  name?: string;
  env?: Record<string, string>;
  'continue-on-error'?: unknown;
}
interface CiJob {
  if?: string;
  env?: Record<string, string>;
  'continue-on-error'?: unknown;
  steps: CiStep[];
}

describe('ci.yml: the self-test job really deploys with uses: ./', () => {
  const ci = parse(read('.github/workflows/ci.yml')) as { jobs: Record<string, CiJob> };
  const job = ci.jobs['self-test'];
  const steps = job?.steps ?? [];
  const actionSteps = steps.filter((step) => step.uses === './');

  test('the job exists, always runs, and nothing in it may fail quietly (no continue-on-error)', () => {
    expect(job).toBeDefined();
    expect(job).not.toHaveProperty('if');
    expect(job).not.toHaveProperty('continue-on-error');
    expect(steps.filter((step) => 'continue-on-error' in step).map((step) => step.name ?? step.uses ?? step.run)).toEqual([]);
  });

  test('it runs the action of this checkout twice, for real (no dry run), without the network checks', () => {
    expect(actionSteps.map((step) => step.id)).toEqual(['first', 'second']);
    for (const step of actionSteps) {
      expect(step.with).toMatchObject({ bucket: 'site-bucket', checks: 'false' });
      expect(step.with).not.toHaveProperty('dry-run');
      expect(step.with).not.toHaveProperty('role-to-assume');
    }
    expect(actionSteps[0]!.with).toEqual(actionSteps[1]!.with);
  });

  test('against s3rver started in the job, with the SDK pointed at it', () => {
    expect(job?.env).toEqual({ AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' });
    const first = steps.indexOf(actionSteps[0]!);
    const start = steps.findIndex((step) => step.run?.includes('__tests__/fixtures/s3rver-process.js'));
    expect(start).toBeGreaterThan(steps.findIndex((step) => step.run?.startsWith('npm ci')));
    expect(start).toBeLessThan(first);
    const script = steps[start]!.run!;
    expect(script).toMatch(
      /tail -f \/dev\/null[^|]*\|\s*node --openssl-legacy-provider __tests__\/fixtures\/s3rver-process\.js "\$RUNNER_TEMP\/s3" site-bucket/,
    );
    expect(script).toContain('echo "AWS_ENDPOINT_URL_S3=http://127.0.0.1:$port" >> "$GITHUB_ENV"');
    expect(read('__tests__/fixtures/s3rver-process.js')).toContain("process.stdin.on('end', shutdown)");
  });

  test('the outputs are asserted: the first run uploads every file, the second uploads nothing', () => {
    const assertionOf = (id: string) => {
      const index = steps.findIndex((step) => step.env?.UPLOADED === `\${{ steps.${id}.outputs.uploaded }}`);
      expect(index).toBeGreaterThan(steps.findIndex((step) => step.id === id));
      return steps[index]!.run!;
    };
    expect(assertionOf('first')).toMatch(/\[ "\$UPLOADED" -eq "\$files" \] \|\| \{[^}]*exit 1; \}/);
    expect(assertionOf('first')).toContain('files="$(find self-test-site -type f | wc -l)"');
    expect(assertionOf('second')).toMatch(/\[ "\$UPLOADED" -eq 0 \] \|\| \{[^}]*exit 1; \}/);
    expect(actionSteps[0]!.with?.['source-dir']).toBe('self-test-site');
  });
});

// ---------------------------------------------------------------------------------------------
// The README's workflows: what a new user copies first must run as written
// ---------------------------------------------------------------------------------------------

/** The ```yaml blocks of the README section under `heading`, parsed. */
function readmeWorkflows(heading: string): Workflow[] {
  const readme = read('README.md');
  const start = readme.indexOf(`\n${heading}\n`);
  if (start === -1) throw new Error(`README.md has no heading '${heading}'`);
  const end = readme.indexOf('\n## ', start + heading.length + 2);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]!) as Workflow);
}

describe("the README's quick start and preview workflows", () => {
  const quickStart = (): Workflow[] => readmeWorkflows('## Quick start: deploy on push to `main`');
  const preview = (): Workflow[] => readmeWorkflows('## Pull-request previews with cleanup');
  const stepOf = (wf: Workflow): Step => {
    const steps = actionSteps(wf);
    expect(steps).toHaveLength(1);
    return steps[0]!;
  };

  test('each section holds one workflow whose action step uses only inputs of action.yml', () => {
    for (const workflows of [quickStart(), preview()]) {
      expect(workflows).toHaveLength(1);
      const keys = Object.keys(stepOf(workflows[0]!).with ?? {});
      expect(keys.filter((key) => !actionInputs.includes(key))).toEqual([]);
    }
  });

  test('the quick start parses as a push to main: production role, previews kept, cache rules valid', () => {
    const wf = quickStart()[0]!;
    expect(wf.on.push?.branches).toEqual(['main']);
    expect(wf.permissions['id-token']).toBe('write');
    const config = configOf(stepOf(wf), { GITHUB_EVENT_NAME: 'push' }, {});
    expect(config.mode).toBe('deploy');
    expect(config.prefix).toBe('');
    expect(config.roleToAssume).toMatch(/:role\/deploy-/);
    expect(config.exclude).toEqual(['pr-*/**']);
    expect(config.cacheControl.length).toBeGreaterThan(0);
  });

  test('the preview workflow deploys pr-<number> when opened and removes it when closed, with the preview role', () => {
    const wf = preview()[0]!;
    expect(wf.on.pull_request?.types).toEqual(expect.arrayContaining(['opened', 'synchronize', 'closed']));
    expect(wf.permissions['pull-requests']).toBe('write');
    const step = stepOf(wf);
    const opened = configOf(step, { GITHUB_EVENT_NAME: 'pull_request' }, { action: 'opened', number: 42 });
    const closed = configOf(step, { GITHUB_EVENT_NAME: 'pull_request' }, { action: 'closed', number: 42 });
    expect([opened.mode, opened.prefix]).toEqual(['deploy', 'pr-42/']);
    expect([closed.mode, closed.prefix]).toEqual(['remove', 'pr-42/']);
    expect(opened.roleToAssume).toMatch(/:role\/preview-/);
  });
});
