/** The roles grant exactly the AWS calls src/ makes (a new SDK call fails here until the policies are updated); the preview role reaches pr-* only and each role trusts only its own OIDC subject. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { actionsOf, type RoleName, ROLES, type Statement, trustStatements } from './fixtures/cloudformation.js';
import {
  acceptedSubjects,
  allows,
  awsCallsInSource,
  BUCKET_ARN,
  grantedActions,
  IAM_ACTIONS_OF_CALL,
  type IamRequest,
  readmeRole,
  requestsOfJob,
  requiredIamActions,
  resolve,
  roleStatements,
  sourceFiles,
} from './fixtures/iam.js';
import { ROOT } from './fixtures/repo.js';
import { configOf, onlyActionStep } from './fixtures/workflows.js';

const describeRequest = (r: IamRequest) =>
  `${r.action} ${r.resource}${r.context['s3:prefix'] !== undefined ? ` prefix='${r.context['s3:prefix']}'` : ''}`;

/** The prefix each example workflow deploys to, as the action's own parser reads it. */
const previewPrefix = () =>
  configOf(onlyActionStep('preview.yml'), { GITHUB_EVENT_NAME: 'pull_request' }, { action: 'opened', number: 42 }).prefix;
const productionPrefix = () => configOf(onlyActionStep('deploy.yml'), { GITHUB_EVENT_NAME: 'push' }, {}).prefix;

describe('IAM: each role grants exactly what src/ calls', () => {
  const calls = awsCallsInSource();

  test('the scan finds the calls (the regexes still match the code)', () => {
    expect(calls).toEqual(expect.arrayContaining(['ListObjectsV2', 'HeadObject', 'UploadPart', 'DeleteObjects', 'CreateInvalidation']));
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
      // Requests on keys and listings: the doctor's reads of the bucket's configuration name no key.
      const rootRequests = requestsOfJob(productionPrefix()).filter(
        (r) => r.resource.startsWith(`${BUCKET_ARN}/`) || r.action === 's3:ListBucket',
      );
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
