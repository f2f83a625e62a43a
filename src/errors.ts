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
  const shown = keys.slice(0, max).map((k) => JSON.stringify(k));
  const more = keys.length > max ? ` and ${keys.length - max} more` : '';
  return shown.join(', ') + more;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
