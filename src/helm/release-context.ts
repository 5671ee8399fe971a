import type { Logger } from 'pino';
import type { HelmRelease } from '../apis/helm.fluxcd.io/v1/helmrelease.ts';
import type { SecurityConfig } from '../security-config.ts';
import type { KubeClient } from '../kube/client.ts';
import type { ChartSources } from './chart/resolve-chart.ts';
import type { DriftProbe } from './drift/detect-drift.ts';
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
  // Confirms that this worker alone acts on the release before its first helm call (the worker's release lease,
  // queue/release-lease.ts); `mayBeMidAction` makes it wait for a live holder first. Throws a WaitingError when
  // another worker turns out to be acting on it. Absent where one process does everything (tests, `run`).
  confirmLease?: (mayBeMidAction: boolean) => Promise<void>;
  // Drift detection's reads of the cluster and its metric (drift/); absent, HelmReleases asking for it are not checked.
  drift?: { probe: DriftProbe; onDetected?: (namespace: string, name: string) => void };
}

// The ports and settings of the worker's reconcile; `chartCacheDir` holds downloaded charts by digest; `digestKey`
// keys the desired-inputs digest (helm/digest-key.ts).
export interface ReconcileDeps extends ReleaseDeps { chartCacheDir: string; chartSources: ChartSources; digestKey: Buffer }

// Everything resolved for one release before an action runs: the chart on disk, the merged values and the digest
// of them, the Helm names, and Helm's history as this reconcile knows it (read once, then updated from outcomes).
// Actions read it and write nothing to the status: the reconcile loop does, through one writer.
export interface ReleaseContext {
  hr: HelmRelease;
  deps: ReleaseDeps;
  releaseName: string;
  targetNamespace: string;
  chart: { ref: string; version?: string; revision: string; dir?: string; plainHttp?: boolean };
  values: Record<string, unknown>;
  secrets: readonly string[];
  digest: string;
  history: readonly HelmRevision[];
  signal: AbortSignal;
  // Why the action about to run was chosen (next-action's reason): Helm's history records it for an install or upgrade.
  reason?: string;
  // Why an upgrade of this reconcile runs, for Helm's history (`--description`): set when it corrects drift.
  upgradeDescription?: string;
}

// The part of the context that deletion needs: no chart or values are resolved for a HelmRelease going away.
export type ReleaseTarget = Pick<ReleaseContext, 'hr' | 'deps' | 'releaseName' | 'targetNamespace' | 'signal'>;

// Records a Kubernetes Event on the HelmRelease; a failure to record is logged, never fatal.
export async function recordEvent(ctx: ReleaseTarget, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
  try {
    await ctx.deps.kube.event(ctx.hr, type, reason, message);
  } catch (err) {
    ctx.deps.log.warn({ err: (err as Error).message, reason }, 'cannot record event');
  }
}

// Where the release is in Helm, as ctx sees it, in the words the Helm Operator used in its messages.
export function describe(ctx: Pick<ReleaseContext, 'releaseName' | 'targetNamespace'>): string {
  return `Helm release '${ctx.releaseName}' in '${ctx.targetNamespace}'`;
}
