/**
 * The preview comment belongs to the token's own identity: the PrComments adapter (real Octokit)
 * against the local GitHub API, which refuses `GET /user` to the job token as GitHub does. A comment
 * by anyone else that carries our marker is never edited; ours is found and edited in place.
 */
import { parseConfig } from '../src/config/parse.js';
import { createPrComments } from '../src/github/comment.js';
import type { PrComments } from '../src/ports.js';
import { startFakeGithub, type FakeGithub } from './fixtures/fake-github.js';

const MARKER = '<!-- s3-cloudfront-deploy: site-bucket/pr-7/ -->';

let gh: FakeGithub;
const savedApiUrl = process.env.GITHUB_API_URL;

beforeEach(async () => {
  gh = await startFakeGithub({ owner: 'octo-org', repo: 'site' });
  process.env.GITHUB_API_URL = gh.url;
});
afterEach(() => gh.close());
afterAll(() => {
  if (savedApiUrl === undefined) delete process.env.GITHUB_API_URL;
  else process.env.GITHUB_API_URL = savedApiUrl;
});

function adapter(): PrComments {
  const inputs: Record<string, string> = { bucket: 'site-bucket', region: 'us-east-1', prefix: 'pr-7', 'github-token': gh.token };
  const event = { action: 'synchronize', number: 7, pull_request: { number: 7, head: { sha: 'a'.repeat(40) } } };
  const config = parseConfig(
    (name) => inputs[name] ?? '',
    { GITHUB_REPOSITORY: 'octo-org/site', GITHUB_EVENT_NAME: 'pull_request' },
    event,
  );
  return createPrComments(config)!;
}

test("someone else's comment with our marker is left alone: ours is created beside it, then edited in place", async () => {
  const [foreign] = gh.seed(7, [`${MARKER}\nI pasted the marker`], 'octocat');
  const first = await adapter().upsert(7, MARKER, `${MARKER}\nrun 1`);
  expect(first.created).toBe(true);
  const second = await adapter().upsert(7, MARKER, `${MARKER}\nrun 2`);
  expect(second).toEqual({ id: first.id, created: false });

  expect(foreign!.body).toBe(`${MARKER}\nI pasted the marker`);
  expect(gh.commentsOn(7).map((c) => [c.user.login, c.body])).toEqual([
    ['octocat', `${MARKER}\nI pasted the marker`],
    ['github-actions[bot]', `${MARKER}\nrun 2`],
  ]);
  // GET /user was asked (and refused, as for any GITHUB_TOKEN) only once a marker comment turned up.
  expect(gh.requests.filter((r) => r.path === '/user').map((r) => r.method)).toEqual(['GET', 'GET']);
  expect(gh.requests.filter((r) => r.method === 'PATCH').map((r) => r.path)).toEqual([`/repos/octo-org/site/issues/comments/${first.id}`]);
});

test('no comment with the marker: created without asking who the token is', async () => {
  gh.seed(7, ['LGTM'], 'octocat');
  await adapter().upsert(7, MARKER, `${MARKER}\nrun 1`);
  expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
    'GET /repos/octo-org/site/issues/7/comments',
    'POST /repos/octo-org/site/issues/7/comments',
  ]);
});

test("a user's token (GET /user answers): that user's comment is ours, the bot's is not", async () => {
  gh.tokenLogin = 'deploy-bot-user';
  const [bots] = gh.seed(7, [`${MARKER}\nwritten with the job token`], 'github-actions[bot]');
  const [mine] = gh.seed(7, [`${MARKER}\nwritten with this token`], 'deploy-bot-user');
  const result = await adapter().upsert(7, MARKER, `${MARKER}\nupdated`);
  expect(result).toEqual({ id: mine!.id, created: false });
  expect(mine!.body).toBe(`${MARKER}\nupdated`);
  expect(bots!.body).toBe(`${MARKER}\nwritten with the job token`);
});
