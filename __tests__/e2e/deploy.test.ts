/**
 * The core sync, end to end: dist/index.js run as the GitHub runner runs it, against s3rver behind
 * a recording proxy. Asserts bucket contents byte for byte, headers, outputs and request counts.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeSite, runAction, type ActionRun } from '../fixtures/run-action.js';
import { md5, useSiteBed } from '../fixtures/site-bed.js';

const BUCKET = 'site-bucket';
const WRITES = ['PutObject', 'CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload', 'DeleteObjects', 'DeleteObject'];

const SITE: Record<string, string | Buffer> = {
  'index.html': '<!doctype html><script src="/static/app.3c7b.js"></script>',
  'about/index.html': '<!doctype html><h1>About</h1>',
  'static/app.3c7b.js': 'console.log("app")',
  'static/app.3c7b.js.map': '{"version":3}',
  'static/style.css': 'body{}',
  'img/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 255]),
  '.well-known/security.txt': 'Contact: mailto:security@example.com',
  'files/ünïcödé and spaces+plus#hash?q%25.txt': 'special',
  'empty.txt': '',
};

const bed = useSiteBed(BUCKET, SITE);

function deploy(inputs: Record<string, string> = {}, extra: Partial<Parameters<typeof runAction>[0]> = {}): Promise<ActionRun> {
  return runAction({
    inputs: { bucket: BUCKET, checks: 'false', ...inputs },
    endpoint: bed.s3.endpoint,
    workspace: bed.workspace,
    ...extra,
  });
}

function writes(): string[] {
  return bed.s3.requests.filter((r) => WRITES.includes(r.operation)).map((r) => `${r.operation} ${r.path}`);
}

const expectBucketEqualsSite = (files: Record<string, string | Buffer>, prefix = ''): Promise<void> =>
  bed.expectBucketEquals(files, prefix);

function touchAll(dir: string): void {
  const future = new Date(Date.now() + 3600_000);
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) fs.utimesSync(path.join(entry.parentPath, entry.name), future, future);
  }
}

test('first deploy uploads every file byte for byte, with headers, in order, and reports it', async () => {
  const run = await deploy();
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  await expectBucketEqualsSite(SITE);

  const index = await bed.s3.getObject(BUCKET, 'index.html');
  expect(index.contentType).toBe('text/html; charset=utf-8');
  expect(index.cacheControl).toBe('no-cache');
  expect(index.metadata.md5).toBe(md5(SITE['index.html']!));
  const js = await bed.s3.getObject(BUCKET, 'static/app.3c7b.js');
  expect(js.contentType).toBe('text/javascript; charset=utf-8');
  expect(js.cacheControl).toBeUndefined();
  expect((await bed.s3.getObject(BUCKET, 'static/style.css')).contentType).toBe('text/css; charset=utf-8');
  expect((await bed.s3.getObject(BUCKET, 'img/logo.png')).contentType).toBe('image/png');
  expect((await bed.s3.getObject(BUCKET, 'about/index.html')).cacheControl).toBe('no-cache');

  const bytes = Object.values(SITE).reduce((sum, body) => sum + Buffer.byteLength(body), 0);
  expect(run.outputs).toMatchObject({
    uploaded: '9',
    deleted: '0',
    unchanged: '0',
    'bytes-uploaded': String(bytes),
    checks: 'skipped',
    'invalidation-id': '',
  });
  expect(run.summary).toContain('Deployed to `s3://site-bucket/`');
  expect(run.summary).toMatch(/\| uploaded \| 9 \| 9 \|/);

  // Order: every asset before any HTML page, the index document last; then, once, the deploy state.
  const writes = bed.s3.requests.filter((r) => r.operation === 'PutObject').map((r) => r.path.slice(BUCKET.length + 2));
  expect(writes.at(-1)).toBe('.deploy-state.json');
  const puts = writes.slice(0, -1);
  expect(puts).toHaveLength(9);
  const lastAsset = Math.max(...puts.map((k, i) => (k.endsWith('.html') ? -1 : i)));
  const firstHtml = puts.findIndex((k) => k.endsWith('.html'));
  expect(lastAsset).toBeLessThan(firstHtml);
  expect(puts.at(-1)).toBe('index.html');
  expect(bed.s3.count('ListObjectsV2')).toBe(1);
  expect(bed.s3.count('HeadObject')).toBe(0);
});

test('redeploy after touching every mtime makes zero writes: one listing, one read of the deploy state, no HEAD', async () => {
  expect((await deploy()).code).toBe(0);
  touchAll(path.join(bed.workspace, 'build'));
  bed.s3.resetRequests();
  const run = await deploy();
  expect(run.code).toBe(0);
  expect(bed.s3.requests.map((r) => r.operation).sort()).toEqual(['GetObject', 'ListObjectsV2']);
  expect(run.outputs).toMatchObject({ uploaded: '0', deleted: '0', unchanged: '9', 'bytes-uploaded': '0' });
});

test('a change, an addition and a deletion: exactly those writes, deletions after the last upload', async () => {
  expect((await deploy()).code).toBe(0);
  const build = path.join(bed.workspace, 'build');
  fs.writeFileSync(path.join(build, 'static/style.css'), 'body{color:red}');
  fs.writeFileSync(path.join(build, 'static/new.js'), 'new');
  fs.rmSync(path.join(build, 'static/app.3c7b.js.map'));
  bed.s3.resetRequests();
  const run = await deploy();
  expect(run.code).toBe(0);
  expect(writes()).toEqual([
    expect.stringMatching(/^PutObject \/site-bucket\/static\/(new\.js|style\.css)$/),
    expect.stringMatching(/^PutObject \/site-bucket\/static\/(new\.js|style\.css)$/),
    'DeleteObjects /site-bucket/',
    'PutObject /site-bucket/.deploy-state.json',
  ]);
  expect(run.outputs).toMatchObject({ uploaded: '2', deleted: '1', unchanged: '7' });
  const { 'static/app.3c7b.js.map': _gone, ...rest } = SITE;
  await expectBucketEqualsSite({ ...rest, 'static/style.css': 'body{color:red}', 'static/new.js': 'new' });
});

test('a deploy to pr-4 lists pr-4/ with its slash and never touches pr-42/', async () => {
  await bed.s3.putObject(BUCKET, 'pr-42/index.html', 'other preview');
  await bed.s3.putObject(BUCKET, 'pr-4/stale.js', 'stale');
  const run = await deploy({ prefix: 'pr-4' });
  expect(run.code).toBe(0);
  expect(bed.s3.requests.filter((r) => r.operation === 'ListObjectsV2').map((r) => r.query.prefix)).toEqual(['pr-4/']);
  expect(await bed.s3.listKeys(BUCKET, 'pr-42/')).toEqual(['pr-42/index.html']);
  expect(await bed.s3.listKeys(BUCKET, 'pr-4/')).not.toContain('pr-4/stale.js');
  await expectBucketEqualsSite(SITE, 'pr-4/');
});

test('exclude protects remote keys: a root deploy with exclude pr-*/** keeps previews', async () => {
  await bed.s3.putObject(BUCKET, 'pr-7/index.html', 'preview');
  await bed.s3.putObject(BUCKET, 'old.js', 'stale');
  const run = await deploy({ exclude: 'pr-*/**' });
  expect(run.code).toBe(0);
  const keys = await bed.s3.listKeys(BUCKET);
  expect(keys).toContain('pr-7/index.html');
  expect(keys).not.toContain('old.js');
});

test('delete: false keeps stale objects', async () => {
  await bed.s3.putObject(BUCKET, 'old.js', 'stale');
  const run = await deploy({ delete: 'false' });
  expect(run.code).toBe(0);
  expect(await bed.s3.listKeys(BUCKET)).toContain('old.js');
  expect(bed.s3.count('DeleteObjects')).toBe(0);
});

test('dry-run prints the plan and writes nothing', async () => {
  await bed.s3.putObject(BUCKET, 'old.js', 'stale');
  const run = await deploy({ 'dry-run': 'true' });
  expect(run.code).toBe(0);
  expect(writes()).toEqual([]);
  expect(run.stdout).toContain('would upload (new) index.html');
  expect(run.stdout).toContain('would delete old.js');
  expect(run.summary).toContain('Dry run');
  expect(await bed.s3.listKeys(BUCKET)).toEqual(['old.js']);
  expect(run.outputs).toMatchObject({ uploaded: '0', deleted: '0' });
});

test('force re-uploads unchanged files', async () => {
  expect((await deploy()).code).toBe(0);
  bed.s3.resetRequests();
  const run = await deploy({ force: 'true', 'cache-control': '**/*.html: no-store\n**: max-age=60' });
  expect(run.code).toBe(0);
  expect(bed.s3.count('PutObject')).toBe(9 + 1); // the files, then the deploy state
  expect((await bed.s3.getObject(BUCKET, 'index.html')).cacheControl).toBe('no-store');
  expect((await bed.s3.getObject(BUCKET, 'static/style.css')).cacheControl).toBe('max-age=60');
});

test('include limits both sides: files outside it are neither uploaded nor deleted', async () => {
  await bed.s3.putObject(BUCKET, 'legacy/keep.txt', 'keep');
  const run = await deploy({ include: 'index.html, static/**' });
  expect(run.code).toBe(0);
  // A glob without a slash matches at any depth: `index.html` takes about/index.html too.
  expect((await bed.s3.listKeys(BUCKET)).sort()).toEqual([
    '.deploy-state.json',
    'about/index.html',
    'index.html',
    'legacy/keep.txt',
    'static/app.3c7b.js',
    'static/app.3c7b.js.map',
    'static/style.css',
  ]);
});

test('mode remove deletes everything under the prefix and nothing else', async () => {
  await bed.s3.putObject(BUCKET, 'pr-7/index.html', 'a');
  await bed.s3.putObject(BUCKET, 'pr-7/deep/x.js', 'b');
  await bed.s3.putObject(BUCKET, 'pr-77/index.html', 'c');
  await bed.s3.putObject(BUCKET, 'index.html', 'd');
  const run = await deploy({ mode: 'remove', prefix: 'pr-7', 'source-dir': 'does-not-exist' });
  expect(run.code).toBe(0);
  expect(await bed.s3.listKeys(BUCKET)).toEqual(['index.html', 'pr-77/index.html']);
  expect(run.outputs).toMatchObject({ deleted: '2', uploaded: '0' });
});

test('large files go multipart with their MD5 in metadata; a redeploy knows them unchanged from the deploy state, or else from the stored MD5', async () => {
  const big = Buffer.alloc(20 * 1024 * 1024 + 17);
  for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
  await makeSite(path.join(bed.workspace, 'build'), { 'video/big.bin': big });
  expect((await deploy()).code).toBe(0);
  expect(bed.s3.count('CompleteMultipartUpload')).toBe(1);
  const stored = await bed.s3.getObject(BUCKET, 'video/big.bin');
  expect(stored.etag).toMatch(/-3"$/);
  expect(stored.metadata.md5).toBe(md5(big));
  expect(md5(stored.body)).toBe(md5(big));

  // The ETag is md5(part MD5s)-3 of 8 MiB parts, which the scan predicts: nothing else to read.
  bed.s3.resetRequests();
  const run = await deploy();
  expect(run.code).toBe(0);
  expect(bed.s3.requests.map((r) => r.operation).sort()).toEqual(['GetObject', 'ListObjectsV2']);
  expect(run.outputs.uploaded).toBe('0');

  // Uploaded by another tool in 5 MiB parts: an ETag of other parts, so the stored MD5 decides.
  const client = new S3Client({
    endpoint: bed.s3.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await new Upload({
    client,
    partSize: 5 * 1024 * 1024,
    params: { Bucket: BUCKET, Key: 'video/big.bin', Body: big, Metadata: { md5: md5(big) } },
  }).done();
  client.destroy();
  expect((await bed.s3.getObject(BUCKET, 'video/big.bin')).etag).toMatch(/-5"$/);
  bed.s3.resetRequests();
  const again = await deploy();
  expect(again.code).toBe(0);
  // Its ETag no longer matches the state's entry: read once; the body is the same, its headers are
  // not (that upload set no Content-Type), so they are corrected in place and the state written.
  expect(bed.s3.requests.map((r) => r.operation).sort()).toEqual(['CopyObject', 'GetObject', 'HeadObject', 'ListObjectsV2', 'PutObject']);
  expect(again.outputs).toMatchObject({ uploaded: '0', 'headers-updated': '1' });
});

test('four multipart uploads at concurrency 16: at most two are open at once (two at the peak), and all four complete', async () => {
  const files: Record<string, Buffer> = {};
  for (let n = 0; n < 4; n++) files[`video/clip-${n}.bin`] = Buffer.alloc(9 * 1024 * 1024, n + 1);
  await makeSite(path.join(bed.workspace, 'build'), files);
  expect((await deploy({ concurrency: '16' })).code).toBe(0);
  // Requests are recorded in arrival order: a Create opens an upload, its Complete closes it.
  let open = 0;
  let mostOpen = 0;
  for (const { operation } of bed.s3.requests) {
    if (operation === 'CreateMultipartUpload') mostOpen = Math.max(mostOpen, ++open);
    if (operation === 'CompleteMultipartUpload') open--;
  }
  expect(bed.s3.count('CompleteMultipartUpload')).toBe(4);
  expect(mostOpen).toBe(2);
  await expectBucketEqualsSite({ ...SITE, ...files });
});

test('DeleteObjects per-key errors fail the job, name every key, and a rerun converges', async () => {
  await bed.s3.putObject(BUCKET, 'stale-a.js', 'a');
  await bed.s3.putObject(BUCKET, 'stale b.js', 'b');
  await bed.s3.putObject(BUCKET, 'stale-c.js', 'c');
  bed.s3.faults.failDeleteKeys.add('stale-a.js');
  bed.s3.faults.failDeleteKeys.add('stale b.js');
  const run = await deploy();
  expect(run.code).toBe(1);
  expect(run.stdout).toContain('::error::2 of 3 deletion(s) failed');
  expect(run.stdout).toContain('"stale-a.js"');
  expect(run.stdout).toContain('"stale b.js"');
  expect(run.summary).toContain('failed');
  expect(await bed.s3.listKeys(BUCKET)).toEqual(expect.arrayContaining(['stale-a.js', 'stale b.js']));

  bed.s3.faults.clear();
  expect((await deploy()).code).toBe(0);
  await expectBucketEqualsSite(SITE);
});

test('a failed asset upload stops before any HTML and deletes nothing', async () => {
  await bed.s3.putObject(BUCKET, 'stale.js', 'x');
  bed.s3.faults.failAll('PutObject', 403, 'AccessDenied');
  const run = await deploy();
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(/upload\(s\) of assets failed/);
  expect(bed.s3.requests.filter((r) => r.operation === 'PutObject' && r.path.endsWith('.html'))).toEqual([]);
  expect(bed.s3.count('DeleteObjects')).toBe(0);
  expect(await bed.s3.listKeys(BUCKET)).toEqual(['stale.js']);
});

test('symbolic links out of source-dir are never followed; links inside are', async () => {
  const secret = path.join(bed.workspace, 'secret.txt');
  fs.writeFileSync(secret, 'TOP SECRET');
  fs.symlinkSync(secret, path.join(bed.workspace, 'build', 'leak.txt'));
  fs.symlinkSync(path.join(bed.workspace, 'build', 'static'), path.join(bed.workspace, 'build', 'latest'));
  const run = await deploy();
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("Skipping 'leak.txt': a symbolic link to a place outside source-dir is never followed.");
  const keys = await bed.s3.listKeys(BUCKET);
  expect(keys).not.toContain('leak.txt');
  expect(keys).toContain('latest/style.css');
  expect(bed.s3.requests.some((r) => r.bodyBytes === 'TOP SECRET'.length && r.operation === 'PutObject')).toBe(false);
});

describe('guards and bad inputs fail before any request', () => {
  test.each<[string, Record<string, string>, RegExp]>([
    ['missing source-dir', { 'source-dir': 'nope' }, /source-dir '.*nope' does not exist/],
    ['source-dir is a file', { 'source-dir': 'build/index.html' }, /is not a directory/],
    ['no index document', { 'index-document': 'home.html' }, /index-document 'home.html' is not in source-dir/],
    ['bad boolean', { delete: 'yes' }, /Input 'delete': 'yes' is not a boolean/],
    ['bad concurrency', { concurrency: '0' }, /Input 'concurrency'/],
    ['bad prefix', { prefix: '../up' }, /Input 'prefix'/],
    ['bad cache-control', { 'cache-control': 'no-cache' }, /Input 'cache-control'/],
    ['bad mode', { mode: 'nuke' }, /Input 'mode'/],
    ['remove without prefix', { mode: 'remove' }, /Input 'prefix'.*empty the whole bucket/],
  ])('%s', async (_name, inputs, message) => {
    await bed.s3.putObject(BUCKET, 'keep.js', 'keep');
    const run = await deploy(inputs);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(message);
    expect(bed.s3.requests).toEqual([]);
    expect(await bed.s3.listKeys(BUCKET)).toEqual(['keep.js']);
  });

  test('an empty source-dir deletes nothing', async () => {
    fs.rmSync(path.join(bed.workspace, 'build'), { recursive: true });
    fs.mkdirSync(path.join(bed.workspace, 'build'));
    await bed.s3.putObject(BUCKET, 'index.html', 'live site');
    const run = await deploy();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/is empty/);
    expect(bed.s3.requests).toEqual([]);
  });

  test('a missing region names the input', async () => {
    const run = await deploy({}, { env: { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Input 'region'/);
    expect(bed.s3.requests).toEqual([]);
  });
});

test('listings over 1,000 keys are paginated and every stale key is deleted', async () => {
  const stale: Record<string, string> = {};
  for (let i = 0; i < 1500; i++) stale[`old/${String(i).padStart(4, '0')}.js`] = `x${i}`;
  await bed.s3.seedObjects(BUCKET, stale);
  const run = await deploy();
  expect(run.code).toBe(0);
  expect(bed.s3.count('ListObjectsV2')).toBe(2);
  expect(bed.s3.count('DeleteObjects')).toBe(2);
  expect(run.outputs.deleted).toBe('1500');
  await expectBucketEqualsSite(SITE);
});
