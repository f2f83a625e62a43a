/**
 * The preview comment on GitHub: created on the first run, edited in place on every later run (found
 * by a hidden marker), rewritten to "preview removed" when the PR closes. `updatePrComment` never
 * throws: a comment is not worth failing a deploy that already happened, so every failure to
 * comment is a warning. The PrComments adapter goes over @actions/github's Octokit (which honours
 * GITHUB_API_URL, so tests and GitHub Enterprise Server work unchanged); the marker is searched
 * across every page of the PR's issue comments, stopping at the first page that has it. Only a comment
 * written by the token's own identity counts: the marker is plain text anyone can paste, and editing
 * someone else's comment (or failing to) is not ours to do.
 */
import * as core from '@actions/core';
import { wantsPrComment } from '../config/context.js';
import type { Config } from '../config/parse.js';
import { Inputs } from '../names.js';
import type { PrComments, PreviewComment, Sleep } from '../ports.js';
import { describeError, withRetry } from '../retry.js';
import type { DeployResult } from '../types.js';
import { isRetryableGithubError, octokitFor, statusOf, type Octokit } from './octokit.js';

/** The largest page GitHub serves: a PR with a long discussion takes the fewest requests. */
const PER_PAGE = 100;

/** Who writes comments with the job's GITHUB_TOKEN (an installation token of the GitHub Actions app). */
export const JOB_TOKEN_LOGIN = 'github-actions[bot]';

/** undefined when there is nothing to comment on (not a PR, no prefix, pr-comment off, no token, no repository). */
export function createPrComments(config: Config): PrComments | undefined {
  const repository = config.run.repository;
  if (!wantsPrComment(config) || !config.githubToken || !repository) return undefined;
  const token = config.githubToken;
  const { owner, repo } = repository;

  return {
    async upsert(prNumber, marker, text) {
      const octokit = await octokitFor(token);
      // The marker is how the next run finds this comment: it must be in the body.
      const body = text.includes(marker) ? text : `${marker}\n${text}`;
      const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
        owner,
        repo,
        issue_number: prNumber,
        per_page: PER_PAGE,
      });
      // Asked only once a comment with the marker turns up: most runs never need it.
      let identity: Promise<string> | undefined;
      for await (const page of pages) {
        const candidates = page.data.filter((comment) => comment.body?.includes(marker));
        if (candidates.length === 0) continue;
        const login = await (identity ??= tokenLogin(octokit));
        const found = candidates.find((comment) => comment.user?.login === login);
        if (found) {
          // Leaving the loop ends the iterator: later pages are never requested.
          await octokit.rest.issues.updateComment({ owner, repo, comment_id: found.id, body });
          return { id: found.id, created: false };
        }
      }
      const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: prNumber, body });
      return { id: data.id, created: true };
    },
  };
}

/**
 * The login comments made with this token carry. `GET /user` answers it for a user's token; GitHub
 * refuses it (403) to the job's GITHUB_TOKEN, whose comments are written by github-actions[bot].
 */
async function tokenLogin(octokit: Octokit): Promise<string> {
  try {
    return (await octokit.rest.users.getAuthenticated()).data.login;
  } catch (err) {
    if (statusOf(err) === 403 || statusOf(err) === 404) return JOB_TOKEN_LOGIN;
    throw err;
  }
}

export interface PrCommentDeps {
  info: (message: string) => void;
  warning: (message: string) => void;
  /** Backoff between attempts on 5xx/429/dropped connections; injected so tests run instantly. */
  sleep?: Sleep;
}

/**
 * Keep one comment on the PR for preview deploys; a token without write access only warns. The
 * text comes from `render` (report/comment-body.ts), called only when a comment is due.
 */
export async function updatePrComment(
  comments: PrComments | undefined,
  config: Config,
  result: DeployResult,
  render: (result: DeployResult, config: Config) => PreviewComment,
  log: PrCommentDeps = core,
): Promise<void> {
  try {
    const prNumber = config.run.prNumber;
    if (!wantsPrComment(config) || prNumber === undefined) return;
    if (result.dryRun) {
      log.info('Dry run: the pull-request comment is left as it is.');
      return;
    }
    if (!comments) {
      log.info(`No pull-request comment: '${Inputs.GithubToken}' is empty or the repository is unknown.`);
      return;
    }
    const { marker, body } = render(result, config);
    const { id, created } = await withRetry(() => comments.upsert(prNumber, marker, body), {
      label: 'PR comment',
      isRetryable: isRetryableGithubError,
      maxAttempts: 3,
      baseDelayMs: 1000,
      onRetry: log.info,
      sleep: log.sleep,
    });
    log.info(`${created ? 'Created' : 'Updated'} the preview comment on pull request #${prNumber} (comment ${id}).`);
  } catch (err) {
    log.warning(explainCommentError(err, config));
  }
}

export function explainCommentError(err: unknown, config: Config): string {
  const status = statusOf(err);
  const pr = config.run.prNumber === undefined ? 'the pull request' : `pull request #${config.run.prNumber}`;
  const raw = (err as { message?: unknown })?.message;
  const detail = status !== undefined ? `HTTP ${status}: ${typeof raw === 'string' ? raw : ''}` : describeError(err);
  const base = `Could not update the preview comment on ${pr} (${detail}); the deploy itself is not affected.`;
  if (status === 403 || status === 404) {
    const fork = config.run.fromFork ? ' Pull requests from forks always get a read-only token.' : '';
    return (
      `${base} The token cannot write comments.${fork} Give the job 'permissions: pull-requests: write', ` +
      `or set '${Inputs.PrComment}: false'.`
    );
  }
  return base;
}
