/**
 * ObjectStore over @aws-sdk/client-s3: paginated listing, uploads proven by Content-MD5 (per part for
 * multipart), header updates by CopyObject, batch deletes, the deploy state's conditional write.
 */
import {
  AbortMultipartUploadCommand,
  ChecksumAlgorithm,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  paginateListObjectsV2,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import pLimit from 'p-limit';
import pMap from 'p-map';
import { MD5_METADATA_KEY, MULTIPART_ABOVE_BYTES, PART_BYTES } from '../names.js';
import type { DeleteFailure, ObjectStore } from '../ports.js';
import { withRetry } from '../retry.js';
import type { LocalFile, RemoteObject } from '../types.js';
import { copyOntoItself, managedParams, objectHead } from './s3-headers.js';

/**
 * Files up to MULTIPART_ABOVE_BYTES go in one PutObject with the whole file in memory: a Buffer body lets the
 * SDK retry the request and send its checksum in a header, and most sites are mostly small files.
 * Larger ones go as a multipart upload of PART_BYTES parts read by offset, PARTS_AT_ONCE in flight, at most
 * MULTIPART_AT_ONCE files at a time: memory stays under 2 × 4 × 8 MiB whatever the concurrency.
 */
const PARTS_AT_ONCE = 4;
const MULTIPART_AT_ONCE = 2;

type Params = { Bucket: string; Key: string; ContentType?: string; CacheControl?: string; Metadata: Record<string, string> };

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
          objects.push({ key: item.Key, size: item.Size ?? 0, etag: unquote(item.ETag), storageClass: item.StorageClass });
        }
      }
      return objects;
    },

    async head(key) {
      return objectHead(await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
    },

    async put(file, onBytes = () => undefined) {
      const params: Params = { Bucket: bucket, Key: file.key, ...managedParams(file), Metadata: { [MD5_METADATA_KEY]: file.md5 } };
      let etag: string | undefined;
      try {
        if (file.size <= MULTIPART_ABOVE_BYTES) etag = await putWhole(client, params, file);
        else etag = await multipartSlot(() => putParts(client, params, file, onBytes));
      } catch (err) {
        throw (err as { name?: unknown })?.name === 'BadDigest' ? new FileChangedError(file, err) : err;
      }
      if (file.size <= MULTIPART_ABOVE_BYTES) onBytes(file.size);
      return { etag: unquote(etag) };
    },

    // Objects over 5 GiB would need a multipart copy (UploadPartCopy); the planner re-uploads those instead.
    async updateHeaders(update) {
      const response = await client.send(new CopyObjectCommand(copyOntoItself(bucket, update)));
      return { etag: unquote(response.CopyObjectResult?.ETag) };
    },

    async readText(key) {
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return { text: (await response.Body?.transformToString('utf-8')) ?? '', etag: unquote(response.ETag) };
      } catch (err) {
        if (errorCode(err) === 'NoSuchKey') return undefined;
        throw err;
      }
    },

    writeText: (key, text, expectedEtag) => writeConditionally(client, { Bucket: bucket, Key: key }, text, expectedEtag),

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

/** The file is no longer what was hashed: S3 refused its Content-MD5, or its size differs. Nothing was stored for it. */
export class FileChangedError extends Error {
  constructor(file: LocalFile, cause?: unknown) {
    super(
      `${JSON.stringify(file.relPath)} changed after it was hashed, so it was not stored (it would have been recorded under the wrong MD5). ` +
        'Make sure nothing writes to source-dir while this step runs, then rerun.',
      { cause },
    );
    this.name = 'FileChanged';
  }
}

/** One PutObject; Content-MD5 from the scan: S3 refuses the body if the file changed since it was hashed. */
async function putWhole(client: S3Client, params: Params, file: LocalFile): Promise<string | undefined> {
  const body = await readFile(file.absPath);
  if (body.length !== file.size) throw new FileChangedError(file);
  return (await client.send(new PutObjectCommand({ ...params, Body: body, ContentMD5: hexToBase64(file.md5) }))).ETag;
}

/**
 * The deploy state's PUT: only over the ETag read (If-Match), or only where there is none
 * (If-None-Match: *). 409 ConditionalRequestConflict (S3 met another conditional write to the key
 * mid-way) is retried; 412, or 404 NoSuchKey with If-Match (deleted since), is 'precondition-failed'.
 */
async function writeConditionally(
  client: S3Client,
  key: { Bucket: string; Key: string },
  text: string,
  expectedEtag: string | undefined,
): Promise<'written' | 'precondition-failed'> {
  const condition = expectedEtag === undefined ? { IfNoneMatch: '*' } : { IfMatch: `"${expectedEtag}"` };
  const body = { Body: Buffer.from(text, 'utf8'), ContentType: 'application/json', CacheControl: 'no-store' };
  const command = new PutObjectCommand({ ...key, ...body, ...condition });
  try {
    const isConflict = (err: unknown) => errorCode(err) === 'ConditionalRequestConflict';
    await withRetry(() => client.send(command), { label: `PutObject ${key.Key}`, isRetryable: isConflict, maxAttempts: 5 });
    return 'written';
  } catch (err) {
    const code = errorCode(err);
    if (code === 'PreconditionFailed' || (expectedEtag !== undefined && code === 'NoSuchKey')) return 'precondition-failed';
    throw err;
  }
}

/**
 * A multipart upload whose every part carries the Content-MD5 the scan computed for it, so a file that
 * changed since it was hashed is refused part by part instead of stored under the scanned MD5. Any
 * failure aborts the upload: no parts are left behind and no object appears.
 */
async function putParts(client: S3Client, params: Params, file: LocalFile, onBytes: (bytes: number) => void): Promise<string | undefined> {
  const partMd5s = file.partMd5s;
  if (!partMd5s || partMd5s.length !== Math.ceil(file.size / PART_BYTES))
    throw new Error(`no part MD5s for ${JSON.stringify(file.relPath)}`);
  const handle = await open(file.absPath, 'r');
  let uploadId: string | undefined;
  try {
    if ((await handle.stat()).size !== file.size) throw new FileChangedError(file);
    // As lib-storage does: with the SDK's default checksums, the upload declares CRC32 and each part carries one.
    const checksums = (await client.config.requestChecksumCalculation()) === 'WHEN_SUPPORTED';
    const created = await client.send(
      new CreateMultipartUploadCommand({ ...params, ...(checksums && { ChecksumAlgorithm: ChecksumAlgorithm.CRC32 }) }),
    );
    uploadId = created.UploadId;
    const parts = await uploadEachPart(client, params, file, handle, uploadId, onBytes);
    const done = await client.send(
      new CompleteMultipartUploadCommand({ ...target(params), UploadId: uploadId, MultipartUpload: { Parts: parts } }),
    );
    return done.ETag;
  } catch (err) {
    // The failure that ended the upload is the one to report; an abort that fails too leaves parts
    // that only a bucket lifecycle rule (AbortIncompleteMultipartUpload) removes.
    if (uploadId) await client.send(new AbortMultipartUploadCommand({ ...target(params), UploadId: uploadId })).catch(() => undefined);
    throw err;
  } finally {
    await handle.close();
  }
}

/**
 * The parts, PARTS_AT_ONCE at a time. After a failure no part starts, and the ones in flight are
 * waited for, so the abort that follows finds no part still arriving.
 */
async function uploadEachPart(
  client: S3Client,
  params: Params,
  file: LocalFile,
  handle: FileHandle,
  uploadId: string | undefined,
  onBytes: (bytes: number) => void,
): Promise<CompletedPart[]> {
  let failure: { error: unknown } | undefined;
  const parts = await pMap(
    file.partMd5s ?? [],
    async (md5, index): Promise<CompletedPart | undefined> => {
      if (failure) return undefined;
      try {
        const offset = index * PART_BYTES;
        const body = await readExactly(handle, file, offset, Math.min(PART_BYTES, file.size - offset));
        const part = { ...target(params), UploadId: uploadId, PartNumber: index + 1, Body: body, ContentMD5: hexToBase64(md5) };
        const out = await client.send(new UploadPartCommand(part));
        onBytes(body.length);
        return { PartNumber: index + 1, ETag: out.ETag, ...(out.ChecksumCRC32 && { ChecksumCRC32: out.ChecksumCRC32 }) };
      } catch (error) {
        failure ??= { error };
        return undefined;
      }
    },
    { concurrency: PARTS_AT_ONCE },
  );
  if (failure) throw failure.error;
  return parts as CompletedPart[];
}

/** `length` bytes at `offset`; fewer means the file shrank since it was hashed. */
async function readExactly(handle: FileHandle, file: LocalFile, offset: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
    if (bytesRead === 0) throw new FileChangedError(file);
    filled += bytesRead;
  }
  return buffer;
}

function target(params: Params): { Bucket: string; Key: string } {
  return { Bucket: params.Bucket, Key: params.Key };
}

function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { name?: string; Code?: string };
  return e.Code ?? e.name;
}

function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/^"|"$/g, '');
}
