import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { decideLease, type LeaseObservation, LeaseStep, stillLeader } from './lease-decision.ts';

// A held-or-not Kubernetes Lease (coordination.k8s.io/v1) for one active replica per source.
export interface LeaderLease { isLeader(): boolean; stop(): Promise<void> }

const MERGE = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

// Leader election on a Lease, decided by decideLease (expiry judged on the local clock from when the record
// was last seen to change, as client-go), renewed every duration/3; the resourceVersion guards each write so
// two replicas never both win. isLeader() expires by itself when renewals stop succeeding; `onChange` tells the
// holder when it gains or loses the lease.
export function startLeaderLease(opts: {
  kc: k8s.KubeConfig; namespace: string; name: string; log: Logger; durationSec?: number; onChange?: (leader: boolean) => void;
  now?: () => number;
}): LeaderLease {
  const api = opts.kc.makeApiClient(k8s.CoordinationV1Api);
  const identity = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const durationSec = opts.durationSec ?? 15;
  const durationMs = durationSec * 1000;
  const now = opts.now ?? (() => performance.now());
  let observed: LeaseObservation | undefined;
  let renewedAt: number | undefined;
  let announced = false;
  let stopped = false;
  const isLeader = () => !stopped && stillLeader(renewedAt, durationMs, now());
  const announce = () => {
    const leader = isLeader();
    if (leader === announced) return;
    announced = leader;
    opts.log.info({ lease: opts.name, identity, leader }, leader ? 'became leader' : 'lost leadership');
    opts.onChange?.(leader);
  };
  const tryAcquire = async (): Promise<void> => {
    const stamp = new k8s.V1MicroTime();
    const spec = { holderIdentity: identity, leaseDurationSeconds: durationSec, renewTime: stamp };
    let lease: k8s.V1Lease | undefined;
    try {
      lease = await api.readNamespacedLease({ namespace: opts.namespace, name: opts.name });
    } catch (err) {
      if ((err as { code?: number }).code !== 404) throw err;
    }
    const read = lease ? {
      holder: lease.spec?.holderIdentity ?? undefined,
      durationMs: (lease.spec?.leaseDurationSeconds ?? durationSec) * 1000,
      version: lease.metadata?.resourceVersion ?? '',
    } : undefined;
    const decision = decideLease({ identity, read, previous: observed, now: now() });
    observed = decision.observed;
    if (decision.step === LeaseStep.follow) {
      renewedAt = undefined;
      return;
    }
    const started = now();
    if (decision.step === LeaseStep.create) {
      await api.createNamespacedLease({ namespace: opts.namespace, body: { metadata: { name: opts.name }, spec: { ...spec, acquireTime: stamp } } });
    } else {
      await api.patchNamespacedLease({
        namespace: opts.namespace, name: opts.name,
        body: { metadata: { resourceVersion: read?.version }, spec: { ...spec, ...(decision.step === LeaseStep.renew ? {} : { acquireTime: stamp }) } },
      }, MERGE);
    }
    renewedAt = started;
  };
  const tick = async () => {
    try {
      await tryAcquire();
    } catch (err) {
      // a conflict means someone else wrote first; other errors keep leadership until it expires by itself
      if ((err as { code?: number }).code === 409) renewedAt = undefined;
      else opts.log.warn({ lease: opts.name, err: (err as Error).message }, 'lease update failed');
    }
    announce();
  };
  const timer = setInterval(() => void tick(), Math.max(1000, durationMs / 3));
  const expiry = setInterval(announce, 1000); // a leader that cannot renew says so as soon as it expires
  expiry.unref();
  void tick();
  return {
    isLeader,
    async stop() {
      const held = isLeader();
      stopped = true;
      clearInterval(timer);
      clearInterval(expiry);
      announce();
      if (!held) return;
      await api.patchNamespacedLease({ namespace: opts.namespace, name: opts.name, body: { spec: { holderIdentity: null, renewTime: null } } }, MERGE).catch(() => undefined);
    },
  };
}
