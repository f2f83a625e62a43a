/**
 * The README's quick start and preview workflows, parsed as written (not run): the action step uses only
 * inputs of action.yml, and those inputs give the intended Config for each event.
 */
import { actionInputs, actionSteps, configOf, readmeWorkflows, type Step, type Workflow } from './fixtures/workflows.js';

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

  test('the preview workflow deploys pr-<number> when opened and removes it when closed, with the preview role, recording a deployment of preview-pr-<number> (deployments: write)', () => {
    const wf = preview()[0]!;
    expect(wf.on.pull_request?.types).toEqual(expect.arrayContaining(['opened', 'synchronize', 'closed']));
    expect(wf.permissions['pull-requests']).toBe('write');
    expect(wf.permissions.deployments).toBe('write');
    const step = stepOf(wf);
    const opened = configOf(step, { GITHUB_EVENT_NAME: 'pull_request' }, { action: 'opened', number: 42 });
    const closed = configOf(step, { GITHUB_EVENT_NAME: 'pull_request' }, { action: 'closed', number: 42 });
    expect([opened.mode, opened.prefix]).toEqual(['deploy', 'pr-42/']);
    expect([closed.mode, closed.prefix]).toEqual(['remove', 'pr-42/']);
    expect(opened.roleToAssume).toMatch(/:role\/preview-/);
    expect([opened.githubDeployment, opened.deploymentEnvironment]).toEqual([true, 'preview-pr-42']);
  });
});
