import { FINALIZER, releaseNameOf, targetNamespaceOf, type HelmRelease } from '../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../errors/stalling-error.ts';
import { WaitingError } from '../errors/waiting-error.ts';
import { assertReleaseAllowed } from './check-references.ts';
import { assertSpecShape } from './check-spec.ts';
import type { ReleaseOutcome } from './conclude-release.ts';
import { assertDependenciesReady } from './dependencies.ts';
import { finalizeRelease } from './finalize-release.ts';
import { prepareRelease } from './prepare-release.ts';
import { refreshesChartSource } from './queue/release-job.ts';
import { statusHandled } from './reconcile-request.ts';
import { recordEvent, type ReconcileDeps, type ReleaseTarget } from './release-context.ts';
import { runRelease } from './release-loop.ts';
import { statusOnError } from './status/conclusion-status.ts';
import { statusWriter } from './status/status-writer.ts';

export type { ReconcileDeps } from './release-context.ts';

// What one reconcile came to, for the worker's log and metrics.
export type ReconcileOutcome = ReleaseOutcome | 'deleted' | 'gone' | 'suspended';

// Reconciles one HelmRelease, read fresh: uninstall on deletion, refuse helmVersion v2 and anything outside the
// HelmRelease's namespace, wait for dependencies, resolve chart and values (prepare-release.ts), then run the
// release loop (release-loop.ts). The status goes through one writer; whatever the reconcile ends in is written
// once more: a StallingError stalls (rethrown for the queue to drop), a WaitingError waits, others are retried.
export async function reconcileRelease(key: { namespace: string; name: string; reason?: string }, deps: ReconcileDeps, signal: AbortSignal): Promise<ReconcileOutcome> {
  const hr = await deps.kube.getHelmRelease(key.namespace, key.name);
  if (!hr) return 'gone';
  const target: ReleaseTarget = { hr, deps, releaseName: releaseNameOf(hr), targetNamespace: targetNamespaceOf(hr), signal };
  if (hr.metadata.deletionTimestamp) {
    await finalizeRelease(target);
    return 'deleted';
  }
  if (hr.spec.suspend === true) return 'suspended';
  const writer = statusWriter(hr, deps.kube);
  let running = false; // past preparation: the release loop records its own failures
  try {
    assertSpecShape(hr.spec); // types and ranges first: a looser CRD may let anything through
    if (hr.spec.helmVersion !== undefined && hr.spec.helmVersion !== 'v3') {
      throw new StallingError('UnsupportedHelmVersion', `"${hr.spec.helmVersion}" is not supported: Capstan runs Helm 3; set helmVersion: v3 or remove the field`, { field: 'spec.helmVersion' });
    }
    assertReleaseAllowed(hr, deps.security); // names and namespaces, before anything is read or run
    if (!(hr.metadata.finalizers ?? []).includes(FINALIZER)) await addFinalizer(hr, deps);
    await assertDependenciesReady(hr, deps.kube);
    const ctx = await prepareRelease(target, deps, writer, refreshesChartSource(key.reason));
    running = true;
    const outcome = await runRelease(ctx, writer);
    writer.set(statusHandled(writer.status, hr)); // a reconcile request read with hr is answered, whatever came of it
    await writer.flush();
    return outcome;
  } catch (err) {
    writer.set(statusHandled(statusOnError(writer.status, err, deps.now()), hr));
    await writer.flush();
    // a release that cannot even be prepared (bad spec, chart not fetched, values missing) fails as the Helm
    // Operator said it, once per reconcile; waiting (dependencies, another worker) is not failing
    if (!running && !(err instanceof WaitingError)) {
      await recordEvent(target, 'Warning', 'FailedReleaseSync', `synchronization of release '${target.releaseName}' in namespace '${target.targetNamespace}' failed: ${(err as Error).message}`);
    }
    throw err;
  }
}

async function addFinalizer(hr: HelmRelease, deps: ReconcileDeps): Promise<void> {
  const ok = await deps.kube.setFinalizers(hr, [...(hr.metadata.finalizers ?? []), FINALIZER]);
  if (!ok) throw new Error('HelmRelease changed while adding the finalizer; retrying');
}
