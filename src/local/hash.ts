/** Hashing the site's files: MD5 and size of each, read once in chunks through a few reused buffers. */
import { createHash } from 'node:crypto';
import { close, open, read } from 'node:fs';
import pMap from 'p-map';
import { errorMessage, GuardError } from '../errors.js';
import type { LocalFile } from '../types.js';
import type { SourceFile } from './scan.js';

/** Files read at once while hashing; enough to keep the disk busy without many open handles. */
const HASH_CONCURRENCY = 16;

/**
 * Reads every file once, streaming, for its MD5 and size. p-map takes files as lanes free up, so
 * 50,000 files cost 50,000 results, not 50,000 queued promises (p-limit's way; about 1.5 KB each).
 */
export function hashSourceFiles(files: SourceFile[]): Promise<LocalFile[]> {
  return pMap(
    files,
    async (file): Promise<LocalFile> => {
      const hashed = await hashFile(file.absPath).catch((err: unknown) => {
        throw unreadable(`${JSON.stringify(file.relPath)} in source-dir`, err);
      });
      // In place: one object per file, however many files (the SourceFile is not used again).
      return Object.assign(file, hashed);
    },
    { concurrency: HASH_CONCURRENCY },
  );
}

/** A file or folder of source-dir that cannot be read: a guard failure naming it, with the fix. */
export function unreadable(what: string, err: unknown): GuardError {
  const code = (err as NodeJS.ErrnoException).code;
  const denied = code === 'EACCES' || code === 'EPERM';
  const fix = denied
    ? "Make it readable by the user this step runs as (files a build wrote in a container often belong to root), or leave it out with 'exclude'."
    : 'Make sure nothing changes source-dir while this step runs.';
  return new GuardError(`Cannot read ${what}: ${denied ? 'permission denied' : errorMessage(err)}. ${fix}`);
}

/** Read buffers, one per hashing lane and reused: no allocation per read, however many files. */
const READ_BUFFER_BYTES = 256 * 1024;
const freeReadBuffers: Buffer[] = [];

/**
 * MD5 and size of a file, read in chunks (never whole into memory). Callback fs, not a FileHandle:
 * a FileHandle is an EventEmitter with a promise per call, which made hashing 50,000 small files
 * 1.6 times slower (9.0 s against 5.6 s) and left that much more garbage behind.
 */
export function hashFile(absPath: string): Promise<{ md5: string; size: number }> {
  return new Promise((resolve, reject) => {
    open(absPath, 'r', (openError, fd) => {
      if (openError) return reject(openError);
      const buffer = freeReadBuffers.pop() ?? Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
      const hash = createHash('md5');
      let size = 0;
      const finish = (error: Error | null): void => {
        freeReadBuffers.push(buffer);
        close(fd, (closeError) => {
          const failure = error ?? closeError;
          if (failure) reject(failure);
          else resolve({ md5: hash.digest('hex'), size });
        });
      };
      const readNext = (): void =>
        read(fd, buffer, 0, buffer.length, null, (readError, bytesRead) => {
          if (readError) return finish(readError);
          if (bytesRead === 0) return finish(null);
          hash.update(buffer.subarray(0, bytesRead));
          size += bytesRead;
          readNext();
        });
      readNext();
    });
  });
}
