// Leader election decided as client-go does: a lease is judged expired by how long *this* replica has seen its
// record unchanged (the local clock only), never by comparing the holder's renewTime with the local clock, so
// clock skew between replicas cannot make two leaders or none.

// The parts of a Lease the decision reads; `version` is its resourceVersion (any change of the record moves it).
export interface LeaseRecord { holder: string | undefined; durationMs: number; version: string }

// What this replica last saw of the Lease, and when (local monotonic-ish milliseconds) it last changed.
export interface LeaseObservation { record: LeaseRecord; changedAt: number }

export const LeaseStep = { create: 'create', acquire: 'acquire', renew: 'renew', follow: 'follow' } as const;
export type LeaseStep = (typeof LeaseStep)[keyof typeof LeaseStep];

// The next step for `identity`, given the record read now (undefined: no Lease) and what was observed before;
// returns the observation to keep. Pure.
export function decideLease(opts: {
  identity: string; read: LeaseRecord | undefined; previous: LeaseObservation | undefined; now: number;
}): { step: LeaseStep; observed: LeaseObservation | undefined } {
  const { identity, read, previous, now } = opts;
  if (!read) return { step: LeaseStep.create, observed: undefined };
  const changed = previous === undefined || previous.record.version !== read.version || previous.record.holder !== read.holder;
  const observed = changed ? { record: read, changedAt: now } : previous;
  if (read.holder === identity) return { step: LeaseStep.renew, observed };
  if (!read.holder) return { step: LeaseStep.acquire, observed };
  const expired = now - observed.changedAt > read.durationMs;
  return { step: expired ? LeaseStep.acquire : LeaseStep.follow, observed };
}

// Whether a leader still holds leadership locally: its last successful renewal is younger than the renew
// deadline (two thirds of the lease, as client-go's default 10 s of 15 s), so a leader cut off from the API
// server stops acting before any other replica can take over.
export function stillLeader(lastRenewedAt: number | undefined, durationMs: number, now: number): boolean {
  return lastRenewedAt !== undefined && now - lastRenewedAt < (durationMs * 2) / 3;
}
