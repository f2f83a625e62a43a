/** What the workflow run is about: the event, the pull request, the run ids (from GITHUB_* variables and the event file). */
import { readFileSync } from 'node:fs';

export type Env = Record<string, string | undefined>;

/** What the workflow run is about (from GITHUB_* variables and the event file). */
export interface RunContext {
  eventName: string;
  /** `action` of the event payload, e.g. `closed` for a pull_request. */
  eventAction?: string;
  prNumber?: number;
  /** Head commit of the pull request, else GITHUB_SHA. */
  sha: string;
  repository: { owner: string; repo: string } | undefined;
  runId: string;
  runAttempt: string;
  /** GITHUB_SERVER_URL without a trailing slash, e.g. https://github.com. */
  serverUrl: string;
  /** Whether the PR comes from a fork (no OIDC token, read-only token). */
  fromFork: boolean;
}

/** A pull_request or pull_request_target event: the events a preview deploy runs on. */
export function isPullRequestEvent(eventName: string): boolean {
  return eventName === 'pull_request' || eventName === 'pull_request_target';
}

/** Whether this run is a preview that gets a comment: a pull_request event with a prefix and pr-comment on. */
export function wantsPrComment(config: { prefix: string; prComment: boolean; mode: string; run: RunContext }): boolean {
  // An audit deploys nothing: a comment would report a preview this run did not make.
  const deploys = config.mode !== 'audit';
  return (
    deploys && isPullRequestEvent(config.run.eventName) && config.prefix !== '' && config.prComment && config.run.prNumber !== undefined
  );
}

export function autoMode(run: RunContext): 'deploy' | 'remove' {
  return isPullRequestEvent(run.eventName) && run.eventAction === 'closed' ? 'remove' : 'deploy';
}

export function parseRunContext(env: Env, event: unknown): RunContext {
  const payload = (event ?? {}) as {
    action?: unknown;
    number?: unknown;
    pull_request?: {
      number?: unknown;
      head?: { sha?: unknown; repo?: { full_name?: unknown } };
      base?: { repo?: { full_name?: unknown } };
    };
  };
  const pr = payload.pull_request;
  const prNumber = typeof pr?.number === 'number' ? pr.number : typeof payload.number === 'number' ? payload.number : undefined;
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const headRepo = pr?.head?.repo?.full_name;
  const baseRepo = pr?.base?.repo?.full_name;
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    eventAction: typeof payload.action === 'string' ? payload.action : undefined,
    prNumber,
    sha: typeof pr?.head?.sha === 'string' ? pr.head.sha : (env.GITHUB_SHA ?? ''),
    repository: owner && repo ? { owner, repo } : undefined,
    runId: env.GITHUB_RUN_ID ?? 'local',
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    serverUrl: (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, ''),
    fromFork: typeof headRepo === 'string' && typeof baseRepo === 'string' && headRepo !== baseRepo,
  };
}

/** The run's page on GitHub (a deployment's log link); undefined without a repository. */
export function runPageUrl(run: RunContext): string | undefined {
  const { repository } = run;
  return repository && `${run.serverUrl}/${repository.owner}/${repository.repo}/actions/runs/${run.runId}`;
}

/** The page listing an environment's deployments; undefined without a repository. */
export function environmentPageUrl(run: RunContext, environment: string): string | undefined {
  const { repository } = run;
  return repository && `${run.serverUrl}/${repository.owner}/${repository.repo}/deployments/${encodeURIComponent(environment)}`;
}

/** The event payload (GITHUB_EVENT_PATH); {} when there is none or it is unreadable. */
export function readEvent(eventPath: string | undefined): unknown {
  if (!eventPath) return {};
  try {
    return JSON.parse(readFileSync(eventPath, 'utf8')) as unknown;
  } catch {
    return {};
  }
}
