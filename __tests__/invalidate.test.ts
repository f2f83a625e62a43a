import { jest } from '@jest/globals';
import { parseConfig, type Config } from '../src/config/parse.js';
import { callerReference, resolveSiteUrl, startInvalidation, waitForInvalidation, type InvalidateDeps } from '../src/cdn/invalidate.js';
import type { InputName } from '../src/names.js';
import type { Cdn } from '../src/ports.js';
import type { InvalidationResult } from '../src/types.js';

const DIST = 'E1ABCDEF2GHIJK';

function config(inputs: Partial<Record<InputName, string>> = {}, env: Record<string, string> = {}): Config {
  return parseConfig(
    (name) => ({ bucket: 'site-bucket', region: 'eu-west-1', 'distribution-id': DIST, ...inputs })[name] ?? '',
    { GITHUB_RUN_ID: '4242', GITHUB_RUN_ATTEMPT: '1', ...env },
    {},
  );
}

/** An error shaped like the SDK's: `name` is CloudFront's error code. */
function awsError(code: string, status: number): Error {
  return Object.assign(new Error(`${code} message`), { name: code, $metadata: { httpStatusCode: status } });
}

/** The Cdn port in memory: scripted answers, every call recorded. */
class FakeCdn implements Cdn {
  calls: string[] = [];
  creates: { paths: string[]; reference: string }[] = [];
  /** Errors thrown by the next calls of each operation, in order. */
  failures: Record<string, Error[]> = { domain: [], create: [], status: [] };
  /** Statuses answered by successive polls; the last one repeats. */
  statuses = ['InProgress', 'InProgress', 'Completed'];

  async getDomainName(id: string): Promise<string> {
    this.calls.push(`GetDistribution ${id}`);
    this.fail('domain');
    return 'd111111abcdef8.cloudfront.net';
  }

  async createInvalidation(id: string, paths: string[], reference: string): Promise<{ id: string; status: string }> {
    this.calls.push(`CreateInvalidation ${id}`);
    this.creates.push({ paths, reference });
    this.fail('create');
    return { id: 'I2J0I21PCUYOIK', status: 'InProgress' };
  }

  async getInvalidationStatus(id: string, invalidationId: string): Promise<string> {
    this.calls.push(`GetInvalidation ${id} ${invalidationId}`);
    this.fail('status');
    return this.statuses.length > 1 ? this.statuses.shift()! : this.statuses[0]!;
  }

  private fail(op: string): void {
    const err = this.failures[op]?.shift();
    if (err) throw err;
  }
}

/** A clock that only moves when the code sleeps. */
function fakeTime(): InvalidateDeps & { slept: number[]; elapsed: () => number } {
  let t = 1_700_000_000_000;
  const start = t;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
    random: () => 0.5,
    slept,
    elapsed: () => t - start,
  };
}

/** The core.info lines: @actions/core writes each to stdout, and its commands (::debug:: and the like) too. */
let infos: string[];
beforeEach(() => {
  infos = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    const text = String(chunk);
    if (!text.startsWith('::')) infos.push(text.replace(/\r?\n$/, ''));
    return true;
  });
});
afterEach(() => jest.restoreAllMocks());

describe('resolveSiteUrl', () => {
  it('takes site-url as given, without asking CloudFront', async () => {
    const cdn = new FakeCdn();
    await expect(resolveSiteUrl(cdn, config({ 'site-url': 'https://www.example.com/' }))).resolves.toBe('https://www.example.com');
    expect(cdn.calls).toEqual([]);
  });

  it('derives https://<DomainName> from the distribution', async () => {
    const cdn = new FakeCdn();
    await expect(resolveSiteUrl(cdn, config())).resolves.toBe('https://d111111abcdef8.cloudfront.net');
    expect(cdn.calls).toEqual([`GetDistribution ${DIST}`]);
  });

  it('is undefined without distribution-id or site-url', async () => {
    const cdn = new FakeCdn();
    await expect(resolveSiteUrl(cdn, config({ 'distribution-id': '' }))).resolves.toBeUndefined();
    expect(cdn.calls).toEqual([]);
  });

  it('an unknown distribution fails at once, naming the input', async () => {
    const cdn = new FakeCdn();
    cdn.failures.domain = [awsError('NoSuchDistribution', 404)];
    await expect(resolveSiteUrl(cdn, config(), fakeTime())).rejects.toThrow(
      new RegExp(`CloudFront distribution '${DIST}' does not exist .*Check 'distribution-id'`),
    );
    expect(cdn.calls).toHaveLength(1);
  });

  it('a missing permission names cloudfront:GetDistribution and the way around it', async () => {
    const cdn = new FakeCdn();
    cdn.failures.domain = [awsError('AccessDenied', 403)];
    const err = await resolveSiteUrl(cdn, config(), fakeTime()).catch((e: Error) => e);
    expect(String(err)).toContain('"cloudfront:GetDistribution"');
    expect(String(err)).toContain(`arn:aws:cloudfront::<account-id>:distribution/${DIST}`);
    expect(String(err)).toContain("set 'site-url'");
  });

  it('throttling is retried', async () => {
    const cdn = new FakeCdn();
    cdn.failures.domain = [awsError('Throttling', 400)];
    await expect(resolveSiteUrl(cdn, config(), fakeTime())).resolves.toBe('https://d111111abcdef8.cloudfront.net');
    expect(cdn.calls).toHaveLength(2);
  });
});

describe('startInvalidation', () => {
  it('does nothing without distribution-id', async () => {
    const cdn = new FakeCdn();
    await expect(startInvalidation(cdn, config({ 'distribution-id': '' }), ['index.html'])).resolves.toEqual({
      skipped: 'no distribution-id',
    });
    expect(cdn.calls).toEqual([]);
  });

  it('nothing changed: no invalidation, and says so', async () => {
    const cdn = new FakeCdn();
    await expect(startInvalidation(cdn, config(), [])).resolves.toEqual({ skipped: 'nothing changed' });
    expect(cdn.calls).toEqual([]);
    expect(infos).toContain('No invalidation: nothing changed');
  });

  it('invalidation-paths: none: no invalidation', async () => {
    const cdn = new FakeCdn();
    await expect(startInvalidation(cdn, config({ 'invalidation-paths': 'none' }), ['a.js'])).resolves.toEqual({
      skipped: "invalidation-paths is 'none'",
    });
    expect(cdn.calls).toEqual([]);
  });

  it('creates one invalidation for what changed', async () => {
    const cdn = new FakeCdn();
    const { result } = await startInvalidation(cdn, config(), ['index.html', 'assets/app.js'], fakeTime());
    expect(result).toEqual({
      id: 'I2J0I21PCUYOIK',
      paths: ['/', '/assets/app.js', '/index.html'],
      reason: '3 paths',
      status: 'InProgress',
    });
    expect(cdn.creates).toEqual([{ paths: result!.paths, reference: callerReference(config(), result!.paths, Date.now) }]);
    expect(infos).toContain('Invalidating 3 paths: / /assets/app.js /index.html');
  });

  it('remove mode: the whole prefix', async () => {
    const cdn = new FakeCdn();
    const removing = config({ mode: 'remove', prefix: 'pr-42' });
    const { result } = await startInvalidation(cdn, removing, ['pr-42/index.html', 'pr-42/app.js'], fakeTime());
    expect(result?.paths).toEqual(['/pr-42', '/pr-42/*']);
  });

  it('TooManyInvalidationsInProgress is retried with growing, capped delays and the same CallerReference', async () => {
    const cdn = new FakeCdn();
    const time = fakeTime();
    cdn.failures.create = [1, 2, 3, 4, 5, 6].map(() => awsError('TooManyInvalidationsInProgress', 400));
    const { result } = await startInvalidation(cdn, config(), ['index.html'], time);
    expect(result?.id).toBe('I2J0I21PCUYOIK');
    expect(cdn.creates).toHaveLength(7);
    expect(new Set(cdn.creates.map((c) => c.reference)).size).toBe(1);
    // Full jitter with random() = 0.5: half of min(20 s, 1 s * 2^attempt).
    expect(time.slept).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
    expect(infos.filter((m) => m.startsWith('CreateInvalidation: attempt'))).toHaveLength(6);
  });

  it('gives up within invalidation-timeout when CloudFront stays busy', async () => {
    const cdn = new FakeCdn();
    const time = fakeTime();
    cdn.failures.create = Array.from({ length: 100 }, () => awsError('TooManyInvalidationsInProgress', 400));
    const err = await startInvalidation(cdn, config({ 'invalidation-timeout': '60' }), ['index.html'], time).catch((e: Error) => e);
    expect(String(err)).toMatch(/still refused a new invalidation on 'E1ABCDEF2GHIJK' after 60 s.*raise 'invalidation-timeout'/);
    expect(time.elapsed()).toBeLessThanOrEqual(60_000);
  });

  it('a missing permission names cloudfront:CreateInvalidation, without retrying', async () => {
    const cdn = new FakeCdn();
    cdn.failures.create = [awsError('AccessDenied', 403)];
    await expect(startInvalidation(cdn, config(), ['index.html'], fakeTime())).rejects.toThrow('"cloudfront:CreateInvalidation"');
    expect(cdn.calls).toHaveLength(1);
  });
});

describe('callerReference', () => {
  const clock = () => 123;
  it('is stable within a run attempt, and differs across attempts and path sets', () => {
    const first = callerReference(config(), ['/a'], clock);
    expect(first).toMatch(/^4242-1-[0-9a-f]{16}$/);
    expect(callerReference(config(), ['/a'], () => 456)).toBe(first);
    expect(callerReference(config({}, { GITHUB_RUN_ATTEMPT: '2' }), ['/a'], clock)).not.toBe(first);
    expect(callerReference(config(), ['/b'], clock)).not.toBe(first);
  });

  it('outside Actions, the clock keeps runs apart', () => {
    const local = parseConfig((name) => (name === 'bucket' ? 'site-bucket' : name === 'region' ? 'eu-west-1' : ''), {}, {});
    expect(callerReference(local, ['/a'], clock)).toMatch(/^local-123-[0-9a-f]{16}$/);
  });
});

describe('waitForInvalidation', () => {
  const started: InvalidationResult = { id: 'I2J0I21PCUYOIK', paths: ['/'], reason: '1 path', status: 'InProgress' };

  it('polls until Completed, printing progress, and reports the time waited', async () => {
    const cdn = new FakeCdn();
    const time = fakeTime();
    const done = await waitForInvalidation(cdn, config({ 'wait-for-invalidation': 'true' }), started, time);
    expect(done).toEqual({ ...started, status: 'Completed', waitedSeconds: 7 });
    expect(time.slept).toEqual([1000, 2000, 4000]);
    expect(cdn.calls).toEqual(Array(3).fill(`GetInvalidation ${DIST} I2J0I21PCUYOIK`));
    expect(infos).toEqual([
      'Invalidation I2J0I21PCUYOIK: InProgress after 1 s (timeout 600 s)',
      'Invalidation I2J0I21PCUYOIK: InProgress after 3 s (timeout 600 s)',
      'Invalidation I2J0I21PCUYOIK: Completed after 7 s (timeout 600 s)',
    ]);
  });

  it('does not poll an invalidation that is already Completed', async () => {
    const cdn = new FakeCdn();
    await expect(waitForInvalidation(cdn, config(), { ...started, status: 'Completed' }, fakeTime())).resolves.toMatchObject({
      waitedSeconds: 0,
    });
    expect(cdn.calls).toEqual([]);
  });

  it('fails after invalidation-timeout, naming the invalidation', async () => {
    const cdn = new FakeCdn();
    cdn.statuses = ['InProgress'];
    const time = fakeTime();
    const err = await waitForInvalidation(cdn, config({ 'invalidation-timeout': '20' }), started, time).catch((e: Error) => e);
    expect(String(err)).toContain(`Invalidation I2J0I21PCUYOIK on distribution '${DIST}' is still InProgress after 20 s`);
    expect(String(err)).toContain("raise 'invalidation-timeout'");
    expect(time.elapsed()).toBe(20_000);
    expect(time.slept).toEqual([1000, 2000, 4000, 8000, 5000]);
  });

  it('rides out a throttled poll', async () => {
    const cdn = new FakeCdn();
    cdn.statuses = ['Completed'];
    cdn.failures.status = [awsError('Throttling', 400)];
    await expect(waitForInvalidation(cdn, config(), started, fakeTime())).resolves.toMatchObject({ status: 'Completed' });
    expect(cdn.calls).toHaveLength(2);
  });

  it('a missing permission names cloudfront:GetInvalidation and how not to wait', async () => {
    const cdn = new FakeCdn();
    cdn.failures.status = [awsError('AccessDenied', 403)];
    const err = await waitForInvalidation(cdn, config(), started, fakeTime()).catch((e: Error) => e);
    expect(String(err)).toContain('"cloudfront:GetInvalidation"');
    expect(String(err)).toContain("'wait-for-invalidation: false'");
  });
});
