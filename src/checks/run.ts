/**
 * Post-deploy checks, run: probe each planned check until it passes or the time is up, and log the verdicts.
 *
 * - site root: `GET <site-url>/` (with a prefix: `<site-url>/<prefix><index-document>`) → 200 over HTTPS;
 * - SPA route(s): a route that cannot exist (or the `check-routes` given) → 200 with text/html;
 * - private bucket: `s3-check-url` → 403;
 * - private deploy state: `<site-url>/<prefix>/.deploy-state.json` → not its bytes (a warning only, probed once).
 *
 * The plan (checks/plan.ts), verdicts and diagnoses are pure functions of (check, probe outcome);
 * `runChecks` only adds the probing, the retry loop and the logging.
 *
 * As the README says: explicit check-routes are probed under the prefix (as written when they
 * already start with it); the site root must serve the index document this run deployed once nothing
 * can serve an older one (no distribution, or the invalidation awaited), and otherwise another body
 * is reported as such and passes; checks retry until check-timeout (DNS, certificates and policies
 * all propagate).
 *
 * Decisions where the README is silent:
 * - a plain-http site-url fails the site-root check (nothing proves valid TLS), without retrying;
 * - without a site URL the root and route checks cannot run: they are left out of the results and
 *   logged as skipped (`planChecks` says why), so only the S3 check runs;
 * - a passing check stops; any other failure is retried, and the last attempt's verdict stands.
 */
import * as core from '@actions/core';
import type { Config } from '../config/parse.js';
import type { Clock, Prober, Sleep } from '../ports.js';
import { realSleep } from '../retry.js';
import { count } from '../text.js';
import type { CheckResult } from '../types.js';
import type { Finding } from '../cdn/doctor/types.js';
import { isHttps, toProbeError, type DiagnosisContext, type ProbeOutcome } from './diagnoses.js';
import { explainByFindings } from './findings.js';
import { planChecks, type IndexProof, type PlannedCheck } from './plan.js';
import { judge, refineDiagnoses } from './verdicts.js';

export interface ChecksDeps {
  sleep?: Sleep;
  now?: Clock;
  random?: () => number;
}

/** Backoff between attempts of one check: capped exponential with equal jitter. */
export const CHECK_BASE_DELAY_MS = 500;
export const CHECK_MAX_DELAY_MS = 10_000;

/** Run the checks the config asks for against `siteUrl`; never throws for a failed check. `findings` (the doctor's) explain failures. */
export async function runChecks(
  prober: Prober,
  config: Config,
  siteUrl: string | undefined,
  deps: ChecksDeps = {},
  index?: IndexProof,
  findings: Finding[] = [],
): Promise<CheckResult[]> {
  const { sleep = realSleep, now = Date.now, random = Math.random } = deps;
  const { planned, skipped } = planChecks(config, siteUrl, random, index);
  for (const s of skipped) core.info(`Check ${s.name} skipped: ${s.reason}.`);
  const deadline = now() + config.checkTimeoutSeconds * 1000;
  const ctx: DiagnosisContext = {
    bucket: config.bucket,
    region: config.region,
    distributionId: config.distributionId,
    prefix: config.prefix,
  };
  const runs = await Promise.all(planned.map((check) => runOne(prober, check, { deadline, sleep, now, random, ctx })));
  const refined = explainByFindings(refineDiagnoses(runs.map((run) => run.result)), findings);
  refined.forEach((r, i) => {
    const tries = count(runs[i]!.attempts, 'attempt');
    if (r.passed) core.info(`✓ ${r.name} ${r.url}: ${r.got} (expected ${r.expected}; ${tries})`);
    else if (r.warnOnly) core.warning(`${r.name} ${r.url}: ${r.got} (expected ${r.expected}). ${r.diagnosis ?? ''}`.trimEnd());
    else core.info(`✗ ${r.name} ${r.url}: ${r.got} (expected ${r.expected}; ${tries}). ${r.diagnosis ?? ''}`.trimEnd());
  });
  return refined;
}

/** Delay before attempt `attempt + 1`: min(cap, base·2^(attempt-1)), half of it jittered. */
export function checkDelay(attempt: number, random: () => number): number {
  const ceiling = Math.min(CHECK_MAX_DELAY_MS, CHECK_BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** A failure that no amount of waiting fixes (a plain-http site root); a warning is not worth waiting for. */
function isPermanent(check: PlannedCheck, outcome: ProbeOutcome): boolean {
  if (check.name === 'state-private') return true;
  return check.name === 'site-root' && outcome.response?.status === 200 && !isHttps(check.url);
}

interface Loop {
  deadline: number;
  sleep: Sleep;
  now: Clock;
  random: () => number;
  ctx: DiagnosisContext;
}

/** Probe until the check passes or the deadline has passed; the last attempt's verdict stands. */
async function runOne(prober: Prober, check: PlannedCheck, loop: Loop): Promise<{ result: CheckResult; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    let outcome: ProbeOutcome;
    try {
      outcome = { response: await prober.get(check.url) };
    } catch (err) {
      outcome = { error: toProbeError(err) };
    }
    const result = judge(check, outcome, loop.ctx);
    const remaining = loop.deadline - loop.now();
    if (result.passed || remaining <= 0 || isPermanent(check, outcome)) {
      core.debug(`${check.name} attempt ${attempt}: GET ${check.url} → ${result.got}${result.passed ? '' : ' (giving up)'}`);
      return { result, attempts: attempt };
    }
    const delay = Math.min(remaining, checkDelay(attempt, loop.random));
    core.debug(`${check.name} attempt ${attempt}: GET ${check.url} → ${result.got}, expected ${check.expected}; retrying in ${delay} ms`);
    await loop.sleep(delay);
  }
}
