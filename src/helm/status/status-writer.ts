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
  const read: HelmReleaseStatus = hr.status ?? {};
  let current = read;
  let written: string | undefined; // canonicalJson of what was last read or written, made when first compared
  return {
    get status() {
      return current;
    },
    set(next) {
      current = next;
    },
    async flush() {
      const generation = hr.metadata.generation ?? current.observedGeneration;
      // the status as read, untouched and already stamped: nothing to write, and nothing to serialise to know it
      if (written === undefined && current === read && read.observedGeneration === generation) return;
      const next = { ...current, observedGeneration: generation };
      const text = canonicalJson(next);
      written ??= canonicalJson(read);
      if (text === written) return;
      await kube.patchHelmReleaseStatus(hr, next);
      current = next;
      written = text;
    },
  };
}
