import type { HelmRelease, HelmReleaseStatus } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { canonicalJson } from '../../canonical-json.ts';
import type { KubeClient } from '../../kube/client.ts';

// The one way a reconcile writes a HelmRelease's status. The status is kept in memory as steps change it, and
// patched at the reconcile's defined points: before each helm call (so `kubectl get hr` shows Installing,
// Upgrading, Testing or RollingBack while helm runs), at the end, and when it ends in an error.
export interface StatusWriter {
  // The status as this reconcile has it, written or not.
  readonly status: HelmReleaseStatus;
  // Replaces the status in memory; nothing is written.
  set(next: HelmReleaseStatus): void;
  // Patches /status, stamped with the generation reconciled, unless it equals what was last read or written.
  flush(): Promise<void>;
}

// A writer for one reconcile of `hr`, starting from the status it was read with.
export function statusWriter(hr: HelmRelease, kube: Pick<KubeClient, 'patchHelmReleaseStatus'>): StatusWriter {
  let current: HelmReleaseStatus = hr.status ?? {};
  let written = canonicalJson(current);
  return {
    get status() {
      return current;
    },
    set(next) {
      current = next;
    },
    async flush() {
      const next = { ...current, observedGeneration: hr.metadata.generation ?? current.observedGeneration };
      const text = canonicalJson(next);
      if (text === written) return;
      await kube.patchHelmReleaseStatus(hr, next);
      current = next;
      written = text;
    },
  };
}
