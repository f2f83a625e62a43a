/** ObjectStore over @aws-sdk/client-s3: paginated listing, streamed uploads with MD5 metadata, batch deletes. */
import { DeleteObjectsCommand, HeadObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createReadStream } from 'node:fs';
import { MD5_METADATA_KEY } from '../names';
import type { DeleteFailure, ObjectStore } from '../ports';
import type { LocalFile, RemoteObject } from '../types';

/**
 * Files up to PART_SIZE go in one PutObject (lib-storage buffers them, so the SDK can retry the
 * request); larger ones are streamed as a multipart upload, QUEUE_SIZE parts in flight.
 */
export const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 4;

export function createS3Store(client: S3Client, bucket: string): ObjectStore {
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
      const upload = new Upload({
        client,
        partSize: PART_SIZE,
        queueSize: QUEUE_SIZE,
        leavePartsOnError: false,
        params: {
          Bucket: bucket,
          Key: file.key,
          Body: createReadStream(file.absPath),
          ContentType: file.contentType,
          CacheControl: file.cacheControl,
          Metadata: { [MD5_METADATA_KEY]: file.md5 },
        },
      });
      await upload.done();
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

function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/^"|"$/g, '');
}
