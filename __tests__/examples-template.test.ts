/** The CloudFormation template builds the pipeline the post-deploy checks expect, with a production role and a preview role. */
import {
  actionsOf,
  allReferences,
  AUD,
  creationOrder,
  dependsOnTransitively,
  DISTRIBUTION_ARN,
  isDeclared,
  OIDC_PROVIDER_ARN,
  type PolicyDocument,
  resource,
  resourceOfType,
  ROLES,
  type Statement,
  SUBJECT_OF_ROLE,
  subjectConditions,
  template,
  trustStatements,
} from './fixtures/cloudformation.js';
import { acceptedSubjects, resolve, roleStatements } from './fixtures/iam.js';
import { read } from './fixtures/repo.js';

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

  test('the bucket policy denies CloudFront the deploy state, at the root and under every prefix', () => {
    const [, policy] = resourceOfType('AWS::S3::BucketPolicy');
    const statements = (policy.Properties.PolicyDocument as PolicyDocument).Statement;
    expect(statements).toContainEqual({
      Sid: 'DenyDeployStateToCloudFront',
      Effect: 'Deny',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 's3:GetObject',
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${SiteBucket}/*.deploy-state.json' },
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
