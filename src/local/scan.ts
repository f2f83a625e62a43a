/**
 * The local side: walk source-dir, guard it, and describe every file in scope (hashing is local/hash.ts).
 * Symbolic links are followed only while they stay inside source-dir.
 */
import * as core from '@actions/core';
import { promises as fs, type Dirent } from 'node:fs';
import * as path from 'node:path';
import type { Config } from '../config/parse.js';
import { GuardError, shown, shownPath } from '../errors.js';
import { contentTypeFor, fileKind, makeCacheControl, makeScopeFilter } from '../plan/rules.js';
import { STATE_FILE_NAME } from '../remote/state.js';
import type { SourceFile } from '../types.js';
import { unreadable } from './hash.js';

export type ScanOptions = Pick<Config, 'sourceDir' | 'prefix' | 'include' | 'exclude' | 'cacheControl' | 'indexDocument'>;

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
    .filter((file) => inScope(file.relPath) && !isDeployState(file.relPath))
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
  checkIndexDocument(files, paths, options);
  return files;
}

/** The deploy state's place is the action's own (remote/state.ts): a source file there is not deployed. */
function isDeployState(relPath: string): boolean {
  if (relPath !== STATE_FILE_NAME) return false;
  core.warning(`Skipping '${relPath}': that name at the top of source-dir is where the action keeps its deploy state.`);
  return true;
}

/** Guard: source-dir exists and is a directory. Returns its real path. */
async function checkSourceDir(options: ScanOptions): Promise<string> {
  const stat = await fs.stat(options.sourceDir).catch(() => undefined);
  if (!stat) {
    throw new GuardError(
      `source-dir ${shownPath(options.sourceDir)} does not exist. Build the site before this step, or set 'source-dir' to the build output folder.`,
    );
  }
  if (!stat.isDirectory()) {
    throw new GuardError(`source-dir ${shownPath(options.sourceDir)} is not a directory. Set 'source-dir' to the build output folder.`);
  }
  return fs.realpath(options.sourceDir);
}

function checkIndexDocument(files: SourceFile[], found: FoundFile[], options: ScanOptions): void {
  const sourceDir = shownPath(options.sourceDir);
  if (found.length === 0) {
    throw new GuardError(`source-dir ${sourceDir} is empty. Did the build run? Deploying it would delete the whole site.`);
  }
  if (files.some((file) => file.kind === 'index')) return;
  const index = shown(options.indexDocument);
  if (!found.some((file) => file.relPath === options.indexDocument)) {
    throw new GuardError(
      `index-document ${index} is not in source-dir ${sourceDir}. ` +
        `This guards against deploying the wrong folder: check 'source-dir' and 'index-document'.`,
    );
  }
  // It is there, but out of scope: say which filter did it, and how much of the site is left.
  const byInclude = !makeScopeFilter(options.include, [])(options.indexDocument);
  const globs = (list: string[]): string => list.slice(0, 3).map(shown).join(', ') + (list.length > 3 ? ', …' : '');
  const filter = byInclude ? `'include' (${globs(options.include)}) does not match it` : `'exclude' (${globs(options.exclude)}) matches it`;
  throw new GuardError(
    `index-document ${index} is in source-dir ${sourceDir}, but ${filter}; ${files.length} of the ${found.length} files are in scope. ` +
      `The index document is deployed with the site, last: ${byInclude ? "add it to 'include'" : "take it out of 'exclude'"}, or check the globs for a typo.`,
  );
}

/** Control characters: S3 list responses (XML 1.0) cannot carry most of them, and URLs would need them escaped. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** Guard: every name can become an S3 key that lists back unchanged. */
function checkNames(files: SourceFile[], notUtf8: string[]): void {
  const firstNames = (names: string[]): string =>
    names
      .slice(0, 5)
      .map((name) => JSON.stringify(name))
      .join(', ') + (names.length > 5 ? ', …' : '');
  if (notUtf8.length > 0) {
    throw new GuardError(
      `source-dir holds ${notUtf8.length} name(s) that are not valid UTF-8 (bad bytes shown as \uFFFD): ${firstNames(notUtf8)}. ` +
        'S3 keys are UTF-8: rename them, or remove them before this step.',
    );
  }
  const controlled = files.filter((file) => CONTROL_CHARACTER.test(file.relPath)).map((file) => file.relPath);
  if (controlled.length > 0) {
    throw new GuardError(
      `source-dir holds ${controlled.length} file name(s) with control characters (newline, tab, …): ${firstNames(controlled)}. ` +
        "Rename them, or leave them out with 'exclude'.",
    );
  }
}

interface FoundFile {
  relPath: string;
  absPath: string;
}

/** Folders read at once: reads wait on the disk, not the CPU, so a few in flight hide the latency. */
const WALK_CONCURRENCY = 8;

interface Folder {
  dir: string;
  rel: string;
  ancestors: string[];
}

/**
 * Every regular file under root, in no fixed order (the plan sorts). Links inside root are followed (an aliased folder
 * is deployed under both names); links leaving root, broken links and loops are skipped. Every
 * folder visited is a real path (root is, and links are resolved), so loops are found without
 * asking the file system again. Folders are read WALK_CONCURRENCY at a time, from a stack, so
 * memory holds the stack and a few listings, never the whole tree's.
 */
async function walk(root: string): Promise<{ found: FoundFile[]; notUtf8: string[] }> {
  const found: FoundFile[] = [];
  const notUtf8: string[] = [];
  const pending: Folder[] = [{ dir: root, rel: '', ancestors: [root] }];
  while (pending.length > 0) {
    const wave = pending.splice(-WALK_CONCURRENCY);
    const listings = await Promise.all(wave.map((folder) => readFolder(root, folder)));
    for (const [i, entries] of listings.entries()) {
      const { dir, rel, ancestors } = wave[i]!;
      for (const entry of entries) {
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
          if (ancestors.includes(target.absPath)) {
            core.warning(`Skipping '${relPath}': a symbolic link loop.`);
            continue;
          }
          pending.push({ dir: target.absPath, rel: `${relPath}/`, ancestors: [...ancestors, target.absPath] });
        } else if (target.isFile) {
          found.push({ relPath, absPath: target.absPath });
        } else {
          core.debug(`Skipping '${relPath}': not a regular file.`);
        }
      }
    }
  }
  return { found, notUtf8 };
}

function readFolder(root: string, { dir, rel }: Folder): Promise<Dirent[]> {
  return fs.readdir(dir, { withFileTypes: true }).catch((err: unknown) => {
    throw unreadable(rel === '' ? `source-dir ${shownPath(root)}` : `the folder ${JSON.stringify(rel.slice(0, -1))} in source-dir`, err);
  });
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
  const real = await fs.realpath(absPath).catch((err: NodeJS.ErrnoException) => err);
  if (typeof real !== 'string') {
    core.warning(`Skipping '${relPath}': ${real.code === 'ELOOP' ? 'a symbolic link loop' : 'a broken symbolic link'}.`);
    return undefined;
  }
  if (real !== root && !real.startsWith(root + path.sep)) {
    core.warning(`Skipping '${relPath}': a symbolic link to a place outside source-dir is never followed.`);
    return undefined;
  }
  const stat = await fs.stat(real);
  return { absPath: real, isDir: stat.isDirectory(), isFile: stat.isFile() };
}
