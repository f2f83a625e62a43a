/**
 * hashFile reads a file once for its MD5, its size and, for files sent as multipart uploads, the MD5
 * of each 8 MiB part (what each UploadPart's Content-MD5 must be). Expected values are computed here
 * with createHash over slices of the same bytes, not by the code under test.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hashFile, hashSourceFiles, totalSizeWhenAsked } from '../src/local/hash.js';
import type { SourceFile } from '../src/types.js';

const MIB = 1024 * 1024;
const md5 = (body: Buffer): string => createHash('md5').update(body).digest('hex');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hash-test-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, body: Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, body);
  return p;
}

test.each([
  ['20 MiB and 3 bytes: three parts, the last 4 MiB and 3 bytes', 20 * MIB + 3, [8 * MIB, 8 * MIB, 4 * MIB + 3]],
  ['exactly 16 MiB: two full parts', 16 * MIB, [8 * MIB, 8 * MIB]],
  ['8 MiB and 1 byte: a full part and a 1-byte part', 8 * MIB + 1, [8 * MIB, 1]],
])('a file of %s gets the MD5 of each part', async (_name, size, partSizes) => {
  const body = randomBytes(size);
  const digest = await hashFile(file(`big-${size}.bin`, body));
  let offset = 0;
  const expected = partSizes.map((partSize) => md5(body.subarray(offset, (offset += partSize))));
  expect(digest).toEqual({ md5: md5(body), size, partMd5s: expected });
});

test.each([
  ['exactly 8 MiB (one PutObject)', 8 * MIB],
  ['1 KiB', 1024],
  ['empty', 0],
])('a file of %s gets no part MD5s', async (_name, size) => {
  const body = randomBytes(size);
  expect(await hashFile(file(`small-${size}.bin`, body))).toEqual({ md5: md5(body), size });
});

test('totalSizeWhenAsked answers undefined when first asked, then the sum of the sizes once its stats are done', async () => {
  const files = [randomBytes(100), randomBytes(2048)].map((body, i): SourceFile => ({
    key: `t${i}`,
    relPath: `t${i}`,
    absPath: file(`t${i}`, body),
    contentType: 'x/y',
    kind: 'asset',
  }));
  const total = totalSizeWhenAsked(files);
  expect(total()).toBeUndefined();
  let answer: number | undefined;
  for (let i = 0; i < 100 && answer === undefined; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    answer = total();
  }
  expect(answer).toBe(2148);
});

const sourceFiles = (bodies: Buffer[], name: string): SourceFile[] =>
  bodies.map((body, i): SourceFile => ({
    key: `${name}${i}`,
    relPath: `${name}${i}`,
    absPath: file(`${name}${i}`, body),
    contentType: 'x/y',
    kind: 'asset',
  }));

test('hashSourceFiles counts every file once and every byte once into the progress it is given', async () => {
  const files = sourceFiles([randomBytes(10), randomBytes(300 * 1024), Buffer.alloc(0)], 'p');
  const added: [number, number][] = [];
  await hashSourceFiles(files, { add: (f, b) => void added.push([f, b]), stop: () => undefined });
  const total = added.reduce((sum, [f, b]) => ({ files: sum.files + f, bytes: sum.bytes + b }), { files: 0, bytes: 0 });
  expect(total).toEqual({ files: 3, bytes: 10 + 300 * 1024 });
});

test("hashSourceFiles counts a big file's bytes as they are read, before the file itself is counted", async () => {
  const size = 5 * MIB + 7;
  const [big] = sourceFiles([randomBytes(size)], 'big-progress');
  const added: [number, number][] = [];
  await hashSourceFiles([big!], { add: (f, b) => void added.push([f, b]), stop: () => undefined });
  const reads = added.slice(0, -1);
  // Read in chunks: several byte counts, no file yet; then the file alone, its bytes already counted.
  expect(reads.length).toBeGreaterThan(1);
  expect(reads.every(([f, b]) => f === 0 && b > 0)).toBe(true);
  expect(reads.reduce((sum, [, b]) => sum + b, 0)).toBe(size);
  expect(added.at(-1)).toEqual([1, 0]);
});
