import type { Logger } from 'pino';
import type { HelmRelease, HelmReleaseStatus } from '../apis/helm.fluxcd.io/v1/helmrelease.ts';
import type { SecurityConfig } from '../security-config.ts';
import type { KubeClient } from '../kube/client.ts';
import type { HelmRevision } from './release-state.ts';
import type { HelmRunner } from './runner.ts';

// The ports a release action uses, handed in by the worker.
export interface ReleaseDeps {
  kube: KubeClient;
  helm: HelmRunner;
  now: () => Date;
  log: Logger;
  // What a HelmRelease may reach beyond its namespace (all false unless a flag loosens it).
  security: SecurityConfig;
}

// Everything resolved for one release before an action runs: the chart on disk, the merged values and the
// digest of them, the Helm names, and the status as last written (actions write through `write`).
export interface ReleaseContext {
  hr: HelmRelease;
  deps: ReleaseDeps;
  releaseName: string;
  targetNamespace: string;
  chart: { ref: string; version?: string; revision: string; dir?: string };
  values: Record<string, unknown>;
  secrets: readonly string[];
  digest: string;
  history: readonly HelmRevision[];
  signal: AbortSignal;
  status: HelmReleaseStatus;
}

// Patches /status with `patch` and keeps ctx.status current; the only way actions write status.
export async function writeStatus(ctx: ReleaseContext, patch: Partial<HelmReleaseStatus>): Promise<void> {
  ctx.status = { ...ctx.status, ...patch, observedGeneration: ctx.hr.metadata.generation ?? ctx.status.observedGeneration };
  await ctx.deps.kube.patchHelmReleaseStatus(ctx.hr, ctx.status);
}

// Records a Kubernetes Event on the HelmRelease; a failure to record is logged, never fatal.
export async function recordEvent(ctx: ReleaseContext, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
  try {
    await ctx.deps.kube.event(ctx.hr, type, reason, message);
  } catch (err) {
    ctx.deps.log.warn({ err: (err as Error).message, reason }, 'cannot record event');
  }
}

// Where the release is in Helm, as ctx sees it, in the words the Helm Operator used in its messages.
export function describe(ctx: ReleaseContext): string {
  return `Helm release '${ctx.releaseName}' in '${ctx.targetNamespace}'`;
}
