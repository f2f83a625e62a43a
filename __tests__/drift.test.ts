import { headerFingerprint, headerVerdict, keysNeedingHead, managedHeaders, needsHead } from '../src/plan/drift.js';
import type { StateEntry } from '../src/remote/state.js';
import type { LocalFile, RemoteObject } from '../src/types.js';

const MD5_A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const MD5_B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const MULTIPART = 'cccccccccccccccccccccccccccccccc-3';
const KMS = 'dddddddddddddddddddddddddddddddd';
const JS = 'application/javascript; charset=utf-8';
// Computed outside this code: printf 'content-type:application/javascript; charset=utf-8\n' | openssl dgst -sha256 -binary | base64url | cut -c1-16
const JS_NO_CACHE_CONTROL = '3dA63pyTWPoMp5mw';
// printf 'cache-control:no-cache\ncontent-type:text/html; charset=utf-8\n' | … (same pipeline)
const HTML_NO_CACHE = '_hWPFy-eCc-b6_Yt';

function file(cacheControl?: string, md5 = MD5_A, size = 10): LocalFile {
  return { key: 'app.js', relPath: 'app.js', absPath: '/src/app.js', size, md5, contentType: JS, cacheControl, kind: 'asset' };
}
function object(etag = MD5_A, size = 10): RemoteObject {
  return { key: 'app.js', etag, size };
}
function entry(etag = MD5_A, headers = JS_NO_CACHE_CONTROL, md5 = MD5_A, size = 10): StateEntry {
  return { md5, size, etag, headers };
}

describe('headerFingerprint', () => {
  test('is pinned for known headers (entries in stored states must keep matching)', () => {
    expect(headerFingerprint({ contentType: JS })).toBe(JS_NO_CACHE_CONTROL);
    expect(headerFingerprint({ contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' })).toBe(HTML_NO_CACHE);
  });
  test('changes when Cache-Control is added, changed or removed, and when Content-Type changes', () => {
    const fingerprints = [
      headerFingerprint({ contentType: JS }),
      headerFingerprint({ contentType: JS, cacheControl: 'max-age=60' }),
      headerFingerprint({ contentType: JS, cacheControl: 'max-age=61' }),
      headerFingerprint({ contentType: 'text/javascript', cacheControl: 'max-age=61' }),
    ];
    expect(new Set(fingerprints).size).toBe(4);
  });
  test('covers every header of a local file: Content-Type and Cache-Control', () => {
    expect(managedHeaders(file('max-age=60'))).toEqual({ contentType: JS, cacheControl: 'max-age=60' });
  });
});

describe('needsHead', () => {
  test.each<[string, boolean, RemoteObject | undefined, StateEntry | undefined]>([
    ['no object (a new file)', false, undefined, undefined],
    ['size differs (a change: the upload sets every header)', false, object(MD5_B, 11), undefined],
    ['plain ETag equal to the MD5, no entry (headers unknown)', true, object(), undefined],
    ['multipart ETag, no entry (content and headers unknown)', true, object(MULTIPART), undefined],
    ['plain object with a matching entry', false, object(), entry()],
    ['multipart object whose ETag matches its entry', false, object(MULTIPART), entry(MULTIPART)],
    ['SSE-KMS object (ETag not the MD5) whose ETag matches its entry', false, object(KMS), entry(KMS)],
    ['entry whose ETag disagrees with the listing (written by someone else since)', true, object(MULTIPART), entry(MD5_A)],
    ['entry whose size disagrees with the listing', true, object(), entry(MD5_A, JS_NO_CACHE_CONTROL, MD5_A, 9)],
    ['entry with unknown content (retained before it was ever read)', true, object(), entry(MD5_A, '', '')],
  ])('%s → %s', (_name, expected, listed, stateEntry) => {
    expect(needsHead(file(), listed, stateEntry)).toBe(expected);
  });
});

describe('headerVerdict', () => {
  test.each<[string, string, LocalFile, RemoteObject, StateEntry | undefined, { contentType?: string; cacheControl?: string } | undefined]>(
    [
      ['entry fingerprint equals the current rules', 'in-sync', file(), object(), entry(), undefined],
      ['a Cache-Control rule now applies to the file', 'update', file('max-age=60'), object(), entry(), undefined],
      ['multipart object, entry matches the listing and the rules', 'in-sync', file(), object(MULTIPART), entry(MULTIPART), undefined],
      ['no entry and nothing observed: read it once', 'needs-head', file(), object(), undefined, undefined],
      ['no entry, observed headers equal the rules', 'in-sync', file(), object(), undefined, { contentType: JS }],
      ['no entry, observed Content-Type differs (another tool)', 'update', file(), object(), undefined, { contentType: 'text/javascript' }],
      [
        'no entry, observed Cache-Control the rules no longer give',
        'update',
        file(),
        object(),
        undefined,
        { contentType: JS, cacheControl: 'no-store' },
      ],
      ['entry ignored (ETag disagrees), nothing observed', 'needs-head', file(), object(MD5_B), entry(MD5_A), undefined],
      [
        'entry ignored (ETag disagrees), observed headers decide',
        'update',
        file('max-age=60'),
        object(MD5_B),
        entry(MD5_A, headerFingerprint({ contentType: JS, cacheControl: 'max-age=60' })),
        { contentType: JS },
      ],
    ],
  )('%s → %s', (_name, expected, local, listed, stateEntry, observed) => {
    expect(headerVerdict(local, listed, stateEntry, observed)).toBe(expected);
  });
});

describe('keysNeedingHead', () => {
  test('names only source files whose object has no entry the listing agrees with, and only same-size ones', () => {
    const files = [file(), { ...file(), key: 'kept.js' }, { ...file(), key: 'resized.js' }, { ...file(), key: 'new.js' }];
    const listing = [
      object(),
      { ...object(MULTIPART), key: 'kept.js' },
      { ...object(MD5_A, 11), key: 'resized.js' },
      { ...object(), key: 'gone.js' },
    ];
    const entries = new Map([['kept.js', entry(MULTIPART)]]);
    expect(keysNeedingHead(files, listing, entries)).toEqual(['app.js']);
  });
});
