import { FINALIZER, Phase, releaseNameOf, targetNamespaceOf, type HelmRelease } from '../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../errors/stalling-error.ts';
import { WaitingError } from '../errors/waiting-error.ts';
import { assertReleaseAllowed, releaseRefusal } from './check-references.ts';
import { assertSpecShape } from './check-spec.ts';
import { assertDependenciesReady } from './dependencies.ts';
import { enterPhase, type Outcome } from './actions/attempt.ts';
import { install } from './actions/install.ts';
import { refreshReleaseStatus } from './actions/succeed.ts';
import { unlock } from './actions/unlock.ts';
import { uninstall } from './actions/uninstall.ts';
import { upgrade } from './actions/upgrade.ts';
import { readChartFile } from './chart/chart-file.ts';
import { resolveChart, type ChartSources, type ResolvedChart } from './chart/resolve-chart.ts';
import { desiredDigest, legacyDigest } from './desired-digest.ts';
import { adoptLegacyDigests } from './legacy-digest.ts';
import { Action, actionForState } from './next-action.ts';
import { refreshesChartSource } from './queue/release-job.ts';
import { writeStatus, type ReleaseContext, type ReleaseDeps } from './release-context.ts';
import { determineReleaseState } from './release-state.ts';
import { statusForPhase, statusForStall, statusForWait } from './status/phase-status.ts';
import { composeValues } from './values/compose.ts';
import { fetchExternalValues } from './values/external-source.ts';
import { networkAccess } from '../net/network-access.ts';

// The ports and settings of the worker's reconcile; `chartCacheDir` holds downloaded charts by digest; `digestKey`
// keys the desired-inputs digest (helm/digest-key.ts).
export interface ReconcileDeps extends ReleaseDeps { chartCacheDir: string; chartSources: ChartSources; digestKey: Buffer }

export type ReconcileOutcome = Outcome | 'deleted' | 'gone' | 'suspended';

// Reconciles one HelmRelease, read fresh: uninstall on deletion, refuse helmVersion v2, resolve chart and values,
// decide the state, run the one action it calls for. Stalling errors end in a Stalled status and are rethrown
// for the queue to drop; other errors are rethrown for the queue to retry with backoff.
export async function reconcileRelease(key: { namespace: string; name: string; reason?: string }, deps: ReconcileDeps, signal: AbortSignal): Promise<ReconcileOutcome> {
  const hr = await deps.kube.getHelmRelease(key.namespace, key.name);
  if (!hr) return 'gone';
  const base = { hr, deps, releaseName: releaseNameOf(hr), targetNamespace: targetNamespaceOf(hr), signal };
  if (hr.metadata.deletionTimestamp) return finalize(base);
  if (hr.spec.suspend === true) return 'suspended';
  const ctx: ReleaseContext = { ...base, chart: { ref: '', revision: '' }, values: {}, secrets: [], digest: '', history: [], status: hr.status ?? {} };
  try {
    assertSpecShape(hr.spec); // types and ranges first: a looser CRD may let anything through
    if (hr.spec.helmVersion !== undefined && hr.spec.helmVersion !== 'v3') {
      throw new StallingError('UnsupportedHelmVersion', `"${hr.spec.helmVersion}" is not supported: Capstan runs Helm 3; set helmVersion: v3 or remove the field`, { field: 'spec.helmVersion' });
    }
    assertReleaseAllowed(hr, deps.security); // names and namespaces, before anything is read or run
    if (!(hr.metadata.finalizers ?? []).includes(FINALIZER)) await addFinalizer(hr, deps);
    await assertDependenciesReady(hr, deps.kube);
    await prepare(ctx, deps, refreshesChartSource(key.reason));
    return await act(ctx);
  } catch (err) {
    if (err instanceof StallingError) {
      // Released=False carries the cause too, so `kubectl get hr` shows it in the Message column
      const released = ctx.status.conditions?.find((c) => c.type === 'Released');
      if (released?.status !== 'False') {
        ctx.status = statusForPhase(ctx.status, Phase.Failed, err.message, { now: deps.now() });
      }
      await writeStatus(ctx, statusForStall(ctx.status, err.reason, err.message, deps.now()));
    }
    if (err instanceof WaitingError) await writeStatus(ctx, statusForWait(ctx.status, err.reason, err.message, deps.now()));
    throw err;
  }
}

async function addFinalizer(hr: HelmRelease, deps: ReconcileDeps): Promise<void> {
  const ok = await deps.kube.setFinalizers(hr, [...(hr.metadata.finalizers ?? []), FINALIZER]);
  if (!ok) throw new Error('HelmRelease changed while adding the finalizer; retrying');
}

// Resolves the chart and the values, then the digest of them and the release's Helm history.
async function prepare(ctx: ReleaseContext, deps: ReconcileDeps, refresh: boolean): Promise<void> {
  const hr = ctx.hr;
  let chart: ResolvedChart;
  try {
    chart = await resolveChart(hr, { kube: deps.kube, cacheDir: deps.chartCacheDir, sources: deps.chartSources, signal: ctx.signal, security: deps.security, refresh });
  } catch (err) {
    await enterPhase(ctx, Phase.ChartFetchFailed, `Chart fetch failed for Helm release '${ctx.releaseName}' in '${ctx.targetNamespace}': ${(err as Error).message}`);
    throw err;
  }
  ctx.chart = { ref: chart.ref, version: chart.version, revision: chart.revision };
  if (ctx.status.conditions?.find((c) => c.type === 'ChartFetched')?.status !== 'True' || ctx.status.lastAttemptedRevision !== chart.revision) {
    await enterPhase(ctx, Phase.ChartFetched, `Chart fetch was successful for Helm release '${ctx.releaseName}' in '${ctx.targetNamespace}'.`);
  }
  const archive = chart.archive;
  const composed = await composeValues(hr, {
    configMapKey: (ns, name, key) => deps.kube.configMapKey(ns, name, key),
    secretKey: (ns, name, key) => deps.kube.secretKey(ns, name, key),
    external: (url) => fetchExternalValues(url, { signal: ctx.signal, network: networkAccess(deps.security) }),
    chartFile: async (path) => {
      if (!archive) throw new StallingError('ValuesInvalid', 'chartFileRef needs a chart fetched to disk (not OCI)', { field: 'spec.valuesFrom' });
      return readChartFile(archive, path); // composeValues names the field: spec.valuesFrom[i].chartFileRef.path
    },
  }).catch(async (err: unknown) => {
    if (err instanceof StallingError) await enterPhase(ctx, Phase.Failed, `Values composition failed: ${err.message}`);
    throw err;
  });
  ctx.values = composed.values;
  ctx.secrets = composed.secrets;
  const inputs = { chartDigest: chart.digest, values: composed.values, spec: hr.spec, releaseName: ctx.releaseName, targetNamespace: ctx.targetNamespace };
  ctx.digest = desiredDigest(inputs, deps.digestKey);
  await adoptLegacyDigests(ctx, legacyDigest(inputs));
  ctx.history = await deps.kube.helmHistory(ctx.targetNamespace, ctx.releaseName);
}

// Decide, then act: at most two rounds, so a release unlocked in round one is installed/upgraded in round two.
async function act(ctx: ReleaseContext): Promise<Outcome> {
  for (let round = 0; round < 2; round++) {
    const state = determineReleaseState({ history: ctx.history, recorded: ctx.status, spec: ctx.hr.spec, desiredDigest: ctx.digest });
    const action = actionForState(state);
    ctx.deps.log.info({ state: state.status, action, reason: state.reason }, 'release state');
    switch (action) {
      case Action.Install: return install(ctx);
      case Action.Upgrade: return upgrade(ctx);
      case Action.None: return refreshReleaseStatus(ctx);
      case Action.Stall:
        // keep the message of the failure that spent the budget; write only when not yet stalled
        if (ctx.status.conditions?.find((c) => c.type === 'Stalled')?.status !== 'True') {
          await writeStatus(ctx, statusForStall(ctx.status, 'RetriesExceeded', state.reason, ctx.deps.now()));
        }
        return 'stalled';
      case Action.Unlock:
        await unlock(ctx);
        ctx.history = await ctx.deps.kube.helmHistory(ctx.targetNamespace, ctx.releaseName);
    }
  }
  throw new Error('release still locked after unlocking');
}

// Deletion: uninstall the release if Helm has one, then drop the finalizer so Kubernetes deletes the object.
async function finalize(ctx: Pick<ReleaseContext, 'hr' | 'deps' | 'releaseName' | 'targetNamespace' | 'signal'>): Promise<ReconcileOutcome> {
  const finalizers = ctx.hr.metadata.finalizers ?? [];
  if (!finalizers.includes(FINALIZER)) return 'deleted';
  // a refused name or namespace was never installed by Capstan: another namespace's release of that name is left alone
  const history = releaseRefusal(ctx.hr, ctx.deps.security) ? [] : await ctx.deps.kube.helmHistory(ctx.targetNamespace, ctx.releaseName);
  if (history.length > 0 && history[0]?.status !== 'uninstalled') await uninstall(ctx);
  if (!(await ctx.deps.kube.setFinalizers(ctx.hr, finalizers.filter((f) => f !== FINALIZER)))) {
    throw new Error('HelmRelease changed while removing the finalizer; retrying');
  }
  return 'deleted';
}
