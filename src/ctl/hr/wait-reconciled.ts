import type { HelmRelease } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { CtlError, ExitCode } from '../exit.ts';
import type { Progress } from '../progress.ts';
import { reconcileState } from './reconcile-wait.ts';
import type { ReleaseKube } from './release-kube.ts';

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// Polls the HelmRelease until the worker has handled the reconcile requested at `requestedAt`, with a progress
// line from the start (a fast worker may be done before the first poll); its outcome. Past `timeoutMs` exit 1 (the reconcile may still come).
export async function waitReconciled(kube: ReleaseKube, hr: HelmRelease, requestedAt: string, o: { timeoutMs: number; intervalMs: number; progress: Progress }): Promise<{ failed: boolean; summary: string }> {
  const deadline = Date.now() + o.timeoutMs;
  o.progress.update(`HelmRelease ${hr.metadata.namespace}/${hr.metadata.name}: reconciling (requested at ${requestedAt})`);
  try {
    for (;;) {
      const state = reconcileState(await kube.get(hr.metadata.namespace, hr.metadata.name), requestedAt);
      if (state.done) return state;
      o.progress.update(state.progress);
      if (Date.now() > deadline) {
        throw new CtlError(`HelmRelease ${hr.metadata.namespace}/${hr.metadata.name}: not reconciled within ${o.timeoutMs / 1000}s (is an operator and a worker running?)`, ExitCode.failed);
      }
      await pause(o.intervalMs);
    }
  } finally {
    o.progress.done();
  }
}
