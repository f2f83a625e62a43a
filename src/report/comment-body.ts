/**
 * The body of the one live comment on a pull request for a preview deploy, and the hidden marker
 * that finds it again. Pure (snapshot-tested); github/comment.ts posts it.
 */
import type { Config } from '../config/parse.js';
import { Inputs } from '../names.js';
import type { PreviewComment } from '../ports.js';
import type { CheckResult, DeployResult, RunFailure } from '../types.js';
import { count } from '../text.js';
import { formatBytes } from './format.js';

export const MARKER_PREFIX = '<!-- s3-cloudfront-deploy:pr-comment';

/**
 * The hidden marker, keyed by bucket and prefix: two deploys in one PR (say the app in bucket A and
 * the docs in bucket B, or two prefixes in one bucket) keep one comment each, while every run of the
 * same deploy finds and edits its own. The key is URL-encoded (with '-' doubled runs escaped) so no
 * prefix can close the HTML comment early, and it ends with ' -->', so 'pr-7/' never matches 'pr-77/'.
 */
export function prCommentMarker(bucket: string, prefix: string): string {
  const enc = (s: string): string => encodeURIComponent(s).replace(/-(?=-)/g, '%2D');
  return `${MARKER_PREFIX} bucket=${enc(bucket)} prefix=${enc(prefix)} -->`;
}

/** The marker and the markdown for this run, as github/comment.ts takes them. */
export function previewComment(result: DeployResult, config: Config): PreviewComment {
  return { marker: prCommentMarker(config.bucket, config.prefix), body: renderPrComment(result, config) };
}

/** Markdown of the comment, marker first. Pure: snapshot-tested. */
export function renderPrComment(result: DeployResult, config: Config): string {
  const marker = prCommentMarker(config.bucket, config.prefix);
  const where = `\`s3://${result.bucket}/${result.prefix}\``;
  const lines: string[] = [marker];

  if (result.mode === 'remove') {
    if (result.failure) {
      lines.push('### ❌ Removing the preview failed', '', ...describeFailure(result.failure));
    } else {
      const deleted = result.applied?.deleted ?? result.plan.deletes.length;
      lines.push(
        '### 🧹 Preview removed',
        '',
        `The preview is gone: ${count(deleted, 'object')} deleted under ${where}` +
          (result.invalidation ? ` and CloudFront invalidation \`${result.invalidation.id}\` created.` : '.'),
      );
    }
    const retired = result.deployment?.deactivated;
    if (retired !== undefined) lines.push('', `GitHub deployments of ${environmentLink(result)}: ${retired} marked inactive.`);
    lines.push('', `Commit: ${result.sha || 'unknown'}`);
    return lines.join('\n') + '\n';
  }

  const failedChecks = result.checksOutcome === 'failed';
  const title = result.failure
    ? '### ❌ Preview deploy failed'
    : failedChecks
      ? '### ⚠️ Preview deployed, checks failed'
      : '### ✅ Preview deployed';
  lines.push(title, '');
  if (result.failure) lines.push(...describeFailure(result.failure), '');

  const known =
    result.previewUrl && (result.failure ? `${result.previewUrl} (${previewState(result, result.failure)})` : result.previewUrl);
  const preview = known || `not known (set \`${Inputs.SiteUrl}\` or \`${Inputs.DistributionId}\`)`;
  lines.push('| | |', '|---|---|');
  lines.push(`| **Preview** | ${cell(preview)} |`);
  lines.push(`| **Commit** | ${result.sha || 'unknown'} |`);
  if (result.deployment?.id !== undefined) lines.push(`| **Deployment** | ${environmentLink(result)} |`);
  lines.push(`| **Changes** | ${cell(describeChanges(result))} |`);
  if (result.invalidation) {
    lines.push(`| **Invalidation** | \`${cell(result.invalidation.id)}\` (${cell(result.invalidation.status)}) |`);
  }
  lines.push(`| **Checks** | ${cell(describeChecks(result))} |`);

  const failed = result.checks.filter((c) => !c.passed);
  if (failed.length > 0) {
    lines.push('', ...failed.map(renderFailedCheck));
  }
  return lines.join('\n') + '\n';
}

/** What a failed deploy did to the preview: nothing, or some or all of its uploads before the run failed. */
function previewState(result: DeployResult, failure: RunFailure): string {
  const uploaded = result.applied?.uploaded ?? 0;
  if (uploaded === 0) return "not updated: this commit's deploy failed";
  const planned = result.plan.uploads.length;
  const files = uploaded < planned ? `${uploaded} of ${count(planned, 'file')}` : 'files';
  return `${files} uploaded, then the run failed at ${failure.stage}`;
}

/** Where the run failed, why, and what it left behind: a quote of two lines. */
function describeFailure(failure: RunFailure): string[] {
  return [`> Failed at **${oneLine(failure.stage)}**: ${oneLine(failure.message)}`, `> ${oneLine(failure.leftBehind)}`];
}

/** The deployment's environment, linked to its page on GitHub (its history of deployments). */
function environmentLink(result: DeployResult): string {
  const deployment = result.deployment;
  if (!deployment) return '';
  const name = `\`${cell(deployment.environment)}\``;
  return deployment.url ? `[${name}](${deployment.url})` : name;
}

function describeChanges(result: DeployResult): string {
  const { plan } = result;
  const unchanged = plan.unchanged.length;
  if (result.applied) {
    const a = result.applied;
    // Header updates and retained objects only when there are some: most deploys have neither.
    const headers = a.headersUpdated > 0 ? `, ${a.headersUpdated} headers updated` : '';
    const retained = plan.retained.length > 0 ? `, ${plan.retained.length} retained (keep-stale)` : '';
    return `${a.uploaded} uploaded (${formatBytes(a.bytesUploaded)})${headers}, ${a.deleted} deleted${retained}, ${unchanged} unchanged`;
  }
  const headers = plan.headerUpdates.length > 0 ? `, ${plan.headerUpdates.length} header updates` : '';
  const retained = plan.retained.length > 0 ? `, ${plan.retained.length} to keep (keep-stale)` : '';
  return `planned: ${plan.uploads.length} to upload${headers}, ${plan.deletes.length} to delete${retained}, ${unchanged} unchanged (not applied)`;
}

const CHECK_LABELS: Record<CheckResult['name'], string> = {
  'site-root': 'site root',
  'spa-route': 'deep route',
  's3-private': 'S3 private',
  'state-private': 'deploy state private',
};

function describeChecks(result: DeployResult): string {
  if (result.checksOutcome === 'skipped' || result.checks.length === 0) return 'skipped';
  const icon = result.checksOutcome === 'passed' ? '✅' : '❌';
  const each = result.checks.map((c) => `${checkIcon(c)} ${CHECK_LABELS[c.name] ?? c.name}`).join(', ');
  return `${icon} ${result.checksOutcome}: ${each}`;
}

function renderFailedCheck(c: CheckResult): string {
  const why = c.diagnosis ? ` ${oneLine(c.diagnosis)}` : '';
  return `- ${checkIcon(c)} **${CHECK_LABELS[c.name] ?? c.name}** ${c.url}: expected ${oneLine(c.expected)}, got ${oneLine(c.got)}.${why}`;
}

/** A failed check that only warns (state-private) is a warning, not a failure. */
function checkIcon(c: CheckResult): string {
  if (c.passed) return '✅';
  return c.warnOnly ? '⚠️' : '❌';
}

/** Collapse whitespace and keep any HTML comment markers out of the body. */
function oneLine(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/<!--|-->/g, '')
    .trim()
    .slice(0, 500);
}

function cell(text: string): string {
  return oneLine(text).replace(/\|/g, '\\|');
}
