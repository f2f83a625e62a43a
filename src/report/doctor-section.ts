/** The job summary's Doctor section: each finding with its fix, and what could not be checked. Pure. */
import type { DoctorReport } from '../cdn/doctor/types.js';

const ICON = { error: '❌', warning: '⚠️' } as const;

export function doctorSection(report: DoctorReport | undefined, escape: (text: string) => string): string {
  if (!report) return '';
  if (report.skipReason !== undefined) return `**Doctor:** skipped (${escape(report.skipReason)})\n`;
  const lines = [`### Doctor: ${report.outcome}`, ''];
  if (report.findings.length > 0) {
    lines.push('| finding | severity | what is wrong | fix |', '| --- | --- | --- | --- |');
    for (const f of report.findings) {
      lines.push(`| \`${f.id}\` | ${ICON[f.severity]} ${f.severity} | ${escape(f.what)} | ${escape(f.fix)} |`);
    }
    lines.push('');
  } else if (report.outcome !== 'skipped') {
    // Rules not checked may hide a finding: vouch only for what was read.
    const verdict =
      report.notChecked.length > 0
        ? 'No finding among the rules checked.'
        : 'No finding: the distribution and the bucket are configured as this action expects.';
    lines.push(verdict, '');
  }
  if (report.notChecked.length > 0) {
    lines.push('Not checked:', '');
    for (const n of report.notChecked) lines.push(`- ${n.ids.map((id) => `\`${id}\``).join(', ')}: ${escape(n.reason)}`);
    lines.push('');
  }
  return lines.join('\n');
}
