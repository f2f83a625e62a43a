/**
 * The one live comment on a pull request for a preview deploy: created on the first run, edited in
 * place on every later run (found by a hidden marker), and rewritten to "preview removed" when the
 * PR closes. The renderer is pure; `updatePrComment` never throws: a comment is not worth failing a
 * deploy that already happened, so every failure to comment is a warning.
 */
import * as core from '@actions/core';
import type { Config } from '../config';
import { Inputs } from '../names';
import type { PrComments, Sleep } from '../ports';
import { describeError, withRetry } from '../retry';
import type { CheckResult, DeployResult } from '../types';

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

export interface PrCommentDeps {
  info: (message: string) => void;
  warning: (message: string) => void;
  /** Backoff between attempts on 5xx/429/dropped connections; injected so tests run instantly. */
  sleep?: Sleep;
}

/** Whether this run is a preview that gets a comment: a pull_request event with a prefix and pr-comment on. */
export function wantsPrComment(config: Config): boolean {
  const isPr = config.run.eventName === 'pull_request' || config.run.eventName === 'pull_request_target';
  return isPr && config.prefix !== '' && config.prComment && config.run.prNumber !== undefined;
}

/** Keep one comment on the PR for preview deploys; a token without write access only warns. */
export async function updatePrComment(
  comments: PrComments | undefined,
  config: Config,
  result: DeployResult,
  log: PrCommentDeps = core,
): Promise<void> {
  try {
    const prNumber = config.run.prNumber;
    if (!wantsPrComment(config) || prNumber === undefined) return;
    if (result.dryRun) {
      log.info('Dry run: the pull-request comment is left as it is.');
      return;
    }
    if (!comments) {
      log.info(`No pull-request comment: '${Inputs.GithubToken}' is empty or the repository is unknown.`);
      return;
    }
    const marker = prCommentMarker(config.bucket, config.prefix);
    const body = renderPrComment(result, config);
    const { id, created } = await withRetry(() => comments.upsert(prNumber, marker, body), {
      label: 'PR comment',
      isRetryable: isRetryableGithubError,
      maxAttempts: 3,
      baseDelayMs: 1000,
      onRetry: log.info,
      sleep: log.sleep,
    });
    log.info(`${created ? 'Created' : 'Updated'} the preview comment on pull request #${prNumber} (comment ${id}).`);
  } catch (err) {
    log.warning(explainCommentError(err, config));
  }
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { status?: unknown })?.status;
  return typeof status === 'number' ? status : undefined;
}

function isRetryableGithubError(err: unknown): boolean {
  const status = statusOf(err);
  if (status !== undefined) return status >= 500 || status === 429;
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE'].includes(code);
}

export function explainCommentError(err: unknown, config: Config): string {
  const status = statusOf(err);
  const pr = config.run.prNumber === undefined ? 'the pull request' : `pull request #${config.run.prNumber}`;
  const raw = (err as { message?: unknown })?.message;
  const detail = status !== undefined ? `HTTP ${status}: ${typeof raw === 'string' ? raw : ''}` : describeError(err);
  const base = `Could not update the preview comment on ${pr} (${detail}); the deploy itself is not affected.`;
  if (status === 403 || status === 404) {
    const fork = config.run.fromFork ? ' Pull requests from forks always get a read-only token.' : '';
    return (
      `${base} The token cannot write comments.${fork} Give the job 'permissions: pull-requests: write', ` +
      `or set '${Inputs.PrComment}: false'.`
    );
  }
  return base;
}

/** Markdown of the comment, marker first. Pure: snapshot-tested. */
export function renderPrComment(result: DeployResult, config: Config): string {
  const marker = prCommentMarker(config.bucket, config.prefix);
  const where = `\`s3://${result.bucket}/${result.prefix}\``;
  const lines: string[] = [marker];

  if (result.mode === 'remove') {
    if (result.error) {
      lines.push('### ❌ Removing the preview failed', '', `${where}: ${oneLine(result.error)}`);
    } else {
      const deleted = result.applied?.deleted ?? result.plan.deletes.length;
      lines.push(
        '### 🧹 Preview removed',
        '',
        `The preview is gone: ${count(deleted, 'object')} deleted under ${where}` +
          (result.invalidation ? ` and CloudFront invalidation \`${result.invalidation.id}\` created.` : '.'),
      );
    }
    lines.push('', `Commit: ${result.sha || 'unknown'}`);
    return lines.join('\n') + '\n';
  }

  const failedChecks = result.checksOutcome === 'failed';
  const title = result.error
    ? '### ❌ Preview deploy failed'
    : failedChecks
      ? '### ⚠️ Preview deployed, checks failed'
      : '### ✅ Preview deployed';
  lines.push(title, '');
  if (result.error) lines.push(`> ${oneLine(result.error)}`, '');

  const preview = result.previewUrl ? result.previewUrl : `not known (set \`${Inputs.SiteUrl}\` or \`${Inputs.DistributionId}\`)`;
  lines.push('| | |', '|---|---|');
  lines.push(`| **Preview** | ${cell(preview)} |`);
  lines.push(`| **Commit** | ${result.sha || 'unknown'} |`);
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

function describeChanges(result: DeployResult): string {
  const unchanged = result.plan.unchanged.length;
  if (result.applied) {
    const a = result.applied;
    return `${a.uploaded} uploaded (${formatBytes(a.bytesUploaded)}), ${a.deleted} deleted, ${unchanged} unchanged`;
  }
  return `planned: ${result.plan.uploads.length} to upload, ${result.plan.deletes.length} to delete, ${unchanged} unchanged (not applied)`;
}

const CHECK_LABELS: Record<CheckResult['name'], string> = {
  'site-root': 'site root',
  'spa-route': 'deep route',
  's3-private': 'S3 private',
};

function describeChecks(result: DeployResult): string {
  if (result.checksOutcome === 'skipped' || result.checks.length === 0) return 'skipped';
  const icon = result.checksOutcome === 'passed' ? '✅' : '❌';
  const each = result.checks.map((c) => `${c.passed ? '✅' : '❌'} ${CHECK_LABELS[c.name] ?? c.name}`).join(', ');
  return `${icon} ${result.checksOutcome}: ${each}`;
}

function renderFailedCheck(c: CheckResult): string {
  const why = c.diagnosis ? ` ${oneLine(c.diagnosis)}` : '';
  return `- ❌ **${CHECK_LABELS[c.name] ?? c.name}** ${c.url}: expected ${oneLine(c.expected)}, got ${oneLine(c.got)}.${why}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
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
