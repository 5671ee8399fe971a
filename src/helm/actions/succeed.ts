import { Phase } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { describe, recordEvent, writeStatus, type ReleaseContext } from '../release-context.ts';
import { annotateObjects } from './antecedent.ts';
import { enterPhase, type Outcome } from './attempt.ts';

// Marks the release done: phase Succeeded with the chart revision, the digest and Helm revision it produced
// (what the next reconcile compares against), the objects annotated, an Event recorded.
export async function succeed(ctx: ReleaseContext): Promise<Outcome> {
  const history = await ctx.deps.kube.helmHistory(ctx.targetNamespace, ctx.releaseName);
  const latest = history[0];
  ctx.status = {
    ...ctx.status,
    revision: ctx.chart.revision, lastAppliedDigest: ctx.digest, lastReleaseVersion: latest?.version,
    releaseName: ctx.releaseName, releaseStatus: latest?.status, failures: 0,
  };
  // objects annotated and the event recorded before Ready turns True, so whoever waits on Ready sees them
  await annotateObjects(ctx);
  await recordEvent(ctx, 'Normal', 'ReleaseSynced', `managed release '${ctx.releaseName}' in namespace '${ctx.targetNamespace}' synchronized`);
  await enterPhase(ctx, Phase.Succeeded, `Release was successful for ${describe(ctx)}.`);
  return 'released';
}

// Writes what Helm says of the release when it changed, without an action (no helm process runs).
export async function refreshReleaseStatus(ctx: ReleaseContext): Promise<Outcome> {
  const latest = ctx.history[0];
  const generation = ctx.hr.metadata.generation;
  if (ctx.status.releaseStatus !== latest?.status || ctx.status.observedGeneration !== generation) {
    await writeStatus(ctx, { releaseStatus: latest?.status, releaseName: ctx.releaseName });
  }
  return 'unchanged';
}
