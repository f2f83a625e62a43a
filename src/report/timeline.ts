/**
 * Where the time went: a pure renderer of the run's stages as a Mermaid `gantt` block, which
 * GitHub draws in the job summary (the one-line stage times stay beside it for logs and plain renderers).
 *
 * What the stage runner (stages.ts) records for it, since a duration per stage is not enough:
 * - the wall-clock time the run started (`startedAt`, epoch ms), once;
 * - per stage, its start and end as milliseconds since then, in a list (a stage may run twice);
 * - the listing from when it is *started* (before hashing) to when its promise settles, not the
 *   moment the pipeline awaits it, or hash ‖ list would not overlap;
 * - spans for the phases inside a stage: the upload of assets, then HTML, then the index document;
 *   the wait for the invalidation;
 * - which span ended in an error.
 */
import type { Timeline, TimelineSpan } from '../types.js';

/**
 * The axis shows clock time (the reader's local time, which is true in any time zone), and each bar
 * says its own duration, so elapsed time is read from the labels rather than from the axis.
 * Below ten seconds the axis needs milliseconds to tell its ticks apart.
 */
const SHORT_RUN_MS = 10_000;

/** A fenced ```mermaid block, or '' when there is nothing to draw. */
export function renderTimeline(timeline: Timeline): string {
  const spans = timeline.spans
    .filter((span) => Number.isFinite(span.start) && Number.isFinite(span.end) && span.end >= span.start)
    .map((span, order) => ({ span, order }))
    .sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end || a.order - b.order)
    .map(({ span }) => span);
  if (spans.length === 0) return '';
  const first = Math.min(...spans.map((span) => span.start));
  const last = Math.max(...spans.map((span) => span.end));
  const at = (offset: number): number => Math.round(timeline.startedAt + offset);
  return [
    '```mermaid',
    'gantt',
    `    title Where the time went: ${seconds(last - first)} in all`,
    // Epoch milliseconds in, so start and end are exact and no date library has to guess a format.
    '    dateFormat x',
    `    axisFormat ${last - first < SHORT_RUN_MS ? '%M:%S.%L' : '%H:%M:%S'}`,
    // The run happened in the past: a marker for "now" would stretch the axis to today.
    '    todayMarker off',
    '    section Stages',
    ...spans.map((span) => `    ${taskName(span)} :${span.failed ? 'crit, ' : ''}${at(span.start)}, ${at(span.end)}`),
    '```',
    '',
  ].join('\n');
}

/** Mermaid ends a task name at ':' and reads '#' and ';' as syntax: keep only what it shows. */
function taskName(span: TimelineSpan): string {
  const label =
    span.label
      .replace(/[:;#\r\n]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim() || 'stage';
  return `${label} ${seconds(span.end - span.start)}${span.failed ? ' (failed)' : ''}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
