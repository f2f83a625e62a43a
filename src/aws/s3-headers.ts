/** Object headers between the SDK's shapes and ours: what a HeadObject tells, what a CopyObject re-sends. */
import type { CopyObjectCommandInput, HeadObjectCommandOutput, ServerSideEncryption, StorageClass } from '@aws-sdk/client-s3';
import { MD5_METADATA_KEY } from '../names.js';
import { managedHeaders } from '../plan/drift.js';
import type { CarriedHeaders, HeaderUpdate, LocalFile, ObjectHead } from '../types.js';

const META = 'x-amz-meta-';
const SSE = 'x-amz-server-side-encryption';
const SSE_KMS_KEY = 'x-amz-server-side-encryption-aws-kms-key-id';
const SSE_BUCKET_KEY = 'x-amz-server-side-encryption-bucket-key-enabled';
const REDIRECT = 'x-amz-website-redirect-location';

/** The headers every write of a file sends (PutObject, multipart upload, CopyObject): what the fingerprint covers. */
export function managedParams(file: LocalFile): { ContentType?: string; CacheControl?: string } {
  const headers = managedHeaders(file);
  return { ContentType: headers.contentType, CacheControl: headers.cacheControl };
}

export function objectHead(head: HeadObjectCommandOutput): ObjectHead {
  const { [MD5_METADATA_KEY]: storedMd5, ...otherMetadata } = head.Metadata ?? {};
  return {
    storedMd5,
    headers: { contentType: head.ContentType, cacheControl: head.CacheControl },
    carried: carriedFrom(head, otherMetadata),
  };
}

/**
 * What a CopyObject with MetadataDirective REPLACE would drop. SSE-S3 (AES256) is left out: every
 * object without other settings has it, and a copy gets the bucket's default encryption like an
 * upload does; a KMS key is kept. Tags survive a copy by default (TaggingDirective COPY).
 */
function carriedFrom(head: HeadObjectCommandOutput, metadata: Record<string, string>): CarriedHeaders {
  const carried: Record<string, string> = {};
  const set = (name: string, value: string | undefined) => value !== undefined && value !== '' && (carried[name] = value);
  set('content-encoding', head.ContentEncoding);
  set('content-disposition', head.ContentDisposition);
  set('content-language', head.ContentLanguage);
  set('expires', head.ExpiresString);
  set(REDIRECT, head.WebsiteRedirectLocation);
  if (head.ServerSideEncryption && head.ServerSideEncryption !== 'AES256') {
    set(SSE, head.ServerSideEncryption);
    set(SSE_KMS_KEY, head.SSEKMSKeyId);
    if (head.BucketKeyEnabled) set(SSE_BUCKET_KEY, 'true');
  }
  for (const [name, value] of Object.entries(metadata)) set(META + name, value);
  return carried;
}

/** CopyObject onto itself: every managed header, the MD5 metadata, and what it carries, as last seen. */
export function copyOntoItself(bucket: string, update: HeaderUpdate): CopyObjectCommandInput {
  const { file, object, carried } = update;
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(carried)) if (name.startsWith(META)) metadata[name.slice(META.length)] = value;
  metadata[MD5_METADATA_KEY] = file.md5;
  const expires = carried.expires === undefined ? undefined : new Date(carried.expires);
  return {
    Bucket: bucket,
    Key: file.key,
    CopySource: `${bucket}/${file.key.split('/').map(encodeURIComponent).join('/')}`,
    // Only while it is still the object listed: a write by someone else since then wins.
    CopySourceIfMatch: `"${object.etag}"`,
    MetadataDirective: 'REPLACE',
    ...managedParams(file),
    Metadata: metadata,
    ContentEncoding: carried['content-encoding'],
    ContentDisposition: carried['content-disposition'],
    ContentLanguage: carried['content-language'],
    Expires: expires && !Number.isNaN(expires.getTime()) ? expires : undefined,
    WebsiteRedirectLocation: carried[REDIRECT],
    ServerSideEncryption: carried[SSE] as ServerSideEncryption | undefined,
    SSEKMSKeyId: carried[SSE_KMS_KEY],
    BucketKeyEnabled: carried[SSE_BUCKET_KEY] === 'true' ? true : undefined,
    // A copy without a storage class becomes STANDARD: keep the one listed.
    StorageClass: object.storageClass && object.storageClass !== 'STANDARD' ? (object.storageClass as StorageClass) : undefined,
  };
}
