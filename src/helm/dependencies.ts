import type { HelmRelease } from '../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { WaitingError } from '../errors/waiting-error.ts';
import type { KubeClient } from '../kube/client.ts';

// How long a release waits before looking at its dependencies again.
export const DEPENDENCY_RETRY_MS = 10_000;

// Capstan's spec.dependsOn: a release is installed or upgraded only once each HelmRelease it names is Ready for
// its current generation. Otherwise a WaitingError (reason DependencyNotReady) names the first one that is not.
export async function assertDependenciesReady(hr: HelmRelease, kube: KubeClient): Promise<void> {
  for (const dep of hr.spec.dependsOn ?? []) {
    const ns = dep.namespace ?? hr.metadata.namespace;
    const got = await kube.getHelmRelease(ns, dep.name);
    const ready = got?.status?.conditions?.find((c) => c.type === 'Ready');
    if (!got || ready?.status !== 'True' || got.status?.observedGeneration !== got.metadata.generation) {
      throw new WaitingError('DependencyNotReady', `dependency '${ns}/${dep.name}' is ${got ? 'not Ready' : 'not found'}`, DEPENDENCY_RETRY_MS);
    }
  }
}
