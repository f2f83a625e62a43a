import { createHash } from 'node:crypto';
import { headerFingerprint } from '../src/plan/drift.js';
import {
  compareKeys,
  COPY_OBJECT_MAX_BYTES,
  isMultipartEtag,
  planDeploy,
  planRemoval,
  uploadReason,
  type PlanOptions,
  type RemoteKnowledge,
} from '../src/plan/plan.js';
import type { StateEntry } from '../src/remote/state.js';
import { MULTIPART_ABOVE_BYTES } from '../src/names.js';
import type { FileKind, LocalFile, ObjectHead, RemoteObject } from '../src/types.js';

const MD5_A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const MD5_B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const MULTIPART = 'cccccccccccccccccccccccccccccccc-3';

function local(key: string, md5 = MD5_A, size = 10, kind: FileKind = key.endsWith('.html') ? 'html' : 'asset'): LocalFile {
  return { key, relPath: key, absPath: `/src/${key}`, size, md5, contentType: 'x', kind };
}
function remote(key: string, etag = MD5_A, size = 10, storedMd5?: string): RemoteObject {
  return { key, etag, size, storedMd5 };
}
const OPTIONS: PlanOptions = { force: false, delete: true, prefix: '', keepStaleMs: 0 };
const NOW = Date.UTC(2026, 11, 2);
/** No deploy state, no HeadObject: what the listing alone tells. */
const LISTING_ONLY: RemoteKnowledge = { entries: new Map(), heads: new Map(), now: NOW };

describe('uploadReason', () => {
  test.each([
    ['no remote object', undefined, false, 'new'],
    ['same ETag', remote('a', MD5_A), false, undefined],
    ['different ETag', remote('a', MD5_B), false, 'changed'],
    ['same ETag but forced', remote('a', MD5_A), true, 'forced'],
    ['multipart ETag, stored MD5 matches', remote('a', MULTIPART, 10, MD5_A), false, undefined],
    ['multipart ETag, stored MD5 differs', remote('a', MULTIPART, 10, MD5_B), false, 'changed'],
    ['multipart ETag, no stored MD5', remote('a', MULTIPART), false, 'changed'],
    ['new file even when forced', undefined, true, 'new'],
  ])('%s', (_name, object, force, expected) => {
    expect(uploadReason(local('a'), object, force)).toBe(expected);
  });
});

describe('a multipart object whose ETag the scan can predict (md5 of the part MD5s, as S3 makes it)', () => {
  // Three parts; S3's ETag written out by hand: md5 of the 48 bytes of the three binary MD5s, then "-3".
  const PARTS = ['11111111111111111111111111111111', '22222222222222222222222222222222', '33333333333333333333333333333333'];
  const S3_ETAG = `${createHash('md5')
    .update(Buffer.from(PARTS.join(''), 'hex'))
    .digest('hex')}-3`;
  const big = (): LocalFile => ({ ...local('film.bin', MD5_A, 99), partMd5s: PARTS });

  test('is unchanged without its stored MD5', () => {
    expect(uploadReason(big(), remote('film.bin', S3_ETAG, 99), false)).toBeUndefined();
  });
  test('with other parts (another part size, or other content) it is a change unless its stored MD5 says otherwise', () => {
    expect(uploadReason(big(), remote('film.bin', MULTIPART, 99), false)).toBe('changed');
  });
});

describe('planDeploy', () => {
  test('new, changed, unchanged and stale objects', () => {
    const plan = planDeploy(
      [local('new.js'), local('changed.css', MD5_B), local('same.png')],
      [remote('changed.css', MD5_A), remote('same.png', MD5_A), remote('stale.js')],
      OPTIONS,
      LISTING_ONLY,
    );
    expect(plan.uploads.map((u) => [u.file.key, u.reason])).toEqual([
      ['changed.css', 'changed'],
      ['new.js', 'new'],
    ]);
    expect(plan.unchanged.map((f) => f.key)).toEqual(['same.png']);
    expect(plan.deletes).toEqual(['stale.js']);
  });
  test('delete: false keeps stale objects', () => {
    expect(planDeploy([local('a')], [remote('stale')], { ...OPTIONS, delete: false }, LISTING_ONLY).deletes).toEqual([]);
  });
  test('force uploads unchanged files too', () => {
    const plan = planDeploy([local('a')], [remote('a')], { ...OPTIONS, force: true }, LISTING_ONLY);
    expect(plan.uploads.map((u) => u.reason)).toEqual(['forced']);
    expect(plan.unchanged).toEqual([]);
  });
  test('order: assets, then HTML, then the index document, whatever the input order', () => {
    const files = [local('index.html', MD5_A, 1, 'index'), local('b/page.html'), local('z.js'), local('a/app.css'), local('about.html')];
    const plan = planDeploy(files, [], OPTIONS, LISTING_ONLY);
    expect(plan.uploads.map((u) => u.file.key)).toEqual(['a/app.css', 'z.js', 'about.html', 'b/page.html', 'index.html']);
  });
  test('order within a phase: multipart files first, largest first; then the rest by key', () => {
    const big = MULTIPART_ABOVE_BYTES + 1;
    const files = [
      local('a.js', MD5_A, MULTIPART_ABOVE_BYTES),
      local('b.bin', MD5_A, big),
      local('c.mp4', MD5_A, 4 * big),
      local('d.js', MD5_A, 5),
      local('big.html', MD5_A, big),
      local('a.html'),
    ];
    const plan = planDeploy(files, [], OPTIONS, LISTING_ONLY);
    expect(plan.uploads.map((u) => u.file.key)).toEqual(['c.mp4', 'b.bin', 'a.js', 'd.js', 'big.html', 'a.html']);
  });
  test('keys are compared exactly: unicode, spaces and reserved characters', () => {
    const keys = ['ünï cödé.txt', 'a+b.txt', 'hash#.txt', 'q?.txt', '100%.txt'];
    const plan = planDeploy(
      keys.map((k) => local(k)),
      keys.map((k) => remote(k)),
      OPTIONS,
      LISTING_ONLY,
    );
    expect(plan.uploads).toEqual([]);
    expect(plan.deletes).toEqual([]);
    expect(plan.unchanged).toHaveLength(5);
  });
  test('a remote object with a stored MD5 equal to the file is unchanged', () => {
    const plan = planDeploy([local('big.bin', MD5_A, 99)], [remote('big.bin', MULTIPART, 99, MD5_A)], OPTIONS, LISTING_ONLY);
    expect(plan.unchanged).toHaveLength(1);
  });
});

describe('planRemoval', () => {
  test('deletes everything it is given, sorted, uploads nothing', () => {
    const plan = planRemoval([remote('pr-4/b'), remote('pr-4/a')]);
    expect(plan).toEqual({ uploads: [], deletes: ['pr-4/a', 'pr-4/b'], unchanged: [], headerUpdates: [], retained: [], expiring: [] });
  });
});

describe('planDeploy with the deploy state and HeadObjects', () => {
  const JS = 'application/javascript; charset=utf-8';
  function js(key: string, cacheControl?: string, size = 10): LocalFile {
    return {
      key,
      relPath: key.replace(/^pr-4\//, ''),
      absPath: `/src/${key}`,
      size,
      md5: MD5_A,
      contentType: JS,
      cacheControl,
      kind: 'asset',
    };
  }
  function entry(etag: string, headers = headerFingerprint({ contentType: JS }), extra: Partial<StateEntry> = {}): StateEntry {
    return { md5: MD5_A, size: 10, etag, headers, ...extra };
  }
  function knowing(entries: [string, StateEntry][], heads: [string, ObjectHead][] = []): RemoteKnowledge {
    return { entries: new Map(entries), heads: new Map(heads), now: NOW };
  }

  test('a multipart object whose ETag matches its entry is unchanged, with no stored MD5 read', () => {
    const plan = planDeploy([js('big.js')], [remote('big.js', MULTIPART)], OPTIONS, knowing([['big.js', entry(MULTIPART)]]));
    expect(plan.uploads).toEqual([]);
    expect(plan.unchanged.map((f) => f.key)).toEqual(['big.js']);
    expect(plan.headerUpdates).toEqual([]);
  });

  test('a multipart object whose ETag disagrees with its entry is a change', () => {
    const plan = planDeploy([js('big.js')], [remote('big.js', MULTIPART)], OPTIONS, knowing([['big.js', entry(MD5_B)]]));
    expect(plan.uploads.map((u) => [u.file.key, u.reason])).toEqual([['big.js', 'changed']]);
  });

  test('a new Cache-Control rule makes a header update of an unchanged file, carrying what its entry carries; it stays unchanged', () => {
    const plan = planDeploy(
      [js('app.js', 'max-age=60')],
      [remote('app.js')],
      OPTIONS,
      knowing([['app.js', entry(MD5_A, undefined, { carried: { 'content-encoding': 'gzip' } })]]),
    );
    expect(plan.uploads).toEqual([]);
    expect(plan.unchanged.map((f) => f.key)).toEqual(['app.js']);
    expect(plan.headerUpdates).toEqual([
      // The object as the planner knew it: the MD5 from the entry.
      { file: js('app.js', 'max-age=60'), object: remote('app.js', MD5_A, 10, MD5_A), carried: { 'content-encoding': 'gzip' } },
    ]);
  });

  test('an object with no entry is corrected from what HeadObject saw, carrying its other headers', () => {
    const head: ObjectHead = { headers: { contentType: 'binary/octet-stream' }, carried: { 'content-disposition': 'inline' } };
    const plan = planDeploy([js('app.js')], [remote('app.js')], OPTIONS, knowing([], [['app.js', head]]));
    expect(plan.headerUpdates).toEqual([{ file: js('app.js'), object: remote('app.js'), carried: { 'content-disposition': 'inline' } }]);
  });

  test('an object with no entry whose HeadObject headers match the rules needs nothing', () => {
    const head: ObjectHead = { headers: { contentType: JS }, carried: {} };
    const plan = planDeploy([js('app.js')], [remote('app.js')], OPTIONS, knowing([], [['app.js', head]]));
    expect(plan.headerUpdates).toEqual([]);
    expect(plan.uploads).toEqual([]);
  });

  test('headers of an object over 5 GiB are corrected by uploading it again (CopyObject stops at 5 GiB)', () => {
    const size = COPY_OBJECT_MAX_BYTES + 1;
    const plan = planDeploy(
      [js('huge.bin', 'max-age=60', size)],
      [remote('huge.bin', MULTIPART, size)],
      OPTIONS,
      knowing([['huge.bin', entry(MULTIPART, undefined, { size })]]),
    );
    expect(plan.uploads.map((u) => [u.file.key, u.reason])).toEqual([['huge.bin', 'headers']]);
    expect(plan.headerUpdates).toEqual([]);
  });

  test('keep-stale under a prefix: a stale asset is retained, a stale page deleted, an expired asset deleted', () => {
    const day = 86_400_000;
    const plan = planDeploy(
      [js('pr-4/app.v2.js')],
      [remote('pr-4/app.v2.js'), remote('pr-4/app.v1.js'), remote('pr-4/old.html'), remote('pr-4/app.v0.js')],
      { ...OPTIONS, prefix: 'pr-4/', keepStaleMs: 7 * day },
      knowing([['pr-4/app.v0.js', entry(MD5_A, undefined, { staleSince: NOW - 8 * day })]]),
    );
    expect(plan.retained).toEqual([{ key: 'pr-4/app.v1.js', since: NOW }]);
    expect(plan.expiring).toEqual([{ key: 'pr-4/app.v0.js', since: NOW - 8 * day }]);
    expect(plan.deletes).toEqual(['pr-4/app.v0.js', 'pr-4/old.html']);
  });

  test('delete: false retains nothing and deletes nothing', () => {
    const plan = planDeploy([js('a.js')], [remote('a.js'), remote('b.js')], { ...OPTIONS, delete: false, keepStaleMs: 1000 }, LISTING_ONLY);
    expect([plan.deletes, plan.retained, plan.expiring]).toEqual([[], [], []]);
  });
});

describe('helpers', () => {
  test('isMultipartEtag', () => {
    expect(isMultipartEtag(MULTIPART)).toBe(true);
    expect(isMultipartEtag(MD5_A)).toBe(false);
  });
  test('compareKeys orders by UTF-8 bytes like S3', () => {
    // U+FF5E (3 UTF-8 bytes, EF BD 9E) sorts before U+1F600 (4 bytes, F0 ...) in UTF-8, but after it in UTF-16.
    expect(['\u{1F600}', '\uFF5E'].sort(compareKeys)).toEqual(['\uFF5E', '\u{1F600}']);
  });
});
