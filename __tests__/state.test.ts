import {
  HISTORY_LIMIT,
  parseState,
  sameEntries,
  serializeState,
  stateKey,
  trustedEntry,
  withDeploy,
  type DeployRecord,
  type DeployState,
  type StateEntry,
} from '../src/remote/state.js';

const MD5_A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const MULTIPART = 'cccccccccccccccccccccccccccccccc-3';
const RECORD: DeployRecord = {
  commit: 'abc123',
  run: '42/1',
  time: '2026-12-02T12:00:00.000Z',
  uploaded: 3,
  deleted: 1,
  headersUpdated: 2,
  retained: 4,
};

function state(entries: [string, StateEntry][], history: DeployRecord[] = [RECORD]): DeployState {
  return { entries: new Map(entries), history, nonce: 'n0nce' };
}
function doc(fields: Record<string, unknown>): string {
  return JSON.stringify({
    format: 's3-cloudfront-deploy-action/deploy-state',
    version: 1,
    nonce: 'x',
    deploys: [],
    objects: {},
    ...fields,
  });
}

describe('stateKey', () => {
  test('sits at the top of the prefix, or alone at the bucket root', () => {
    expect(stateKey('pr-42/')).toBe('pr-42/.deploy-state.json');
    expect(stateKey('')).toBe('.deploy-state.json');
  });
});

describe('serializeState and parseState', () => {
  test('write one tuple line per key, relative to the prefix and sorted', () => {
    const text = serializeState(
      state([
        ['pr-42/z.js', { md5: MD5_A, size: 5, etag: MULTIPART, headers: 'fp1' }],
        ['pr-42/a.js', { md5: MD5_A, size: 7, etag: MD5_A, headers: 'fp2', staleSince: 1764676800000 }],
        ['pr-42/m.js', { md5: MD5_A, size: 3, etag: MD5_A, headers: 'fp3', carried: { 'x-amz-meta-b': '2', 'content-encoding': 'gzip' } }],
      ]),
      'pr-42/',
    );
    expect(text.split('\n').slice(1, 4)).toEqual([
      `"a.js":["${MD5_A}",7,"${MD5_A}","fp2",1764676800000],`,
      `"m.js":["${MD5_A}",3,"${MD5_A}","fp3",null,{"content-encoding":"gzip","x-amz-meta-b":"2"}],`,
      `"z.js":["${MD5_A}",5,"${MULTIPART}","fp1"]`,
    ]);
  });

  test('round-trip entries, history and nonce under a prefix', () => {
    const original = state([
      ['pr-42/a b+#?%.js', { md5: MD5_A, size: 7, etag: MULTIPART, headers: 'fp', staleSince: 5 }],
      ['pr-42/é/ü.css', { md5: '', size: 0, etag: 'e', headers: '' }],
      ['pr-42/z.js.gz', { md5: MD5_A, size: 1, etag: MD5_A, headers: 'fp', staleSince: 9, carried: { 'content-encoding': 'gzip' } }],
    ]);
    const parsed = parseState(serializeState(original, 'pr-42/'), 'pr-42/');
    expect(parsed).toEqual({ state: original, droppedEntries: 0 });
  });

  test('stays under 150 bytes per key for keys of a typical build (32 characters, KMS ETags, full history)', () => {
    const entries: [string, StateEntry][] = [];
    for (let i = 0; i < 1000; i++) {
      const key = `static/js/chunk-${String(i).padStart(4, '0')}.1a2b3c4d.js`; // 32 characters
      entries.push([key, { md5: MD5_A, size: 123456, etag: 'dddddddddddddddddddddddddddddddd', headers: 'AAAAAAAAAAAAAAAA' }]);
    }
    const bytes = Buffer.byteLength(serializeState(state(entries, Array(10).fill(RECORD)), ''));
    expect(bytes / 1000).toBeGreaterThan(120);
    expect(bytes / 1000).toBeLessThan(150);
  });

  test('an empty state serializes and parses back empty', () => {
    const parsed = parseState(serializeState(state([], []), ''), '');
    expect(parsed).toEqual({ state: { entries: new Map(), history: [], nonce: 'n0nce' }, droppedEntries: 0 });
  });
});

describe('parseState rebuilds what it cannot use, never throws', () => {
  test.each<[string, string, string | undefined]>([
    ['no object', 'missing', undefined],
    ['truncated JSON', 'unreadable', doc({}).slice(0, 30)],
    ['bytes that are not JSON', 'unreadable', '\u0000\u00ff'],
    ['another tool’s JSON', 'foreign', '{"files":{"a.js":"x"}}'],
    ['a JSON array', 'foreign', '[]'],
    ['JSON null', 'foreign', 'null'],
    ['an older schema version', 'outdated', doc({ version: 0 })],
    ['a newer schema version', 'outdated', doc({ version: 2 })],
    ['objects not an object', 'unreadable', doc({ objects: [] })],
    ['no nonce', 'unreadable', doc({ nonce: 7 })],
  ])('%s → %s, with an empty state', (_name, reason, text) => {
    const parsed = parseState(text, '');
    expect(parsed.rebuilt?.reason).toBe(reason);
    expect(parsed.state).toEqual({ entries: new Map(), history: [], nonce: '' });
  });

  test('malformed entries are dropped and counted, the rest kept', () => {
    const good = [MD5_A, 1, MD5_A, 'fp'];
    const text = doc({
      objects: {
        'good.js': good,
        'short.js': [MD5_A, 1, MD5_A],
        'bad-md5.js': ['xyz', 1, MD5_A, 'fp'],
        'negative.js': [MD5_A, -1, MD5_A, 'fp'],
        'no-etag.js': [MD5_A, 1, '', 'fp'],
        'bad-since.js': [MD5_A, 1, MD5_A, 'fp', 'yesterday'],
        'bad-carried.js': [MD5_A, 1, MD5_A, 'fp', null, { 'content-encoding': 1 }],
        '': good,
      },
      deploys: [RECORD, { commit: 1 }],
    });
    const parsed = parseState(text, 'p/');
    expect(parsed.rebuilt).toBeUndefined();
    expect([...parsed.state.entries.keys()]).toEqual(['p/good.js']);
    expect(parsed.droppedEntries).toBe(7);
    expect(parsed.state.history).toEqual([RECORD]);
  });
});

describe('trustedEntry', () => {
  const entry: StateEntry = { md5: MD5_A, size: 10, etag: MULTIPART, headers: 'fp' };
  test.each([
    ['same ETag and size', { key: 'k', etag: MULTIPART, size: 10 }, entry],
    ['ETag differs', { key: 'k', etag: MD5_A, size: 10 }, undefined],
    ['size differs', { key: 'k', etag: MULTIPART, size: 11 }, undefined],
    ['object not listed', undefined, undefined],
  ])('%s', (_name, object, expected) => {
    expect(trustedEntry(entry, object)).toBe(expected);
  });
});

describe('sameEntries', () => {
  const entry: StateEntry = { md5: MD5_A, size: 10, etag: MD5_A, headers: 'fp' };
  test('equal entries in another order are the same (history and nonce do not count)', () => {
    const a = new Map([
      ['x', entry],
      ['y', { ...entry }],
    ]);
    const b = new Map([
      ['y', { ...entry }],
      ['x', { ...entry }],
    ]);
    expect(sameEntries(a, b)).toBe(true);
  });
  test.each<[string, Map<string, StateEntry>]>([
    ['a stale-since added', new Map([['x', { ...entry, staleSince: 1 }]])],
    ['a new ETag', new Map([['x', { ...entry, etag: MULTIPART }]])],
    ['a new fingerprint', new Map([['x', { ...entry, headers: 'fp2' }]])],
    ['another key', new Map([['z', entry]])],
    [
      'one more key',
      new Map([
        ['x', entry],
        ['z', entry],
      ]),
    ],
  ])('%s differs', (_name, other) => {
    expect(sameEntries(new Map([['x', entry]]), other)).toBe(false);
  });
});

describe('withDeploy', () => {
  test('puts the newest first and keeps at most HISTORY_LIMIT', () => {
    const older = Array.from({ length: HISTORY_LIMIT }, (_, i) => ({ ...RECORD, commit: `old${i}` }));
    const history = withDeploy(older, { ...RECORD, commit: 'new' });
    expect(history.map((record) => record.commit)).toEqual(['new', ...older.slice(0, HISTORY_LIMIT - 1).map((record) => record.commit)]);
  });
});
