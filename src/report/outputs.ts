/** The step outputs, from the same result the summary and the PR comment use. */
import * as core from '@actions/core';
import { Outputs } from '../names.js';
import type { DeployResult } from '../types.js';

export function outputsFor(result: DeployResult): Record<string, string> {
  const { plan, applied } = result;
  return {
    [Outputs.Uploaded]: String(applied?.uploaded ?? 0),
    [Outputs.Deleted]: String(applied?.deleted ?? 0),
    [Outputs.Unchanged]: String(plan.unchanged.length),
    [Outputs.BytesUploaded]: String(applied?.bytesUploaded ?? 0),
    [Outputs.InvalidationId]: result.invalidation?.id ?? '',
    [Outputs.SiteUrl]: result.siteUrl ?? '',
    [Outputs.PreviewUrl]: result.previewUrl ?? '',
    [Outputs.Checks]: result.checksOutcome,
    [Outputs.DeploymentId]: result.deployment?.id === undefined ? '' : String(result.deployment.id),
    [Outputs.Doctor]: result.doctor?.outcome ?? 'skipped',
    [Outputs.DoctorFindings]: (result.doctor?.findings ?? []).map((f) => f.id).join(','),
    // What this run did: a dry run reports 0, its summary shows the planned decisions.
    [Outputs.Retained]: String(applied ? plan.retained.length : 0),
    [Outputs.HeadersUpdated]: String(applied?.headersUpdated ?? 0),
  };
}

export function setOutputs(result: DeployResult): void {
  for (const [name, value] of Object.entries(outputsFor(result))) core.setOutput(name, value);
}
