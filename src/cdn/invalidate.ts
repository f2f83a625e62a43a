/**
 * The invalidate stage: look up the site's domain, create one invalidation covering what changed,
 * and optionally wait for it. Talks to CloudFront only through the Cdn port; time is injected.
 */
import * as core from '@actions/core';
import { createHash } from 'node:crypto';
import type { Config } from '../config/parse.js';
import { invalidationPathsFor } from './paths.js';
import { Inputs } from '../names.js';
import type { Cdn, Clock, Sleep } from '../ports.js';
import { CLOUDFRONT_ATTEMPTS, CLOUDFRONT_BACKOFF, describeError, isRetryableAwsError, realSleep, withRetry } from '../retry.js';
import type { InvalidationResult } from '../types.js';

export interface InvalidateDeps {
  sleep?: Sleep;
  now?: Clock;
  /** For backoff jitter; injected so tests are deterministic. */
  random?: () => number;
}

type Operation = 'GetDistribution' | 'CreateInvalidation' | 'GetInvalidation';

/** First poll after 1 s, doubling to 15 s: short invalidations finish fast, long ones cost few calls. */
const FIRST_POLL_MS = 1_000;
const MAX_POLL_MS = 15_000;
const COMPLETED = 'Completed';
/** The domain lookup runs before any write: a minute of throttling retries is plenty, and failing there costs nothing. */
const LOOKUP_BUDGET_MS = 60_000;

/** GetDistribution → https://<DomainName>, unless site-url is given or no distribution is set. */
export async function resolveSiteUrl(cdn: Cdn, config: Config, deps: InvalidateDeps = {}): Promise<string | undefined> {
  if (config.siteUrl !== undefined) return config.siteUrl;
  const distributionId = config.distributionId;
  if (distributionId === undefined) return undefined;
  const domain = await call('GetDistribution', config, deps, LOOKUP_BUDGET_MS, () => cdn.getDomainName(distributionId));
  core.info(`Distribution ${distributionId} serves https://${domain}`);
  return `https://${domain}`;
}

/** Create one invalidation covering `changedKeys` (uploaded + deleted), or say why none. */
export async function startInvalidation(
  cdn: Cdn,
  config: Config,
  changedKeys: string[],
  deps: InvalidateDeps = {},
): Promise<{ result?: InvalidationResult; skipped?: string }> {
  const distributionId = config.distributionId;
  if (distributionId === undefined) return { skipped: 'no distribution-id' };
  const { paths, reason } = invalidationPathsFor(changedKeys, config);
  if (paths.length === 0) {
    core.info(`No invalidation: ${reason}`);
    return { skipped: reason };
  }
  logPaths(paths, reason);
  const reference = callerReference(config, paths, deps.now ?? Date.now);
  core.debug(`CallerReference: ${reference}`);
  // Retrying a busy distribution gets its own invalidation-timeout; waiting (if asked) gets another.
  const budgetMs = config.invalidationTimeoutSeconds * 1000;
  const created = await call('CreateInvalidation', config, deps, budgetMs, () => cdn.createInvalidation(distributionId, paths, reference));
  core.info(`Created invalidation ${created.id} on ${distributionId}: ${created.status}`);
  return { result: { id: created.id, paths, reason, status: created.status } };
}

/**
 * Poll until Completed; throws after invalidation-timeout seconds naming the invalidation id. Not the
 * SDK's waitUntilInvalidationCompleted: it treats every error as "not yet" (a role without
 * cloudfront:GetInvalidation would wait out the whole timeout), logs nothing per poll, and its timers
 * cannot be injected. Here a poll that fails after its own retries fails the wait at once.
 */
export async function waitForInvalidation(
  cdn: Cdn,
  config: Config,
  invalidation: InvalidationResult,
  deps: InvalidateDeps = {},
): Promise<InvalidationResult> {
  const { sleep = realSleep, now = Date.now } = deps;
  const distributionId = config.distributionId ?? '';
  const timeoutMs = config.invalidationTimeoutSeconds * 1000;
  const started = now();
  let status = invalidation.status;
  for (let delay = FIRST_POLL_MS; status !== COMPLETED; delay = Math.min(delay * 2, MAX_POLL_MS)) {
    const remaining = started + timeoutMs - now();
    if (remaining <= 0) throw timeoutError(config, invalidation.id, status);
    await sleep(Math.min(delay, remaining));
    const budgetMs = Math.max(started + timeoutMs - now(), 1);
    status = await call('GetInvalidation', config, deps, budgetMs, () => cdn.getInvalidationStatus(distributionId, invalidation.id));
    core.info(
      `Invalidation ${invalidation.id}: ${status} after ${seconds(now() - started)} s (timeout ${config.invalidationTimeoutSeconds} s)`,
    );
  }
  return { ...invalidation, status, waitedSeconds: seconds(now() - started) };
}

/**
 * Unique per run and attempt, stable across our own retries: CloudFront answers a repeated
 * reference with the same paths by returning the invalidation it already made (no duplicate),
 * while a re-run job (new attempt) or a second deploy step with other paths gets a fresh one.
 * Outside Actions there is no run id, so the clock keeps local runs apart.
 */
export function callerReference(config: Pick<Config, 'run'>, paths: string[], now: Clock): string {
  const hash = createHash('sha256').update(paths.join('\n')).digest('hex').slice(0, 16);
  const { runId, runAttempt } = config.run;
  return runId === 'local' ? `local-${now()}-${hash}` : `${runId}-${runAttempt}-${hash}`;
}

/**
 * One CloudFront call, retried (1 s doubling to 20 s, full jitter) within `budgetMs`: at most
 * CLOUDFRONT_ATTEMPTS attempts, except that a busy distribution (TooManyInvalidationsInProgress, which
 * clears only as other invalidations finish) is retried until the budget runs out.
 */
async function call<T>(op: Operation, config: Config, deps: InvalidateDeps, budgetMs: number, fn: () => Promise<T>): Promise<T> {
  try {
    return await withRetry(fn, {
      label: op,
      isRetryable: isRetryableAwsError,
      maxAttempts: (err) => (errorCode(err) === 'TooManyInvalidationsInProgress' ? Number.POSITIVE_INFINITY : CLOUDFRONT_ATTEMPTS),
      ...CLOUDFRONT_BACKOFF,
      deadlineMs: budgetMs,
      sleep: deps.sleep,
      now: deps.now,
      random: deps.random,
      onRetry: (message) => core.info(message),
    });
  } catch (err) {
    throw explain(err, op, config);
  }
}

function errorCode(err: unknown): string {
  return (err as { name?: string } | null)?.name ?? '';
}

/** CloudFront's error code → what is wrong and how to fix it, naming the permission or input. */
function explain(err: unknown, op: Operation, config: Config): Error {
  const id = config.distributionId ?? '';
  const code = errorCode(err);
  const detail = describeError(err);
  const messages: Record<string, string> = {
    NoSuchDistribution: `CloudFront distribution '${id}' does not exist in the account of these credentials (${detail}). Check '${Inputs.DistributionId}': use the distribution's id (like E1ABCDEF2GHIJK) from the same AWS account.`,
    AccessDenied: `The AWS credentials may not call cloudfront:${op} on distribution '${id}' (${detail}). Allow "cloudfront:${op}" on "arn:aws:cloudfront::<account-id>:distribution/${id}" in the role's policy${HINTS[op]}.`,
    TooManyInvalidationsInProgress: `CloudFront still refused a new invalidation on '${id}' after ${config.invalidationTimeoutSeconds} s: too many invalidations in progress (at most 3,000 paths and 15 wildcards at once). Wait for them to finish and re-run, or raise '${Inputs.InvalidationTimeout}'.`,
    InvalidArgument:
      config.invalidationPaths.kind === 'explicit'
        ? `CloudFront rejected the invalidation paths (${detail}). Check '${Inputs.InvalidationPaths}': one path per line, each starting with '/', '*' only at the end.`
        : `CloudFront rejected the invalidation paths the action computed (${detail}). Please report this with the paths logged above; meanwhile set '${Inputs.InvalidationPaths}' to explicit paths such as '/*'.`,
    InvalidationBatchAlreadyExists: `CloudFront already has an invalidation with this run's CallerReference but other paths (${detail}). Re-run the job: a new attempt uses a new reference.`,
  };
  const message = messages[code] ?? `CloudFront ${op} failed for distribution '${id}': ${detail}`;
  return new Error(message, { cause: err });
}

const HINTS: Record<Operation, string> = {
  GetDistribution: `, or set '${Inputs.SiteUrl}' so the action does not look the domain up`,
  CreateInvalidation: `, or set '${Inputs.InvalidationPaths}: none'`,
  GetInvalidation: `, or set '${Inputs.WaitForInvalidation}: false'`,
};

function timeoutError(config: Config, invalidationId: string, status: string): Error {
  return new Error(
    `Invalidation ${invalidationId} on distribution '${config.distributionId}' is still ${status} after ${config.invalidationTimeoutSeconds} s. ` +
      `CloudFront keeps working on it; raise '${Inputs.InvalidationTimeout}', or set '${Inputs.WaitForInvalidation}: false' to not wait.`,
  );
}

function logPaths(paths: string[], reason: string): void {
  const shown = 10;
  core.info(
    `Invalidating ${reason}: ${paths.slice(0, shown).join(' ')}${paths.length > shown ? ` … and ${paths.length - shown} more` : ''}`,
  );
  for (const path of paths.slice(shown)) core.debug(`invalidate ${path}`);
}

function seconds(ms: number): number {
  return Math.round(ms / 1000);
}
