/** Failed checks explained by the doctor's findings: the symptom, then the property that causes it. Pure. */
import type { Finding, FindingId } from '../cdn/doctor/types.js';
import type { CheckName, CheckResult } from '../types.js';

/** Which findings cause which failure, by what the check got. */
const CAUSES: Record<CheckName, { got: RegExp; symptom: string; ids: FindingId[] }> = {
  'site-root': {
    got: /^40[34]\b/,
    symptom: 'the site root answered',
    ids: ['origin-rest-endpoint', 'origin-access-control', 'bucket-policy', 'default-root-object'],
  },
  'spa-route': { got: /^(40[34]\b|200\b)/, symptom: 'a deep route answered', ids: ['spa-fallback'] },
  's3-private': { got: /^(200|404)\b/, symptom: 'the direct S3 URL answered', ids: ['bucket-policy', 'public-access-block'] },
  'state-private': { got: /^200\b/, symptom: "the deploy state's URL answered", ids: ['state-private'] },
};

/**
 * A failed check whose symptom a finding explains gets a diagnosis naming that finding, e.g. "a deep
 * route answered 403: deep routes do not reach /index.html: no custom error response for 403 … (spa-fallback)".
 * Checks that passed, or whose failure no finding explains, are kept as they are.
 */
export function explainByFindings(results: CheckResult[], findings: Finding[]): CheckResult[] {
  return results.map((result) => {
    const cause = CAUSES[result.name];
    if (result.passed || !cause.got.test(result.got)) return result;
    const related = findings.filter((f) => cause.ids.includes(f.id));
    if (related.length === 0) return result;
    const named = related.map((f) => `${f.what} (${f.id}). Fix: ${f.fix}`).join(' Also: ');
    return { ...result, diagnosis: `${cause.symptom} ${result.got}: ${named}` };
  });
}
