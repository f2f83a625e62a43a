/**
 * The examples are documentation that must stay true: the CloudFormation template has to build the
 * pipeline the post-deploy checks expect, its deploy role has to grant exactly the AWS calls src/ makes
 * (so a new SDK call fails here until the policies are updated), and the workflows may only use
 * inputs that action.yml declares, with values the action accepts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse, type Tags, type YAMLMap, type YAMLSeq } from 'yaml';
import { parseConfig, type Env } from '../src/config';

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
    expect(dependsOnTransitively('DeployRole', 'Distribution')).toBe(true);
    expect(dependsOnTransitively('DeployRole', 'GitHubOidcProvider')).toBe(true);
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

  test('the deploy role trusts GitHub OIDC tokens for sts.amazonaws.com from the branch and pull requests of one repository', () => {
    expect(template.Parameters.Branch).toMatchObject({ Default: 'main' });
    const role = resource('DeployRole');
    expect(role.Properties.MaxSessionDuration).toBe(3600);
    const trust = (role.Properties.AssumeRolePolicyDocument as PolicyDocument).Statement;
    expect(trust).toEqual([
      {
        Effect: 'Allow',
        Principal: {
          Federated: {
            'Fn::If': [
              'ShouldCreateOidcProvider',
              { Ref: 'GitHubOidcProvider' },
              { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com' },
            ],
          },
        },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
          StringLike: {
            'token.actions.githubusercontent.com:sub': [
              { 'Fn::Sub': 'repo:${GitHubOrg}/${GitHubRepo}:ref:refs/heads/${Branch}' },
              { 'Fn::Sub': 'repo:${GitHubOrg}/${GitHubRepo}:pull_request' },
            ],
          },
        },
      },
    ]);
  });

  test('the role scopes each grant to the bucket, its objects, or the distribution', () => {
    const statements = roleStatements();
    const resourceFor = (action: string) => statements.find((s) => actionsOf(s).includes(action))?.Resource;
    const distributionArn = { 'Fn::Sub': 'arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}' };
    expect(resourceFor('s3:ListBucket')).toEqual({ 'Fn::GetAtt': ['SiteBucket', 'Arn'] });
    for (const action of ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'])
      expect(resourceFor(action)).toEqual({ 'Fn::Sub': '${SiteBucket.Arn}/*' });
    for (const action of ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation', 'cloudfront:GetDistribution']) {
      expect(resourceFor(action)).toEqual(distributionArn);
    }
    expect(resource('DeployRole').Properties).not.toHaveProperty('ManagedPolicyArns');
  });

  test('the outputs are what the workflows need', () => {
    expect(Object.keys(template.Outputs)).toEqual(
      expect.arrayContaining(['BucketName', 'DistributionId', 'DistributionDomainName', 'RoleArn']),
    );
    expect(template.Outputs.DistributionDomainName!.Value).toEqual({ 'Fn::Sub': 'https://${Distribution.DomainName}' });
    expect(template.Outputs.RoleArn!.Value).toEqual({ 'Fn::GetAtt': ['DeployRole', 'Arn'] });
  });
});

// ---------------------------------------------------------------------------------------------
// IAM actions: derived from the AWS calls in src/
// ---------------------------------------------------------------------------------------------

/**
 * Each AWS call src/ makes, and the IAM action that authorises it. `trust` marks a call authorised
 * by the role's trust policy instead of its permissions. A call missing here fails the test below.
 */
const IAM_ACTION_OF_CALL: Record<string, string> = {
  ListObjectsV2: 's3:ListBucket',
  HeadObject: 's3:GetObject', // IAM has no s3:HeadObject
  PutObject: 's3:PutObject',
  Upload: 's3:PutObject', // lib-storage: PutObject, or CreateMultipartUpload/UploadPart/Complete/Abort, all s3:PutObject
  DeleteObjects: 's3:DeleteObject', // authorised per key
  CreateInvalidation: 'cloudfront:CreateInvalidation',
  GetInvalidation: 'cloudfront:GetInvalidation',
  GetDistribution: 'cloudfront:GetDistribution',
  AssumeRoleWithWebIdentity: 'trust',
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
    .map((call) => IAM_ACTION_OF_CALL[call])
    .filter((action): action is string => action !== undefined && action !== 'trust');
  return [...new Set(actions)].sort();
}

function grantedActions(statements: Statement[]): string[] {
  const actions = statements.filter((s) => s.Effect === 'Allow').flatMap(actionsOf);
  return [...new Set(actions)].sort();
}

function roleStatements(): Statement[] {
  const policies = resource('DeployRole').Properties.Policies as Array<{ PolicyDocument: PolicyDocument }>;
  return policies.flatMap((p) => p.PolicyDocument.Statement);
}

/** The first ```json block after the heading. */
function readmeJsonAfter(heading: string): unknown {
  const readme = read('README.md');
  const start = readme.indexOf(`\n${heading}\n`);
  if (start === -1) throw new Error(`README.md has no heading '${heading}'`);
  const block = /```json\n([\s\S]*?)```/.exec(readme.slice(start));
  if (!block) throw new Error(`README.md has no json block after '${heading}'`);
  return JSON.parse(block[1]!);
}

describe('IAM: the deploy role grants exactly what src/ calls', () => {
  const calls = awsCallsInSource();

  test('the scan finds the calls (the regexes still match the code)', () => {
    expect(calls).toEqual(expect.arrayContaining(['ListObjectsV2', 'HeadObject', 'Upload', 'DeleteObjects', 'CreateInvalidation']));
  });

  test('every AWS call in src/ has a known IAM action (a new call must update the policies and this table)', () => {
    expect(calls.filter((call) => !(call in IAM_ACTION_OF_CALL))).toEqual([]);
  });

  test('src/ uses bare clients only: aggregated clients (new S3(...)) would hide calls from the scan', () => {
    const source = sourceFiles(path.join(ROOT, 'src')).map((file) => readFileSync(file, 'utf8'));
    expect(source.filter((text) => /new (S3|CloudFront|STS)\(/.test(text))).toEqual([]);
  });

  test('the template role grants exactly the required actions', () => {
    expect(grantedActions(roleStatements())).toEqual(requiredIamActions());
  });

  test('calls authorised by trust are in the trust policy', () => {
    const trustActions = (resource('DeployRole').Properties.AssumeRolePolicyDocument as PolicyDocument).Statement.flatMap(actionsOf);
    const trustCalls = calls.filter((call) => IAM_ACTION_OF_CALL[call] === 'trust');
    expect(trustActions).toEqual(trustCalls.map((call) => `sts:${call}`));
  });

  test("the README's policy grants exactly the required actions", () => {
    const policy = readmeJsonAfter('## IAM policy for the deploy role') as PolicyDocument;
    expect(grantedActions(policy.Statement)).toEqual(requiredIamActions());
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

  test('dry-run.yml: manual, plans without writing', () => {
    const wf = workflow('dry-run.yml');
    expect(Object.keys(wf.on)).toEqual(['workflow_dispatch']);
    expect(configOf(onlyActionStep('dry-run.yml'), { GITHUB_EVENT_NAME: 'workflow_dispatch' }, {})).toMatchObject({
      dryRun: true,
      mode: 'deploy',
    });
  });
});
