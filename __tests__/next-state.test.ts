import { createHash } from 'node:crypto';
import { headerFingerprint } from '../src/plan/drift.js';
import { nextEntries, type NextEntriesInput } from '../src/plan/next-state.js';
import type { StateEntry } from '../src/remote/state.js';
import type { LocalFile, ObjectHead, RemoteObject } from '../src/types.js';

const MD5_A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const MD5_B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const MULTIPART = 'cccccccccccccccccccccccccccccccc-3';
const JS = 'application/javascript; charset=utf-8';
const FP_JS = headerFingerprint({ contentType: JS });
const FP_JS_CACHED = headerFingerprint({ contentType: JS, cacheControl: 'max-age=60' });

function file(key: string, md5 = MD5_A, cacheControl?: string): LocalFile {
  return { key, relPath: key, absPath: `/src/${key}`, size: 10, md5, contentType: JS, cacheControl, kind: 'asset' };
}
function object(key: string, etag = MD5_A, size = 10): RemoteObject {
  return { key, etag, size };
}
function input(overrides: Partial<NextEntriesInput>): NextEntriesInput {
  return { previous: new Map(), listing: new Map(), heads: new Map(), files: [], written: new Map(), retained: [], ...overrides };
}
function byKey(objects: RemoteObject[]): Map<string, RemoteObject> {
  return new Map(objects.map((o) => [o.key, o]));
}

describe('nextEntries', () => {
  test('an uploaded file records its MD5, size, the returned ETag and the fingerprint of its headers', () => {
    const entries = nextEntries(input({ files: [file('a.js', MD5_A, 'max-age=60')], written: new Map([['a.js', { etag: MULTIPART }]]) }));
    expect(entries).toEqual(new Map([['a.js', { md5: MD5_A, size: 10, etag: MULTIPART, headers: FP_JS_CACHED }]]));
  });

  test('a header update records the new ETag, the new fingerprint and what it carried', () => {
    const entries = nextEntries(
      input({
        files: [file('a.js', MD5_A, 'max-age=60')],
        listing: byKey([object('a.js', MULTIPART)]),
        previous: new Map([['a.js', { md5: MD5_A, size: 10, etag: MULTIPART, headers: FP_JS }]]),
        written: new Map([['a.js', { etag: MD5_A, carried: { 'content-encoding': 'gzip' } }]]),
      }),
    );
    expect(entries.get('a.js')).toEqual({
      md5: MD5_A,
      size: 10,
      etag: MD5_A,
      headers: FP_JS_CACHED,
      carried: { 'content-encoding': 'gzip' },
    });
  });

  test('an unchanged file keeps its trusted entry, without the stale time it had while retained', () => {
    const previous: StateEntry = {
      md5: MD5_A,
      size: 10,
      etag: MULTIPART,
      headers: FP_JS,
      staleSince: 5,
      carried: { 'content-language': 'fr' },
    };
    const entries = nextEntries(
      input({ files: [file('a.js')], listing: byKey([object('a.js', MULTIPART)]), previous: new Map([['a.js', previous]]) }),
    );
    expect(entries.get('a.js')).toEqual({ md5: MD5_A, size: 10, etag: MULTIPART, headers: FP_JS, carried: { 'content-language': 'fr' } });
  });

  test('an adopted object (HeadObject, no entry) records the headers it was seen with and what it carries', () => {
    const head: ObjectHead = { headers: { contentType: 'text/javascript' }, carried: { 'content-encoding': 'br' } };
    const entries = nextEntries(input({ files: [file('a.js')], listing: byKey([object('a.js')]), heads: new Map([['a.js', head]]) }));
    expect(entries.get('a.js')).toEqual({
      md5: MD5_A,
      size: 10,
      etag: MD5_A,
      headers: headerFingerprint({ contentType: 'text/javascript' }),
      carried: { 'content-encoding': 'br' },
    });
  });

  test('a multipart object is adopted by its stored MD5', () => {
    const head: ObjectHead = { storedMd5: MD5_A, headers: { contentType: JS }, carried: {} };
    const entries = nextEntries(
      input({ files: [file('a.js')], listing: byKey([object('a.js', MULTIPART)]), heads: new Map([['a.js', head]]) }),
    );
    expect(entries.get('a.js')).toEqual({ md5: MD5_A, size: 10, etag: MULTIPART, headers: FP_JS });
  });

  test.each<[string, Partial<NextEntriesInput>]>([
    ['changed content that was not uploaded', { listing: byKey([object('a.js', MD5_B)]) }],
    [
      'a trusted entry of other content',
      {
        listing: byKey([object('a.js', MULTIPART)]),
        previous: new Map([['a.js', { md5: MD5_B, size: 10, etag: MULTIPART, headers: FP_JS }]]),
      },
    ],
    [
      'an entry the listing disagrees with, and no HeadObject',
      { listing: byKey([object('a.js')]), previous: new Map([['a.js', { md5: MD5_A, size: 10, etag: MD5_B, headers: FP_JS }]]) },
    ],
    [
      'a HeadObject whose stored MD5 is of other content',
      { listing: byKey([object('a.js', MULTIPART)]), heads: new Map([['a.js', { storedMd5: MD5_B, headers: {}, carried: {} }]]) },
    ],
    ['no object (an upload that did not happen)', {}],
  ])('no entry for %s', (_name, overrides) => {
    expect(nextEntries(input({ files: [file('a.js')], ...overrides })).has('a.js')).toBe(false);
  });

  test('a retained object keeps its trusted entry with its stale time; one never seen gets what the listing tells', () => {
    const entries = nextEntries(
      input({
        listing: byKey([object('old.js', MULTIPART), object('other.js', MD5_B, 7)]),
        previous: new Map([['old.js', { md5: MD5_A, size: 10, etag: MULTIPART, headers: FP_JS }]]),
        retained: [
          { key: 'old.js', since: 100 },
          { key: 'other.js', since: 200 },
        ],
      }),
    );
    expect(entries).toEqual(
      new Map([
        ['old.js', { md5: MD5_A, size: 10, etag: MULTIPART, headers: FP_JS, staleSince: 100 }],
        ['other.js', { md5: '', size: 7, etag: MD5_B, headers: '', staleSince: 200 }],
      ]),
    );
  });

  test('deleted and excluded keys drop out', () => {
    const previous = new Map<string, StateEntry>([
      ['gone.js', { md5: MD5_A, size: 10, etag: MD5_A, headers: FP_JS }],
      ['excluded.js', { md5: MD5_A, size: 10, etag: MD5_A, headers: FP_JS }],
    ]);
    expect(nextEntries(input({ previous, listing: byKey([object('gone.js')]) })).size).toBe(0);
  });

  test('an object another tool uploaded in parts, recognised by its multipart ETag and read once with HeadObject, gets an entry', () => {
    const parts = [MD5_A, MD5_B];
    const etag =
      createHash('md5')
        .update(Buffer.from(parts.join(''), 'hex'))
        .digest('hex') + '-2';
    const big: LocalFile = { ...file('big.bin', 'dddddddddddddddddddddddddddddddd'), partMd5s: parts };
    const head: ObjectHead = { headers: { contentType: JS }, carried: {} };
    const entries = nextEntries(input({ files: [big], listing: byKey([object('big.bin', etag)]), heads: new Map([['big.bin', head]]) }));
    expect(entries.get('big.bin')).toEqual({ md5: 'dddddddddddddddddddddddddddddddd', size: 10, etag, headers: FP_JS });
  });
});
