import { decideRetention, keysToDelete, type RetentionInput } from '../src/plan/retention.js';
import type { StateEntry } from '../src/remote/state.js';
import type { RemoteObject } from '../src/types.js';

const MD5_A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const MD5_B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);
const SECOND = 1000;
const DAY = 86_400 * SECOND;

function listed(key: string, etag = MD5_A, size = 10): RemoteObject {
  return { key, etag, size };
}
function staleEntry(staleSince: number | undefined, etag = MD5_A, size = 10): StateEntry {
  return staleSince === undefined ? { md5: MD5_A, size, etag, headers: 'h' } : { md5: MD5_A, size, etag, headers: 'h', staleSince };
}
function input(overrides: Partial<RetentionInput>): RetentionInput {
  return {
    entries: new Map(),
    listing: [],
    sourceKeys: new Set(),
    isHtml: (key) => key.endsWith('.html'),
    now: NOW,
    keepStaleMs: 7 * DAY,
    ...overrides,
  };
}

describe('decideRetention', () => {
  test('keep-stale 0 deletes every stale object now, retained ones included', () => {
    const decision = decideRetention(
      input({
        keepStaleMs: 0,
        listing: [listed('old.js'), listed('kept.js'), listed('live.js')],
        entries: new Map([['kept.js', staleEntry(NOW - SECOND)]]),
        sourceKeys: new Set(['live.js']),
      }),
    );
    expect(decision).toEqual({ deleteNow: ['kept.js', 'old.js'], retain: [], expired: [] });
  });

  test('a stale asset seen for the first time is retained from now', () => {
    const decision = decideRetention(input({ listing: [listed('app.v1.js')] }));
    expect(decision).toEqual({ deleteNow: [], retain: [{ key: 'app.v1.js', since: NOW }], expired: [] });
  });

  test('an HTML document is deleted at once, never retained, even with an old stale-since', () => {
    const decision = decideRetention(
      input({ listing: [listed('about.html'), listed('blog/post.html')], entries: new Map([['about.html', staleEntry(NOW - DAY)]]) }),
    );
    expect(decision).toEqual({ deleteNow: ['about.html', 'blog/post.html'], retain: [], expired: [] });
  });

  test.each<[string, number, 'retain' | 'expired']>([
    ['stale for 6 days of 7: still retained', NOW - 6 * DAY, 'retain'],
    ['stale for 7 days less a second: still retained', NOW - 7 * DAY + SECOND, 'retain'],
    ['stale for exactly 7 days: expired', NOW - 7 * DAY, 'expired'],
    ['stale for 30 days: expired', NOW - 30 * DAY, 'expired'],
  ])('%s', (_name, since, outcome) => {
    const decision = decideRetention(input({ listing: [listed('app.v1.js')], entries: new Map([['app.v1.js', staleEntry(since)]]) }));
    const other = outcome === 'retain' ? 'expired' : 'retain';
    expect(decision[outcome]).toEqual([{ key: 'app.v1.js', since }]);
    expect(decision[other]).toEqual([]);
    expect(decision.deleteNow).toEqual([]);
  });

  test('a retained key back in the source is live: neither retained, expired nor deleted', () => {
    const decision = decideRetention(
      input({
        listing: [listed('app.v1.js')],
        entries: new Map([['app.v1.js', staleEntry(NOW - 30 * DAY)]]),
        sourceKeys: new Set(['app.v1.js']),
      }),
    );
    expect(decision).toEqual({ deleteNow: [], retain: [], expired: [] });
  });

  test.each<[string, StateEntry]>([
    ['ETag', staleEntry(NOW - 30 * DAY, MD5_B)],
    ['size', staleEntry(NOW - 30 * DAY, MD5_A, 11)],
  ])('an entry whose %s disagrees with the listing is ignored: stale from now, retained', (_field, entry) => {
    const decision = decideRetention(input({ listing: [listed('app.v1.js')], entries: new Map([['app.v1.js', entry]]) }));
    expect(decision).toEqual({ deleteNow: [], retain: [{ key: 'app.v1.js', since: NOW }], expired: [] });
  });

  test('an entry without stale-since (it was live) starts its stale time now', () => {
    const decision = decideRetention(input({ listing: [listed('app.v1.js')], entries: new Map([['app.v1.js', staleEntry(undefined)]]) }));
    expect(decision.retain).toEqual([{ key: 'app.v1.js', since: NOW }]);
  });

  test('a stale-since in the future (skewed clock) counts as now', () => {
    const decision = decideRetention(
      input({ listing: [listed('app.v1.js')], entries: new Map([['app.v1.js', staleEntry(NOW + 365 * DAY)]]) }),
    );
    expect(decision.retain).toEqual([{ key: 'app.v1.js', since: NOW }]);
  });

  test('keys come out in key order whatever the listing order', () => {
    const decision = decideRetention(input({ listing: [listed('c.js'), listed('a.js'), listed('b.js')] }));
    expect(decision.retain.map((stale) => stale.key)).toEqual(['a.js', 'b.js', 'c.js']);
  });
});

describe('keysToDelete', () => {
  test('is what this run deletes: deleted now and expired, never retained', () => {
    const decision = decideRetention(
      input({
        listing: [listed('page.html'), listed('old.js'), listed('recent.js')],
        entries: new Map([
          ['old.js', staleEntry(NOW - 8 * DAY)],
          ['recent.js', staleEntry(NOW - DAY)],
        ]),
      }),
    );
    expect(keysToDelete(decision)).toEqual(['page.html', 'old.js']);
  });
});
