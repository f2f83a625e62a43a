/**
 * This run's GitHub deployment: whether there is one, created when the pipeline starts, and at the
 * end marked success or failure (a removed preview: its environment's deployments marked inactive).
 */
import * as core from '@actions/core';
import { environmentPageUrl, runPageUrl } from '../config/context.js';
import type { Config } from '../config/parse.js';
import { Inputs } from '../names.js';
import type { DeploymentRecord, DeployResult } from '../types.js';
import {
  createDeploymentRecorder,
  createDeploymentsPort,
  type DeploymentLog,
  type DeploymentRecorder,
  type DeploymentTarget,
} from './deployments.js';

export interface RunDeployment {
  recorder: DeploymentRecorder;
  target: DeploymentTarget;
  /** Undefined in remove mode, or when GitHub did not create it. */
  id: number | undefined;
}

/** Creates the deployment (mode deploy) when the run records one; says why not when one was asked for and cannot be. */
export async function startRunDeployment(config: Config, log: DeploymentLog = core): Promise<RunDeployment | undefined> {
  if (!config.githubDeployment) return undefined;
  const repository = config.run.repository;
  const logUrl = runPageUrl(config.run);
  if (config.dryRun) {
    log.info('Dry run: no GitHub deployment is recorded.');
    return undefined;
  }
  if (!config.githubToken || !repository || !logUrl) {
    log.info(`No GitHub deployment: '${Inputs.GithubToken}' is empty or the repository is unknown.`);
    return undefined;
  }
  const recorder = createDeploymentRecorder(createDeploymentsPort(config.githubToken, repository), log);
  const target: DeploymentTarget = {
    environment: config.deploymentEnvironment,
    ref: config.run.sha,
    preview: config.prefix !== '',
    target: `s3://${config.bucket}/${config.prefix}`,
    logUrl,
  };
  const id = config.mode === 'deploy' ? await recorder.start(target) : undefined;
  return { recorder, target, id };
}

/**
 * The deployment's last word: success with the site's URL when the deploy and its checks passed,
 * failure otherwise; a removed preview retires the environment's deployments, but only once the
 * removal went through (after a failed one the preview may still be served).
 */
export async function finishRunDeployment(
  deployment: RunDeployment | undefined,
  config: Config,
  result: DeployResult | undefined,
  /** The error that failed the run, if one did. */
  failure: string | undefined,
): Promise<DeploymentRecord | undefined> {
  if (!deployment) return undefined;
  const { recorder, target, id } = deployment;
  const record: DeploymentRecord = { environment: target.environment, url: environmentPageUrl(config.run, target.environment) };
  if (config.mode === 'remove') {
    if (failure === undefined) record.deactivated = await recorder.deactivate(target.environment, target.logUrl);
    return record;
  }
  const ok = failure === undefined && result?.checksOutcome !== 'failed';
  const environmentUrl = result?.previewUrl ?? result?.siteUrl;
  const why = failure ?? 'Post-deploy checks failed';
  await recorder.finish(id, target, ok ? { ok: true, environmentUrl } : { ok: false, description: why });
  return id === undefined ? record : { ...record, id };
}
