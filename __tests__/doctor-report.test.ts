import { doctorSkipReason, refuseOnDoctorErrors } from '../src/cdn/doctor/run.js';
import type { DoctorReport, Finding } from '../src/cdn/doctor/types.js';
import { explainByFindings } from '../src/checks/findings.js';
import { DoctorError } from '../src/errors.js';
import { doctorSection } from '../src/report/doctor-section.js';
import { outputsFor } from '../src/report/outputs.js';
import { renderSummary } from '../src/report/summary.js';
import type { CheckResult, DeployResult } from '../src/types.js';

const spaFallback: Finding = {
  id: 'spa-fallback',
  severity: 'error',
  what: 'deep routes do not reach /index.html: no custom error response for 403',
  fix: 'Add CustomErrorResponses for ErrorCode 403 and 404 with ResponsePagePath /index.html and ResponseCode 200.',
};
const compression: Finding = {
  id: 'compression',
  severity: 'warning',
  what: 'the default cache behaviour does not compress objects (Compress is off)',
  fix: 'Set Compress to true on the default cache behaviour.',
};
const bucketPolicy: Finding = {
  id: 'bucket-policy',
  severity: 'error',
  what: "bucket 'site' has no bucket policy",
  fix: 'Add the statement.',
};

const failed = (name: CheckResult['name'], got: string): CheckResult => ({
  name,
  url: 'https://d111.cloudfront.net/x',
  expected: '200',
  got,
  passed: false,
  diagnosis: 'the generic diagnosis',
});

describe('failed checks explained by the findings', () => {
  test('a deep route 403 with a spa-fallback finding names it and its fix', () => {
    const [explained] = explainByFindings([failed('spa-route', '403 application/xml')], [spaFallback, compression]);
    expect(explained!.diagnosis).toBe(
      'a deep route answered 403 application/xml: deep routes do not reach /index.html: no custom error response for 403 (spa-fallback). ' +
        'Fix: Add CustomErrorResponses for ErrorCode 403 and 404 with ResponsePagePath /index.html and ResponseCode 200.',
    );
  });

  test('the direct S3 URL answering 200 is explained by bucket-policy', () => {
    const [explained] = explainByFindings([failed('s3-private', '200 text/html')], [bucketPolicy]);
    expect(explained!.diagnosis).toBe(
      `the direct S3 URL answered 200 text/html: ${bucketPolicy.what} (bucket-policy). Fix: ${bucketPolicy.fix}`,
    );
  });

  test('a failure no finding explains keeps its diagnosis: a TLS error is not a bucket policy problem', () => {
    const tls = failed('site-root', 'TLS error CERT_HAS_EXPIRED');
    expect(explainByFindings([tls], [bucketPolicy])).toEqual([tls]);
  });

  test('a passed check is left alone, whatever the findings', () => {
    const passed = { ...failed('spa-route', '200 text/html'), passed: true, diagnosis: undefined };
    expect(explainByFindings([passed], [spaFallback])).toEqual([passed]);
  });
});

describe('the Doctor section of the job summary', () => {
  test('each finding with its severity, what is wrong and the fix; then what was not checked', () => {
    const report: DoctorReport = {
      outcome: 'failed',
      findings: [spaFallback, compression],
      notChecked: [{ ids: ['bucket-policy', 'state-private'], reason: 's3:GetBucketPolicy was denied (AccessDenied)' }],
    };
    expect(doctorSection(report, (t) => t)).toBe(
      [
        '### Doctor: failed',
        '',
        '| finding | severity | what is wrong | fix |',
        '| --- | --- | --- | --- |',
        `| \`spa-fallback\` | ❌ error | ${spaFallback.what} | ${spaFallback.fix} |`,
        `| \`compression\` | ⚠️ warning | ${compression.what} | ${compression.fix} |`,
        '',
        'Not checked:',
        '',
        '- `bucket-policy`, `state-private`: s3:GetBucketPolicy was denied (AccessDenied)',
        '',
      ].join('\n'),
    );
  });

  test('passed with every rule checked: the configuration is as this action expects', () => {
    expect(doctorSection({ outcome: 'passed', findings: [], notChecked: [] }, (t) => t)).toBe(
      ['### Doctor: passed', '', 'No finding: the distribution and the bucket are configured as this action expects.', ''].join('\n'),
    );
  });

  test('passed with some rules not checked: no finding among the rules checked, never "configured as this action expects"', () => {
    const report: DoctorReport = {
      outcome: 'passed',
      findings: [],
      notChecked: [{ ids: ['origin-access-control'], reason: 'cloudfront:GetOriginAccessControl failed (ServiceUnavailable)' }],
    };
    expect(doctorSection(report, (t) => t)).toBe(
      [
        '### Doctor: passed',
        '',
        'No finding among the rules checked.',
        '',
        'Not checked:',
        '',
        '- `origin-access-control`: cloudfront:GetOriginAccessControl failed (ServiceUnavailable)',
        '',
      ].join('\n'),
    );
  });

  test('skipped: one line with the reason; no report: nothing', () => {
    expect(doctorSection({ outcome: 'skipped', findings: [], notChecked: [], skipReason: 'no distribution-id' }, (t) => t)).toBe(
      '**Doctor:** skipped (no distribution-id)\n',
    );
    expect(doctorSection(undefined, (t) => t)).toBe('');
  });
});

describe('outputs and the audit summary', () => {
  const base: DeployResult = {
    mode: 'audit',
    dryRun: false,
    bucket: 'site',
    prefix: '',
    plan: { uploads: [], deletes: [], unchanged: [], headerUpdates: [], retained: [], expiring: [] },
    checks: [],
    checksOutcome: 'skipped',
    timings: {},
    sha: 'abc123',
    doctor: { outcome: 'failed', findings: [bucketPolicy, compression], notChecked: [] },
  };

  test('doctor and doctor-findings come from the report; without one, skipped and empty', () => {
    expect(outputsFor(base)).toMatchObject({ doctor: 'failed', 'doctor-findings': 'bucket-policy,compression' });
    expect(outputsFor({ ...base, doctor: undefined })).toMatchObject({ doctor: 'skipped', 'doctor-findings': '' });
  });

  test('an audit summary has no counts, invalidation or plan: it says nothing was written', () => {
    const md = renderSummary(base);
    expect(md.split('\n')[0]).toBe('## 🩺 Audit of `s3://site/`: doctor failed, checks skipped; nothing was written');
    expect(md).not.toContain('| uploaded |');
    expect(md).not.toContain('CloudFront invalidation');
    expect(md).toContain('### Doctor: failed');
  });
});

describe('doctor fail refuses before any write', () => {
  const report: DoctorReport = { outcome: 'failed', findings: [bucketPolicy, compression], notChecked: [] };

  test('fail and an error finding: a DoctorError naming the error ids only', () => {
    expect(() => refuseOnDoctorErrors(report, { doctor: 'fail', mode: 'deploy' })).toThrow(DoctorError);
    expect(() => refuseOnDoctorErrors(report, { doctor: 'fail', mode: 'deploy' })).toThrow(
      'The doctor found an error (bucket-policy) and doctor is fail.',
    );
  });

  test.each([
    ['warn', 'deploy', 'failed'],
    ['fail', 'remove', 'failed'],
    ['fail', 'deploy', 'warnings'],
  ] as const)('doctor %s in mode %s with outcome %s: no refusal', (doctor, mode, outcome) => {
    const r: DoctorReport = outcome === 'failed' ? report : { outcome, findings: [compression], notChecked: [] };
    expect(() => refuseOnDoctorErrors(r, { doctor, mode })).not.toThrow();
  });

  test('the doctor is skipped with doctor off or without a distribution-id', () => {
    expect(doctorSkipReason({ doctor: 'off', distributionId: 'E1' })).toBe('doctor is off');
    expect(doctorSkipReason({ doctor: 'fail', distributionId: undefined })).toBe('no distribution-id');
    expect(doctorSkipReason({ doctor: 'warn', distributionId: 'E1' })).toBeUndefined();
  });
});
