/** ObjectStore over @aws-sdk/client-s3: paginated listing, streamed uploads with MD5 metadata, batch deletes. */
import { DeleteObjectsCommand, HeadObjectCommand, PutObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import pLimit from 'p-limit';
import { MD5_METADATA_KEY, MULTIPART_ABOVE_BYTES } from '../names.js';
import type { DeleteFailure, ObjectStore } from '../ports.js';
import type { LocalFile, RemoteObject } from '../types.js';

/**
 * Files up to MULTIPART_ABOVE_BYTES go in one PutObject with the whole file in memory: a Buffer body lets the
 * SDK retry the request and send its checksum in a header, and most sites are mostly small files.
 * Larger ones are streamed as a multipart upload, QUEUE_SIZE parts in flight, at most
 * MULTIPART_AT_ONCE files at a time: memory stays under 2 × 4 × 8 MiB whatever the concurrency.
 */
export const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 4;
const MULTIPART_AT_ONCE = 2;

export function createS3Store(client: S3Client, bucket: string): ObjectStore {
  // A slot shared by put() calls arriving from apply's p-map lanes: p-map maps a list it is given
  // and cannot limit calls made elsewhere, so this one semaphore is p-limit's.
  const multipartSlot = pLimit(MULTIPART_AT_ONCE);
  return {
    async list(prefix) {
      const objects: RemoteObject[] = [];
      for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
        for (const item of page.Contents ?? []) {
          if (item.Key === undefined) continue;
          objects.push({ key: item.Key, size: item.Size ?? 0, etag: unquote(item.ETag) });
        }
      }
      return objects;
    },

    async readStoredMd5(key) {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return head.Metadata?.[MD5_METADATA_KEY];
    },

    async put(file: LocalFile) {
      const params = {
        Bucket: bucket,
        Key: file.key,
        ContentType: file.contentType,
        CacheControl: file.cacheControl,
        Metadata: { [MD5_METADATA_KEY]: file.md5 },
      };
      if (file.size <= MULTIPART_ABOVE_BYTES) {
        // Content-MD5 from the scan: S3 refuses the body if the file changed since it was hashed.
        const body = await readFile(file.absPath);
        await client.send(new PutObjectCommand({ ...params, Body: body, ContentMD5: hexToBase64(file.md5) }));
        return;
      }
      await multipartSlot(() => {
        const upload = new Upload({
          client,
          partSize: PART_SIZE,
          queueSize: QUEUE_SIZE,
          leavePartsOnError: false,
          params: { ...params, Body: createReadStream(file.absPath) },
        });
        return upload.done();
      });
    },

    async deleteBatch(keys): Promise<DeleteFailure[]> {
      const response = await client.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }),
      );
      return (response.Errors ?? []).map((error) => ({
        key: error.Key ?? '(unknown key)',
        code: error.Code ?? 'Error',
        message: error.Message ?? '',
      }));
    },
  };
}

function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/^"|"$/g, '');
}
