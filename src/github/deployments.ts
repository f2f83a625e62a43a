/**
 * GitHub deployments: the narrow port over the three REST endpoints used, its Octokit adapter, and
 * the recorder that turns a deploy into a deployment's statuses (and a refused token into one warning).
 */
import * as core from '@actions/core';
import { USER_AGENT } from '../aws/clients.js';
import { loadGitHub } from '../lazy.js';

/** GitHub refuses longer descriptions on deployments and their statuses. */
const MAX_DESCRIPTION = 140;
/** The largest page GitHub serves: a long-lived preview takes the fewest requests to list. */
const PER_PAGE = 100;

export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'inactive';

export interface NewDeployment {
  /** The commit deployed (a sha), never a branch name that moves on. */
  ref: string;
  environment: string;
  /** A preview: GitHub shows it "destroyed" once it is inactive. */
  transient: boolean;
  production: boolean;
  description: string;
}

export interface DeploymentStatusUpdate {
  state: DeploymentState;
  /** The run's page ("View logs"). */
  logUrl: string;
  /** The deployed site ("View deployment"); only on success. */
  environmentUrl?: string;
  description?: string;
  /** Whether GitHub marks the environment's earlier successful deployments inactive. */
  autoInactive: boolean;
}

/** The three deployment endpoints the action uses, nothing more. */
export interface DeploymentsPort {
  /** POST /repos/{owner}/{repo}/deployments; resolves to the new deployment's id. */
  create(deployment: NewDeployment): Promise<number>;
  /** POST /repos/{owner}/{repo}/deployments/{id}/statuses. */
  setStatus(id: number, status: DeploymentStatusUpdate): Promise<void>;
  /** GET /repos/{owner}/{repo}/deployments?environment=…, every page; the ids, newest first. */
  listIds(environment: string): Promise<number[]>;
}

/** The port over @actions/github's Octokit, which honours GITHUB_API_URL (tests, GitHub Enterprise Server). */
export function createDeploymentsPort(token: string, repository: { owner: string; repo: string }): DeploymentsPort {
  // Read GITHUB_API_URL when the port is made, not when @actions/github loads (see github/pr-comments).
  const baseUrl = process.env.GITHUB_API_URL || 'https://api.github.com';
  const { owner, repo } = repository;
  type Octokit = ReturnType<Awaited<ReturnType<typeof loadGitHub>>['getOctokit']>;
  let octokit: Promise<Octokit> | undefined;
  const client = (): Promise<Octokit> => (octokit ??= loadGitHub().then((gh) => gh.getOctokit(token, { userAgent: USER_AGENT, baseUrl })));

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
        // The deploy already ran after whatever checks the workflow requires; GitHub's own gate would refuse it.
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
  /** A pull-request preview (transient), else the production site. */
  preview: boolean;
  /** What is deployed where, for the description, e.g. `s3://bucket/pr-7/`. */
  target: string;
  /** GITHUB_SERVER_URL/GITHUB_REPOSITORY/actions/runs/GITHUB_RUN_ID: see `runLogUrl`. */
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
}

/** The run's page on GitHub, the deployment's log link. */
export function runLogUrl(serverUrl: string, repository: string, runId: string): string {
  return `${serverUrl.replace(/\/+$/, '')}/${repository}/actions/runs/${runId}`;
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
      return await fn();
    } catch (err) {
      refused = isPermissionRefusal(err);
      log.warning(explainDeploymentError(err, step));
      return undefined;
    }
  }

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
      await attempt(`mark deployment ${id} in progress`, () =>
        port.setStatus(id, { state: 'in_progress', logUrl: target.logUrl, description: 'Deploying', autoInactive: false }),
      );
      return id;
    },

    async finish(id, target, outcome) {
      if (id === undefined) return;
      const status: DeploymentStatusUpdate = outcome.ok
        ? { state: 'success', logUrl: target.logUrl, environmentUrl: outcome.environmentUrl, autoInactive: true }
        : { state: 'failure', logUrl: target.logUrl, autoInactive: false };
      if (outcome.description !== undefined) status.description = clip(outcome.description);
      const done = await attempt(`mark deployment ${id} ${status.state}`, async () => {
        await port.setStatus(id, status);
        return true;
      });
      if (done) log.info(`GitHub deployment ${id}: ${status.state}${status.environmentUrl ? ` (${status.environmentUrl})` : ''}.`);
    },

    async deactivate(environment, logUrl) {
      const ids = await attempt(`list the deployments of '${environment}'`, () => port.listIds(environment));
      let marked = 0;
      for (const id of ids ?? []) {
        const done = await attempt(`mark deployment ${id} inactive`, async () => {
          await port.setStatus(id, { state: 'inactive', logUrl, description: 'Preview removed', autoInactive: false });
          return true;
        });
        if (done) marked++;
        if (refused) break;
      }
      if (ids !== undefined) {
        log.info(
          `Marked ${marked} of ${ids.length} GitHub deployment(s) of '${environment}' inactive; ` +
            'the environment itself is kept (the job token cannot delete environments).',
        );
      }
      return marked;
    },
  };
}

function clip(text: string): string {
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`;
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { status?: unknown })?.status;
  return typeof status === 'number' ? status : undefined;
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
    "(pull requests from forks never get it), or set 'github-deployment: false'. No further deployment calls are made."
  );
}
