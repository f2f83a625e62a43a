/**
 * The prober (the HTTP(S) adapter) and runChecks, in process, against local servers: an HTTPS "edge"
 * with a certificate from a test CA made at setup (the CA handed to the prober), serving an
 * in-memory site with CloudFront's custom-error-response fallback (in variants), and a direct-S3
 * stand-in that answers 403 (private). The bundle's checks are tested in e2e/checks.test.ts.
 * No timed assertions: waits are bounded by check-timeout, never measured.
 */
import { jest } from '@jest/globals';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runChecks } from '../src/checks/run.js';
import { parseConfig } from '../src/config/parse.js';
import { createProber } from '../src/http/probe.js';
import type { InputName } from '../src/names.js';
import type { Prober } from '../src/ports.js';
import { createTestCa, memoryOrigin, startDirectS3, startEdge, type DirectS3, type Edge, type TestCa } from './fixtures/edge.js';

// Servers start in hooks (openssl makes the CA): generous limits (the machine may be busy).
jest.setTimeout(120_000);

const INDEX =
  '<!doctype html><html><head><title>Shop</title><script src="/assets/app.js"></script></head><body><div id="app"></div></body></html>';
const SITE_FILES = {
  'index.html': INDEX,
  'assets/app.js': 'console.log("app");\n',
  'robots.txt': 'User-agent: *\n',
};
const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

let ca: TestCa;
let edge: Edge;
let direct: DirectS3;

beforeAll(async () => {
  ca = createTestCa();
  edge = await startEdge({ origin: memoryOrigin(SITE_FILES), ca });
  direct = await startDirectS3({ origin: memoryOrigin(SITE_FILES), mode: 'private' });
});

afterAll(async () => {
  await edge?.close();
  await direct?.close();
  ca?.remove();
});

beforeEach(() => {
  edge.setVariant('working');
  edge.setCert('trusted');
  edge.requests.length = 0;
  edge.cached.clear();
});

/** A server on 127.0.0.1 answering every request with `handler`; closed after the test. */
async function withServer<T>(handler: http.RequestListener, fn: (url: string) => Promise<T>): Promise<T> {
  const server = http.createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    return await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('prober against the local edge', () => {
  let prober: Prober;

  beforeAll(() => {
    prober = createProber({ ca: ca.caPem, timeoutMs: 5_000 });
  });

  it('GETs over verified TLS, reporting status, content type, the first bytes, the MD5 of the body and the ETag', async () => {
    const res = await prober.get(`${edge.url}/`);
    expect(res).toEqual({
      status: 200,
      contentType: 'text/html; charset=utf-8',
      bodyStart: INDEX,
      bodyMd5: md5(INDEX),
      etag: `"${md5(INDEX)}"`,
    });
    expect((await prober.get(`${edge.localhostUrl}/robots.txt`)).status).toBe(200);
  });

  it('keeps only the first bytes of a long body, and still hashes all of it', async () => {
    const short = createProber({ ca: ca.caPem, maxBodyBytes: 15 });
    const res = await short.get(`${edge.url}/`);
    expect([res.bodyStart, res.bodyMd5]).toEqual([INDEX.slice(0, 15), md5(INDEX)]);
  });

  it('gives no MD5 for a body longer than it reads', async () => {
    const res = await createProber({ ca: ca.caPem, maxBodyBytes: 15, maxHashedBytes: 64 }).get(`${edge.url}/`);
    expect([res.status, res.bodyStart, res.bodyMd5]).toEqual([200, INDEX.slice(0, 15), undefined]);
  });

  it.each([
    ['untrusted', 'DEPTH_ZERO_SELF_SIGNED_CERT'],
    ['wrong-host', 'ERR_TLS_CERT_ALTNAME_INVALID'],
    ['expired', 'CERT_HAS_EXPIRED'],
  ] as const)('rejects a %s certificate with %s', async (cert, code) => {
    edge.setCert(cert);
    await expect(prober.get(`${edge.url}/`)).rejects.toMatchObject({ code });
  });

  it("verifies against Node's roots by default: the test CA is not trusted without NODE_EXTRA_CA_CERTS", async () => {
    await expect(createProber().get(`${edge.url}/`)).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('reports a redirect without following it', async () => {
    let hits = 0;
    await withServer(
      (_req, res) => {
        hits++;
        res.writeHead(301, { location: 'https://example.com/' }).end();
      },
      async (url) => {
        expect(await prober.get(`${url}/`)).toEqual({
          status: 301,
          contentType: '',
          bodyStart: '',
          location: 'https://example.com/',
          bodyMd5: md5(''),
        });
      },
    );
    expect(hits).toBe(1);
  });

  it('rejects with ECONNREFUSED on a closed port', async () => {
    await expect(prober.get(`https://127.0.0.1:${await closedPort()}/`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('rejects with ETIMEDOUT when nothing answers in time', async () => {
    const quick = createProber({ timeoutMs: 200 });
    await withServer(
      () => undefined, // never answers
      async (url) => {
        await expect(quick.get(`${url}/`)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
      },
    );
  });

  it('rejects an unresolvable host with a DNS error code', async () => {
    const err = await createProber({ timeoutMs: 5_000 })
      .get('https://no-such-host.invalid/')
      .catch((e: unknown) => e);
    expect((err as { code?: string }).code).toMatch(/^(ENOTFOUND|EAI_AGAIN|ETIMEDOUT)$/);
  });

  it('rejects with ECONNRESET when the connection drops mid-body', async () => {
    await withServer(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html', 'content-length': '100' });
        res.write('<html>');
        setTimeout(() => res.destroy(), 20);
      },
      async (url) => {
        await expect(createProber({ maxBodyBytes: 1024 }).get(`${url}/`)).rejects.toMatchObject({ code: 'ECONNRESET' });
      },
    );
  });
});

describe('runChecks with the real prober against the edge variants', () => {
  const config = (inputs: Partial<Record<InputName, string>>) => {
    const all: Partial<Record<InputName, string>> = {
      bucket: 'site',
      region: 'us-east-1',
      's3-check-url': direct.urlFor('index.html'),
      'check-timeout': '1',
      ...inputs,
    };
    return parseConfig((name) => all[name] ?? '', { GITHUB_RUN_ID: '77' }, {});
  };
  let prober: Prober;
  let stdoutSpy: jest.Spied<typeof process.stdout.write>;

  beforeAll(() => {
    prober = createProber({ ca: ca.caPem, timeoutMs: 5_000 });
  });
  beforeEach(() => {
    stdoutSpy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => stdoutSpy.mockRestore());

  const summary = (results: Awaited<ReturnType<typeof runChecks>>) => results.map((r) => [r.name, r.passed, r.got]);

  it('working edge, private bucket: everything passes, the auto route is one that cannot exist', async () => {
    const results = await runChecks(prober, config({}), edge.url);
    expect(summary(results)).toEqual([
      ['site-root', true, '200 text/html'],
      ['spa-route', true, '200 text/html'],
      ['s3-private', true, '403 application/xml'],
      // The bucket refuses the state to the edge, and the custom error response answers index.html.
      ['state-private', true, '200 text/html'],
    ]);
    expect(edge.requests.map((r) => r.path)).toEqual(
      expect.arrayContaining(['/', expect.stringMatching(/^\/__deploy-check-77\/[0-9a-f]{12}$/)]),
    );
  });

  it('no fallback: the route fails with the custom-error-response diagnosis', async () => {
    edge.setVariant('no-fallback');
    const [root, route] = await runChecks(prober, config({}), edge.url);
    expect(root?.passed).toBe(true);
    expect(route).toMatchObject({ passed: false, got: '403 application/xml', diagnosis: expect.stringMatching(/SPA fallback is missing/) });
  });

  it('slow edge: converges within check-timeout', async () => {
    edge.setVariant('slow', { failures: 3, status: 403 });
    const results = await runChecks(prober, config({ 'check-timeout': '30', 's3-check-url': 'none' }), edge.url);
    expect(summary(results)).toEqual([
      ['site-root', true, '200 text/html'],
      ['spa-route', true, '200 text/html'],
      ['state-private', true, '403 application/xml'],
    ]);
    expect(edge.requests.filter((r) => r.status !== 200)).toHaveLength(3);
  });
});
