import { describe, recordEvent, type ReleaseContext } from '../release-context.ts';

// Uninstalls the release (spec.timeout), e.g. after a failed test of a fresh install or on deletion.
export async function uninstall(ctx: Pick<ReleaseContext, 'hr' | 'deps' | 'releaseName' | 'targetNamespace' | 'signal'>): Promise<void> {
  await ctx.deps.helm.uninstall({ release: ctx.releaseName, namespace: ctx.targetNamespace, timeoutSec: ctx.hr.spec.timeout ?? 300, signal: ctx.signal });
  await recordEvent(ctx as ReleaseContext, 'Normal', 'Uninstalled', `${describe(ctx as ReleaseContext)} uninstalled`);
}
