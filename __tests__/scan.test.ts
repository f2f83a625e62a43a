import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GuardError } from '../src/errors.js';
import { hashSourceFiles } from '../src/local/hash.js';
import { findSourceFiles, type ScanOptions } from '../src/local/scan.js';

let root: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-test-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function write(files: Record<string, string | Buffer>): string {
  const dir = path.join(root, 'build');
  for (const [rel, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), body);
  }
  return dir;
}

function options(sourceDir: string, overrides: Partial<ScanOptions> = {}): ScanOptions {
  return {
    sourceDir,
    prefix: '',
    include: [],
    exclude: [],
    cacheControl: [{ glob: '**/*.html', value: 'no-cache' }],
    indexDocument: 'index.html',
    ...overrides,
  };
}

const md5 = (body: string | Buffer): string => createHash('md5').update(body).digest('hex');

describe('findSourceFiles', () => {
  test('describes every file (POSIX key under the prefix, type, cache-control, kind); hashSourceFiles adds its MD5 and size', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 7, 'x');
    const dir = write({ 'index.html': '<h1>', 'about/index.html': '<p>', 'static/app.js': 'x()', 'big.bin': big, 'empty.txt': '' });
    const files = await hashSourceFiles(await findSourceFiles(options(dir, { prefix: 'pr-1/' })));
    const byRel = Object.fromEntries(files.map((f) => [f.relPath, f]));
    expect(Object.keys(byRel).sort()).toEqual(['about/index.html', 'big.bin', 'empty.txt', 'index.html', 'static/app.js']);
    expect(byRel['index.html']).toMatchObject({
      key: 'pr-1/index.html',
      kind: 'index',
      cacheControl: 'no-cache',
      contentType: 'text/html; charset=utf-8',
      md5: md5('<h1>'),
    });
    expect(byRel['about/index.html']).toMatchObject({ key: 'pr-1/about/index.html', kind: 'html', cacheControl: 'no-cache' });
    expect(byRel['static/app.js']).toMatchObject({ kind: 'asset', cacheControl: undefined, contentType: 'text/javascript; charset=utf-8' });
    expect(byRel['big.bin']).toMatchObject({ size: big.length, md5: md5(big), contentType: 'application/octet-stream' });
    expect(byRel['empty.txt']).toMatchObject({ size: 0, md5: md5('') });
  });

  test('dot-folders are deployed; include and exclude filter by relative path', async () => {
    const dir = write({ 'index.html': 'i', '.well-known/security.txt': 's', 'a.js.map': 'm', 'deep/b.js.map': 'm', 'deep/b.js': 'b' });
    const all = await findSourceFiles(options(dir));
    expect(all.map((f) => f.relPath).sort()).toEqual(['.well-known/security.txt', 'a.js.map', 'deep/b.js', 'deep/b.js.map', 'index.html']);
    const noMaps = await findSourceFiles(options(dir, { exclude: ['*.map'] }));
    expect(noMaps.map((f) => f.relPath).sort()).toEqual(['.well-known/security.txt', 'deep/b.js', 'index.html']);
  });

  test('a symbolic link out of source-dir is skipped; one inside is followed', async () => {
    const dir = write({ 'index.html': 'i', 'static/app.js': 'a' });
    fs.writeFileSync(path.join(root, 'secret.txt'), 'TOP SECRET');
    fs.symlinkSync(path.join(root, 'secret.txt'), path.join(dir, 'leak.txt'));
    fs.symlinkSync(path.join(dir, 'static'), path.join(dir, 'latest'));
    fs.symlinkSync(dir, path.join(dir, 'static', 'loop'));
    const rels = (await findSourceFiles(options(dir))).map((f) => f.relPath).sort();
    expect(rels).toEqual(['index.html', 'latest/app.js', 'static/app.js']);
  });

  test.each([
    ['source-dir is missing', (dir: string) => path.join(dir, 'nope')],
    ['source-dir is a file', (dir: string) => path.join(dir, 'index.html')],
  ])('%s: a GuardError naming source-dir', async (_name, pick) => {
    const dir = write({ 'index.html': 'i' });
    await expect(findSourceFiles(options(pick(dir)))).rejects.toThrow(GuardError);
    await expect(findSourceFiles(options(pick(dir)))).rejects.toThrow(/source-dir/);
  });

  test('no index document: a GuardError naming index-document', async () => {
    const dir = write({ 'app.js': 'a' });
    await expect(findSourceFiles(options(dir))).rejects.toThrow(/index-document|index\.html/);
  });

  test('an index document left out by include or exclude: the guard names the filter and the fix', async () => {
    const dir = write({ 'index.html': 'i', 'app.js': 'a' });
    await expect(findSourceFiles(options(dir, { include: ['nothing/**'] }))).rejects.toThrow(
      /^index-document 'index\.html' is in source-dir '.*', but 'include' \('nothing\/\*\*'\) does not match it; 0 of the 2 files are in scope\. .*add it to 'include'/,
    );
    await expect(findSourceFiles(options(dir, { include: ['*.js'] }))).rejects.toThrow(
      /'include' \('\*\.js'\) does not match it; 1 of the 2 files/,
    );
    await expect(findSourceFiles(options(dir, { exclude: ['*.html'] }))).rejects.toThrow(
      /'exclude' \('\*\.html'\) matches it; .*take it out of 'exclude'/,
    );
  });

  test('a very deep source-dir is echoed cut in the middle, not whole', async () => {
    const deep = path.join(root, ...Array.from({ length: 500 }, () => 'abcdef'), 'build');
    const err = (await findSourceFiles(options(deep)).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(GuardError);
    expect(err.message).toMatch(new RegExp(`^source-dir '.{60}….{100}' \\(${deep.length} characters\\) does not exist\\.`));
    expect(err.message).toContain(`${root.slice(0, 20)}`);
    expect(err.message).toContain("abcdef/abcdef/build' (");
    expect(err.message.length).toBeLessThan(400);
  });
});
