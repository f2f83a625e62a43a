/**
 * The post-deploy checks: each failure mode → its verdict and plain-words diagnosis (pure), which
 * checks run with which URLs, and the retry loop under a fake clock (no real waiting).
 */
import { jest } from '@jest/globals';
import { classifyError, toProbeError, type ProbeOutcome } from '../src/checks/diagnoses.js';
import { autoRoute, planChecks } from '../src/checks/plan.js';
import { checkDelay, CHECK_MAX_DELAY_MS, runChecks } from '../src/checks/run.js';
import {
  describeOutcome,
  judgeS3Private,
  judgeSiteRoot,
  judgeSpaRoute,
  judgeStatePrivate,
  refineDiagnoses,
} from '../src/checks/verdicts.js';
import { parseConfig, type Config } from '../src/config/parse.js';
import { checksOutcome } from '../src/report/report.js';
import type { InputName } from '../src/names.js';
import type { ProbeResponse, Prober } from '../src/ports.js';

const SITE = 'https://d111111abcdef8.cloudfront.net';
const S3_URL = 'https://site-bucket.s3.eu-west-1.amazonaws.com/index.html';
const STATE_URL = `${SITE}/.deploy-state.json`;

function config(inputs: Partial<Record<InputName, string>> = {}, env: Record<string, string> = {}): Config {
  const all: Partial<Record<InputName, string>> = { bucket: 'site-bucket', region: 'eu-west-1', ...inputs };
  return parseConfig((name) => all[name] ?? '', { GITHUB_RUN_ID: '4242', ...env }, {});
}

const ok = (status: number, contentType = '', bodyStart = '', location?: string): ProbeOutcome => ({
  response: { status, contentType, bodyStart, ...(location ? { location } : {}) },
});
const fail = (code: string, message = code): ProbeOutcome => ({ error: { code, message } });

const HTML = 'text/html; charset=utf-8';
const ACCESS_DENIED = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>';

let stdoutSpy: jest.Spied<typeof process.stdout.write>;
beforeEach(() => {
  // @actions/core logs to stdout; keep the test output readable.
  stdoutSpy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => stdoutSpy.mockRestore());

describe('site root verdict', () => {
  it('passes on 200 over https', () => {
    const r = judgeSiteRoot(`${SITE}/`, ok(200, HTML));
    expect(r).toEqual({ name: 'site-root', url: `${SITE}/`, expected: '200 over HTTPS', got: '200 text/html', passed: true });
  });

  it('fails on 403 for an existing file, naming the bucket policy principal, AWS:SourceArn and OAC', () => {
    const r = judgeSiteRoot(`${SITE}/pr-42/index.html`, ok(403, 'application/xml', ACCESS_DENIED));
    expect(r.passed).toBe(false);
    expect(r.got).toBe('403 application/xml');
    expect(r.diagnosis).toMatch(/bucket policy does not trust the distribution/);
    expect(r.diagnosis).toMatch(/cloudfront\.amazonaws\.com/);
    expect(r.diagnosis).toMatch(/AWS:SourceArn/);
    expect(r.diagnosis).toMatch(/Origin Access Control is not attached/);
    expect(r.diagnosis).not.toMatch(/Default root object/);
  });

  it('names the real distribution and bucket when it knows them', () => {
    const ctx = { bucket: 'site-bucket', region: 'eu-west-1', distributionId: 'E1ABCDEF2GHIJK' };
    expect(judgeSiteRoot(`${SITE}/`, ok(403), ctx).diagnosis).toContain('arn:aws:cloudfront::ACCOUNT_ID:distribution/E1ABCDEF2GHIJK');
    expect(judgeSiteRoot(`${SITE}/`, ok(502), ctx).diagnosis).toContain('site-bucket.s3.eu-west-1.amazonaws.com');
    expect(judgeSiteRoot(`${SITE}/`, ok(502)).diagnosis).toContain('BUCKET.s3.REGION.amazonaws.com');
  });

  it("mentions the Default root object when '/' answers 403", () => {
    expect(judgeSiteRoot(`${SITE}/`, ok(403)).diagnosis).toMatch(/Default root object/);
  });

  it('fails a plain-http site-url even on 200: nothing proves valid TLS', () => {
    const r = judgeSiteRoot('http://127.0.0.1:8080/', ok(200, HTML));
    expect(r.passed).toBe(false);
    expect(r.got).toBe('200 text/html over plain http');
    expect(r.diagnosis).toMatch(/plain http:\/\/.*https:\/\//);
  });

  it.each([
    ['CERT_HAS_EXPIRED', /has expired/],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', /does not lead to a trusted certificate authority/],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', /does not lead to a trusted certificate authority/],
    ['ERR_TLS_CERT_ALTNAME_INVALID', /does not cover this host name/],
  ])('fails a TLS error %s as a certificate chain / hostname problem, with the code', (code, cause) => {
    const r = judgeSiteRoot(`${SITE}/`, fail(code));
    expect(r.passed).toBe(false);
    expect(r.got).toBe(`TLS error ${code}`);
    expect(r.diagnosis).toContain(code);
    expect(r.diagnosis).toMatch(/certificate chain or host name problem/);
    expect(r.diagnosis).toMatch(cause);
  });

  it.each([
    ['ENOTFOUND', 'DNS lookup failed (ENOTFOUND)'],
    ['EAI_AGAIN', 'DNS lookup failed (EAI_AGAIN)'],
    ['ECONNREFUSED', 'connection refused'],
    ['EHOSTUNREACH', 'host unreachable (EHOSTUNREACH)'],
  ])('fails %s as a wrong URL or an undeployed distribution', (code, got) => {
    const r = judgeSiteRoot(`${SITE}/`, fail(code));
    expect(r.got).toBe(got);
    expect(r.diagnosis).toMatch(/the URL is wrong or the distribution is not deployed/);
  });

  it('fails a timeout, suggesting a longer check-timeout', () => {
    const r = judgeSiteRoot(`${SITE}/`, fail('ETIMEDOUT'));
    expect(r.got).toBe('timed out');
    expect(r.diagnosis).toMatch(/check-timeout/);
  });

  it('reports a redirect with its target and does not pass it', () => {
    const r = judgeSiteRoot('http://example.com/', ok(301, '', '', 'https://example.com/'));
    expect(r.passed).toBe(false);
    expect(r.got).toBe('301 → https://example.com/ over plain http');
    expect(r.diagnosis).toMatch(/use the https:\/\/ address/);
  });

  it('explains a redirect to the S3 regional endpoint (new bucket, global origin domain)', () => {
    const r = judgeSiteRoot(`${SITE}/`, ok(307, 'application/xml', '', 'https://site-bucket.s3-eu-west-1.amazonaws.com/index.html'));
    expect(r.diagnosis).toMatch(/regional REST endpoint/);
  });

  it('explains a 502 as the edge not reaching the origin', () => {
    expect(judgeSiteRoot(`${SITE}/`, ok(502, 'text/html')).diagnosis).toMatch(/could not get the site root from the origin/);
  });
});

describe('SPA route verdict', () => {
  const url = `${SITE}/__deploy-check-1/abc`;

  it.each([HTML, 'text/html', 'TEXT/HTML;charset=UTF-8'])('passes on 200 with %s', (type) => {
    expect(judgeSpaRoute(url, ok(200, type, '<!doctype html>')).passed).toBe(true);
  });

  it.each([403, 404])('fails %i: no custom error response; S3 website hosting does not count; API caveat', (status) => {
    const r = judgeSpaRoute(url, ok(status, 'application/xml', ACCESS_DENIED));
    expect(r.passed).toBe(false);
    expect(r.got).toBe(`${status} application/xml`);
    expect(r.diagnosis).toMatch(/SPA fallback is missing/);
    expect(r.diagnosis).toMatch(/custom error responses that map 403 .* and 404 to the response page \/index\.html with response code 200/);
    expect(r.diagnosis).toMatch(/S3 static website hosting does not count/);
    expect(r.diagnosis).toMatch(/also rewrite 403\/404 errors of an API/);
  });

  it('fails 200 without HTML, quoting the start of the body', () => {
    const r = judgeSpaRoute(url, ok(200, 'application/xml', ACCESS_DENIED));
    expect(r.passed).toBe(false);
    expect(r.got).toBe('200 application/xml');
    expect(r.diagnosis).toMatch(/200 but with Content-Type application\/xml, not HTML/);
    expect(r.diagnosis).toMatch(/Response page path must be \/index\.html/);
    expect(r.diagnosis).toContain('<Code>AccessDenied</Code>');
  });

  it('fails 200 with no Content-Type at all', () => {
    expect(judgeSpaRoute(url, ok(200, '', '')).diagnosis).toMatch(/no Content-Type/);
  });

  it('fails TLS and DNS errors with the same diagnoses as the root', () => {
    expect(judgeSpaRoute(url, fail('SELF_SIGNED_CERT_IN_CHAIN')).diagnosis).toMatch(/certificate chain or host name problem/);
    expect(judgeSpaRoute(url, fail('ENOTFOUND')).diagnosis).toMatch(/the URL is wrong or the distribution is not deployed/);
  });
});

describe('deploy state verdict (warns, never fails)', () => {
  const STATE_BODY = '{"format":"s3-cloudfront-deploy-action/deploy-state","version":1,"nonce":"x"';
  test.each<[string, ProbeOutcome, boolean]>([
    ['403 (denied by the bucket policy)', ok(403, 'application/xml', ACCESS_DENIED), true],
    ['404', ok(404, 'application/xml'), true],
    ["the SPA fallback's index.html with 200", ok(200, HTML, '<!doctype html><div id="root">'), true],
    ['its own bytes', ok(200, 'application/json', STATE_BODY), false],
    ['its own bytes labelled as HTML', ok(200, HTML, STATE_BODY), false],
    ['a 500', ok(500, HTML, 'oops'), false],
    ['a network error', fail('ECONNRESET'), false],
  ])('%s → passed %s, always warn-only', (_name, outcome, passed) => {
    const verdict = judgeStatePrivate(STATE_URL, outcome);
    expect([verdict.passed, verdict.warnOnly]).toEqual([passed, true]);
  });
  test('served bytes are diagnosed with the bucket-policy fix', () => {
    expect(judgeStatePrivate(STATE_URL, ok(200, 'application/json', STATE_BODY)).diagnosis).toMatch(
      /Deny .*s3:GetObject .*\*\.deploy-state\.json/,
    );
  });
});

describe('private bucket verdict', () => {
  it('passes on 403', () => {
    expect(judgeS3Private(S3_URL, ok(403, 'application/xml', ACCESS_DENIED))).toEqual({
      name: 's3-private',
      url: S3_URL,
      expected: '403',
      got: '403 application/xml',
      passed: true,
    });
  });

  it('fails on 200: the bucket is still public, Block Public Access or a public policy, OAC not protecting it', () => {
    const r = judgeS3Private(S3_URL, ok(200, HTML, '<!doctype html>'));
    expect(r.passed).toBe(false);
    expect(r.diagnosis).toMatch(/bucket is still public/);
    expect(r.diagnosis).toMatch(/Origin Access Control is not what protects it/);
    expect(r.diagnosis).toMatch(/Block Public Access is off or a bucket policy/);
  });

  it('fails on 404 NoSuchKey as a publicly listable bucket, and on NoSuchBucket as a wrong URL', () => {
    expect(judgeS3Private(S3_URL, ok(404, 'application/xml', '<Error><Code>NoSuchKey</Code></Error>')).diagnosis).toMatch(/still public/);
    expect(judgeS3Private(S3_URL, ok(404, 'application/xml', '<Error><Code>NoSuchBucket</Code></Error>')).diagnosis).toMatch(
      /no bucket at this URL/,
    );
  });

  it('fails on a region redirect', () => {
    expect(judgeS3Private(S3_URL, ok(301, 'application/xml', '<Code>PermanentRedirect</Code>')).diagnosis).toMatch(/another region/);
  });

  it('fails unreachable URLs naming s3-check-url', () => {
    const r = judgeS3Private(S3_URL, fail('ENOTFOUND'));
    expect(r.got).toBe('DNS lookup failed (ENOTFOUND)');
    expect(r.diagnosis).toMatch(/s3-check-url is wrong/);
  });

  it('explains a certificate mismatch for a bucket name with dots', () => {
    const r = judgeS3Private('https://www.example.com.s3.eu-west-1.amazonaws.com/index.html', fail('ERR_TLS_CERT_ALTNAME_INVALID'));
    expect(r.got).toBe('TLS error ERR_TLS_CERT_ALTNAME_INVALID');
    expect(r.diagnosis).toMatch(/path-style URL https:\/\/s3\.REGION\.amazonaws\.com\/BUCKET\/KEY/);
    const known = { bucket: 'www.example.com', region: 'eu-west-1' };
    expect(
      judgeS3Private('https://www.example.com.s3.eu-west-1.amazonaws.com/index.html', fail('ERR_TLS_CERT_ALTNAME_INVALID'), known)
        .diagnosis,
    ).toMatch(/https:\/\/s3\.eu-west-1\.amazonaws\.com\/www\.example\.com\/KEY/);
    expect(judgeS3Private(S3_URL, fail('CERT_HAS_EXPIRED'), { bucket: 'site-bucket', region: 'eu-west-1' }).diagnosis).not.toMatch(
      /path-style/,
    );
  });
});

describe('cross-check', () => {
  it('a route 403 while the root is 403 points at the root cause first', () => {
    const root = judgeSiteRoot(`${SITE}/`, ok(403));
    const route = judgeSpaRoute(`${SITE}/x`, ok(403));
    const s3 = judgeS3Private(S3_URL, ok(403));
    const [r0, r1, r2] = refineDiagnoses([root, route, s3]);
    expect(r0).toBe(root);
    expect(r1?.diagnosis).toMatch(/site root answers 403 as well/);
    expect(r1?.diagnosis).toMatch(/If deep routes still answer 403 after that/);
    expect(r2).toBe(s3);
  });

  it('leaves a route 403 alone when the root is fine', () => {
    const results = [judgeSiteRoot(`${SITE}/`, ok(200, HTML)), judgeSpaRoute(`${SITE}/x`, ok(403))];
    expect(refineDiagnoses(results)).toEqual(results);
  });
});

describe('outcome and error helpers', () => {
  it('describes answers for the summary', () => {
    expect(describeOutcome(ok(403))).toBe('403');
    expect(describeOutcome(ok(200, 'text/html; charset=utf-8'))).toBe('200 text/html');
    expect(describeOutcome(fail('ECONNREFUSED'))).toBe('connection refused');
    expect(describeOutcome(fail('ECONNRESET'))).toBe('connection reset (ECONNRESET)');
    expect(describeOutcome(fail('WEIRD', 'something odd'))).toBe('error WEIRD: something odd');
  });

  it('classifies error codes', () => {
    expect(classifyError('CERT_NOT_YET_VALID')).toBe('tls');
    expect(classifyError('ERR_SSL_WRONG_VERSION_NUMBER')).toBe('tls');
    expect(classifyError('EPROTO')).toBe('tls');
    expect(classifyError('ENOTFOUND')).toBe('dns');
    expect(classifyError('ECONNREFUSED')).toBe('refused');
    expect(classifyError('ETIMEDOUT')).toBe('timeout');
    expect(classifyError('EINVAL')).toBe('other');
  });

  it('turns anything thrown into a code and a message', () => {
    expect(toProbeError(Object.assign(new Error('boom'), { code: 'ECONNRESET' }))).toEqual({ code: 'ECONNRESET', message: 'boom' });
    expect(toProbeError(new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })], 'agg'))).toEqual({
      code: 'ECONNREFUSED',
      message: 'agg',
    });
    expect(toProbeError(new TypeError('bad'))).toEqual({ code: 'TypeError', message: 'bad' });
    expect(toProbeError('plain')).toEqual({ code: 'Error', message: 'plain' });
  });
});

describe('planChecks', () => {
  const random = () => 0.5;

  it('plans root, one auto route and the S3 URL at the bucket root', () => {
    const { planned, skipped } = planChecks(config(), SITE, random);
    expect(planned).toEqual([
      { name: 'site-root', url: `${SITE}/`, expected: '200 over HTTPS' },
      { name: 'spa-route', url: `${SITE}/__deploy-check-4242/800000800000`, expected: '200 text/html' },
      { name: 's3-private', url: S3_URL, expected: '403' },
      { name: 'state-private', url: STATE_URL, expected: 'not served (403, 404 or the SPA fallback)' },
    ]);
    expect(skipped).toEqual([]);
  });

  it('with a prefix, checks <site>/<prefix><index-document> and skips the auto route', () => {
    const { planned, skipped } = planChecks(config({ prefix: 'pr-42', 'index-document': 'main page.html' }), SITE, random);
    expect(planned.map((c) => c.url)).toEqual([
      `${SITE}/pr-42/main%20page.html`,
      'https://site-bucket.s3.eu-west-1.amazonaws.com/pr-42/main%20page.html',
      `${SITE}/pr-42/.deploy-state.json`,
    ]);
    expect(skipped).toEqual([{ name: 'spa-route', reason: expect.stringMatching(/check-routes is auto and prefix 'pr-42\/' is set/) }]);
  });

  it('checks explicit routes under the prefix (as written when already under it), keeping a base path of site-url', () => {
    const routes = '/collections/tents\n/pr-42/a b\n/pr-42\n/pr-420/x';
    const { planned } = planChecks(config({ prefix: 'pr-42', 'check-routes': routes }), `${SITE}/app`, random);
    expect(planned.filter((c) => c.name === 'spa-route').map((c) => c.url)).toEqual([
      `${SITE}/app/pr-42/collections/tents`,
      `${SITE}/app/pr-42/a%20b`,
      `${SITE}/app/pr-42`,
      `${SITE}/app/pr-42/pr-420/x`,
    ]);
  });

  it('checks explicit routes as written without a prefix', () => {
    const { planned } = planChecks(config({ 'check-routes': '/collections/tents' }), SITE, random);
    expect(planned.filter((c) => c.name === 'spa-route').map((c) => c.url)).toEqual([`${SITE}/collections/tents`]);
  });

  it('skips what is set to none', () => {
    const { planned, skipped } = planChecks(config({ 'check-routes': 'none', 's3-check-url': 'none' }), SITE, random);
    expect(planned.map((c) => c.name)).toEqual(['site-root', 'state-private']);
    expect(skipped).toEqual([
      { name: 'spa-route', reason: 'check-routes is none' },
      { name: 's3-private', reason: 's3-check-url is none' },
    ]);
  });

  it('without a site URL only the S3 check can run; the others are skipped with the reason', () => {
    const { planned, skipped } = planChecks(config(), undefined, random);
    expect(planned.map((c) => c.name)).toEqual(['s3-private']);
    expect(skipped.map((s) => s.name)).toEqual(['site-root', 'spa-route', 'state-private']);
    expect(skipped[0]?.reason).toMatch(/no site-url/);
  });

  it('makes an auto route that cannot exist, unique per run and per call', () => {
    let n = 0;
    const seq = () => [0.1, 0.2, 0.3, 0.4][n++ % 4]!;
    const a = autoRoute('99', seq);
    const b = autoRoute('99', seq);
    expect(a).toMatch(/^\/__deploy-check-99\/[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
    expect(autoRoute('../x y', () => 0)).toBe('/__deploy-check-xy/000000000000');
  });
});

describe('checkDelay', () => {
  it('grows exponentially and is capped', () => {
    const max = (attempt: number) => checkDelay(attempt, () => 1);
    const min = (attempt: number) => checkDelay(attempt, () => 0);
    expect([1, 2, 3, 4].map(max)).toEqual([500, 1000, 2000, 4000]);
    expect(min(2)).toBe(500);
    expect(max(30)).toBe(CHECK_MAX_DELAY_MS);
    expect(min(30)).toBe(CHECK_MAX_DELAY_MS / 2);
  });
});

/** A fake clock: sleeping advances time instantly. */
function fakeTime() {
  const clock = { t: 1_000_000, sleeps: [] as number[] };
  return {
    clock,
    deps: {
      now: () => clock.t,
      sleep: async (ms: number) => {
        clock.sleeps.push(ms);
        clock.t += ms;
      },
      random: () => 0.5,
    },
  };
}

type Answer = ProbeResponse | Error;

/** A prober answering from a script per URL (the last answer repeats). */
function scriptedProber(script: Record<string, Answer[]>): Prober & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async get(url) {
      const answers = script[url];
      if (!answers) throw Object.assign(new Error(`unexpected ${url}`), { code: 'ENOTFOUND' });
      const n = calls.filter((u) => u === url).length;
      calls.push(url);
      const a = answers[Math.min(n, answers.length - 1)]!;
      if (a instanceof Error) throw a;
      return a;
    },
  };
}

const r = (status: number, contentType = HTML, bodyStart = ''): ProbeResponse => ({ status, contentType, bodyStart });
const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

describe('runChecks', () => {
  const cfg = config({ 'check-routes': '/deep/route', 'check-timeout': '60' });
  const ROOT = `${SITE}/`;
  const ROUTE = `${SITE}/deep/route`;

  it('passes a working pipeline with one request per check', async () => {
    const { deps, clock } = fakeTime();
    const prober = scriptedProber({ [ROOT]: [r(200)], [ROUTE]: [r(200)], [S3_URL]: [r(403, 'application/xml')], [STATE_URL]: [r(403)] });
    const results = await runChecks(prober, cfg, SITE, deps);
    expect(results.map((x) => [x.name, x.passed, x.got])).toEqual([
      ['site-root', true, '200 text/html'],
      ['spa-route', true, '200 text/html'],
      ['s3-private', true, '403 application/xml'],
      ['state-private', true, '403 text/html'],
    ]);
    expect(prober.calls).toHaveLength(4);
    expect(clock.sleeps).toEqual([]);
  });

  it('retries with backoff until the edge converges, and a passing check stops retrying', async () => {
    const { deps, clock } = fakeTime();
    const prober = scriptedProber({
      [ROOT]: [r(503), r(403), r(200)],
      [ROUTE]: [r(403, 'application/xml'), r(200)],
      [S3_URL]: [r(403)],
      [STATE_URL]: [r(404)],
    });
    const results = await runChecks(prober, cfg, SITE, deps);
    expect(results.every((x) => x.passed)).toBe(true);
    expect(prober.calls.filter((u) => u === ROOT)).toHaveLength(3);
    expect(prober.calls.filter((u) => u === ROUTE)).toHaveLength(2);
    expect(prober.calls.filter((u) => u === S3_URL)).toHaveLength(1);
    // Root: 375 then 750 ms; route: 375 ms (random 0.5 → three quarters of the ceiling).
    expect([...clock.sleeps].sort((a, b) => a - b)).toEqual([375, 375, 750]);
  });

  it('gives up at check-timeout with the last verdict and its diagnosis; never throws', async () => {
    const { deps, clock } = fakeTime();
    const start = clock.t;
    const prober = scriptedProber({
      [ROOT]: [r(200)],
      [ROUTE]: [r(404, 'application/xml')],
      [S3_URL]: [refused(), r(200)],
      [STATE_URL]: [r(403)],
    });
    const results = await runChecks(prober, cfg, SITE, deps);
    const [root, route, s3] = results;
    expect(root?.passed).toBe(true);
    expect(route).toMatchObject({ passed: false, got: '404 application/xml', diagnosis: expect.stringMatching(/SPA fallback is missing/) });
    expect(s3).toMatchObject({ passed: false, got: '200 text/html', diagnosis: expect.stringMatching(/still public/) });
    // Both failing checks kept trying until the deadline, with waits capped at 10 s; one last attempt at the deadline.
    expect(clock.t - start).toBe(60_000);
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(CHECK_MAX_DELAY_MS);
    expect(prober.calls.filter((u) => u === ROUTE).length).toBeGreaterThan(5);
  });

  it('tries once with check-timeout 0', async () => {
    const { deps } = fakeTime();
    const prober = scriptedProber({ [ROOT]: [r(403)], [ROUTE]: [r(403)], [S3_URL]: [r(403)], [STATE_URL]: [r(403)] });
    const results = await runChecks(prober, config({ 'check-routes': '/deep/route', 'check-timeout': '0' }), SITE, deps);
    expect(prober.calls).toHaveLength(4);
    expect(results.map((x) => x.passed)).toEqual([false, false, true, true]);
    expect(results[1]?.diagnosis).toMatch(/site root answers 403 as well/);
  });

  it('does not retry a plain-http site root: waiting cannot fix it', async () => {
    const { deps } = fakeTime();
    const prober = scriptedProber({ 'http://127.0.0.1:9/': [r(200)], 'http://127.0.0.1:9/deep/route': [r(200)], [S3_URL]: [r(403)] });
    const results = await runChecks(prober, cfg, 'http://127.0.0.1:9', deps);
    expect(prober.calls).toHaveLength(3);
    expect(results[0]).toMatchObject({ passed: false, got: '200 text/html over plain http' });
    expect(results[1]?.passed).toBe(true);
  });

  it('runs the checks concurrently', async () => {
    const inFlight = new Set<string>();
    let release!: () => void;
    const allStarted = new Promise<void>((resolve) => (release = resolve));
    const prober: Prober = {
      async get(url) {
        inFlight.add(url);
        if (inFlight.size === 3) release();
        await allStarted; // would hang (and time out) if the checks ran one after another
        return url === S3_URL ? r(403) : r(200);
      },
    };
    const results = await runChecks(prober, cfg, SITE, fakeTime().deps);
    expect(results.every((x) => x.passed)).toBe(true);
  });

  it('without a site URL runs only the S3 check', async () => {
    const prober = scriptedProber({ [S3_URL]: [r(403)] });
    const results = await runChecks(prober, cfg, undefined, fakeTime().deps);
    expect(results.map((x) => x.name)).toEqual(['s3-private']);
  });

  it('returns [] when every part is set to none and there is no site URL', async () => {
    const prober = scriptedProber({});
    const results = await runChecks(prober, config({ 'check-routes': 'none', 's3-check-url': 'none' }), undefined, fakeTime().deps);
    expect(results).toEqual([]);
    expect(prober.calls).toEqual([]);
  });

  it('reports a prober that throws something odd as a failed check', async () => {
    const prober: Prober = {
      get: async () => {
        throw 'kaput';
      },
    };
    const results = await runChecks(prober, config({ 'check-routes': 'none', 'check-timeout': '0' }), SITE, fakeTime().deps);
    expect(results.map((x) => [x.name, x.passed, x.got])).toEqual([
      ['site-root', false, 'error Error: kaput'],
      ['s3-private', false, 'error Error: kaput'],
      ['state-private', false, 'error Error: kaput'],
    ]);
  });
});

describe('checksOutcome', () => {
  const check = (name: 'site-root' | 'state-private', passed: boolean, warnOnly?: boolean) => ({
    name,
    url: SITE,
    expected: '',
    got: '',
    passed,
    ...(warnOnly ? { warnOnly } : {}),
  });
  test.each([
    ['a failed warn-only check leaves the outcome passed', [check('site-root', true), check('state-private', false, true)], 'passed'],
    ['a failed check fails it', [check('site-root', false), check('state-private', true, true)], 'failed'],
    ['no check ran', [], 'skipped'],
  ])('%s', (_name, checks, outcome) => {
    expect(checksOutcome(checks)).toBe(outcome);
  });
});
