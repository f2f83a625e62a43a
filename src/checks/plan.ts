/** Which post-deploy checks run and against which URLs, and which are skipped and why. Pure. */
import type { Config } from '../config/parse.js';
import { STATE_FILE_NAME } from '../remote/state.js';
import type { CheckName } from '../types.js';

export interface PlannedCheck {
  name: CheckName;
  url: string;
  expected: string;
  /** site-root only: the index document this run deployed, which the root should serve. */
  index?: IndexProof;
}

/** What the site root must serve: the index document this run deployed, and how strictly. */
export interface IndexProof {
  /** Hex MD5 of the index document in source-dir. */
  md5: string;
  /**
   * required: nothing stands between the bucket and the site URL (no distribution), or the
   * invalidation was awaited, so another body fails the check; pending: an invalidation is still in
   * progress; unproven: this run made no invalidation (nothing changed, or invalidation-paths none).
   */
  when: 'required' | 'pending' | 'unproven';
}

/** How strictly the site root must serve the index document `md5`, given what this run did at the CDN. */
export function indexProof(md5: string, distributionId: string | undefined, invalidation: { status: string } | undefined): IndexProof {
  if (distributionId === undefined || invalidation?.status === 'Completed') return { md5, when: 'required' };
  return { md5, when: invalidation ? 'pending' : 'unproven' };
}

export interface SkippedCheck {
  name: CheckName;
  /** Why it did not run, e.g. "check-routes is none". */
  reason: string;
}

export const EXPECTED = {
  'site-root': '200 over HTTPS',
  'spa-route': '200 text/html',
  's3-private': '403',
  'state-private': 'not served (403, 404 or the SPA fallback)',
} as const satisfies Record<CheckName, string>;

/** Which checks run, with their URLs, and which are skipped and why. Pure. */
export function planChecks(
  config: Pick<Config, 'prefix' | 'indexDocument' | 'checkRoutes' | 's3CheckUrl' | 'run'>,
  siteUrl: string | undefined,
  random: () => number = Math.random,
  index?: IndexProof,
): { planned: PlannedCheck[]; skipped: SkippedCheck[] } {
  const planned: PlannedCheck[] = [];
  const skipped: SkippedCheck[] = [];
  const base = siteUrl?.replace(/\/+$/, '');
  const noSite = 'no site-url (set site-url, or distribution-id so that it is derived from the distribution)';
  if (base === undefined) {
    skipped.push({ name: 'site-root', reason: noSite });
  } else {
    const url = siteRootUrl(base, config.prefix, config.indexDocument);
    const expected = index?.when === 'required' ? `${EXPECTED['site-root']}, this deploy's index document` : EXPECTED['site-root'];
    planned.push({ name: 'site-root', url, expected, ...(index ? { index } : {}) });
  }
  const routes = config.checkRoutes;
  if (routes.kind === 'none') {
    skipped.push({ name: 'spa-route', reason: 'check-routes is none' });
  } else if (routes.kind === 'auto' && config.prefix !== '') {
    skipped.push({
      name: 'spa-route',
      reason: `check-routes is auto and prefix '${config.prefix}' is set (a distribution-wide fallback serves the root index, not the preview's); list routes in check-routes to check them`,
    });
  } else if (base === undefined) {
    skipped.push({ name: 'spa-route', reason: noSite });
  } else {
    const paths =
      routes.kind === 'auto' ? [autoRoute(config.run.runId, random)] : routes.routes.map((r) => routeUnderPrefix(r, config.prefix));
    for (const route of paths) planned.push({ name: 'spa-route', url: routeUrl(base, route), expected: EXPECTED['spa-route'] });
  }
  if (config.s3CheckUrl === null) {
    skipped.push({ name: 's3-private', reason: 's3-check-url is none' });
  } else {
    planned.push({ name: 's3-private', url: config.s3CheckUrl, expected: EXPECTED['s3-private'] });
  }
  if (base === undefined) skipped.push({ name: 'state-private', reason: noSite });
  else planned.push({ name: 'state-private', url: stateUrl(base, config.prefix), expected: EXPECTED['state-private'] });
  return { planned, skipped };
}

/** `<site>/` at the bucket root; `<site>/<prefix><index-document>` (segments encoded) under a prefix. */
export function siteRootUrl(site: string, prefix: string, indexDocument: string): string {
  if (prefix === '') return `${site}/`;
  return `${site}/${(prefix + indexDocument).split('/').map(encodeURIComponent).join('/')}`;
}

/** `<site>/<prefix>/.deploy-state.json` (segments encoded), `<site>/.deploy-state.json` without a prefix. */
export function stateUrl(site: string, prefix: string): string {
  return `${site}/${(prefix + STATE_FILE_NAME).split('/').map(encodeURIComponent).join('/')}`;
}

/** The route as written, appended to the site URL; the URL parser encodes what must be encoded. */
export function routeUrl(site: string, route: string): string {
  const joined = `${site}${route.startsWith('/') ? '' : '/'}${route}`;
  try {
    return new URL(joined).toString();
  } catch {
    return joined;
  }
}

/**
 * An explicit route as probed: under the prefix when there is one (`/about` → `/pr-7/about`), unless
 * it is already there (`/pr-7/about`, or `/pr-7` itself), so workflows that wrote the prefix keep working.
 */
export function routeUnderPrefix(route: string, prefix: string): string {
  if (prefix === '') return route;
  const base = `/${prefix}`;
  if (route.startsWith(base) || route === base.slice(0, -1)) return route;
  return `${base}${route.replace(/^\/+/, '')}`;
}

/** A route that cannot exist in the bucket, e.g. `/__deploy-check-1234/5f0c2a9e81d3`. */
export function autoRoute(runId: string, random: () => number): string {
  const hex = (): string =>
    Math.floor(random() * 0x1000000)
      .toString(16)
      .padStart(6, '0');
  const run = runId.replace(/[^A-Za-z0-9_-]/g, '') || 'local';
  return `/__deploy-check-${run}/${hex()}${hex()}`;
}
