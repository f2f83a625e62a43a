/**
 * Proves the e2e fixtures themselves: the S3 proxy in front of s3rver behaves
 * like S3 where s3rver does not, records what it sees, injects the faults it
 * is asked for, and runAction drives a script the way the runner does.
 */
import { jest } from '@jest/globals';
import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ActionTimeoutError, makeSite, parseOutputFile, runAction } from '../fixtures/run-action.js';
import { type S3Fixture, startS3 } from '../fixtures/s3-server.js';

// The e2e project's testTimeout in jest.config.js does not reach hooks/tests here; set it.
jest.setTimeout(120_000);

const BUCKET = 'site';
const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

let s3rv: S3Fixture;
let client: S3Client;
let tmp: string;

function makeClient(maxAttempts = 3): S3Client {
  return new S3Client({
    endpoint: s3rv.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    maxAttempts,
  });
}

async function getBody(key: string): Promise<Buffer> {
  const res = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await res.Body!.transformToByteArray());
}

beforeAll(async () => {
  s3rv = await startS3({ buckets: [BUCKET] });
  client = makeClient();
  tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'fixtures-test-'));
});

afterAll(async () => {
  client?.destroy();
  await s3rv?.stop();
  await fs.promises.rm(tmp, { recursive: true, force: true });
});

beforeEach(async () => {
  s3rv.faults.clear();
  await s3rv.emptyBucket(BUCKET);
  s3rv.resetRequests();
});

describe('S3 proxy: bodies and keys', () => {
  test('a stream PutObject (aws-chunked) is stored byte-exact with the plain MD5 ETag', async () => {
    const data = randomBytes(3072);
    const file = path.join(tmp, 'stream.bin');
    await fs.promises.writeFile(file, data);

    const put = await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'stream.bin', Body: fs.createReadStream(file), ContentLength: 3072 }),
    );

    const [sent] = s3rv.requests;
    expect(sent?.operation).toBe('PutObject');
    expect(sent?.headers['content-encoding']).toBe('aws-chunked');
    expect(sent?.headers['x-amz-content-sha256']).toBe('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
    expect(sent?.bodyBytes).toBe(3072);
    expect(put.ETag).toBe(`"${md5(data)}"`);
    const stored = await s3rv.getObject(BUCKET, 'stream.bin');
    expect(stored.body.equals(data)).toBe(true);
    expect(stored.etag).toBe(`"${md5(data)}"`);
    expect((await getBody('stream.bin')).equals(data)).toBe(true);
  });

  test('a real Content-Encoding next to aws-chunked is kept', async () => {
    const file = path.join(tmp, 'app.js.gz');
    await fs.promises.writeFile(file, randomBytes(100));

    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'app.js',
        Body: fs.createReadStream(file),
        ContentLength: 100,
        ContentEncoding: 'gzip',
        CacheControl: 'max-age=60',
        ContentType: 'text/javascript; charset=utf-8',
        Metadata: { md5: 'abc' },
      }),
    );

    expect(s3rv.requests[0]?.headers['content-encoding']).toBe('gzip,aws-chunked');
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'app.js' }));
    expect(head.ContentEncoding).toBe('gzip');
    expect(head.ContentLength).toBe(100);
    const stored = await s3rv.getObject(BUCKET, 'app.js');
    expect(stored).toMatchObject({
      cacheControl: 'max-age=60',
      contentType: 'text/javascript; charset=utf-8',
      metadata: { md5: 'abc' },
    });
  });

  test('keys with Unicode, spaces, +, #, ?, % round-trip through Put, List and Get', async () => {
    const keys = ['ünïcödé/日本語 ファイル.txt', 'a b/c+d#e?f%g.html', '100%25 done.txt', "quote's & `tick` <x>.css", 'emoji 🚀/+/file.js'];
    for (const key of keys) {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: Buffer.from(key) }));
    }

    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual([...keys].sort());
    for (const key of keys) {
      expect((await getBody(key)).toString()).toBe(key);
    }
    expect(await s3rv.listKeys(BUCKET)).toEqual([...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    expect(s3rv.requests.map((r) => r.path)).toEqual(expect.arrayContaining(keys.map((k) => `/${BUCKET}/${k}`)));
  });

  test('1,200 keys list in two pages (DES continuation token works)', async () => {
    const keys = Array.from({ length: 1200 }, (_, i) => `many/d${i % 7}/k${String(i).padStart(4, '0')}.txt`);
    await s3rv.seedObjects(BUCKET, Object.fromEntries(keys.map((k) => [k, k])));

    const seen: string[] = [];
    for await (const page of paginateListObjectsV2({ client }, { Bucket: BUCKET, Prefix: 'many/' })) {
      seen.push(...(page.Contents ?? []).map((o) => o.Key!));
    }

    expect(s3rv.requests.map((r) => [r.operation, r.status])).toEqual([
      ['ListObjectsV2', 200],
      ['ListObjectsV2', 200],
    ]);
    expect(seen.sort()).toEqual([...keys].sort());
    expect((await s3rv.getObject(BUCKET, keys[0]!)).body.toString()).toBe(keys[0]);
    // s3rver reads metadata for every listed key: seconds normally, minutes on a saturated machine.
  }, 300_000);
});

describe('S3 fixture helpers', () => {
  test('putObject seeds with headers, getObject reads them back, neither is recorded', async () => {
    const etag = await s3rv.putObject(BUCKET, 'dir/page.html', '<p>hi</p>', {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      'x-amz-meta-md5': 'feed',
    });

    expect(etag).toBe(`"${md5(Buffer.from('<p>hi</p>'))}"`);
    expect(await s3rv.getObject(BUCKET, 'dir/page.html')).toEqual({
      body: Buffer.from('<p>hi</p>'),
      contentType: 'text/html; charset=utf-8',
      cacheControl: 'no-cache',
      etag,
      metadata: { md5: 'feed' },
    });
    await expect(s3rv.getObject(BUCKET, 'missing')).rejects.toThrow(/404/);
    expect(s3rv.count()).toBe(0);
  });

  test('createBucket makes a bucket the SDK can use', async () => {
    await s3rv.createBucket('other-bucket');

    await client.send(new PutObjectCommand({ Bucket: 'other-bucket', Key: 'k', Body: 'v' }));

    expect(await s3rv.listKeys('other-bucket')).toEqual(['k']);
    expect(s3rv.requests.map((r) => [r.operation, r.path])).toEqual([['PutObject', '/other-bucket/k']]);
  });

  test('emptyBucket removes every object and keeps the bucket', async () => {
    await s3rv.seedObjects(BUCKET, { 'a/b/c.txt': 'c', 'd.txt': 'd' });
    expect(await s3rv.listKeys(BUCKET)).toEqual(['a/b/c.txt', 'd.txt']);

    await s3rv.emptyBucket(BUCKET);

    expect(await s3rv.listKeys(BUCKET)).toEqual([]);
    await expect(client.send(new HeadBucketCommand({ Bucket: BUCKET }))).resolves.toBeDefined();
  });
});

describe('S3 proxy: multipart ETags in S3 form', () => {
  test('Upload of 12 MiB in 5 MiB parts shows "md5(part md5s)-3" in Complete, Head, Get and List', async () => {
    const data = randomBytes(12 * 1024 * 1024);
    const partSize = 5 * 1024 * 1024;
    const partMd5s = [0, 1, 2].map((i) =>
      createHash('md5')
        .update(data.subarray(i * partSize, (i + 1) * partSize))
        .digest(),
    );
    const expected = `"${md5(Buffer.concat(partMd5s))}-3"`;

    const done = await new Upload({ client, params: { Bucket: BUCKET, Key: 'big.bin', Body: data }, partSize }).done();

    expect(done.ETag).toBe(expected);
    expect(operations()).toEqual([
      'CreateMultipartUpload 200',
      'UploadPart 200',
      'UploadPart 200',
      'UploadPart 200',
      'CompleteMultipartUpload 200',
    ]);
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'big.bin' }));
    expect(head.ETag).toBe(expected);
    expect(head.ContentLength).toBe(data.length);
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(listed.Contents?.find((o) => o.Key === 'big.bin')?.ETag).toBe(expected);
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'big.bin' }));
    expect(got.ETag).toBe(expected);
    expect(md5(Buffer.from(await got.Body!.transformToByteArray()))).toBe(md5(data));
  });

  test('a plain PutObject over a multipart object brings back the plain MD5', async () => {
    const partSize = 5 * 1024 * 1024;
    await new Upload({ client, params: { Bucket: BUCKET, Key: 'k.bin', Body: randomBytes(2 * partSize) }, partSize }).done();
    const small = Buffer.from('small now');

    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k.bin', Body: small }));

    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'k.bin' }));
    expect(head.ETag).toBe(`"${md5(small)}"`);
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(listed.Contents?.[0]?.ETag).toBe(`"${md5(small)}"`);
  });

  test('AbortMultipartUpload answers 204 as S3 does', async () => {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'gone.bin' }));

    await client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'gone.bin', UploadId }));

    expect(s3rv.requests.at(-1)).toMatchObject({ operation: 'AbortMultipartUpload', status: 204 });
  });
});

describe('S3 proxy: refusals S3 makes and s3rver does not', () => {
  test('an anonymous GET is refused with 403 AccessDenied, as a private bucket does; the signed one is served', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'private.txt', Body: 'secret' }));
    const anonymous = await fetch(`${s3rv.endpoint}/${BUCKET}/private.txt`);
    expect([anonymous.status, await anonymous.text()]).toEqual([403, expect.stringContaining('<Code>AccessDenied</Code>')]);
    expect((await getBody('private.txt')).toString()).toBe('secret');
  });

  test('a Content-MD5 that does not match the body is refused with 400 BadDigest and nothing is stored', async () => {
    const wrong = createHash('md5').update('other bytes').digest('base64');
    await expect(
      client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'digest.txt', Body: Buffer.from('these bytes'), ContentMD5: wrong })),
    ).rejects.toMatchObject({ name: 'BadDigest', $metadata: { httpStatusCode: 400 } });
    const right = createHash('md5').update('these bytes').digest('base64');
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'digest-ok.txt', Body: Buffer.from('these bytes'), ContentMD5: right }));
    expect(await s3rv.listKeys(BUCKET)).toEqual(expect.arrayContaining(['digest-ok.txt']));
    expect(await s3rv.listKeys(BUCKET)).not.toContain('digest.txt');
  });

  test('rejectExpiredTokens refuses a session token past its expiration with 400 ExpiredToken, and accepts a live one', async () => {
    const withToken = (sessionToken: string) =>
      new S3Client({
        endpoint: s3rv.endpoint,
        forcePathStyle: true,
        region: 'us-east-1',
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', sessionToken },
        maxAttempts: 1,
      });
    const expirations: Record<string, Date> = {
      'expired-token': new Date(Date.now() - 1_000),
      'live-token': new Date(Date.now() + 60_000),
    };
    s3rv.faults.rejectExpiredTokens((token) => expirations[token]);
    try {
      await expect(withToken('expired-token').send(new HeadBucketCommand({ Bucket: BUCKET }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 400 },
      });
      await expect(withToken('live-token').send(new HeadBucketCommand({ Bucket: BUCKET }))).resolves.toBeDefined();
    } finally {
      s3rv.faults.clear();
    }
  });

  test('beforeNext runs its hook before that request is forwarded', async () => {
    const seen: string[] = [];
    s3rv.faults.beforeNext('PutObject', async () => {
      seen.push(`hook; stored: ${(await s3rv.listKeys(BUCKET)).includes('hooked.txt')}`);
    });
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'hooked.txt', Body: 'x' }));
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'hooked-2.txt', Body: 'y' }));
    expect(seen).toEqual(['hook; stored: false']);
  });
});

describe('S3 proxy: conditional writes and copies as S3 does them', () => {
  const errorOf = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (err: { name: string; $metadata?: { httpStatusCode?: number } }) => [err.name, err.$metadata?.httpStatusCode],
    );

  test('If-None-Match: * writes a new key once, then answers 412 PreconditionFailed', async () => {
    const put = () => client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'cond/new.json', Body: Buffer.from('1'), IfNoneMatch: '*' }));
    await put();
    expect(await errorOf(put())).toEqual(['PreconditionFailed', 412]);
    expect((await getBody('cond/new.json')).toString()).toBe('1');
  });

  test('If-Match writes over the ETag it names; another ETag gets 412 and the object stays; a missing key gets 404', async () => {
    const first = await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'cond/state.json', Body: Buffer.from('v1') }));
    const put = (body: string, etag: string, key = 'cond/state.json') =>
      client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: Buffer.from(body), IfMatch: etag }));
    const second = await put('v2', first.ETag!);
    expect(second.ETag).toBe(`"${md5(Buffer.from('v2'))}"`);
    expect(await errorOf(put('v3', first.ETag!))).toEqual(['PreconditionFailed', 412]);
    expect((await getBody('cond/state.json')).toString()).toBe('v2');
    expect(await errorOf(put('v1', first.ETag!, 'cond/none.json'))).toEqual(['NoSuchKey', 404]);
  });

  test('If-Match compares the S3 form of a multipart ETag', async () => {
    const body = randomBytes(6 * 1024 * 1024);
    const upload = new Upload({ client, partSize: 5 * 1024 * 1024, params: { Bucket: BUCKET, Key: 'cond/big.bin', Body: body } });
    const done = await upload.done();
    expect(done.ETag).toMatch(/-2"$/);
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'cond/big.bin', Body: Buffer.from('small'), IfMatch: done.ETag }));
    expect((await getBody('cond/big.bin')).toString()).toBe('small');
  });

  test('CopyObject onto itself with REPLACE and a key holding + # ? % and Unicode: headers replaced, body kept', async () => {
    const key = 'cond/a+b #1?x=100%é.js';
    await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: Buffer.from('body'), ContentType: 'text/plain', CacheControl: 'no-cache' }),
    );
    const copy = await client.send(
      new CopyObjectCommand({
        Bucket: BUCKET,
        Key: key,
        CopySource: `${BUCKET}/${key.split('/').map(encodeURIComponent).join('/')}`,
        MetadataDirective: 'REPLACE',
        ContentType: 'text/javascript',
        CacheControl: 'max-age=60',
        Metadata: { md5: md5(Buffer.from('body')) },
      }),
    );
    expect(copy.CopyObjectResult?.ETag).toBe(`"${md5(Buffer.from('body'))}"`);
    const stored = await s3rv.getObject(BUCKET, key);
    expect([stored.body.toString(), stored.contentType, stored.cacheControl, stored.metadata.md5]).toEqual([
      'body',
      'text/javascript',
      'max-age=60',
      md5(Buffer.from('body')),
    ]);
    expect(s3rv.requests.at(-1)).toMatchObject({ operation: 'CopyObject', bodyBytes: 0, status: 200 });
  });

  test('CopyObject with x-amz-copy-source-if-match of another ETag gets 412 and changes nothing', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'cond/c.js', Body: Buffer.from('c'), ContentType: 'text/plain' }));
    const copy = client.send(
      new CopyObjectCommand({
        Bucket: BUCKET,
        Key: 'cond/c.js',
        CopySource: `${BUCKET}/cond/c.js`,
        CopySourceIfMatch: `"${md5(Buffer.from('other'))}"`,
        MetadataDirective: 'REPLACE',
        ContentType: 'text/javascript',
      }),
    );
    expect(await errorOf(copy)).toEqual(['PreconditionFailed', 412]);
    expect((await s3rv.getObject(BUCKET, 'cond/c.js')).contentType).toBe('text/plain');
  });

  test('holdNext keeps a request until released; loseAnswerNext carries one out and drops its answer', async () => {
    const hold = s3rv.faults.holdNext('PutObject', 'cond/held.txt');
    const put = client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'cond/held.txt', Body: Buffer.from('held') }));
    await hold.reached;
    await s3rv.putObject(BUCKET, 'cond/held.txt', 'in between');
    hold.release();
    await put;
    expect((await getBody('cond/held.txt')).toString()).toBe('held');

    s3rv.faults.loseAnswerNext('PutObject', 'cond/lost.txt');
    s3rv.resetRequests();
    const retried = await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'cond/lost.txt', Body: Buffer.from('x') }));
    expect(retried.ETag).toBe(`"${md5(Buffer.from('x'))}"`);
    expect(s3rv.requests.map((r) => r.injected)).toEqual(['lost-answer', undefined]);
  });
});

describe('S3 proxy: faults', () => {
  test('failDeleteKeys gives per-key Errors in DeleteObjects and keeps those objects', async () => {
    // Many keys in one folder and a numeric key: both make s3rver's own DeleteObjects answer 500.
    const keys = Array.from({ length: 40 }, (_, i) => `assets/f${i}.js`).concat(['2024', 'index.html']);
    await s3rv.seedObjects(BUCKET, Object.fromEntries(keys.map((k) => [k, k])));
    s3rv.faults.failDeleteKeys.add('assets/f7.js');

    const res = await client.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: keys.map((Key) => ({ Key })) } }));

    expect(res.Errors).toEqual([{ Key: 'assets/f7.js', Code: 'AccessDenied', Message: 'Access Denied' }]);
    expect(res.Deleted).toHaveLength(keys.length - 1);
    expect(await s3rv.listKeys(BUCKET)).toEqual(['assets/f7.js']);
    expect(s3rv.count('DeleteObjects')).toBe(1);
  });

  test('DeleteObjects in Quiet mode lists only the errors', async () => {
    await s3rv.putObject(BUCKET, 'a', 'a');
    await s3rv.putObject(BUCKET, 'b', 'b');
    s3rv.faults.failDeleteKeys.add('b');

    const res = await client.send(
      new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'a' }, { Key: 'b' }], Quiet: true } }),
    );

    expect(res.Deleted ?? []).toEqual([]);
    expect(res.Errors?.map((e) => e.Key)).toEqual(['b']);
  });

  test('failNext(PutObject, 2, 503, SlowDown) is retried by the SDK and the object lands', async () => {
    s3rv.faults.failNext('PutObject', 2, 503, 'SlowDown');

    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'retry.txt', Body: Buffer.from('landed') }));

    const puts = s3rv.requests.filter((r) => r.operation === 'PutObject');
    expect(puts.map((r) => [r.status, r.injected])).toEqual([
      [503, 'error'],
      [503, 'error'],
      [200, undefined],
    ]);
    expect((await s3rv.getObject(BUCKET, 'retry.txt')).body.toString()).toBe('landed');
  });

  test('dropNext destroys the connection unanswered and the SDK retries', async () => {
    s3rv.faults.dropNext('PutObject', 1);

    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'drop.txt', Body: Buffer.from('after drop') }));

    const puts = s3rv.requests.filter((r) => r.operation === 'PutObject');
    expect(puts.map((r) => [r.status, r.injected])).toEqual([
      [0, 'drop'],
      [200, undefined],
    ]);
    expect((await s3rv.getObject(BUCKET, 'drop.txt')).body.toString()).toBe('after drop');
  });

  test('failAll persists until clear()', async () => {
    const once = makeClient(1);
    try {
      s3rv.faults.failAll('*', 500, 'InternalError');
      await expect(once.send(new HeadBucketCommand({ Bucket: BUCKET }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 500 },
      });
      await expect(once.send(new ListObjectsV2Command({ Bucket: BUCKET }))).rejects.toMatchObject({
        name: 'InternalError',
      });

      s3rv.faults.clear();
      await expect(once.send(new HeadBucketCommand({ Bucket: BUCKET }))).resolves.toBeDefined();
      expect(s3rv.requests.map((r) => [r.operation, r.status])).toEqual([
        ['HeadBucket', 500],
        ['ListObjectsV2', 500],
        ['HeadBucket', 200],
      ]);
    } finally {
      once.destroy();
    }
  });
});

describe('runAction', () => {
  let script: string;
  const savedDist = process.env.ACTION_DIST;

  beforeAll(async () => {
    // A stand-in for dist/index.js: reports what it sees, writes outputs and a summary.
    script = path.join(tmp, 'fake-action.js');
    await fs.promises.writeFile(
      script,
      `const fs = require('fs');
const seen = Object.keys(process.env).filter((k) => /^(AWS_|INPUT_|GITHUB_|ACTIONS_)/.test(k)).sort();
console.log(JSON.stringify({ sourceDir: process.env['INPUT_SOURCE-DIR'], cwd: process.cwd(), seen,
  event: JSON.parse(fs.readFileSync(process.env.GITHUB_EVENT_PATH, 'utf8')) }));
if (process.env.INPUT_SLEEP) setTimeout(() => {}, 1e6);
fs.appendFileSync(process.env.GITHUB_OUTPUT,
  'uploaded<<ghadelimiter_1\\n3\\nghadelimiter_1\\nsite-url<<EOF\\nhttps://x\\nline two\\nEOF\\nplain=a=b\\n');
fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, '## Deployed\\n');
process.exitCode = process.env.INPUT_FAIL === 'true' ? 1 : 0;
`,
    );
    process.env.ACTION_DIST = script;
    // Must not leak into the action.
    process.env.AWS_PROFILE = 'leak';
    process.env.INPUT_LEAK = 'leak';
    process.env.GITHUB_TOKEN = 'leak';
  });

  afterAll(() => {
    if (savedDist === undefined) delete process.env.ACTION_DIST;
    else process.env.ACTION_DIST = savedDist;
    delete process.env.AWS_PROFILE;
    delete process.env.INPUT_LEAK;
    delete process.env.GITHUB_TOKEN;
  });

  test('passes inputs as INPUT_<NAME> with hyphens kept and parses outputs and summary', async () => {
    const run = await runAction({
      inputs: { 'source-dir': 'build', bucket: BUCKET },
      endpoint: s3rv.endpoint,
      event: { action: 'closed', number: 7 },
      env: { AWS_REGION: undefined, EXTRA: 'yes' },
    });

    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout.trim()) as { sourceDir: string; cwd: string; seen: string[]; event: unknown };
    expect(report.sourceDir).toBe('build');
    expect(report.cwd).toBe(fs.realpathSync(run.workspace));
    expect(report.event).toEqual({ action: 'closed', number: 7 });
    expect(report.seen).toContain('INPUT_SOURCE-DIR');
    expect(report.seen).toContain('AWS_ENDPOINT_URL_S3');
    expect(report.seen).not.toContain('AWS_REGION');
    expect(report.seen).not.toEqual(expect.arrayContaining(['AWS_PROFILE']));
    expect(report.seen).not.toEqual(expect.arrayContaining(['INPUT_LEAK']));
    expect(report.seen).not.toEqual(expect.arrayContaining(['GITHUB_TOKEN']));
    expect(run.outputs).toEqual({ uploaded: '3', 'site-url': 'https://x\nline two', plain: 'a=b' });
    expect(run.summary).toBe('## Deployed\n');
  });

  test('reports a non-zero exit code', async () => {
    const run = await runAction({ inputs: { fail: 'true' } });
    expect(run.code).toBe(1);
  });

  test('kills the action on timeout and rejects with its output', async () => {
    // Long enough for Node to start and print on a busy machine.
    const failure = runAction({ inputs: { sleep: 'true' }, timeoutMs: 10_000 });
    await expect(failure).rejects.toBeInstanceOf(ActionTimeoutError);
    await expect(failure).rejects.toMatchObject({ stdout: expect.stringContaining('INPUT_SLEEP') });
  });

  test('makeSite writes a tree and refuses paths outside it', async () => {
    const dir = path.join(tmp, 'site');
    await makeSite(dir, { 'index.html': '<h1>hi</h1>', 'static/js/app.js': Buffer.from([1, 2, 3]) });
    expect(fs.readFileSync(path.join(dir, 'static/js/app.js'))).toEqual(Buffer.from([1, 2, 3]));
    await expect(makeSite(dir, { '../escape.txt': 'x' })).rejects.toThrow(/outside/);
  });

  test('parseOutputFile rejects an unterminated heredoc', () => {
    expect(() => parseOutputFile('a<<EOF\nvalue\n')).toThrow(/delimiter EOF not found/);
  });
});

/** Recorded requests as sorted `Operation status` lines (parts go up concurrently). */
function operations(): string[] {
  const order = ['CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload'];
  const rank = (line: string) => order.indexOf(line.split(' ')[0]!);
  return s3rv.requests.map((r) => `${r.operation} ${r.status}`).sort((a, b) => rank(a) - rank(b));
}
