import { FINALIZER } from '../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { releaseRefusal } from './check-references.ts';
import { outcomeEvents } from './actions/outcome-events.ts';
import { uninstall } from './actions/uninstall.ts';
import { recordEvent, type ReleaseTarget } from './release-context.ts';
import { mayBeMidAction } from './release-history.ts';

// Deletion: uninstall the release if Helm has one, then drop the finalizer so Kubernetes deletes the object. A
// refused name or namespace was never installed by Capstan: another namespace's release of that name is left alone.
// Without Capstan's finalizer there is nothing to do.
export async function finalizeRelease(ctx: ReleaseTarget): Promise<void> {
  const finalizers = ctx.hr.metadata.finalizers ?? [];
  if (!finalizers.includes(FINALIZER)) return;
  const history = releaseRefusal(ctx.hr, ctx.deps.security) ? [] : await ctx.deps.kube.helmHistory(ctx.targetNamespace, ctx.releaseName);
  if (history.length > 0 && history[0]?.status !== 'uninstalled') {
    await ctx.deps.confirmLease?.(mayBeMidAction(history, ctx.hr.status?.phase));
    const outcome = await uninstall(ctx);
    if (outcome.error) throw outcome.error;
    for (const e of outcomeEvents(outcome, ctx)) await recordEvent(ctx, e.type, e.reason, e.message);
  }
  if (!(await ctx.deps.kube.setFinalizers(ctx.hr, finalizers.filter((f) => f !== FINALIZER)))) {
    throw new Error('HelmRelease changed while removing the finalizer; retrying');
  }
}
