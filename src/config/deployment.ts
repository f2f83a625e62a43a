/** The GitHub deployment inputs: whether this run records a deployment, and of which environment. */
import { ConfigError, shown } from '../errors.js';
import { Inputs } from '../names.js';
import { isPullRequestEvent, type RunContext } from './context.js';
import { oneOf, type Read } from './values.js';

/** GitHub refuses longer environment names. */
const MAX_ENVIRONMENT_NAME = 255;

export interface DeploymentSettings {
  /** `github-deployment` resolved: `auto` is on for a pull-request preview (a pull_request event with a prefix). */
  githubDeployment: boolean;
  /** `deployment-environment`, or `preview-<prefix>` with a prefix, else `production`. */
  deploymentEnvironment: string;
}

export function parseDeploymentSettings(read: Read, run: RunContext, prefix: string): DeploymentSettings {
  const requested = oneOf(read, Inputs.GithubDeployment, ['true', 'false', 'auto'] as const);
  const githubDeployment = requested === 'auto' ? isPullRequestEvent(run.eventName) && prefix !== '' : requested === 'true';
  const deploymentEnvironment = read(Inputs.DeploymentEnvironment) || defaultEnvironment(prefix);
  if (deploymentEnvironment.length > MAX_ENVIRONMENT_NAME) {
    throw new ConfigError(
      Inputs.DeploymentEnvironment,
      `${shown(deploymentEnvironment)} is ${deploymentEnvironment.length} characters long, over GitHub's limit of ${MAX_ENVIRONMENT_NAME}`,
      'Use a shorter name, or leave it empty for the default.',
    );
  }
  return { githubDeployment, deploymentEnvironment };
}

/** `pr-42/` → `preview-pr-42`; the bucket root → `production`. */
function defaultEnvironment(prefix: string): string {
  return prefix === '' ? 'production' : `preview-${prefix.replace(/\/$/, '')}`;
}
