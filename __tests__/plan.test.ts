import { createHash } from 'node:crypto';
import { compareKeys, isMultipartEtag, keysNeedingStoredMd5, planDeploy, planRemoval, uploadReason } from '../src/plan/plan.js';
import { MULTIPART_ABOVE_BYTES } from '../src/names.js';
import type { FileKind, LocalFile, RemoteObject } from '../src/types.js';

const MD5_A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const MD5_B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const MULTIPART = 'cccccccccccccccccccccccccccccccc-3';

function local(key: string, md5 = MD5_A, size = 10, kind: FileKind = key.endsWith('.html') ? 'html' : 'asset'): LocalFile {
  return { key, relPath: key, absPath: `/src/${key}`, size, md5, contentType: 'x', kind };
}
function remote(key: string, etag = MD5_A, size = 10, storedMd5?: string): RemoteObject {
  return { key, etag, size, storedMd5 };
}

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

describe('keysNeedingStoredMd5', () => {
  test('a same-size plain ETag that differs is read even when other ETags are MD5s (bucket switched to SSE-KMS)', () => {
    const files = [local('same', MD5_A), local('edited', MD5_A), local('resized', MD5_A)];
    const objects = [remote('same', MD5_A), remote('edited', MD5_B), remote('resized', MD5_B, 11)];
    expect(keysNeedingStoredMd5(files, objects)).toEqual(['edited']);
  });
  test('a multipart ETag of the same size needs its stored MD5', () => {
    expect(keysNeedingStoredMd5([local('big', MD5_A, 99)], [remote('big', MULTIPART, 99)])).toEqual(['big']);
  });
  test('a different size is a change without reading anything', () => {
    expect(keysNeedingStoredMd5([local('big', MD5_A, 99)], [remote('big', MULTIPART, 98)])).toEqual([]);
  });
  test('when no ETag matches any MD5 (SSE-KMS bucket), same-size objects are read', () => {
    const files = [local('a', MD5_A), local('b', MD5_A, 20), local('c', MD5_A)];
    const objects = [remote('a', MD5_B), remote('b', MD5_B, 21), remote('c', MD5_B)];
    expect(keysNeedingStoredMd5(files, objects)).toEqual(['a', 'c']);
  });
  test('objects without a local file are never read', () => {
    expect(keysNeedingStoredMd5([], [remote('gone', MULTIPART)])).toEqual([]);
  });
});

describe('a multipart object whose ETag the scan can predict (md5 of the part MD5s, as S3 makes it)', () => {
  // Three parts; S3's ETag written out by hand: md5 of the 48 bytes of the three binary MD5s, then "-3".
  const PARTS = ['11111111111111111111111111111111', '22222222222222222222222222222222', '33333333333333333333333333333333'];
  const S3_ETAG = `${createHash('md5')
    .update(Buffer.from(PARTS.join(''), 'hex'))
    .digest('hex')}-3`;
  const big = (): LocalFile => ({ ...local('film.bin', MD5_A, 99), partMd5s: PARTS });

  test('is unchanged without reading its stored MD5', () => {
    expect(keysNeedingStoredMd5([big()], [remote('film.bin', S3_ETAG, 99)])).toEqual([]);
    expect(uploadReason(big(), remote('film.bin', S3_ETAG, 99), false)).toBeUndefined();
  });
  test('with other parts (another part size, or other content) it still reads the stored MD5', () => {
    expect(keysNeedingStoredMd5([big()], [remote('film.bin', MULTIPART, 99)])).toEqual(['film.bin']);
    expect(uploadReason(big(), remote('film.bin', MULTIPART, 99), false)).toBe('changed');
  });
});

describe('planDeploy', () => {
  test('new, changed, unchanged and stale objects', () => {
    const plan = planDeploy(
      [local('new.js'), local('changed.css', MD5_B), local('same.png')],
      [remote('changed.css', MD5_A), remote('same.png', MD5_A), remote('stale.js')],
      { force: false, delete: true },
    );
    expect(plan.uploads.map((u) => [u.file.key, u.reason])).toEqual([
      ['changed.css', 'changed'],
      ['new.js', 'new'],
    ]);
    expect(plan.unchanged.map((f) => f.key)).toEqual(['same.png']);
    expect(plan.deletes).toEqual(['stale.js']);
  });
  test('delete: false keeps stale objects', () => {
    expect(planDeploy([local('a')], [remote('stale')], { force: false, delete: false }).deletes).toEqual([]);
  });
  test('force uploads unchanged files too', () => {
    const plan = planDeploy([local('a')], [remote('a')], { force: true, delete: true });
    expect(plan.uploads.map((u) => u.reason)).toEqual(['forced']);
    expect(plan.unchanged).toEqual([]);
  });
  test('order: assets, then HTML, then the index document, whatever the input order', () => {
    const files = [local('index.html', MD5_A, 1, 'index'), local('b/page.html'), local('z.js'), local('a/app.css'), local('about.html')];
    const plan = planDeploy(files, [], { force: false, delete: true });
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
    const plan = planDeploy(files, [], { force: false, delete: true });
    expect(plan.uploads.map((u) => u.file.key)).toEqual(['c.mp4', 'b.bin', 'a.js', 'd.js', 'big.html', 'a.html']);
  });
  test('keys are compared exactly: unicode, spaces and reserved characters', () => {
    const keys = ['ünï cödé.txt', 'a+b.txt', 'hash#.txt', 'q?.txt', '100%.txt'];
    const plan = planDeploy(
      keys.map((k) => local(k)),
      keys.map((k) => remote(k)),
      { force: false, delete: true },
    );
    expect(plan.uploads).toEqual([]);
    expect(plan.deletes).toEqual([]);
    expect(plan.unchanged).toHaveLength(5);
  });
  test('a remote object with a stored MD5 equal to the file is unchanged', () => {
    const plan = planDeploy([local('big.bin', MD5_A, 99)], [remote('big.bin', MULTIPART, 99, MD5_A)], { force: false, delete: true });
    expect(plan.unchanged).toHaveLength(1);
  });
});

describe('planRemoval', () => {
  test('deletes everything it is given, sorted, uploads nothing', () => {
    const plan = planRemoval([remote('pr-4/b'), remote('pr-4/a')]);
    expect(plan).toEqual({ uploads: [], deletes: ['pr-4/a', 'pr-4/b'], unchanged: [] });
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
