/**
 * Progress lines of long stages, on an injected clock and ticker: a line at every 5-second tick while
 * the stage runs, none once it stopped, none at all for a stage that ends before the first tick.
 */
import { PROGRESS_EVERY_MS, progressLine, startProgress, type Ticker } from '../src/report/progress.js';

const KIB = 1024;

function fakeTime() {
  let now = 0;
  const ticks: { ms: number; tick: () => void; stopped: boolean }[] = [];
  const every: Ticker = (ms, tick) => {
    const entry = { ms, tick, stopped: false };
    ticks.push(entry);
    return () => void (entry.stopped = true);
  };
  /** Moves the clock by `ms` and fires every running ticker whose period elapsed (one period per call). */
  const advance = (ms: number): void => {
    now += ms;
    for (const t of ticks) if (!t.stopped && ms >= t.ms) t.tick();
  };
  return { now: () => now, every, advance, ticks };
}

test('a stage that runs 12 s prints a line at 5 s and at 10 s with what was done by then, and none after it stopped', () => {
  const time = fakeTime();
  const lines: string[] = [];
  const progress = startProgress(
    'Uploading',
    { files: 6, bytes: 600 * KIB },
    { now: time.now, every: time.every, info: (l) => lines.push(l) },
  );
  expect(time.ticks.map((t) => t.ms)).toEqual([PROGRESS_EVERY_MS]);
  progress.add(1, 100 * KIB);
  time.advance(5_000);
  progress.add(2, 200 * KIB);
  time.advance(5_000);
  progress.add(3, 300 * KIB);
  progress.stop();
  time.advance(5_000);
  expect(lines).toEqual([
    'Uploading: 1 of 6 files, 100.0 KiB of 600.0 KiB (16 %), 20.0 KiB/s',
    'Uploading: 3 of 6 files, 300.0 KiB of 600.0 KiB (50 %), 30.0 KiB/s',
  ]);
});

test('a byte total learnt during the stage: asked at each line, shown once known', () => {
  const time = fakeTime();
  const lines: string[] = [];
  const total = { known: undefined as number | undefined };
  let asked = 0;
  const totalBytes = (): number | undefined => (asked++, total.known);
  const progress = startProgress(
    'Hashing',
    { files: 4, bytes: totalBytes },
    { now: time.now, every: time.every, info: (l) => lines.push(l) },
  );
  expect(asked).toBe(0);
  progress.add(1, 10 * KIB);
  time.advance(5_000);
  total.known = 40 * KIB;
  progress.add(1, 10 * KIB);
  time.advance(5_000);
  progress.stop();
  expect(asked).toBe(2);
  expect(lines).toEqual([
    'Hashing: 1 of 4 files, 10.0 KiB read, 2.0 KiB/s',
    'Hashing: 2 of 4 files, 20.0 KiB of 40.0 KiB (50 %), 2.0 KiB/s',
  ]);
});

test('a stage that ends within 5 s prints nothing', () => {
  const time = fakeTime();
  const lines: string[] = [];
  const progress = startProgress('Hashing', { files: 3 }, { now: time.now, every: time.every, info: (l) => lines.push(l) });
  progress.add(3, 3 * KIB);
  time.advance(4_999);
  progress.stop();
  time.advance(5_000);
  expect(lines).toEqual([]);
});

test.each([
  [
    'bytes total known',
    { files: 50_000, bytes: 4 * 1024 * KIB * KIB },
    { files: 1_200, bytes: 1024 * KIB * KIB },
    5_000,
    'Hashing: 1,200 of 50,000 files, 1.0 GiB of 4.0 GiB (25 %), 204.8 MiB/s',
  ],
  [
    'bytes total unknown (hashing learns sizes as it reads)',
    { files: 10 },
    { files: 4, bytes: 10 * KIB },
    10_000,
    'Hashing: 4 of 10 files, 10.0 KiB read, 1.0 KiB/s',
  ],
  [
    'nothing to send (empty files)',
    { files: 2, bytes: 0 },
    { files: 1, bytes: 0 },
    5_000,
    'Uploading: 1 of 2 files, 0 B of 0 B (100 %), 0 B/s',
  ],
])('progressLine: %s', (_name, totals, done, elapsedMs, expected) => {
  const verb = expected.split(':')[0]!;
  expect(progressLine(verb, done, totals, elapsedMs)).toBe(expected);
});
