/**
 * The site-root check proves this deploy: the root must serve the index document the run deployed
 * (its MD5, from the body or a passed-through ETag) once nothing can serve an older one; while an
 * invalidation is in progress another body is reported, not failed. Also the preview URL, encoded
 * like the check's. Pure.
 */
import { indexProof, planChecks, type IndexProof } from '../src/checks/plan.js';
import { judgeSiteRoot, servedMd5 } from '../src/checks/verdicts.js';
import { parseConfig } from '../src/config/parse.js';
import type { ProbeResponse } from '../src/ports.js';
import { previewUrl } from '../src/report/report.js';

const SITE = 'https://d111111abcdef8.cloudfront.net';
const DEPLOYED = '0123456789abcdef0123456789abcdef';
const OLDER = 'fedcba9876543210fedcba9876543210';
const HTML = 'text/html; charset=utf-8';
const ctx = { bucket: 'site-bucket', region: 'eu-west-1', distributionId: 'E1ABCDEF2GHIJK', prefix: '' };

const served = (extra: Partial<ProbeResponse>) => ({
  response: { status: 200, contentType: HTML, bodyStart: '<!doctype html>', ...extra },
});
const proof = (when: IndexProof['when']): IndexProof => ({ md5: DEPLOYED, when });

describe('indexProof: how strictly the root must serve this deploy', () => {
  test.each<[string, string | undefined, { status: string } | undefined, IndexProof['when']]>([
    ['no distribution', undefined, undefined, 'required'],
    ['the invalidation was awaited', 'E1', { status: 'Completed' }, 'required'],
    ['the invalidation is in progress', 'E1', { status: 'InProgress' }, 'pending'],
    ['no invalidation in this run', 'E1', undefined, 'unproven'],
  ])('%s → %s', (_name, distributionId, invalidation, when) => {
    expect(indexProof(DEPLOYED, distributionId, invalidation)).toEqual({ md5: DEPLOYED, when });
  });
});

describe('servedMd5', () => {
  test.each<[Partial<ProbeResponse>, string | undefined]>([
    [{ bodyMd5: DEPLOYED }, DEPLOYED],
    [{ bodyMd5: DEPLOYED, etag: `"${OLDER}"` }, DEPLOYED],
    [{ etag: `"${DEPLOYED.toUpperCase()}"` }, DEPLOYED],
    [{ etag: `W/"${DEPLOYED}"` }, DEPLOYED],
    [{ etag: `"${DEPLOYED}-2"` }, undefined],
    [{}, undefined],
  ])('%j → %j', (response, md5) => {
    expect(servedMd5(response)).toBe(md5);
  });
});

describe('judgeSiteRoot with the deployed index document', () => {
  const url = `${SITE}/`;

  test('the same bytes pass, and say so', () => {
    expect(judgeSiteRoot(url, served({ bodyMd5: DEPLOYED }), ctx, proof('required'))).toEqual({
      name: 'site-root',
      url,
      expected: "200 over HTTPS, this deploy's index document",
      got: "200 text/html, this deploy's index document",
      passed: true,
    });
  });

  test('an ETag that is the MD5 passes when the body is too large to hash', () => {
    expect(judgeSiteRoot(url, served({ etag: `"${DEPLOYED}"` }), ctx, proof('required')).passed).toBe(true);
  });

  test('an ETag that is the MD5 passes when an edge function rewrote the body', () => {
    expect(judgeSiteRoot(url, served({ bodyMd5: OLDER, etag: `"${DEPLOYED}"` }), ctx, proof('required')).passed).toBe(true);
  });

  test('other bytes after an awaited invalidation fail, naming the distribution and the bucket', () => {
    const r = judgeSiteRoot(url, served({ bodyMd5: OLDER }), ctx, proof('required'));
    expect(r).toMatchObject({ passed: false, got: "200 text/html, not this deploy's index document" });
    expect(r.diagnosis).toBe(
      `The site root answered 200, but not with the index document this run deployed (served MD5 ${OLDER}, deployed ${DEPLOYED}). ` +
        'The invalidation has completed, so distribution E1ABCDEF2GHIJK reads another origin, or another cache sits in front of it: check that its S3 origin is bucket site-bucket, with an origin path that matches.',
    );
  });

  test('other bytes without a distribution fail, pointing at site-url', () => {
    const r = judgeSiteRoot(url, served({ bodyMd5: OLDER }), { ...ctx, distributionId: undefined, prefix: 'pr-7/' }, proof('required'));
    expect(r.passed).toBe(false);
    expect(r.diagnosis).toMatch(/site-url does not serve this bucket, or a cache in front of it keeps an older copy/);
    expect(r.diagnosis).toMatch(/bucket site-bucket \(the files are under 'pr-7\/'\)/);
  });

  test('other bytes while the invalidation is in progress pass, reported as such', () => {
    expect(judgeSiteRoot(url, served({ bodyMd5: OLDER }), ctx, proof('pending'))).toMatchObject({
      passed: true,
      expected: '200 over HTTPS',
      got: '200 text/html, an older index document (invalidation still in progress)',
    });
  });

  test('other bytes with no invalidation in this run pass, reported as such', () => {
    expect(judgeSiteRoot(url, served({ bodyMd5: OLDER }), ctx, proof('unproven'))).toMatchObject({
      passed: true,
      got: "200 text/html, not this deploy's index document (no invalidation in this run)",
    });
  });

  test('nothing to compare: passes and says the body was not compared', () => {
    expect(judgeSiteRoot(url, served({}), ctx, proof('required'))).toMatchObject({
      passed: true,
      got: '200 text/html (body too large to compare with the index document)',
    });
  });

  test('without a proof (no index known) any 200 over HTTPS passes, as before', () => {
    expect(judgeSiteRoot(url, served({ bodyMd5: OLDER }), ctx).passed).toBe(true);
  });

  test('planChecks hands the proof to the site-root check only', () => {
    const cfg = parseConfig((name) => ({ bucket: 'site-bucket', region: 'eu-west-1' })[name as string] ?? '', {}, {});
    const { planned } = planChecks(cfg, SITE, () => 0.5, proof('required'));
    expect(planned.map((c) => [c.name, c.index])).toEqual([
      ['site-root', proof('required')],
      ['spa-route', undefined],
      ['s3-private', undefined],
      ['state-private', undefined],
    ]);
  });
});

describe('previewUrl', () => {
  test.each<[string, string, string, string | undefined]>([
    [SITE, 'pr-7/', 'main page.html', `${SITE}/pr-7/main%20page.html`],
    [`${SITE}/app/`, 'pr-7/', 'index.html', `${SITE}/app/pr-7/index.html`],
    [SITE, 'pr-7/', 'ünï#?.html', `${SITE}/pr-7/%C3%BCn%C3%AF%23%3F.html`],
    [SITE, '', 'index.html', undefined],
  ])('%s + %s + %s → %s', (site, prefix, indexDocument, url) => {
    expect(previewUrl(site, { prefix, indexDocument })).toBe(url);
  });

  test('is undefined without a site URL', () => {
    expect(previewUrl(undefined, { prefix: 'pr-7/', indexDocument: 'index.html' })).toBeUndefined();
  });
});
