/**
 * The local side: walk source-dir, hash every file in scope (streaming), describe it as a LocalFile.
 * Symbolic links are followed only while they stay inside source-dir.
 */
import * as core from '@actions/core';
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import pLimit from 'p-limit';
import type { Config } from './config';
import { GuardError } from './errors';
import { contentTypeFor, fileKind, makeCacheControl, makeScopeFilter } from './rules';
import type { LocalFile } from './types';

export type ScanOptions = Pick<Config, 'sourceDir' | 'prefix' | 'include' | 'exclude' | 'cacheControl' | 'indexDocument'>;

/** A file of the site, described but not yet read. */
export type SourceFile = Omit<LocalFile, 'md5' | 'size'>;

/** Files read at once while hashing; enough to keep the disk busy without many open handles. */
const HASH_CONCURRENCY = 16;

export async function scanSource(options: ScanOptions): Promise<LocalFile[]> {
  return hashSourceFiles(await findSourceFiles(options));
}

/**
 * Walks source-dir and describes every file in scope, without reading any. The guards (missing,
 * empty, no index document) run here, so a wrong folder fails before the first request.
 */
export async function findSourceFiles(options: ScanOptions): Promise<SourceFile[]> {
  const root = await checkSourceDir(options);
  const { found: paths, notUtf8 } = await walk(root);
  const inScope = makeScopeFilter(options.include, options.exclude);
  const cacheControlFor = makeCacheControl(options.cacheControl);
  const files = paths
    .filter((file) => inScope(file.relPath))
    .map((file): SourceFile => {
      const contentType = contentTypeFor(file.relPath);
      return {
        key: options.prefix + file.relPath,
        relPath: file.relPath,
        absPath: file.absPath,
        contentType,
        cacheControl: cacheControlFor(file.relPath),
        kind: fileKind(file.relPath, contentType, options.indexDocument),
      };
    });
  checkNames(files, notUtf8);
  checkIndexDocument(files, paths.length, options);
  return files;
}

/** Reads every file once, streaming, for its MD5 and size. */
export function hashSourceFiles(files: SourceFile[]): Promise<LocalFile[]> {
  const limit = pLimit(HASH_CONCURRENCY);
  return Promise.all(files.map((file) => limit(async (): Promise<LocalFile> => ({ ...file, ...(await hashFile(file.absPath)) }))));
}

/** Guard: source-dir exists and is a directory. Returns its real path. */
async function checkSourceDir(options: ScanOptions): Promise<string> {
  const stat = await fs.stat(options.sourceDir).catch(() => undefined);
  if (!stat) {
    throw new GuardError(
      `source-dir '${options.sourceDir}' does not exist. Build the site before this step, or set 'source-dir' to the build output folder. Nothing was uploaded or deleted.`,
    );
  }
  if (!stat.isDirectory()) {
    throw new GuardError(
      `source-dir '${options.sourceDir}' is not a directory. Set 'source-dir' to the build output folder. Nothing was uploaded or deleted.`,
    );
  }
  return fs.realpath(options.sourceDir);
}

function checkIndexDocument(files: SourceFile[], totalFiles: number, options: ScanOptions): void {
  if (totalFiles === 0) {
    throw new GuardError(
      `source-dir '${options.sourceDir}' is empty. Did the build run? Deploying it would delete the whole site, so nothing was uploaded or deleted.`,
    );
  }
  if (!files.some((file) => file.kind === 'index')) {
    throw new GuardError(
      `index-document '${options.indexDocument}' is not in source-dir '${options.sourceDir}' (or is filtered out by include/exclude). ` +
        `This guards against deploying the wrong folder: check 'source-dir' and 'index-document'. Nothing was uploaded or deleted.`,
    );
  }
}

/** Control characters: S3 list responses (XML 1.0) cannot carry most of them, and URLs would need them escaped. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** Guard: every name can become an S3 key that lists back unchanged. */
function checkNames(files: SourceFile[], notUtf8: string[]): void {
  const shown = (names: string[]): string =>
    names
      .slice(0, 5)
      .map((name) => JSON.stringify(name))
      .join(', ') + (names.length > 5 ? ', …' : '');
  if (notUtf8.length > 0) {
    throw new GuardError(
      `source-dir holds ${notUtf8.length} name(s) that are not valid UTF-8 (bad bytes shown as \uFFFD): ${shown(notUtf8)}. ` +
        'S3 keys are UTF-8: rename them, or remove them before this step. Nothing was uploaded or deleted.',
    );
  }
  const controlled = files.filter((file) => CONTROL_CHARACTER.test(file.relPath)).map((file) => file.relPath);
  if (controlled.length > 0) {
    throw new GuardError(
      `source-dir holds ${controlled.length} file name(s) with control characters (newline, tab, …): ${shown(controlled)}. ` +
        "Rename them, or leave them out with 'exclude'. Nothing was uploaded or deleted.",
    );
  }
}

interface FoundFile {
  relPath: string;
  absPath: string;
}

/**
 * Every regular file under root. Links inside root are followed (an aliased folder is deployed under
 * both names); links leaving root, broken links and loops (a link to an ancestor) are skipped.
 */
async function walk(root: string): Promise<{ found: FoundFile[]; notUtf8: string[] }> {
  const found: FoundFile[] = [];
  const notUtf8: string[] = [];
  const pending: { dir: string; rel: string; ancestors: string[] }[] = [{ dir: root, rel: '', ancestors: [root] }];
  while (pending.length > 0) {
    const { dir, rel, ancestors } = pending.pop()!;
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const absPath = path.join(dir, entry.name);
      const relPath = rel + entry.name;
      // Node decodes names as UTF-8, bad bytes becoming U+FFFD: such a path no longer names the file.
      if (entry.name.includes('\uFFFD') && !(await exists(absPath))) {
        notUtf8.push(relPath);
        continue;
      }
      const target = entry.isSymbolicLink()
        ? await resolveLink(root, absPath, relPath)
        : { absPath, isDir: entry.isDirectory(), isFile: entry.isFile() };
      if (!target) continue;
      if (target.isDir) {
        const real = await fs.realpath(target.absPath);
        if (ancestors.includes(real)) {
          core.warning(`Skipping '${relPath}': a symbolic link loop.`);
          continue;
        }
        pending.push({ dir: target.absPath, rel: `${relPath}/`, ancestors: [...ancestors, real] });
      } else if (target.isFile) {
        found.push({ relPath, absPath: target.absPath });
      } else {
        core.debug(`Skipping '${relPath}': not a regular file.`);
      }
    }
  }
  return { found, notUtf8 };
}

function exists(absPath: string): Promise<boolean> {
  return fs.lstat(absPath).then(
    () => true,
    () => false,
  );
}

interface Target {
  absPath: string;
  isDir: boolean;
  isFile: boolean;
}

async function resolveLink(root: string, absPath: string, relPath: string): Promise<Target | undefined> {
  const real = await fs.realpath(absPath).catch(() => undefined);
  if (!real) {
    core.warning(`Skipping '${relPath}': a broken symbolic link.`);
    return undefined;
  }
  if (real !== root && !real.startsWith(root + path.sep)) {
    core.warning(`Skipping '${relPath}': a symbolic link to a place outside source-dir is never followed.`);
    return undefined;
  }
  const stat = await fs.stat(real);
  return { absPath: real, isDir: stat.isDirectory(), isFile: stat.isFile() };
}

export function hashFile(absPath: string): Promise<{ md5: string; size: number }> {
  return new Promise((resolve, reject) => {
    const hash = createHash('md5');
    let size = 0;
    createReadStream(absPath)
      .on('data', (chunk) => {
        const bytes = chunk as Buffer; // no encoding set: always a Buffer
        size += bytes.length;
        hash.update(bytes);
      })
      .on('error', reject)
      .on('end', () => resolve({ md5: hash.digest('hex'), size }));
  });
}
