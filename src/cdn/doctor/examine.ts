/** The doctor's verdict: every rule applied to what was read, with what could not be checked and why. */
import { bucketPolicy, publicAccessBlock, statePrivate } from './bucket-rules.js';
import type { KnownSettings } from './bucket-rules.js';
import { parsePolicy } from './policy.js';
import {
  compression,
  defaultRootObject,
  isS3RestOrigin,
  originAccessControl,
  originRestEndpoint,
  SEVERITY,
  servingIndex,
  spaFallback,
  tlsMinimum,
  viewerHttps,
} from './rules.js';
import type { RuleResult } from './rules.js';
import type { DoctorContext, DoctorReads, DoctorReport, Finding, FindingId, NotChecked, PublicAccessBlockShape, Read } from './types.js';

/** Why a read gave nothing to check: the denied IAM action, or the error. */
export function readProblem(read: Read<unknown>): string {
  if (read.state === 'denied') return `${read.action} was denied (AccessDenied)`;
  if (read.state === 'failed') return `${read.action} failed: ${read.reason}`;
  return '';
}

const DISTRIBUTION_RULES: FindingId[] = [
  'origin-rest-endpoint',
  'origin-access-control',
  'spa-fallback',
  'default-root-object',
  'viewer-https',
  'tls-minimum',
  'compression',
];

export function examine(reads: DoctorReads, ctx: DoctorContext): DoctorReport {
  const findings: Finding[] = [];
  const reasons = new Map<FindingId, string[]>();
  const add = (result: RuleResult) => result && findings.push(result);
  const skip = (ids: FindingId[], reason: string) => ids.forEach((id) => reasons.set(id, [...(reasons.get(id) ?? []), reason]));

  const { distribution, bucketPolicy: policyRead } = reads;
  if (distribution.state === 'read') {
    const { config } = distribution.value;
    const { serving, origin } = servingIndex(config, ctx.prefix, ctx.indexDocument);
    add(originRestEndpoint(serving, origin, ctx.bucket, ctx.region));
    if (isS3RestOrigin(origin)) {
      const oac = reads.originAccessControl;
      if ((origin.OriginAccessControlId ?? '') === '') add(originAccessControl(origin, undefined));
      else if (oac?.state === 'read') add(originAccessControl(origin, oac.value));
      else skip(['origin-access-control'], oac ? readProblem(oac) : 'the Origin Access Control was not read');
    }
    if (ctx.spaRoutesChecked) add(spaFallback(config, ctx.prefix, ctx.indexDocument));
    else skip(['spa-fallback'], 'check-routes is none');
    add(defaultRootObject(config, ctx.indexDocument));
    add(viewerHttps(config));
    add(tlsMinimum(config));
    add(compression(serving));
  } else {
    skip([...DISTRIBUTION_RULES, 'bucket-policy', 'state-private'], readProblem(distribution));
  }

  if (policyRead.state !== 'read') skip(['bucket-policy', 'state-private'], readProblem(policyRead));
  else if (distribution.state === 'read') {
    const statements = policyRead.value === null ? null : parsePolicy(policyRead.value);
    if (statements instanceof Error) skip(['bucket-policy', 'state-private'], statements.message);
    else {
      const target = { ...ctx, distributionArn: distribution.value.arn };
      add(bucketPolicy(statements, target));
      add(statePrivate(statements, target));
    }
  }

  const bpa = publicAccessBlock(ctx.bucket, known(reads.bucketPublicAccessBlock), accountSettings(reads.accountPublicAccessBlock));
  if (bpa === 'not-checked') skip(['public-access-block'], readProblem(reads.bucketPublicAccessBlock));
  else add(bpa);

  const order = Object.keys(SEVERITY);
  findings.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  const nothingRead = [distribution, policyRead, reads.bucketPublicAccessBlock].every((r) => r.state !== 'read');
  return { outcome: nothingRead ? 'skipped' : outcomeOf(findings), findings, notChecked: grouped(reasons) };
}

function outcomeOf(findings: Finding[]): DoctorReport['outcome'] {
  if (findings.some((f) => f.severity === 'error')) return 'failed';
  return findings.length > 0 ? 'warnings' : 'passed';
}

function known(read: Read<PublicAccessBlockShape | null>): KnownSettings {
  return read.state === 'read' ? { known: true, settings: read.value } : { known: false, why: readProblem(read) };
}

function accountSettings(read: Read<PublicAccessBlockShape | null> | undefined): KnownSettings {
  return read ? known(read) : { known: false, why: 'the account id is known only from the distribution, which was not read' };
}

/** Rules with the same reasons share one entry, in the order of the SPEC's table. */
function grouped(reasons: Map<FindingId, string[]>): NotChecked[] {
  const byReason = new Map<string, FindingId[]>();
  const order = Object.keys(SEVERITY) as FindingId[];
  for (const id of order.filter((id) => reasons.has(id))) {
    const reason = reasons.get(id)!.join('; ');
    byReason.set(reason, [...(byReason.get(reason) ?? []), id]);
  }
  return [...byReason].map(([reason, ids]) => ({ ids, reason }));
}
