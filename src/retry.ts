/** The one retry helper for calls whose client makes a single attempt (CloudFront, STS, GitHub). */
import type { Sleep } from './ports.js';

export interface RetryOptions {
  /** Short name for log lines, e.g. "CreateInvalidation". */
  label: string;
  isRetryable: (err: unknown) => boolean;
  /** Give up after this many attempts (including the first); may depend on the error just met. */
  maxAttempts: number | ((err: unknown) => number);
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Stop retrying once this much time has passed since the first attempt. */
  deadlineMs?: number;
  sleep?: Sleep;
  now?: () => number;
  random?: () => number;
  onRetry?: (message: string) => void;
}

/**
 * Each CloudFront call is tried at most this many times on throttling, 5xx or a dropped connection,
 * waiting CLOUDFRONT_BACKOFF between tries. This is the only retry layer: the CloudFront client itself
 * makes one attempt per call (aws/clients.ts).
 */
export const CLOUDFRONT_ATTEMPTS = 8;
/** 1 s doubling to 20 s, full jitter. */
export const CLOUDFRONT_BACKOFF = { baseDelayMs: 1_000, maxDelayMs: 20_000 } as const;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Capped exponential backoff with full jitter: delay in [0, min(max, base * 2^attempt)). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  return Math.floor(random() * Math.min(maxMs, baseMs * 2 ** attempt));
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { sleep = realSleep, now = Date.now, random = Math.random, baseDelayMs = 500, maxDelayMs = 20_000 } = options;
  const started = now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const limit = typeof options.maxAttempts === 'number' ? options.maxAttempts : options.maxAttempts(err);
      const outOfAttempts = attempt >= limit;
      const delay = backoffDelay(attempt, baseDelayMs, maxDelayMs, random);
      const outOfTime = options.deadlineMs !== undefined && now() - started + delay > options.deadlineMs;
      if (outOfAttempts || outOfTime || !options.isRetryable(err)) throw err;
      options.onRetry?.(`${options.label}: attempt ${attempt} failed (${describeError(err)}); retrying in ${delay} ms`);
      await sleep(delay);
    }
  }
}

const RETRYABLE_CODES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'TooManyInvalidationsInProgress',
  'InternalError',
  'ServiceUnavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'TimeoutError',
]);

/** Throttling, 5xx and dropped connections are worth another try; 4xx answers are not. */
export function isRetryableAwsError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  if ((e.name && RETRYABLE_CODES.has(e.name)) || (e.code && RETRYABLE_CODES.has(e.code))) return true;
  const status = e.$metadata?.httpStatusCode;
  return status !== undefined && (status >= 500 || status === 429);
}

export function describeError(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  const e = err as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  const code = e.code ?? e.name ?? 'Error';
  return `${code}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? ''}`.trim();
}
