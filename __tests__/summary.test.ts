import { MAX_LISTED, renderSummary } from '../src/report/summary.js';
import type { DeployResult, LocalFile } from '../src/types.js';

function file(key: string, size = 100): LocalFile {
  return { key, relPath: key, absPath: `/build/${key}`, size, md5: '0'.repeat(32), contentType: 'text/html', kind: 'asset' };
}

function result(uploads: number, deletes: number, overrides: Partial<DeployResult> = {}): DeployResult {
  return {
    mode: 'deploy',
    dryRun: false,
    bucket: 'site',
    prefix: 'pr-7/',
    plan: {
      uploads: Array.from({ length: uploads }, (_, i) => ({ file: file(`pr-7/assets/f${i}.js`), reason: 'new' as const })),
      deletes: Array.from({ length: deletes }, (_, i) => `pr-7/old/f${i}.js`),
      unchanged: [file('pr-7/index.html')],
      headerUpdates: [],
      retained: [],
      expiring: [],
    },
    applied: { uploaded: uploads, bytesUploaded: uploads * 100, deleted: deletes, headersUpdated: 0 },
    siteUrl: 'https://d111.cloudfront.net',
    previewUrl: 'https://d111.cloudfront.net/pr-7/index.html',
    checks: [
      {
        name: 'site-root',
        url: 'https://d111.cloudfront.net/pr-7/index.html',
        expected: '200 over HTTPS',
        got: '200 text/html',
        passed: true,
      },
    ],
    checksOutcome: 'passed',
    timings: { scan: 1200, apply: 3400 },
    sha: 'abc123',
    ...overrides,
  };
}

test('a small deploy: verdict, counts, bytes, preview link, checks table, folded lists, time per stage', () => {
  const md = renderSummary(result(3, 1));
  expect(md.split('\n')[0]).toBe('## ✅ Deployed to `s3://site/pr-7/`');
  expect(md).toContain('| uploaded | 3 | 3 |');
  expect(md).toContain('| bytes uploaded | 300 B | 300 B |');
  expect(md).toContain('| deleted | 1 | 1 |');
  expect(md).toContain('**Preview:** https://d111.cloudfront.net/pr-7/index.html');
  expect(md).toContain('| site-root | https://d111.cloudfront.net/pr-7/index.html | 200 over HTTPS | 200 text/html | ✅ pass |');
  expect(md).toContain('<details><summary>Uploads (3)</summary>');
  expect(md).toContain('<details><summary>Deletions (1)</summary>');
  expect(md).toMatch(/Time per stage: scan 1\.2 s · apply 3\.4 s/);
});

test('a 10,000-file deploy: lists are capped, the page stays small', () => {
  const md = renderSummary(result(10_000, 2_000));
  expect(md).toContain('<details><summary>Uploads (10000)</summary>');
  expect(md).toContain(`… and ${10_000 - MAX_LISTED} more`);
  expect(md).toContain(`… and ${2_000 - MAX_LISTED} more`);
  expect(md.split('\n').filter((line) => line.includes('pr-7/assets/')).length).toBe(MAX_LISTED);
  // GitHub refuses step summaries over 1 MiB; this one stays far below.
  expect(Buffer.byteLength(md)).toBeLessThan(64 * 1024);
});

test('header updates, retained and expired objects: counted, and listed in folds of their own', () => {
  const since = Date.UTC(2026, 11, 1, 12, 0, 0);
  const base = result(0, 1);
  const md = renderSummary({
    ...base,
    plan: {
      ...base.plan,
      headerUpdates: [{ file: file('pr-7/app.js'), object: { key: 'pr-7/app.js', etag: 'e', size: 100 }, carried: {} }],
      retained: [{ key: 'pr-7/assets/old.js', since }],
      expiring: [{ key: 'pr-7/old/f0.js', since }],
    },
    applied: { uploaded: 0, bytesUploaded: 0, deleted: 1, headersUpdated: 1 },
  });
  expect(md).toContain('| headers updated | 1 | 1 |');
  expect(md).toContain('| retained (keep-stale) | 1 | 1 |');
  expect(md).toContain('<details><summary>Header updates (no body re-sent) (1)</summary>');
  expect(md).toContain('headers  pr-7/app.js');
  expect(md).toContain('expired  pr-7/old/f0.js');
  expect(md).toContain('stale since 2026-12-01T12:00:00.000Z  pr-7/assets/old.js');
});

test('a failed warn-only check (state-private) shows as a warning, not a failure', () => {
  const warning = {
    name: 'state-private' as const,
    url: 'https://d111.cloudfront.net/pr-7/.deploy-state.json',
    expected: 'not served (403, 404 or the SPA fallback)',
    got: '200 application/json',
    passed: false,
    warnOnly: true,
    diagnosis: 'The deploy state is served to anyone.',
  };
  const md = renderSummary(result(1, 0, { checks: [warning] }));
  expect(md).toContain('| ⚠️ warning: The deploy state is served to anyone. |');
  expect(md).not.toContain('❌');
});

test('a failure and a dry run say so in the headline', () => {
  const failure = { stage: 'Listing s3://site/pr-7/', message: 'boom', leftBehind: 'Nothing was written or deleted.' };
  expect(renderSummary(result(1, 0, { failure })).split('\n')[0]).toBe(
    '## ❌ Deploy to `s3://site/pr-7/` failed at Listing s3://site/pr-7/',
  );
  expect(renderSummary(result(1, 0, { dryRun: true, applied: undefined })).split('\n')[0]).toBe(
    '## 📝 Dry run for `s3://site/pr-7/`: nothing was written',
  );
});

test('a failure shows the error and what was left behind, under the counts of what was done', () => {
  const failure = { stage: 'Uploading', message: '1 upload(s) of assets failed: "pr-7/a.js"', leftBehind: '2 of 3 files were uploaded.' };
  const md = renderSummary(result(3, 0, { failure, applied: { uploaded: 2, bytesUploaded: 200, deleted: 0, headersUpdated: 0 } }));
  expect(md).toContain('| uploaded | 3 | 2 |');
  expect(md).toContain('**Error:** 1 upload(s) of assets failed: "pr-7/a.js"\n\n**Left behind:** 2 of 3 files were uploaded.');
});

test('a failed removal says it was a removal', () => {
  const failure = { stage: 'Deleting', message: 'denied', leftBehind: 'Nothing was written or deleted.' };
  expect(renderSummary(result(0, 3, { mode: 'remove', failure })).split('\n')[0]).toBe(
    '## ❌ Removing the preview at `s3://site/pr-7/` failed at Deleting',
  );
});

test('the timeline: a mermaid gantt block with hash and list overlapping, right before the text line of stage times', () => {
  const timeline = {
    startedAt: Date.UTC(2026, 11, 2, 8, 0, 0),
    spans: [
      { label: 'scan', start: 0, end: 200 },
      { label: 'listing', start: 200, end: 900 },
      { label: 'hash', start: 200, end: 1_400 },
      { label: 'apply', start: 1_500, end: 4_900 },
    ],
  };
  const lines = renderSummary(result(3, 1, { timeline })).split('\n');
  const open = lines.indexOf('```mermaid');
  expect(lines.slice(open, open + 2)).toEqual(['```mermaid', 'gantt']);
  expect(lines.slice(open + 7, open + 12)).toEqual([
    '    scan 0.2 s :1796198400000, 1796198400200',
    '    listing 0.7 s :1796198400200, 1796198400900',
    '    hash 1.2 s :1796198400200, 1796198401400',
    '    apply 3.4 s :1796198401500, 1796198404900',
    '```',
  ]);
  expect(lines[open + 12]).toBe('');
  expect(lines[open + 13]).toMatch(/^<sub>Time per stage: scan 1\.2 s · apply 3\.4 s<\/sub>$/);
});

test('no timeline block when no stage was timed', () => {
  expect(renderSummary(result(1, 0, { timeline: { startedAt: 0, spans: [] } }))).not.toContain('```mermaid');
});

test('the GitHub deployment: its id and a link to its environment; for a removed preview, how many were retired', () => {
  const url = 'https://github.com/octo-org/site/deployments/preview-pr-7';
  expect(renderSummary(result(1, 0, { deployment: { id: 1001, environment: 'preview-pr-7', url } }))).toContain(
    `**GitHub deployment:** 1001 of [preview-pr-7](${url})`,
  );
  expect(renderSummary(result(0, 3, { mode: 'remove', deployment: { environment: 'preview-pr-7', url, deactivated: 2 } }))).toContain(
    `**GitHub deployments of [preview-pr-7](${url}):** 2 marked inactive`,
  );
});
