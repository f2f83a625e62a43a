/**
 * PrComments adapter over @actions/github's Octokit (which honours GITHUB_API_URL, so tests and
 * GitHub Enterprise Server work unchanged). The marker is searched across every page of the PR's
 * issue comments, stopping at the first page that has it.
 */
import type { Config } from '../config';
import type { PrComments } from '../ports';
import { USER_AGENT } from '../aws/clients';
import { loadGitHub } from '../lazy';
import { wantsPrComment } from '../report/pr-comment';

/** The largest page GitHub serves: a PR with a long discussion takes the fewest requests. */
const PER_PAGE = 100;

/** undefined when there is nothing to comment on (not a PR, no prefix, pr-comment off, no token, no repository). */
export function createPrComments(config: Config): PrComments | undefined {
  const repository = config.run.repository;
  if (!wantsPrComment(config) || !config.githubToken || !repository) return undefined;
  // @actions/github reads GITHUB_API_URL once, when the module loads; read it when the adapter is
  // made instead, so whoever sets the variable later (a test, a wrapper) is honoured too.
  const baseUrl = process.env.GITHUB_API_URL || 'https://api.github.com';
  const token = config.githubToken;
  const { owner, repo } = repository;

  return {
    async upsert(prNumber, marker, text) {
      const octokit = (await loadGitHub()).getOctokit(token, { userAgent: USER_AGENT, baseUrl });
      // The marker is how the next run finds this comment: it must be in the body.
      const body = text.includes(marker) ? text : `${marker}\n${text}`;
      const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
        owner,
        repo,
        issue_number: prNumber,
        per_page: PER_PAGE,
      });
      for await (const page of pages) {
        const found = page.data.find((comment) => comment.body?.includes(marker));
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
