/** The doctor stage: read alongside the listing, judge, annotate, and with `doctor: fail` refuse before any write. */
import * as core from '@actions/core';
import type { Config } from '../../config/parse.js';
import { DoctorError, errorMessage } from '../../errors.js';
import { count } from '../../text.js';
import { examine } from './examine.js';
import { readConfiguration } from './read.js';
import type { ConfigReader, DoctorReport } from './types.js';

/** Why the doctor does not run, or undefined when it does. */
export function doctorSkipReason(config: Pick<Config, 'doctor' | 'distributionId'>): string | undefined {
  if (config.doctor === 'off') return 'doctor is off';
  if (config.distributionId === undefined) return 'no distribution-id';
  return undefined;
}

/**
 * Starts the reads and resolves to the report. Never rejects: the reads turn every error into a
 * state, and anything else that goes wrong leaves the doctor skipped, with why.
 */
export async function startDoctor(reader: ConfigReader, config: Config): Promise<DoctorReport> {
  const skip = doctorSkipReason(config);
  if (skip !== undefined) return skipped(skip);
  try {
    const target = {
      distributionId: config.distributionId!,
      bucket: config.bucket,
      prefix: config.prefix,
      indexDocument: config.indexDocument,
    };
    const reads = await readConfiguration(reader, target);
    return examine(reads, {
      bucket: config.bucket,
      region: config.region,
      prefix: config.prefix,
      indexDocument: config.indexDocument,
      spaRoutesChecked: config.checkRoutes.kind !== 'none',
    });
  } catch (err) {
    return skipped(`the doctor failed: ${errorMessage(err)}`);
  }
}

/** `doctor: fail` fails the job on an error finding, except in mode remove (a closed preview is always cleaned up). */
function failsTheJob(config: Pick<Config, 'doctor' | 'mode'>): boolean {
  return config.doctor === 'fail' && config.mode !== 'remove';
}

function skipped(reason: string): DoctorReport {
  return { outcome: 'skipped', findings: [], notChecked: [], skipReason: reason };
}

/**
 * Logs the report: one annotation per finding (an error annotation only for an error finding that
 * fails the job: `doctor: fail`, not in mode remove), a notice per rule group not checked.
 */
export function announceDoctor(report: DoctorReport, config: Pick<Config, 'doctor' | 'mode'>): void {
  if (report.skipReason !== undefined) {
    core.info(`Doctor skipped: ${report.skipReason}.`);
    return;
  }
  for (const f of report.findings) {
    const annotate = f.severity === 'error' && failsTheJob(config) ? core.error : core.warning;
    annotate(`${f.what}. Fix: ${f.fix}`, { title: `Doctor: ${f.id} (${f.severity})` });
  }
  for (const n of report.notChecked) core.notice(`Not checked: ${n.ids.join(', ')}: ${n.reason}.`, { title: 'Doctor' });
  const counted = count(report.findings.length, 'finding');
  core.info(
    `Doctor ${report.outcome}: ${counted}${report.notChecked.length > 0 ? `, ${report.notChecked.flatMap((n) => n.ids).length} rule(s) not checked` : ''}.`,
  );
}

/** Waits for the reads started by startDoctor, and logs the report. */
export async function awaitDoctor(doctoring: Promise<DoctorReport>, config: Pick<Config, 'doctor' | 'mode'>): Promise<DoctorReport> {
  const report = await doctoring;
  announceDoctor(report, config);
  return report;
}

/** With `doctor: fail`, an error finding stops the run (not in mode remove: a closed preview is always cleaned up). */
export function refuseOnDoctorErrors(report: DoctorReport, config: Pick<Config, 'doctor' | 'mode'>): void {
  if (!failsTheJob(config) || report.outcome !== 'failed') return;
  const errors = report.findings.filter((f) => f.severity === 'error').map((f) => f.id);
  const nothing = config.mode === 'audit' ? 'The audit wrote nothing.' : 'Nothing was written, deleted or invalidated.';
  throw new DoctorError(
    `The doctor found ${errors.length === 1 ? 'an error' : `${errors.length} errors`} (${errors.join(', ')}) and doctor is fail. ${nothing} Fix the configuration (see the Doctor section of the job summary), or set doctor: warn.`,
  );
}
