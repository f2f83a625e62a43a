/**
 * The run as a GitHub deployment: the DeploymentsPort over Octokit, and the recorder that turns a
 * deploy into the deployment's statuses (and a token that may not write them into one warning).
 */
import * as core from '@actions/core';
import { Inputs, USER_AGENT } from '../names.js';
import type { DeploymentStatusUpdate, DeploymentsPort, Sleep } from '../ports.js';
import { withRetry } from '../retry.js';
import { isRetryableGithubError, octokitFor, statusOf, type Octokit } from './octokit.js';

/** GitHub refuses longer descriptions on deployments and their statuses. */
const MAX_DESCRIPTION = 140;
/** The largest page GitHub serves: a long-lived preview takes the fewest requests to list. */
const PER_PAGE = 100;

/** The port over @actions/github's Octokit, which honours GITHUB_API_URL (tests, GitHub Enterprise Server). */
export function createDeploymentsPort(token: string, repository: { owner: string; repo: string }): DeploymentsPort {
  const { owner, repo } = repository;
  let octokit: Promise<Octokit> | undefined;
  const client = (): Promise<Octokit> => (octokit ??= octokitFor(token));

  return {
    async create(deployment) {
      const { data } = await (
        await client()
      ).rest.repos.createDeployment({
        owner,
        repo,
        ref: deployment.ref,
        environment: deployment.environment,
        transient_environment: deployment.transient,
        production_environment: deployment.production,
        // Never merge the default branch into the ref: the commit deployed is the one built.
        auto_merge: false,
        // The workflow already ran whatever checks it requires; GitHub's own gate would refuse the deploy.
        required_contexts: [],
        description: deployment.description,
      });
      // 202 (a merge happened instead) carries a message and no id; with auto_merge off it should not occur.
      if (!('id' in data)) throw new Error(`GitHub created no deployment: ${data.message ?? 'no id in the answer'}`);
      return data.id;
    },
    async setStatus(id, status) {
      await (
        await client()
      ).rest.repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: id,
        state: status.state,
        log_url: status.logUrl,
        ...(status.environmentUrl !== undefined ? { environment_url: status.environmentUrl } : {}),
        ...(status.description !== undefined ? { description: status.description } : {}),
        auto_inactive: status.autoInactive,
      });
    },
    async listIds(environment) {
      const gh = await client();
      const ids: number[] = [];
      const pages = gh.paginate.iterator(gh.rest.repos.listDeployments, { owner, repo, environment, per_page: PER_PAGE });
      for await (const page of pages) ids.push(...page.data.map((deployment) => deployment.id));
      return ids;
    },
  };
}

/** The run as GitHub should record it. */
export interface DeploymentTarget {
  environment: string;
  /** The commit: the pull request's head on pull_request events (GITHUB_SHA is a merge commit there). */
  ref: string;
  /** A preview (a prefix): a transient environment; else the production site. */
  preview: boolean;
  /** What is deployed where, for the description, e.g. `s3://bucket/pr-7/`. */
  target: string;
  /** The run's page: GITHUB_SERVER_URL/GITHUB_REPOSITORY/actions/runs/GITHUB_RUN_ID. */
  logUrl: string;
}

export type DeploymentOutcome =
  { ok: true; environmentUrl: string | undefined; description?: string } | { ok: false; description?: string };

export interface DeploymentRecorder {
  /** Creates the deployment and marks it in_progress; undefined when GitHub refused or failed. */
  start(target: DeploymentTarget): Promise<number | undefined>;
  /** success (with the site's URL) or failure; does nothing without an id. */
  finish(id: number | undefined, target: DeploymentTarget, outcome: DeploymentOutcome): Promise<void>;
  /** Marks every deployment of the environment inactive (the environment itself stays); returns how many. */
  deactivate(environment: string, logUrl: string): Promise<number>;
}

export interface DeploymentLog {
  info: (message: string) => void;
  warning: (message: string) => void;
  /** Backoff between attempts on 5xx/429/dropped connections; injected so tests run instantly. */
  sleep?: Sleep;
}

/**
 * Recording a deployment is a report, not part of the deploy: no failure here fails the job. A token
 * without `deployments: write` gets one warning, and no further calls are made.
 *
 * auto_inactive, chosen deliberately: `false` while in progress and on failure, so the deployment that
 * is still live stays the active one; `true` on success. Every deploy to an environment writes the
 * same prefix in place, so an earlier deployment's URL now serves the new build: leaving it "active"
 * would offer a "View deployment" link to a commit that is no longer there. The earlier deployments
 * stay in the environment's history, inactive, each with its log link.
 */
export function createDeploymentRecorder(port: DeploymentsPort, log: DeploymentLog = core): DeploymentRecorder {
  let refused = false;
  async function attempt<T>(step: string, fn: () => Promise<T>): Promise<T | undefined> {
    if (refused) return undefined;
    try {
      return await withRetry(fn, {
        label: `GitHub deployment: ${step}`,
        isRetryable: isRetryableGithubError,
        maxAttempts: 3,
        baseDelayMs: 1000,
        onRetry: log.info,
        sleep: log.sleep,
      });
    } catch (err) {
      refused = isPermissionRefusal(err);
      log.warning(explainDeploymentError(err, step));
      return undefined;
    }
  }
  const setStatus = async (step: string, id: number, status: DeploymentStatusUpdate): Promise<boolean> =>
    (await attempt(step, () => port.setStatus(id, status).then(() => true))) ?? false;

  return {
    async start(target) {
      const id = await attempt(`create a deployment of '${target.environment}'`, () =>
        port.create({
          ref: target.ref,
          environment: target.environment,
          transient: target.preview,
          production: !target.preview,
          description: clip(`${target.target}, deployed by ${USER_AGENT}`),
        }),
      );
      if (id === undefined) return undefined;
      log.info(`GitHub deployment ${id} of '${target.environment}' created for ${target.ref.slice(0, 12)}.`);
      const inProgress = { state: 'in_progress', logUrl: target.logUrl, description: 'Deploying', autoInactive: false } as const;
      await setStatus(`mark deployment ${id} in progress`, id, inProgress);
      return id;
    },

    async finish(id, target, outcome) {
      if (id === undefined) return;
      const status: DeploymentStatusUpdate = outcome.ok
        ? { state: 'success', logUrl: target.logUrl, environmentUrl: outcome.environmentUrl, autoInactive: true }
        : { state: 'failure', logUrl: target.logUrl, autoInactive: false };
      if (outcome.description !== undefined) status.description = clip(outcome.description);
      if (await setStatus(`mark deployment ${id} ${status.state}`, id, status)) {
        log.info(`GitHub deployment ${id}: ${status.state}${status.environmentUrl ? ` (${status.environmentUrl})` : ''}.`);
      }
    },

    async deactivate(environment, logUrl) {
      const ids = await attempt(`list the deployments of '${environment}'`, () => port.listIds(environment));
      if (ids === undefined) return 0;
      let marked = 0;
      for (const id of ids) {
        const inactive = { state: 'inactive', logUrl, description: 'Preview removed', autoInactive: false } as const;
        if (await setStatus(`mark deployment ${id} inactive`, id, inactive)) marked++;
        if (refused) break;
      }
      log.info(
        `Marked ${marked} of ${ids.length} GitHub deployment(s) of '${environment}' inactive; ` +
          'the environment itself is kept (the job token cannot delete environments).',
      );
      return marked;
    },
  };
}

function clip(text: string): string {
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`;
}

/** A 403 that is not rate limiting: the token lacks the permission (or is a fork's read-only token). */
function isPermissionRefusal(err: unknown): boolean {
  if (statusOf(err) !== 403) return false;
  const headers = (err as { response?: { headers?: Record<string, unknown> } }).response?.headers ?? {};
  const message = String((err as { message?: unknown }).message ?? '');
  return headers['x-ratelimit-remaining'] !== '0' && !/rate limit/i.test(message);
}

export function explainDeploymentError(err: unknown, step: string): string {
  const status = statusOf(err);
  const message = String((err as { message?: unknown })?.message ?? err);
  const detail = status !== undefined ? `HTTP ${status}: ${message}` : message;
  const base = `Could not ${step} on GitHub (${detail}); the deploy itself is not affected.`;
  if (!isPermissionRefusal(err)) return base;
  return (
    `${base} The token may not write deployments: give the job 'permissions: deployments: write' ` +
    `(pull requests from forks never get it), or set '${Inputs.GithubDeployment}: false'. No further deployment calls are made.`
  );
}
