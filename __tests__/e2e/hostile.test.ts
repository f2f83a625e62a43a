/**
 * Hostile conditions end to end (dist/index.js against s3rver behind the recording proxy): a deploy
 * killed at exact points (the proxy stalls the action there, then it is SIGKILLed), and source
 * trees that try to leak, loop, or hold names and files that cannot be deployed.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runAction, type ActionRun, type RunActionOptions } from '../fixtures/run-action.js';
import { md5, useSiteBed } from '../fixtures/site-bed.js';

const BUCKET = 'hostile-bucket';
const WRITES = ['PutObject', 'CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload', 'DeleteObjects', 'DeleteObject'];
const EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

/** 56 hashed chunks and 4 other assets (img/logo.svg unchanged since OLD), 8 pages and the index. */
const CHUNKS = Array.from({ length: 56 }, (_, i) => `export const chunk${i} = ${i};`).map((body) => [
  `static/js/chunk-${md5(body).slice(0, 8)}.js`,
  body,
]);
const PAGES = ['about', 'contact', ...Array.from({ length: 6 }, (_, i) => `blog/post-${i + 1}`)].map((page) => [
  `${page}/index.html`,
  `<!doctype html><h1>${page}</h1><script src="/${CHUNKS[0]![0]}"></script>`,
]);
const ASSETS: Record<string, string | Buffer> = {
  ...Object.fromEntries(CHUNKS),
  'static/app.css': 'body{color:navy}',
  'img/logo.svg': '<svg id="logo"/>',
  'img/hero.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 255, 1, 2]),
  'fonts/inter.woff2': Buffer.from('wOF2 font'),
};
const NEW_SITE: Record<string, string | Buffer> = {
  ...ASSETS,
  ...Object.fromEntries(PAGES),
  'index.html': `<!doctype html>${CHUNKS.map(([key]) => `<script src="/${key}"></script>`).join('')}`,
};
/** The previous version: its index references its own assets; three objects are stale now. */
const OLD: Record<string, string> = {
  'index.html': '<!doctype html><script src="/static/js/main.0ld1.js"></script>',
  'about/index.html': '<!doctype html><h1>old about</h1>',
  'static/js/main.0ld1.js': 'console.log("old")',
  'static/app.css': 'body{color:black}',
  'img/logo.svg': '<svg id="logo"/>',
  'static/js/chunk-0ld2.js': 'old chunk',
  'stale/page.html': '<!doctype html>stale',
};
const ALL_ASSETS = Object.keys(ASSETS).length;
const ASSET_UPLOADS = ALL_ASSETS - 1; // img/logo.svg is unchanged

const bed = useSiteBed(BUCKET, NEW_SITE);

function deploy(extra: Partial<RunActionOptions> = {}): Promise<ActionRun> {
  return runAction({ inputs: { bucket: BUCKET, checks: 'false' }, endpoint: bed.s3.endpoint, workspace: bed.workspace, ...extra });
}

async function seedOld(): Promise<void> {
  for (const [key, body] of Object.entries(OLD)) await bed.s3.putObject(BUCKET, key, body);
  bed.s3.resetRequests();
}

/** key → MD5 of what the bucket holds now. */
async function bucketMd5s(): Promise<Record<string, string>> {
  const keys = await bed.s3.listKeys(BUCKET);
  return Object.fromEntries(await Promise.all(keys.map(async (key) => [key, md5((await bed.s3.getObject(BUCKET, key)).body)])));
}

const writes = (): string[] => bed.s3.requests.filter((r) => WRITES.includes(r.operation)).map((r) => `${r.operation} ${r.path}`);
const build = (rel = ''): string => path.join(bed.workspace, 'build', rel);

describe('a deploy killed midway', () => {
  const KILL_POINTS = [
    // newAssets counts img/logo.svg, unchanged since OLD; newPages > 0 only where every asset is new.
    { when: 'after 5 uploads', stall: () => bed.s3.faults.stallAfter('PutObject', 5), landed: 5, newAssets: 6, newPages: 0, index: 'old' },
    {
      when: 'after every asset, before any page',
      stall: () => bed.s3.faults.stallAfter('PutObject', ASSET_UPLOADS),
      landed: ASSET_UPLOADS,
      newAssets: ALL_ASSETS,
      newPages: 0,
      index: 'old',
    },
    {
      when: 'midway through the pages',
      stall: () => bed.s3.faults.stallAfter('PutObject', ASSET_UPLOADS + 4),
      landed: ASSET_UPLOADS + 4,
      newAssets: ALL_ASSETS,
      newPages: 4,
      index: 'old',
    },
    {
      when: 'while one asset hangs',
      stall: () => bed.s3.faults.stallKeys.add(CHUNKS[0]![0]!),
      landed: ASSET_UPLOADS - 1,
      newAssets: ALL_ASSETS - 1,
      newPages: 0,
      index: 'old',
    },
    {
      when: 'while one page hangs',
      stall: () => bed.s3.faults.stallKeys.add('about/index.html'),
      landed: ASSET_UPLOADS + 7,
      newAssets: ALL_ASSETS,
      newPages: PAGES.length - 1,
      index: 'old',
    },
    {
      when: 'after the index, before any deletion',
      stall: () => bed.s3.faults.stallAfter('DeleteObjects', 0),
      landed: ASSET_UPLOADS + 9,
      newAssets: ALL_ASSETS,
      newPages: PAGES.length,
      index: 'new',
    },
  ];

  const landed = (): number => bed.s3.requests.filter((r) => r.operation === 'PutObject' && r.status === 200).length;
  /** The action hangs on a stalled request, all it may upload has landed, and nothing else is pending. */
  const stuckAt = (uploads: number) => (): boolean =>
    bed.s3.requests.some((r) => r.injected === 'stall') &&
    bed.s3.requests.every((r) => r.injected === 'stall' || r.status !== 0) &&
    landed() >= uploads;

  test.each(KILL_POINTS)('killed $when: nothing is deleted, no page is newer than its assets, a rerun converges', async (point) => {
    await seedOld();
    point.stall();

    const killed = await deploy({ killWhen: stuckAt(point.landed), timeoutMs: 60_000 });

    expect(killed.code).toBeNull();
    // (i) Nothing was deleted: no delete reached the bucket, and every old object is still there.
    expect(bed.s3.requests.filter((r) => r.operation.startsWith('Delete') && r.injected !== 'stall')).toEqual([]);
    const now = await bucketMd5s();
    expect(Object.keys(now)).toEqual(expect.arrayContaining(Object.keys(OLD)));
    // (ii) A new page, and above all the new index, is never in the bucket before what it needs.
    const isNew = (key: string): boolean => now[key] === md5(NEW_SITE[key]!);
    const newAssets = Object.keys(ASSETS).filter(isNew).length;
    const newPages = PAGES.filter(([key]) => isNew(key!)).length;
    // Exactly what this kill point leaves: a page is new only where every asset is (see the table).
    expect({ newAssets, newPages }).toEqual({ newAssets: point.newAssets, newPages: point.newPages });
    expect(newPages === 0 || newAssets === ALL_ASSETS).toBe(true);
    expect(isNew('index.html') ? 'new' : 'old').toBe(point.index);
    if (isNew('index.html')) expect(Object.keys(NEW_SITE).filter((key) => !isNew(key))).toEqual([]);
    else expect(now['index.html']).toBe(md5(OLD['index.html']!));
    // The kill came where it was meant to (the stall made it exact).
    expect(landed()).toBe(point.landed);

    // (iii) A rerun finishes the job: the bucket is the source, stale objects gone.
    bed.s3.faults.clear();
    const rerun = await deploy();
    expect([rerun.code, rerun.stderr]).toEqual([0, '']);
    await bed.expectBucketEquals(NEW_SITE);
  });
});

describe('hostile source trees', () => {
  test('symbolic links out of source-dir, direct, relative, to a folder or via another link, leak nothing', async () => {
    const secret = `TOP-SECRET-${randomBytes(8).toString('hex')}`;
    const target = path.join(bed.workspace, `${secret}.txt`);
    fs.writeFileSync(target, secret);
    fs.mkdirSync(path.join(bed.workspace, 'private'));
    fs.writeFileSync(path.join(bed.workspace, 'private', 'key.pem'), secret);
    fs.symlinkSync(target, build('leak.txt'));
    fs.symlinkSync(`../../${secret}.txt`, build('static/rel-leak.txt'));
    fs.symlinkSync(path.join(bed.workspace, 'private'), build('private'));
    fs.symlinkSync('leak.txt', build('chain.txt'));

    const run = await deploy();

    expect([run.code, run.stderr]).toEqual([0, '']);
    for (const link of ['leak.txt', 'static/rel-leak.txt', 'private', 'chain.txt']) {
      expect(run.stdout).toContain(`::warning::Skipping '${link}': a symbolic link to a place outside source-dir is never followed.`);
    }
    // One PUT per site file, each answered and stored as the site file: no body carried the secret.
    const puts = bed.s3.requests.filter((r) => r.operation === 'PutObject' && !r.path.endsWith('/.deploy-state.json'));
    expect(puts.map((r) => r.status)).toEqual(Object.keys(NEW_SITE).map(() => 200));
    await bed.expectBucketEquals(NEW_SITE);
    expect(bed.s3.requests.filter((r) => r.rawUrl.includes(secret) || r.path.includes(secret))).toEqual([]);
    expect(run.stdout + run.summary + JSON.stringify(run.outputs)).not.toContain(secret);
  });

  test('symbolic link loops (to an ancestor, to itself, to each other) are skipped with a warning', async () => {
    fs.symlinkSync('..', build('static/loop'));
    fs.symlinkSync('self', build('self'));
    fs.symlinkSync('pong', build('ping'));
    fs.symlinkSync('ping', build('pong'));

    const run = await deploy();

    expect([run.code, run.stderr]).toEqual([0, '']);
    for (const link of ['static/loop', 'self', 'ping', 'pong']) {
      expect(run.stdout).toContain(`::warning::Skipping '${link}': a symbolic link loop.`);
    }
    await bed.expectBucketEquals(NEW_SITE);
  });

  test.each([
    [
      'a newline',
      Buffer.from('static/bad\nname.js'),
      /::error::source-dir holds 1 file name\(s\) with control characters .*: "static\/bad\\nname\.js"\. Rename them/,
    ],
    [
      'bytes that are not UTF-8',
      Buffer.from('static/bad\xff.js', 'latin1'),
      /::error::source-dir holds 1 name\(s\) that are not valid UTF-8 .*: "static\/bad\uFFFD\.js"\. S3 keys are UTF-8: rename them/,
    ],
  ])('a file name with %s fails the job naming the file and the fix; nothing is written', async (_what, name, message) => {
    await seedOld();
    fs.writeFileSync(Buffer.concat([Buffer.from(build() + path.sep), name]), 'x');

    const run = await deploy();

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(message);
    expect(run.stdout).toMatch(/Nothing was written or deleted\.$/m);
    expect(writes()).toEqual([]);
    expect(await bucketMd5s()).toEqual(Object.fromEntries(Object.entries(OLD).map(([key, body]) => [key, md5(body)])));
  });

  test('zero-byte files deploy with the empty ETag and are unchanged on redeploy', async () => {
    const empties = { 'empty.txt': '', '.nojekyll': '', 'static/js/empty.js': '', 'blank.html': '' };
    for (const rel of Object.keys(empties)) fs.writeFileSync(build(rel), '');

    const first = await deploy();

    expect(first.code).toBe(0);
    await bed.expectBucketEquals({ ...NEW_SITE, ...empties });
    for (const key of Object.keys(empties)) {
      const stored = await bed.s3.getObject(BUCKET, key);
      expect([key, stored.etag, stored.body.length]).toEqual([key, `"${EMPTY_MD5}"`, 0]);
    }
    bed.s3.resetRequests();
    const again = await deploy();
    expect(again.code).toBe(0);
    expect(writes()).toEqual([]);
    expect(again.outputs).toMatchObject({ uploaded: '0', unchanged: String(Object.keys(NEW_SITE).length + 4) });
  });
});

describe('a file or folder the job cannot read', () => {
  // Root reads any file whatever its mode: run the action as nobody then. The workspace (mkdtemp:
  // 0700) is opened to it; the site's files and folders are 0644/0755 already.
  const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;

  test.each([
    ['file', 'static/js/private.js', /::error::Cannot read "static\/js\/private\.js" in source-dir: permission denied\./],
    ['folder', 'private', /::error::Cannot read the folder "private" in source-dir: permission denied\./],
  ])('an unreadable %s fails the job naming it and the fix; nothing is written; fixed, a rerun converges', async (_kind, rel, message) => {
    await seedOld();
    fs.chmodSync(bed.workspace, 0o755);
    fs.mkdirSync(build('private'));
    fs.writeFileSync(build('private/inner.js'), 'inner');
    fs.writeFileSync(build('static/js/private.js'), 'private');
    fs.chmodSync(build(rel), 0o000);

    const run = await deploy({ user });

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(message);
    expect(run.stdout).toMatch(
      /Make it readable by the user this step runs as .* or leave it out with 'exclude'\. Nothing was written or deleted\.$/m,
    );
    expect(writes()).toEqual([]);
    expect(await bed.s3.listKeys(BUCKET)).toEqual(Object.keys(OLD).sort());

    fs.chmodSync(build(rel), rel === 'private' ? 0o755 : 0o644);
    const rerun = await deploy({ user });
    expect([rerun.code, rerun.stderr]).toEqual([0, '']);
    await bed.expectBucketEquals({ ...NEW_SITE, 'private/inner.js': 'inner', 'static/js/private.js': 'private' });
  });
});
