/**
 * A bucket named like a site (`www.example.com`) behind a custom endpoint (AWS_ENDPOINT_URL_S3), run
 * from the bundle: the action's own S3 requests go path-style (the SDK would otherwise send them to
 * `www.example.com.127.0.0.1`), and the default s3-check-url is built on the endpoint, path-style, so
 * the private-bucket check runs for real against the local S3, which refuses anonymous reads with 403
 * as a private bucket does (signed requests still work).
 */
import { jest } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTestCa, s3Origin, startEdge, type Edge, type TestCa } from '../fixtures/edge.js';
import { makeSite, runAction } from '../fixtures/run-action.js';
import { startS3, type S3Fixture } from '../fixtures/s3-server.js';

jest.setTimeout(240_000);

const BUCKET = 'www.example.com';
const SITE = { 'index.html': '<!doctype html><title>www</title>', 'assets/app.js': 'console.log(1);\n' };

let ca: TestCa;
let s3: S3Fixture;
let edge: Edge;
let workspace: string;

beforeAll(async () => {
  ca = createTestCa();
  s3 = await startS3({ buckets: [BUCKET] });
  edge = await startEdge({ origin: s3Origin(s3, BUCKET), ca });
  workspace = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'dotted-'));
  await makeSite(path.join(workspace, 'build'), SITE);
});
afterAll(async () => {
  await edge?.close();
  await s3?.stop();
  ca?.remove();
  if (workspace) await fs.promises.rm(workspace, { recursive: true, force: true });
});

test('a dotted bucket deploys path-style and passes the default direct-S3 check through the local endpoint', async () => {
  const run = await runAction({
    workspace,
    endpoint: s3.endpoint,
    inputs: { bucket: BUCKET, 'site-url': edge.url, 'check-routes': 'none', 'check-timeout': '10' },
    env: { NODE_EXTRA_CA_CERTS: ca.caFile },
  });

  expect([run.code, run.stderr]).toEqual([0, '']);
  const checkUrl = `${s3.endpoint}/${BUCKET}/index.html`;
  expect(run.stdout).toMatch(new RegExp(`^✓ s3-private ${checkUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 403`, 'm'));
  expect(run.outputs.checks).toBe('passed');
  // Every request the action signed went to the endpoint's host, the bucket in the path.
  const signed = s3.requests.filter((r) => r.headers.authorization);
  expect(signed.length).toBeGreaterThan(0);
  expect(signed.filter((r) => r.headers.host !== new URL(s3.endpoint).host || !r.path.startsWith(`/${BUCKET}`))).toEqual([]);
  // The check's GET was the one anonymous request, refused as by a private bucket.
  expect(s3.requests.filter((r) => !r.headers.authorization).map((r) => [r.method, r.path, r.status])).toEqual([
    ['GET', `/${BUCKET}/index.html`, 403],
  ]);
  expect(await s3.listKeys(BUCKET)).toEqual(['.deploy-state.json', 'assets/app.js', 'index.html']);
});
