/**
 * What is stored is what was hashed, run from the bundle against the local S3, which checks
 * Content-MD5 as S3 does (s3rver does not: the fixture does). A file that changes between hashing
 * and upload is refused by S3: the job fails naming it, nothing is stored or recorded for it, no
 * multipart upload is left behind, and no page that needs it is published. A rerun deploys the new
 * content under its own MD5.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runAction, type ActionRun } from '../fixtures/run-action.js';
import { md5, useSiteBed } from '../fixtures/site-bed.js';

const BUCKET = 'integrity-bucket';
const MIB = 1024 * 1024;
/** Three parts: 8 MiB, 8 MiB, 4 MiB and 3 bytes. */
const BIG = randomBytes(20 * MIB + 3);
const SITE = {
  'index.html': '<!doctype html><a href="/media/film.bin">film</a><script src="/app.js"></script>',
  'media/film.bin': BIG,
  'app.js': 'console.log("app");\n',
  'about.html': '<!doctype html><h1>About</h1>',
};
const OLD_INDEX = '<!doctype html>the previous index';

const bed = useSiteBed(BUCKET, SITE);

function deploy(): Promise<ActionRun> {
  return runAction({ inputs: { bucket: BUCKET, checks: 'false' }, endpoint: bed.s3.endpoint, workspace: bed.workspace });
}

const base64Md5 = (body: Buffer): string => createHash('md5').update(body).digest('base64');

/** Rewrites `length` bytes at `offset` in place: same size, other content (what a build still writing does). */
function scribble(rel: string, offset: number, length: number): void {
  const fd = fs.openSync(path.join(bed.workspace, 'build', rel), 'r+');
  try {
    fs.writeSync(fd, Buffer.alloc(length, 0x5a), 0, length, offset);
  } finally {
    fs.closeSync(fd);
  }
}

test('every part of a multipart upload carries the Content-MD5 of its slice as hashed, small files theirs; a redeploy reads no stored MD5', async () => {
  const run = await deploy();

  expect([run.code, run.stderr]).toEqual([0, '']);
  const parts = bed.s3.requests.filter((r) => r.operation === 'UploadPart');
  const slices = [BIG.subarray(0, 8 * MIB), BIG.subarray(8 * MIB, 16 * MIB), BIG.subarray(16 * MIB)];
  expect(parts.map((r) => [r.query.partNumber, r.headers['content-md5']]).sort()).toEqual(
    slices.map((s, i) => [String(i + 1), base64Md5(s)]),
  );
  // The site's files (the deploy state's own PUT is the state tests' business).
  const puts = bed.s3.requests.filter((r) => r.operation === 'PutObject' && !r.path.endsWith('/.deploy-state.json'));
  expect(puts.map((r) => [r.path, r.headers['content-md5']]).sort()).toEqual([
    [`/${BUCKET}/about.html`, base64Md5(Buffer.from(SITE['about.html']))],
    [`/${BUCKET}/app.js`, base64Md5(Buffer.from(SITE['app.js']))],
    [`/${BUCKET}/index.html`, base64Md5(Buffer.from(SITE['index.html']))],
  ]);
  const film = await bed.s3.getObject(BUCKET, 'media/film.bin');
  expect([md5(film.body), film.metadata.md5]).toEqual([md5(BIG), md5(BIG)]);

  // A redeploy knows from the multipart ETag alone (md5 of the part MD5s, -3) that nothing changed: no HeadObject.
  bed.s3.resetRequests();
  const again = await deploy();
  expect([again.code, again.outputs.uploaded, bed.s3.count('HeadObject')]).toEqual([0, '0', 0]);
});

test('a large file changed between hashing and upload: refused, aborted, nothing recorded, the job names it; a rerun stores the new content', async () => {
  await bed.s3.putObject(BUCKET, 'index.html', OLD_INDEX);
  // The scan has hashed the file by the time its upload starts; change the middle of part 2 then.
  bed.s3.faults.beforeNext('CreateMultipartUpload', () => scribble('media/film.bin', 9 * MIB, 4096));

  const run = await deploy();

  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(
    /::error::Upload of 'media\/film\.bin' failed: FileChanged: "media\/film\.bin" changed after it was hashed, so it was not stored/,
  );
  expect(bed.s3.requests.filter((r) => r.operation === 'UploadPart' && r.status === 400).map((r) => r.query.partNumber)).toEqual(['2']);
  expect([bed.s3.count('CompleteMultipartUpload'), bed.s3.count('AbortMultipartUpload')]).toEqual([0, 1]);
  expect(await bed.s3.listKeys(BUCKET)).not.toContain('media/film.bin');
  // The page linking to it was not published: the old index is still there.
  expect((await bed.s3.getObject(BUCKET, 'index.html')).body.toString()).toBe(OLD_INDEX);
  expect(bed.s3.count('DeleteObjects')).toBe(0);

  bed.s3.resetRequests();
  const rerun = await deploy();
  expect([rerun.code, rerun.stderr]).toEqual([0, '']);
  const changed = fs.readFileSync(path.join(bed.workspace, 'build', 'media/film.bin'));
  const film = await bed.s3.getObject(BUCKET, 'media/film.bin');
  expect([md5(film.body), film.metadata.md5]).toEqual([md5(changed), md5(changed)]);
  expect(md5(changed)).not.toBe(md5(BIG));
});

test('a small file changed between hashing and its PutObject: refused by its Content-MD5, the job names it, nothing stored', async () => {
  await bed.s3.putObject(BUCKET, 'index.html', OLD_INDEX);
  // The first PutObject is an asset's; the HTML pages are read only once every asset is up.
  bed.s3.faults.beforeNext('PutObject', () => scribble('about.html', 0, 7));

  const run = await deploy();

  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(/::error::Upload of 'about\.html' failed: FileChanged: "about\.html" changed after it was hashed/);
  expect(bed.s3.requests.filter((r) => r.path === `/${BUCKET}/about.html`).map((r) => [r.operation, r.status])).toEqual([
    ['PutObject', 400],
  ]);
  expect(await bed.s3.listKeys(BUCKET)).not.toContain('about.html');
  expect((await bed.s3.getObject(BUCKET, 'index.html')).body.toString()).toBe(OLD_INDEX);
});
