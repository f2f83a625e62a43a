/** Progress lines for long stages (hashing, uploads): files and bytes done, and the rate, every 5 s while a stage runs. */
import * as core from '@actions/core';
import type { Clock } from '../ports.js';
import { formatBytes } from './format.js';

/** A stage that ends sooner prints no progress line at all. */
export const PROGRESS_EVERY_MS = 5_000;

/** Calls `tick` every `ms` until the returned stop function is called; setInterval in production. */
export type Ticker = (ms: number, tick: () => void) => () => void;

export const intervalTicker: Ticker = (ms, tick) => {
  const timer = setInterval(tick, ms);
  // A forgotten stop must not keep the process alive.
  timer.unref();
  return () => clearInterval(timer);
};

export interface ProgressDeps {
  now?: Clock;
  every?: Ticker;
  info?: (line: string) => void;
}

export interface Progress {
  /** Count `files` finished files and `bytes` more bytes (hashing adds each chunk read, a multipart upload each part, the file at the end). */
  add(files: number, bytes: number): void;
  stop(): void;
}

export interface ProgressTotals {
  files: number;
  /** Known up front, or asked at each line (undefined while not known yet). */
  bytes?: number | (() => number | undefined);
}

/** Starts the 5-second progress lines of one stage, e.g. `startProgress('Uploading', { files: 6, bytes: 4096 })`. */
export function startProgress(verb: string, totals: ProgressTotals, deps: ProgressDeps = {}): Progress {
  const { now = Date.now, every = intervalTicker, info = core.info } = deps;
  const started = now();
  const done = { files: 0, bytes: 0 };
  const totalBytes = (): number | undefined => (typeof totals.bytes === 'function' ? totals.bytes() : totals.bytes);
  const stop = every(PROGRESS_EVERY_MS, () =>
    info(progressLine(verb, done, { files: totals.files, bytes: totalBytes() }, now() - started)),
  );
  return {
    add(files, bytes) {
      done.files += files;
      done.bytes += bytes;
    },
    stop,
  };
}

/** Runs `work` with progress lines for it, stopped however it ends. */
export async function withProgress<T>(
  verb: string,
  totals: ProgressTotals,
  work: (progress: Progress) => Promise<T>,
  deps?: ProgressDeps,
): Promise<T> {
  const progress = startProgress(verb, totals, deps);
  try {
    return await work(progress);
  } finally {
    progress.stop();
  }
}

/** `Uploading: 3 of 6 files, 1.2 MiB of 4.0 MiB (30 %), 240.0 KiB/s`; without a byte total: `…, 1.2 MiB read, …`. Pure. */
export function progressLine(
  verb: string,
  done: { files: number; bytes: number },
  totals: { files: number; bytes?: number },
  elapsedMs: number,
): string {
  const files = `${done.files.toLocaleString('en-US')} of ${totals.files.toLocaleString('en-US')} files`;
  const bytes =
    totals.bytes === undefined
      ? `${formatBytes(done.bytes)} read`
      : `${formatBytes(done.bytes)} of ${formatBytes(totals.bytes)} (${percent(done.bytes, totals.bytes)} %)`;
  const rate = elapsedMs > 0 ? formatBytes(Math.round((done.bytes * 1000) / elapsedMs)) : formatBytes(0);
  return `${verb}: ${files}, ${bytes}, ${rate}/s`;
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 100 : Math.floor((part * 100) / whole);
}
