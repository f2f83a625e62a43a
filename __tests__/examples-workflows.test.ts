/** The example workflows, and the CI self-test job, use only inputs that action.yml declares, with values the action accepts. */
import { parse } from 'yaml';
import { read } from './fixtures/repo.js';
import {
  actionInputs,
  actionSteps,
  type CiJob,
  configOf,
  onlyActionStep,
  workflow,
  WORKFLOW_DIR,
  workflowFiles,
} from './fixtures/workflows.js';

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

  test('preview.yml: per-PR concurrency, the permissions the comment, the deployment and OIDC need, no build when closed', () => {
    const wf = workflow('preview.yml');
    expect(wf.on.pull_request?.types).toEqual(['opened', 'synchronize', 'reopened', 'closed']);
    expect(wf.permissions).toEqual({ 'id-token': 'write', contents: 'read', 'pull-requests': 'write', deployments: 'write' });
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

  test('audit.yml: on a schedule, mode audit with doctor fail, the deploy role, no checkout and no build', () => {
    const wf = workflow('audit.yml');
    expect(Object.keys(wf.on)).toEqual(['schedule', 'workflow_dispatch']);
    expect(wf.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
    const steps = Object.values(wf.jobs).flatMap((job) => job.steps);
    expect(steps.filter((step) => step.run !== undefined || step.uses?.startsWith('actions/checkout'))).toEqual([]);
    const step = onlyActionStep('audit.yml');
    expect(step.with?.['role-to-assume']).toBe('${{ vars.DEPLOY_ROLE_ARN }}');
    expect(configOf(step, { GITHUB_EVENT_NAME: 'schedule' }, {})).toMatchObject({
      mode: 'audit',
      doctor: 'fail',
      distributionId: 'E1ABCDEF2GHIJK',
    });
  });
});

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
