/** The one way the GitHub adapters get an Octokit, and how they read its errors (status, worth a retry). */
import { USER_AGENT } from '../names.js';
import { loadGitHub } from './load-sdk.js';

export type Octokit = ReturnType<Awaited<ReturnType<typeof loadGitHub>>['getOctokit']>;

/**
 * An Octokit for `token`. @actions/github reads GITHUB_API_URL once, when the module loads; it is
 * read here, at each call, so whoever sets the variable later (a test, a wrapper) is honoured too.
 */
export async function octokitFor(token: string): Promise<Octokit> {
  const baseUrl = process.env.GITHUB_API_URL || 'https://api.github.com';
  return (await loadGitHub()).getOctokit(token, { userAgent: USER_AGENT, baseUrl });
}

/** The HTTP status of an Octokit RequestError; undefined for network errors. */
export function statusOf(err: unknown): number | undefined {
  const status = (err as { status?: unknown })?.status;
  return typeof status === 'number' ? status : undefined;
}

/** 5xx, 429 and dropped connections are worth another try; other answers are not. */
export function isRetryableGithubError(err: unknown): boolean {
  const status = statusOf(err);
  if (status !== undefined) return status >= 500 || status === 429;
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE'].includes(code);
}
