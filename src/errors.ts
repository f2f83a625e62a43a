/** Error kinds the action raises on purpose (bad input, a guard, a failed write), and how values are shown in messages. */
/** A bad input: names the input and says how to fix it. Thrown before any network call. */
export class ConfigError extends Error {
  constructor(
    readonly input: string,
    problem: string,
    fix: string,
  ) {
    super(`Input '${input}': ${problem}. ${fix}`);
    this.name = 'ConfigError';
  }
}

/** A guard on the source tree failed (missing dir, no index document): nothing was written. */
export class GuardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GuardError';
  }
}

/** `doctor: fail` and the doctor found an error: the run stops before any write. */
export class DoctorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DoctorError';
  }
}

/** Some writes failed; `keys` names every object concerned. */
export class DeployError extends Error {
  constructor(
    message: string,
    readonly keys: string[],
  ) {
    super(`${message}: ${formatKeys(keys)}`);
    this.name = 'DeployError';
  }
}

export function formatKeys(keys: string[], max = 50): string {
  const listed = keys.slice(0, max).map((k) => JSON.stringify(k));
  const more = keys.length > max ? ` and ${keys.length - max} more` : '';
  return listed.join(', ') + more;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// How messages echo what the user gave: short, and unable to flood or rewrite the log.

/** How much of a bad value an error message echoes. */
const SHOWN_MAX = 80;
// Escaped when echoed: C0, DEL, C1, line/paragraph separators, bidirectional overrides and isolates.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * A value as an error message echoes it: quoted, cut to 80 characters (with the full length), and
 * with control characters escaped, so a log line can neither be flooded nor rewritten by a value.
 */
export function shown(value: string): string {
  const chars = Array.from(value);
  const cut = chars.length > SHOWN_MAX ? `${chars.slice(0, SHOWN_MAX).join('')}…` : value;
  const quoted = `'${cut.replace(UNPRINTABLE, escapeChar)}'`;
  return chars.length > SHOWN_MAX ? `${quoted} (${chars.length} characters)` : quoted;
}

export function escapeChar(ch: string): string {
  const escaped = JSON.stringify(ch).slice(1, -1);
  return escaped !== ch ? escaped : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** How much of a path messages show: whole up to this length, else its start and end. */
const SHOWN_PATH_MAX = 200;

/** A path as messages echo it: a deep one is cut in the middle, where its least telling part is. */
export function shownPath(p: string): string {
  const chars = Array.from(p);
  if (chars.length <= SHOWN_PATH_MAX) return `'${p}'`;
  return `'${chars.slice(0, 60).join('')}…${chars.slice(-100).join('')}' (${chars.length} characters)`;
}
