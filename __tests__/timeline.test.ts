import { renderTimeline } from '../src/report/timeline.js';
import type { TimelineSpan } from '../src/types.js';

/** 2026-12-02T08:00:00Z */
const STARTED_AT = 1_796_198_400_000;

/** A run as the stage runner records it: listing started before hashing and overlapping it. */
const RUN: TimelineSpan[] = [
  { label: 'credentials', start: 0, end: 400 },
  { label: 'scan', start: 400, end: 1_200 },
  { label: 'hash', start: 1_200, end: 9_700 },
  { label: 'list', start: 1_250, end: 6_050 },
  { label: 'plan', start: 9_700, end: 9_750 },
  { label: 'upload assets', start: 9_750, end: 130_000 },
  { label: 'upload HTML', start: 130_000, end: 131_500 },
  { label: 'upload index', start: 131_500, end: 131_600 },
  { label: 'invalidation request', start: 131_600, end: 132_100 },
  { label: 'invalidation wait', start: 132_100, end: 232_100 },
  { label: 'delete', start: 232_100, end: 233_000 },
  { label: 'checks', start: 233_000, end: 236_000 },
];

/** The task lines of the block: [name, tags, start, end]. */
function tasks(block: string): Array<{ name: string; crit: boolean; start: number; end: number }> {
  return block
    .split('\n')
    .map((line) => /^ {4}([^:]+?) :(crit, )?(\d+), (\d+)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1]!, crit: m[2] !== undefined, start: Number(m[3]), end: Number(m[4]) }));
}

describe('renderTimeline', () => {
  it('renders a fenced mermaid gantt block whose every line is a header, the section or a task', () => {
    const block = renderTimeline({ startedAt: STARTED_AT, spans: RUN });
    const lines = block.split('\n');
    expect(lines.slice(0, 7)).toEqual([
      '```mermaid',
      'gantt',
      '    title Where the time went: 236.0 s in all',
      '    dateFormat x',
      '    axisFormat %H:%M:%S',
      '    todayMarker off',
      '    section Stages',
    ]);
    expect(lines.slice(-2)).toEqual(['```', '']);
    const body = lines.slice(7, -2);
    expect(body).toHaveLength(RUN.length);
    expect(tasks(block)).toHaveLength(RUN.length);
  });

  it('writes each bar as epoch milliseconds from the run start, labelled with its duration', () => {
    const block = renderTimeline({ startedAt: STARTED_AT, spans: RUN });
    expect(block).toContain('    scan 0.8 s :1796198400400, 1796198401200\n');
    expect(block).toContain('    invalidation wait 100.0 s :1796198532100, 1796198632100\n');
  });

  it('lists the stages in the order they started, whatever order they were recorded in', () => {
    const shuffled = [RUN[5]!, RUN[0]!, RUN[11]!, RUN[3]!, RUN[2]!, RUN[1]!];
    const names = tasks(renderTimeline({ startedAt: STARTED_AT, spans: shuffled })).map((t) => t.name);
    expect(names).toEqual(['credentials 0.4 s', 'scan 0.8 s', 'hash 8.5 s', 'list 4.8 s', 'upload assets 120.3 s', 'checks 3.0 s']);
  });

  it('draws hash and list as overlapping bars (list starts before hash ends, and ends after hash starts)', () => {
    const byName = new Map(tasks(renderTimeline({ startedAt: STARTED_AT, spans: RUN })).map((t) => [t.name.split(' ')[0], t]));
    const hash = byName.get('hash')!;
    const list = byName.get('list')!;
    expect(hash.start).toBe(1796198401200);
    expect(list.start).toBe(1796198401250);
    expect(list.start).toBeLessThan(hash.end);
    expect(list.end).toBeGreaterThan(hash.start);
  });

  it('marks the failed stage critical and says so in its label', () => {
    const spans: TimelineSpan[] = [
      { label: 'scan', start: 0, end: 100 },
      { label: 'upload assets', start: 100, end: 2_100, failed: true },
    ];
    expect(tasks(renderTimeline({ startedAt: STARTED_AT, spans }))).toEqual([
      { name: 'scan 0.1 s', crit: false, start: 1796198400000, end: 1796198400100 },
      { name: 'upload assets 2.0 s (failed)', crit: true, start: 1796198400100, end: 1796198402100 },
    ]);
  });

  it('uses a millisecond axis for runs under ten seconds, so its ticks differ', () => {
    const block = renderTimeline({ startedAt: STARTED_AT, spans: [{ label: 'scan', start: 0, end: 9_999 }] });
    expect(block).toContain('    axisFormat %M:%S.%L\n');
  });

  it('keeps characters mermaid reads as syntax (: ; #) out of task names', () => {
    const block = renderTimeline({ startedAt: STARTED_AT, spans: [{ label: 'upload: a;b #1\nx', start: 0, end: 1_000 }] });
    expect(tasks(block).map((t) => t.name)).toEqual(['upload a b 1 x 1.0 s']);
  });

  it('renders nothing without spans, and drops spans that end before they start', () => {
    expect(renderTimeline({ startedAt: STARTED_AT, spans: [] })).toBe('');
    expect(renderTimeline({ startedAt: STARTED_AT, spans: [{ label: 'bad', start: 500, end: 100 }] })).toBe('');
  });
});
