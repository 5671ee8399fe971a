import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import type { Logger } from 'pino';

// A held-or-not Kubernetes Lease (coordination.k8s.io/v1) for one active replica per source.
export interface LeaderLease { isLeader(): boolean; stop(): Promise<void> }

const MERGE = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

// Leader election on a Lease: acquire it when absent or expired, renew every duration/3 while held, and let it go
// on stop, with the resourceVersion guarding each write so two replicas never both win. `onChange` tells the
// holder when it gains or loses the lease.
export function startLeaderLease(opts: {
  kc: k8s.KubeConfig; namespace: string; name: string; log: Logger; durationSec?: number; onChange?: (leader: boolean) => void;
}): LeaderLease {
  const api = opts.kc.makeApiClient(k8s.CoordinationV1Api);
  const identity = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const duration = opts.durationSec ?? 15;
  let leader = false;
  let stopped = false;
  const set = (value: boolean) => {
    if (value !== leader) {
      leader = value;
      opts.log.info({ lease: opts.name, identity, leader }, leader ? 'became leader' : 'lost leadership');
      opts.onChange?.(value);
    }
  };
  const tryAcquire = async (): Promise<void> => {
    const now = new k8s.V1MicroTime();
    const spec = { holderIdentity: identity, leaseDurationSeconds: duration, renewTime: now };
    let lease: k8s.V1Lease | undefined;
    try {
      lease = await api.readNamespacedLease({ namespace: opts.namespace, name: opts.name });
    } catch (err) {
      if ((err as { code?: number }).code !== 404) throw err;
      await api.createNamespacedLease({ namespace: opts.namespace, body: { metadata: { name: opts.name }, spec: { ...spec, acquireTime: now } } });
      return set(true);
    }
    const held = lease.spec?.holderIdentity;
    const renewed = lease.spec?.renewTime ? new Date(lease.spec.renewTime).getTime() : 0;
    const expired = Date.now() - renewed > (lease.spec?.leaseDurationSeconds ?? duration) * 1000;
    if (held && held !== identity && !expired) return set(false);
    await api.patchNamespacedLease({
      namespace: opts.namespace, name: opts.name,
      body: { metadata: { resourceVersion: lease.metadata?.resourceVersion }, spec: { ...spec, ...(held === identity ? {} : { acquireTime: now }) } },
    }, MERGE);
    set(true);
  };
  const tick = async () => {
    try {
      await tryAcquire();
    } catch (err) {
      // a conflict means someone else wrote first: not leader this round
      if ((err as { code?: number }).code !== 409) opts.log.warn({ lease: opts.name, err: (err as Error).message }, 'lease update failed');
      set(false);
    }
  };
  const timer = setInterval(() => void tick(), Math.max(1000, (duration * 1000) / 3));
  void tick();
  return {
    isLeader: () => leader && !stopped,
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (!leader) return;
      set(false);
      await api.patchNamespacedLease({ namespace: opts.namespace, name: opts.name, body: { spec: { holderIdentity: null, renewTime: null } } }, MERGE).catch(() => undefined);
    },
  };
}
