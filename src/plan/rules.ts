/** Pure rules about files: glob filters, Cache-Control by first matching rule, Content-Type, kind. */
import * as mime from 'mime-types';
import picomatch from 'picomatch';
import type { CacheRule } from '../config/parse.js';
import type { FileKind } from '../types.js';

/** dot: `.well-known/` is deployed like any folder. */
const GLOB_OPTIONS: picomatch.PicomatchOptions = { dot: true };

export type Matcher = (relPath: string) => boolean;

/**
 * A glob without a slash (`*.map`) matches at any depth, as users of `aws s3 sync --exclude '*.map'`
 * expect. Done by hand: picomatch's own `basename` option also rewrites globs that have a slash,
 * so `static/**` would match nothing.
 */
export function anyDepth(glob: string): string {
  return glob.includes('/') ? glob : `**/${glob}`;
}

export function compileGlobs(globs: string[]): Matcher {
  if (globs.length === 0) return () => false;
  return picomatch(globs.map(anyDepth), GLOB_OPTIONS);
}

/** In scope = included (or no include globs) and not excluded. Applies to local and remote alike. */
export function makeScopeFilter(include: string[], exclude: string[]): Matcher {
  const included = include.length === 0 ? () => true : compileGlobs(include);
  const excluded = compileGlobs(exclude);
  return (relPath) => included(relPath) && !excluded(relPath);
}

export function makeCacheControl(rules: CacheRule[]): (relPath: string) => string | undefined {
  const compiled = rules.map((rule) => ({ matches: picomatch(anyDepth(rule.glob), GLOB_OPTIONS), value: rule.value }));
  return (relPath) => compiled.find((rule) => rule.matches(relPath))?.value;
}

/** Content-Type from the file name; text types get `charset=utf-8`. */
export function contentTypeFor(relPath: string): string {
  const type = mime.lookup(relPath) || 'application/octet-stream';
  let full = fullContentTypes.get(type);
  if (full === undefined) {
    full = mime.charset(type) ? `${type}; charset=utf-8` : type;
    fullContentTypes.set(type, full); // one string per type, not one per file
  }
  return full;
}

const fullContentTypes = new Map<string, string>();

/** `text/html; charset=utf-8` → `text/html`. */
export function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/** An HTML content type, whatever its parameters or case (ours from contentTypeFor, or a server's). */
export function isHtml(contentType: string): boolean {
  return mediaType(contentType) === 'text/html';
}

export function fileKind(relPath: string, contentType: string, indexDocument: string): FileKind {
  if (relPath === indexDocument) return 'index';
  return isHtml(contentType) ? 'html' : 'asset';
}
