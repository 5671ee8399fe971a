import type { HelmRelease } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { Phase } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../errors/stalling-error.ts';
import type { KubeClient } from '../../kube/client.ts';
import { networkAccess } from '../../net/network-access.ts';
import type { SecurityConfig } from '../../security-config.ts';
import { insecureCredentialsRefusal } from './credential-transport.ts';
import type { ImportedRepository } from './imported-repositories.ts';
import { matchRepository } from './match-repository.ts';
import { ociPlainHttp } from './oci-plain-http.ts';
import { checkOciRegistry } from './remote-host-check.ts';
import { fetchRepositoryChart } from './repository-source.ts';

// A chart ready for helm: `ref` is a local .tgz/dir or an oci:// reference (with `version`); `revision` is what
// status.revision records (chart version or Git SHA); `digest` identifies the chart's content.
// `plainHttp`: helm pulls the oci:// reference over plain HTTP (oci-plain-http.ts).
export interface ResolvedChart { ref: string; version?: string; revision: string; digest: string; archive?: string; plainHttp?: boolean }

// Other chart sources (Git) plug in here; the worker hands in the ones it has.
export interface ChartSources {
  // `refresh`: fetch the source even if it was fetched recently (the job says it changed).
  git?: (hr: HelmRelease, signal: AbortSignal, opts?: { refresh?: boolean }) => Promise<ResolvedChart>;
  // --helm-repository-import: credentials and TLS files of Helm repositories, matched by URL. Default: none.
  repositories?: readonly ImportedRepository[];
  // --registry-insecure-host: OCI registries helm reaches over plain HTTP (loopback ones always). Default: none.
  plainHttpRegistries?: readonly string[];
}

// How old a Helm repository index a routine reconcile (resync, start-up, a values source changed) uses without
// asking the repository again: a resync of every release asks once per repository every few seconds, not once per
// release. A new spec, a reconcile request or a chart change revalidates at once (queue/release-job.ts).
export const ROUTINE_INDEX_MAX_AGE_MS = 5_000;

const hasUserInfo = (url: string): boolean => {
  const parsed = URL.parse(url.trim());
  return parsed !== null && (parsed.username !== '' || parsed.password !== '');
};

// The Basic auth for the repository: chartPullSecret's (own namespace only: the field has none), else the user
// info of the URL, else the --helm-repository-import entry's (`imported`). Refused before a Secret is read when
// the credentials would travel over plain http:// (--allow-insecure-credentials).
async function pullSecretAuth(hr: HelmRelease, kube: KubeClient, security: SecurityConfig, imported?: ImportedRepository) {
  const name = hr.spec.chart.chartPullSecret?.name;
  const url = hr.spec.chart.repository ?? '';
  const fromFile = !name && !hasUserInfo(url) && imported?.auth ? imported.auth : undefined;
  const secretField = name ? 'spec.chart.chartPullSecret' : fromFile ? `the --helm-repository-import entry "${imported?.name ?? ''}"` : undefined;
  const insecure = insecureCredentialsRefusal({ field: 'spec.chart.repository', url, secretField }, security);
  if (insecure) throw insecure;
  if (!name) return fromFile;
  const [username, password] = await Promise.all([
    kube.secretKey(hr.metadata.namespace, name, 'username'), kube.secretKey(hr.metadata.namespace, name, 'password'),
  ]);
  if (username === undefined || password === undefined) {
    throw new StallingError(Phase.ChartFetchFailed, `Secret ${hr.metadata.namespace}/${name} needs keys username and password`, { field: 'spec.chart.chartPullSecret.name' });
  }
  return { username, password };
}

// Resolves spec.chart from whichever source it names: a Helm repository (index + tarball, basic auth from
// chartPullSecret), an OCI registry (left to helm, exact version), or Git (chart.git + chart.path). The
// repository, its redirects and the OCI registry must resolve to public addresses unless
// security.allowPrivateNetworks.
export async function resolveChart(hr: HelmRelease, deps: { kube: KubeClient; cacheDir: string; sources: ChartSources; signal: AbortSignal; security: SecurityConfig; refresh?: boolean }): Promise<ResolvedChart> {
  const chart = hr.spec.chart;
  if (chart.git !== undefined || chart.path !== undefined) {
    if (!chart.git) throw new StallingError(Phase.ChartFetchFailed, 'is required with chart.path', { field: 'spec.chart.git' });
    if (!deps.sources.git) throw new StallingError(Phase.ChartFetchFailed, 'Git chart sources are not enabled in this worker', { field: 'spec.chart.git' });
    return deps.sources.git(hr, deps.signal, { refresh: deps.refresh });
  }
  if (chart.repository?.startsWith('oci://')) {
    if (!chart.name || !chart.version) {
      throw new StallingError(Phase.ChartFetchFailed, 'is required for an OCI chart', { field: chart.name ? 'spec.chart.version' : 'spec.chart.name' });
    }
    await checkOciRegistry(chart.repository, deps.security);
    const ref = `${chart.repository.replace(/\/+$/, '')}/${chart.name}`;
    const plainHttp = ociPlainHttp(chart.repository, deps.sources.plainHttpRegistries ?? []);
    return { ref, version: chart.version, revision: chart.version, digest: `${ref}:${chart.version}`, ...(plainHttp && { plainHttp }) };
  }
  const imported = matchRepository(deps.sources.repositories ?? [], chart.repository ?? '');
  const auth = await pullSecretAuth(hr, deps.kube, deps.security, imported);
  const got = await fetchRepositoryChart(chart, {
    cacheDir: deps.cacheDir, auth, tls: imported?.tls, signal: deps.signal, network: networkAccess(deps.security),
    indexMaxAgeMs: deps.refresh ? 0 : ROUTINE_INDEX_MAX_AGE_MS,
  });
  return { ref: got.path, archive: got.path, revision: got.version, digest: `sha256:${got.digest}` };
}
