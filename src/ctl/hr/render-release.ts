import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { type HelmRelease, releaseNameOf, targetNamespaceOf } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../errors/stalling-error.ts';
import { readChartFile } from '../../helm/chart/chart-file.ts';
import { resolveChart } from '../../helm/chart/resolve-chart.ts';
import { assertReleaseAllowed } from '../../helm/check-references.ts';
import { helmTemplate } from '../../helm/helm-tool.ts';
import { composeValues } from '../../helm/values/compose.ts';
import { fetchExternalValues } from '../../helm/values/external-source.ts';
import type { KubeClient } from '../../kube/client.ts';
import { networkAccess } from '../../net/network-access.ts';
import type { SecurityConfig } from '../../security-config.ts';
import { CtlError, ExitCode } from '../exit.ts';

// What an upgrade with the current inputs would apply: the objects `helm template` renders from the chart and
// the merged values, resolved as the worker resolves them (same chart sources, valuesFrom, security flags), and
// the strings that are secret (values from Secrets) for redaction.
export interface RenderedRelease { objects: KubernetesObject[]; secrets: readonly string[] }

// Renders `hr` with `helm` (a binary path); Git chart sources are not rendered here (exit 1 saying so).
export async function renderRelease(hr: HelmRelease, deps: { kube: KubeClient; helm: string; security: SecurityConfig; signal: AbortSignal }): Promise<RenderedRelease> {
  if (hr.spec.chart.git !== undefined) throw new CtlError('diff hr renders Helm repository and OCI charts; this HelmRelease has a Git chart source', ExitCode.failed);
  const cacheDir = await mkdtemp(join(tmpdir(), 'capstan-ctl-'));
  try {
    assertReleaseAllowed(hr, deps.security);
    const chart = await resolveChart(hr, { kube: deps.kube, cacheDir, sources: {}, signal: deps.signal, security: deps.security });
    const archive = chart.archive;
    const composed = await composeValues(hr, {
      configMapKey: (ns, name, key) => deps.kube.configMapKey(ns, name, key),
      secretKey: (ns, name, key) => deps.kube.secretKey(ns, name, key),
      external: (url) => fetchExternalValues(url, { signal: deps.signal, network: networkAccess(deps.security) }),
      chartFile: async (path) => {
        if (!archive) throw new StallingError('ValuesInvalid', 'chartFileRef needs a chart fetched to disk (not OCI)', { field: 'spec.valuesFrom' });
        return readChartFile(archive, path);
      },
    });
    const namespace = targetNamespaceOf(hr);
    const text = await helmTemplate({
      binary: deps.helm, release: releaseNameOf(hr), namespace, chart: chart.ref, version: chart.version,
      values: composed.values, secrets: composed.secrets, skipCRDs: hr.spec.skipCRDs === true,
    });
    return { objects: objectsOf(text, namespace), secrets: composed.secrets };
  } catch (err) {
    if (err instanceof CtlError) throw err;
    throw new CtlError(`HelmRelease ${hr.metadata.namespace}/${hr.metadata.name}: ${(err as Error).message}`, ExitCode.failed, { cause: err });
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}

// The objects of a multi-document manifest that a release keeps: hooks (tests, pre-upgrade jobs…) are left out,
// as helm runs them rather than applies them; those without a namespace get the release's, as helm installs them.
export function objectsOf(manifest: string, namespace: string): KubernetesObject[] {
  return parseAllDocuments(manifest)
    .map((d) => d.toJS() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => o !== null && typeof o === 'object' && typeof o.kind === 'string')
    .filter((o) => o.metadata?.annotations?.['helm.sh/hook'] === undefined)
    .map((o) => (o.metadata?.namespace ? o : { ...o, metadata: { ...o.metadata, namespace } }));
}
