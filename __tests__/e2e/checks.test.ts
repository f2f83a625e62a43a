/**
 * Post-deploy checks against local servers: an HTTPS "edge" with a certificate from a test CA made
 * at setup, serving the bucket from s3rver with CloudFront's custom-error-response fallback (in
 * variants), and a direct-S3 stand-in that answers 403 (private) or serves the object (public).
 *
 The bundled action (ACTION_DIST, default dist/index.js) deploys a site and checks it, trusting the
 * CA through NODE_EXTRA_CA_CERTS: each failure mode fails the job with its diagnosis, the working
 * pipeline passes. (The prober and runChecks in process: probe.test.ts.)
 * No timed assertions: waits are bounded by check-timeout, never measured.
 */
import { jest } from '@jest/globals';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTestCa, s3Origin, startDirectS3, startEdge, type DirectS3, type Edge, type TestCa } from '../fixtures/edge.js';
import { makeSite, runAction, type ActionRun } from '../fixtures/run-action.js';
import { startS3, type S3Fixture } from '../fixtures/s3-server.js';

// Servers start in hooks and the action runs as a child process: generous limits (the machine may be busy).
jest.setTimeout(240_000);

const BUCKET = 'site';
const INDEX =
  '<!doctype html><html><head><title>Shop</title><script src="/assets/app.js"></script></head><body><div id="app"></div></body></html>';
const md5 = (text: string): string => createHash('md5').update(text).digest('hex');
const SITE_FILES = {
  'index.html': INDEX,
  'assets/app.js': 'console.log("app");\n',
  'robots.txt': 'User-agent: *\n',
};

let ca: TestCa;
let s3: S3Fixture;
let edge: Edge;
let direct: DirectS3;
let tmp: string;

beforeAll(async () => {
  ca = createTestCa();
  s3 = await startS3({ buckets: [BUCKET] });
  edge = await startEdge({ origin: s3Origin(s3, BUCKET), ca });
  direct = await startDirectS3({ origin: s3Origin(s3, BUCKET), mode: 'private' });
  tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'checks-e2e-'));
});

afterAll(async () => {
  await edge?.close();
  await direct?.close();
  await s3?.stop();
  ca?.remove();
  if (tmp) await fs.promises.rm(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  edge.setVariant('working');
  edge.setCert('trusted');
  edge.requests.length = 0;
  direct.mode = 'private';
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// ---------------------------------------------------------------------------
// The bundled action

describe('the action fails the job when the pipeline is wrong, and says why', () => {
  let workspace: string;

  beforeAll(async () => {
    workspace = path.join(tmp, 'workspace');
    await makeSite(path.join(workspace, 'build'), SITE_FILES);
  });

  async function deploy(inputs: Record<string, string> = {}, env: Record<string, string | undefined> = {}): Promise<ActionRun> {
    const run = await runAction({
      endpoint: s3.endpoint,
      workspace,
      inputs: {
        bucket: BUCKET,
        'source-dir': 'build',
        'site-url': edge.url,
        's3-check-url': direct.urlFor('index.html'),
        'check-timeout': '2',
        ...inputs,
      },
      env: { NODE_EXTRA_CA_CERTS: ca.caFile, ...env },
      // Bounded by check-timeout; the rest is node starting the bundle, which a busy machine slows down.
      timeoutMs: 200_000,
    });
    if (run.code !== 0 && run.code !== 1) throw new Error(`action crashed (${run.code}):\n${run.stdout}\n${run.stderr}`);
    return run;
  }

  /** What the job shows a person: the summary (the table) and the log. */
  const shown = (run: ActionRun) => `${run.summary}\n${run.stdout}`;

  it('working pipeline: passes, and the summary shows each check with its URL and what it got', async () => {
    const run = await deploy();
    expect({ code: run.code, checks: run.outputs.checks }).toEqual({ code: 0, checks: 'passed' });
    expect(run.summary).toContain(`${edge.url}/`);
    expect(run.summary).toContain(direct.urlFor('index.html'));
    expect(run.summary).toMatch(/__deploy-check-4242\//);
    expect(run.summary).toContain('200 text/html');
    expect(run.summary).toContain('403');
    // What the edge served at the root is the index document deployed (its bytes' MD5), and the check said so.
    expect(edge.requests.filter((r) => r.path === '/').map((r) => [r.status, r.bodyMd5])).toEqual([[200, md5(INDEX)]]);
    expect(run.summary).toContain("200 text/html, this deploy's index document");
  });

  it('no fallback: deep route 403 → no custom error response (S3 website hosting does not count)', async () => {
    edge.setVariant('no-fallback');
    const run = await deploy();
    expect({ code: run.code, checks: run.outputs.checks }).toEqual({ code: 1, checks: 'failed' });
    expect(run.summary).toMatch(/SPA fallback is missing/);
    expect(run.summary).toMatch(/S3 static website hosting does not count/);
  });

  it('deny-all: the site root 403 → the bucket policy does not trust the distribution, or OAC is not attached', async () => {
    edge.setVariant('deny-all');
    const run = await deploy();
    expect({ code: run.code, checks: run.outputs.checks }).toEqual({ code: 1, checks: 'failed' });
    expect(run.summary).toMatch(/bucket policy does not trust the distribution/);
    expect(run.summary).toMatch(/AWS:SourceArn/);
    expect(run.summary).toMatch(/Origin Access Control is not attached/);
  });

  it('wrong type: the fallback answers 200 without HTML → fails naming the content type', async () => {
    edge.setVariant('wrong-type');
    const run = await deploy();
    expect({ code: run.code, checks: run.outputs.checks }).toEqual({ code: 1, checks: 'failed' });
    expect(run.summary).toContain('200 application/xml');
    expect(run.summary).toMatch(/not HTML/);
  });

  it('public bucket: the direct S3 URL answers 200 → the bucket is still public', async () => {
    direct.mode = 'public';
    const run = await deploy();
    expect({ code: run.code, checks: run.outputs.checks }).toEqual({ code: 1, checks: 'failed' });
    expect(run.summary).toMatch(/bucket is still public/);
    expect(run.summary).toMatch(/Block Public Access/);
  });

  it('untrusted certificate: fails with the TLS error code', async () => {
    edge.setCert('untrusted');
    const run = await deploy({ 's3-check-url': 'none' });
    expect({ code: run.code, checks: run.outputs.checks }).toEqual({ code: 1, checks: 'failed' });
    expect(run.summary).toContain('TLS error DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(run.summary).toMatch(/certificate chain or host name problem/);
  });

  it('TLS is verified: the test CA is not trusted unless the runner trusts it', async () => {
    const run = await deploy({ 'check-routes': 'none', 's3-check-url': 'none' }, { NODE_EXTRA_CA_CERTS: undefined });
    expect({ code: run.code, checks: run.outputs.checks }).toEqual({ code: 1, checks: 'failed' });
    expect(run.summary).toContain('TLS error UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('unreachable site: connection refused → the URL is wrong or the distribution is not deployed', async () => {
    const run = await deploy({ 'site-url': `https://127.0.0.1:${await closedPort()}`, 's3-check-url': 'none' });
    expect({ code: run.code, checks: run.outputs.checks }).toEqual({ code: 1, checks: 'failed' });
    expect(run.summary).toContain('connection refused');
    expect(run.summary).toMatch(/the URL is wrong or the distribution is not deployed/);
  });

  it('slow edge: the first attempts fail, the checks pass within check-timeout', async () => {
    edge.setVariant('slow', { failures: 4, status: 503 });
    const run = await deploy({ 'check-timeout': '30' });
    expect({ code: run.code, checks: run.outputs.checks }).toEqual({ code: 0, checks: 'passed' });
    expect(edge.requests.filter((r) => r.status === 503)).toHaveLength(4);
    expect(run.stdout).toMatch(/retrying in/);
  });

  it('without site-url (and no distribution-id) only the S3 check runs', async () => {
    edge.setVariant('deny-all');
    const before = direct.requests.length;
    const run = await deploy({ 'site-url': '' });
    expect({ code: run.code, checks: run.outputs.checks }).toEqual({ code: 0, checks: 'passed' });
    expect(edge.requests).toEqual([]);
    expect(direct.requests.length).toBe(before + 1);
    expect(run.summary).toContain(direct.urlFor('index.html'));
    expect(run.stdout).toMatch(/Check site-root skipped: no site-url/);
  });

  it('checks: false skips them all', async () => {
    edge.setVariant('deny-all');
    direct.mode = 'public';
    const before = direct.requests.length;
    const run = await deploy({ checks: 'false' });
    expect({ code: run.code, checks: run.outputs.checks }).toEqual({ code: 0, checks: 'skipped' });
    expect(edge.requests).toEqual([]);
    expect(direct.requests.length).toBe(before);
    expect(shown(run)).not.toMatch(/bucket policy does not trust|still public/);
  });

  it('check-routes: none and s3-check-url: none skip those parts; the root is still checked', async () => {
    edge.setVariant('no-fallback');
    direct.mode = 'public';
    const before = direct.requests.length;
    const run = await deploy({ 'check-routes': 'none', 's3-check-url': 'none' });
    expect({ code: run.code, checks: run.outputs.checks }).toEqual({ code: 0, checks: 'passed' });
    expect(edge.requests.map((r) => r.path).sort()).toEqual(['/', '/.deploy-state.json']);
    expect(direct.requests.length).toBe(before);
  });

  it('a deploy state the edge serves is a warning, never a failure', async () => {
    const leaky = await startEdge({ origin: s3Origin(s3, BUCKET), ca, servesDeployState: true });
    try {
      const run = await deploy({ 'site-url': leaky.url });
      expect({ code: run.code, checks: run.outputs.checks }).toEqual({ code: 0, checks: 'passed' });
      expect(run.stdout).toMatch(
        /::warning::state-private .*\/\.deploy-state\.json: 200 application\/json .*Deny it to CloudFront in the bucket policy/,
      );
      expect(run.summary).toMatch(/\| state-private \| .* \| ⚠️ warning: The deploy state is served to anyone/);
    } finally {
      await leaky.close();
    }
  });
});
