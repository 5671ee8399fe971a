import type { HelmRelease } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { Phase } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../errors/stalling-error.ts';
import type { GitAuth } from '../../git/run-git.ts';
import type { KubeClient } from '../../kube/client.ts';
import type { SecurityConfig } from '../../security-config.ts';
import { crossNamespaceRefusal } from '../check-references.ts';
import { insecureCredentialsRefusal } from './credential-transport.ts';

// Basic credentials for a Git chart, and the mirror scope (`<namespace>/<secret>`) that keeps what they fetch
// apart from mirrors fetched with other credentials or none.
export interface GitCredentials { auth?: GitAuth; scope?: string }

// Why the credentials of this Git chart must not be read or sent, or undefined: chart.secretRef in another
// namespace (without --allow-cross-namespace-refs), or credentials over plain http:// (without
// --allow-insecure-credentials). Decided from the spec alone.
export function gitCredentialsRefusal(hr: HelmRelease, security: SecurityConfig): StallingError | undefined {
  const ref = hr.spec.chart.secretRef;
  if (ref?.name && ref.namespace && ref.namespace !== hr.metadata.namespace) {
    const refusal = crossNamespaceRefusal({ ...hr, spec: { chart: { secretRef: ref } } }, security);
    if (refusal) return refusal;
  }
  return insecureCredentialsRefusal({ field: 'spec.chart.git', url: hr.spec.chart.git ?? '', secretField: ref?.name ? 'spec.chart.secretRef' : undefined }, security);
}

// Reads chart.secretRef (keys username and password) after gitCredentialsRefusal allowed it. The credentials are
// sent, by git, only to the origin of this release's chart.git and never across a redirect (run-git.ts).
export async function readGitCredentials(hr: HelmRelease, kube: KubeClient, security: SecurityConfig): Promise<GitCredentials> {
  const refusal = gitCredentialsRefusal(hr, security);
  if (refusal) throw refusal;
  const ref = hr.spec.chart.secretRef;
  if (!ref?.name) return {};
  const namespace = ref.namespace || hr.metadata.namespace;
  const [username, password] = await Promise.all([
    kube.secretKey(namespace, ref.name, 'username'), kube.secretKey(namespace, ref.name, 'password'),
  ]);
  if (username === undefined || password === undefined) {
    throw new StallingError(Phase.ChartFetchFailed, `Secret ${namespace}/${ref.name} needs keys username and password`, { field: 'spec.chart.secretRef' });
  }
  return { auth: { username, password }, scope: `${namespace}/${ref.name}` };
}
