import { ConditionType, Phase } from '../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../errors/stalling-error.ts';
import { networkAccess } from '../net/network-access.ts';
import { readChartFile } from './chart/chart-file.ts';
import { resolveChart, type ResolvedChart } from './chart/resolve-chart.ts';
import { desiredDigest, legacyDigest } from './desired-digest.ts';
import { legacyDigestPatch } from './legacy-digest.ts';
import { describe, type ReconcileDeps, type ReleaseContext, type ReleaseTarget } from './release-context.ts';
import { statusForPhase } from './status/phase-status.ts';
import type { StatusWriter } from './status/status-writer.ts';
import { composeValues } from './values/compose.ts';
import { fetchExternalValues } from './values/external-source.ts';

// Resolves what the decision needs: the chart (phase ChartFetched or ChartFetchFailed), the values, the digest of
// them (plain digests of an older Capstan adopted as their HMAC), and Helm's history, read here once per reconcile.
// Status changes go to the writer, in memory. `refresh` fetches the chart source anew (queue/release-job.ts).
export async function prepareRelease(target: ReleaseTarget, deps: ReconcileDeps, writer: StatusWriter, refresh: boolean): Promise<ReleaseContext> {
  const { hr, signal } = target;
  const now = deps.now();
  const where = describe(target);
  let chart: ResolvedChart;
  try {
    chart = await resolveChart(hr, { kube: deps.kube, cacheDir: deps.chartCacheDir, sources: deps.chartSources, signal, security: deps.security, refresh });
  } catch (err) {
    writer.set(statusForPhase(writer.status, Phase.ChartFetchFailed, `Chart fetch failed for ${where}: ${(err as Error).message}`, { now }));
    throw err;
  }
  const fetched = writer.status.conditions?.find((c) => c.type === ConditionType.ChartFetched);
  if (fetched?.status !== 'True' || writer.status.lastAttemptedRevision !== chart.revision) {
    writer.set(statusForPhase(writer.status, Phase.ChartFetched, `Chart fetch was successful for ${where}.`, { now }));
  }
  const archive = chart.archive;
  const composed = await composeValues(hr, {
    configMapKey: (ns, name, key) => deps.kube.configMapKey(ns, name, key),
    secretKey: (ns, name, key) => deps.kube.secretKey(ns, name, key),
    external: (url) => fetchExternalValues(url, { signal, network: networkAccess(deps.security) }),
    chartFile: async (path) => {
      if (!archive) throw new StallingError('ValuesInvalid', 'chartFileRef needs a chart fetched to disk (not OCI)', { field: 'spec.valuesFrom' });
      return readChartFile(archive, path); // composeValues names the field: spec.valuesFrom[i].chartFileRef.path
    },
  }).catch((err: unknown) => {
    if (err instanceof StallingError) writer.set(statusForPhase(writer.status, Phase.Failed, `Values composition failed: ${err.message}`, { now }));
    throw err;
  });
  const inputs = { chartDigest: chart.digest, values: composed.values, spec: hr.spec, releaseName: target.releaseName, targetNamespace: target.targetNamespace };
  const digest = desiredDigest(inputs, deps.digestKey);
  // only a status an older Capstan wrote holds a plain digest: the second digest of the same inputs is not taken otherwise
  const plain = [writer.status.lastAppliedDigest, writer.status.lastAttemptedDigest].some((d) => d?.startsWith('sha256:'));
  const adopted = plain ? legacyDigestPatch(writer.status, digest, legacyDigest(inputs)) : undefined;
  if (adopted) writer.set({ ...writer.status, ...adopted });
  return {
    ...target, deps,
    chart: { ref: chart.ref, version: chart.version, revision: chart.revision, ...(chart.plainHttp && { plainHttp: true }) },
    values: composed.values, secrets: composed.secrets, digest,
    history: await deps.kube.helmHistory(target.targetNamespace, target.releaseName),
  };
}
