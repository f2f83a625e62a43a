/**
 * The server's ceiling: the least work a content-based sync can do. It lists the bucket while it
 * hashes the files, PUTs each changed file in one request (no multipart, no HEAD, no metadata
 * reads), and deletes in batches of 1,000. No logs, no summary, no safety ordering.
 *
 *   node bench/ceiling.js <dir> <bucket> <concurrency>   (endpoint from AWS_ENDPOINT_URL_S3)
 */
import { DeleteObjectsCommand, PutObjectCommand, S3Client, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pLimit from 'p-limit';

async function main() {
  const [dir, bucket, concurrencyArg] = process.argv.slice(2);
  const limit = pLimit(Number(concurrencyArg) || 16);
  const client = new S3Client({ region: 'us-east-1', forcePathStyle: true });
  const files = fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
  const [remote, local] = await Promise.all([listAll(client, bucket), hashAll(dir, files, limit)]);
  const changed = files.filter((rel) => remote.get(rel) !== local.get(rel));
  await Promise.all(changed.map((rel) => limit(() => put(client, bucket, dir, rel))));
  const stale = [...remote.keys()].filter((key) => !local.has(key));
  for (let i = 0; i < stale.length; i += 1000) {
    const batch = stale.slice(i, i + 1000).map((Key) => ({ Key }));
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }));
  }
  process.stdout.write(`${JSON.stringify({ uploaded: changed.length, deleted: stale.length })}\n`);
}

async function listAll(client, bucket) {
  const etags = new Map();
  for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket })) {
    for (const item of page.Contents ?? []) etags.set(item.Key, (item.ETag ?? '').replace(/"/g, ''));
  }
  return etags;
}

async function hashAll(dir, files, limit) {
  const entries = await Promise.all(
    files.map((rel) =>
      limit(
        () =>
          new Promise((resolve, reject) => {
            const hash = crypto.createHash('md5');
            fs.createReadStream(path.join(dir, rel))
              .on('data', (chunk) => hash.update(chunk))
              .on('end', () => resolve([rel, hash.digest('hex')]))
              .on('error', reject);
          }),
      ),
    ),
  );
  return new Map(entries);
}

async function put(client, bucket, dir, rel) {
  const body = await fs.promises.readFile(path.join(dir, rel));
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: rel, Body: body }));
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});
