/** The job summary: a pure renderer from DeployResult to Markdown, and a thin writer. */
import * as core from '@actions/core';
import type { DeployResult, Plan, StageName } from '../types.js';
import { doctorSection } from './doctor-section.js';
import { formatBytes } from './format.js';
import { renderTimeline } from './timeline.js';

/** Long file lists are folded and capped so a 50,000-file deploy still gives a readable page. */
export const MAX_LISTED = 200;

export function renderSummary(result: DeployResult): string {
  const audit = result.mode === 'audit';
  return [
    `## ${headline(result)}`,
    '',
    audit ? errorLine(result) : countsTable(result),
    urls(result),
    audit ? '' : invalidation(result),
    doctorSection(result.doctor, escapeMd),
    checksTable(result),
    audit ? '' : planDetails(result.plan),
    result.timeline ? renderTimeline(result.timeline) : '',
    timings(result.timings),
  ]
    .filter((section) => section !== '')
    .join('\n');
}

function headline(result: DeployResult): string {
  const target = `\`s3://${result.bucket}/${result.prefix}\``;
  if (result.mode === 'audit') {
    if (result.failure) return `❌ Audit of ${target} failed at ${escapeMd(result.failure.stage)}`;
    return `🩺 Audit of ${target}: doctor ${result.doctor?.outcome ?? 'skipped'}, checks ${result.checksOutcome}; nothing was written`;
  }
  if (result.failure) {
    const what = result.mode === 'remove' ? `Removing the preview at ${target}` : `Deploy to ${target}`;
    return `❌ ${what} failed at ${escapeMd(result.failure.stage)}`;
  }
  if (result.dryRun) return `📝 Dry run for ${target}: nothing was written`;
  if (result.checksOutcome === 'failed') return `❌ Deployed to ${target}, but the post-deploy checks failed`;
  if (result.mode === 'remove') return `🧹 Removed the preview at ${target}`;
  return `✅ Deployed to ${target}`;
}

function countsTable(result: DeployResult): string {
  const { plan, applied } = result;
  const planned = plan.uploads.reduce((sum, upload) => sum + upload.file.size, 0);
  const rows = [
    ['', 'planned', 'done'],
    ['---', '---:', '---:'],
    ['uploaded', String(plan.uploads.length), applied ? String(applied.uploaded) : '–'],
    ['bytes uploaded', formatBytes(planned), applied ? formatBytes(applied.bytesUploaded) : '–'],
    ['deleted', String(plan.deletes.length), applied ? String(applied.deleted) : '–'],
    ['headers updated', String(plan.headerUpdates.length), applied ? String(applied.headersUpdated) : '–'],
    ['retained (keep-stale)', String(plan.retained.length), applied ? String(plan.retained.length) : '–'],
    ['unchanged', String(plan.unchanged.length), String(plan.unchanged.length)],
  ];
  const table = rows.map((row) => `| ${row.join(' | ')} |`).join('\n');
  return `${table}\n${errorLine(result)}`;
}

function errorLine(result: DeployResult): string {
  const failure = result.failure;
  return failure ? `\n**Error:** ${escapeMd(failure.message)}\n\n**Left behind:** ${escapeMd(failure.leftBehind)}\n` : '';
}

function urls(result: DeployResult): string {
  const lines = [];
  if (result.previewUrl) lines.push(`**Preview:** ${result.previewUrl}`);
  else if (result.siteUrl) lines.push(`**Site:** ${result.siteUrl}`);
  lines.push(`**Commit:** \`${result.sha || 'unknown'}\``);
  const deployment = result.deployment;
  if (deployment) {
    const name = deployment.url ? `[${deployment.environment}](${deployment.url})` : deployment.environment;
    if (deployment.id !== undefined) lines.push(`**GitHub deployment:** ${deployment.id} of ${name}`);
    if (deployment.deactivated !== undefined) lines.push(`**GitHub deployments of ${name}:** ${deployment.deactivated} marked inactive`);
  }
  return `${lines.join('  \n')}\n`;
}

function invalidation(result: DeployResult): string {
  const inv = result.invalidation;
  if (!inv) return `**CloudFront invalidation:** none (${result.invalidationSkipped ?? 'not requested'})\n`;
  const waited = inv.waitedSeconds !== undefined ? `, waited ${inv.waitedSeconds} s` : '';
  const paths =
    inv.paths
      .slice(0, 20)
      .map((p) => `\`${p}\``)
      .join(', ') + (inv.paths.length > 20 ? ', …' : '');
  return `**CloudFront invalidation:** \`${inv.id}\`: ${inv.status}${waited}; ${inv.reason}: ${paths}\n`;
}

function checksTable(result: DeployResult): string {
  if (result.checks.length === 0) return `**Checks:** ${result.checksOutcome}\n`;
  const rows = result.checks.map((check) => {
    const failed = check.warnOnly ? '⚠️ warning' : '❌ fail';
    const verdict = check.passed ? '✅ pass' : `${failed}${check.diagnosis ? `: ${escapeMd(check.diagnosis)}` : ''}`;
    return `| ${check.name} | ${escapeMd(check.url)} | ${escapeMd(check.expected)} | ${escapeMd(check.got)} | ${verdict} |`;
  });
  return [
    `### Checks: ${result.checksOutcome}`,
    '',
    '| check | URL | expected | got | verdict |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

function planDetails(plan: Plan): string {
  const uploads = plan.uploads.map((upload) => `${upload.reason.padEnd(8)} ${upload.file.key}`);
  const headers = plan.headerUpdates.map((update) => `headers  ${update.file.key}`);
  const expiring = new Set(plan.expiring.map((stale) => stale.key));
  const deletes = plan.deletes.map((key) => `${expiring.has(key) ? 'expired' : 'delete '}  ${key}`);
  const retained = plan.retained.map((stale) => `stale since ${new Date(stale.since).toISOString()}  ${stale.key}`);
  return [
    fold('Uploads', uploads),
    fold('Header updates (no body re-sent)', headers),
    fold('Deletions', deletes),
    fold('Retained by keep-stale', retained),
  ]
    .filter((s) => s !== '')
    .join('\n');
}

function fold(title: string, lines: string[]): string {
  if (lines.length === 0) return '';
  const shown = lines.slice(0, MAX_LISTED);
  const more = lines.length > MAX_LISTED ? `\n… and ${lines.length - MAX_LISTED} more` : '';
  return `<details><summary>${title} (${lines.length})</summary>\n\n\`\`\`text\n${shown.map(escapeFence).join('\n')}${more}\n\`\`\`\n\n</details>\n`;
}

function timings(values: Partial<Record<StageName, number>>): string {
  const parts = Object.entries(values).map(([stage, ms]) => `${stage} ${(ms / 1000).toFixed(1)} s`);
  return parts.length > 0 ? `<sub>Time per stage: ${parts.join(' · ')}</sub>\n` : '';
}

function escapeMd(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function escapeFence(line: string): string {
  return line.replace(/```/g, '`\u200b``');
}

/** `core.summary.write()` rejects without GITHUB_STEP_SUMMARY (e.g. when run locally): skip then. */
export async function writeSummary(result: DeployResult): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(renderSummary(result)).write();
}
