import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Metrics } from '../http/metrics.ts';
import type { Route } from '../http/http-server.ts';

// What every role is started with: the Config and the process's logger and metrics; a role builds its own ports.
export interface RoleContext {
  readonly config: Config;
  readonly log: Logger;
  readonly metrics: Metrics;
}

// A started role: the HTTP routes it mounts on the process's one listener, whether /readyz may say yes, and how
// it stops (after which it holds no connection or timer).
export interface RunningRole {
  readonly routes: readonly Route[];
  ready(): boolean;
  stop(): Promise<void>;
}

// The roles one process can run; `capstan run` is all of them.
export const RoleName = { daemon: 'daemon', operator: 'operator', worker: 'worker' } as const;
export type RoleName = (typeof RoleName)[keyof typeof RoleName];

// Started in this order (routes mount in it too); stopped workers first, so the helm runs in flight finish before
// anything they need goes away: a SIGKILL mid-upgrade is what leaves pending-*.
export const START_ORDER: readonly RoleName[] = [RoleName.daemon, RoleName.operator, RoleName.worker];
export const STOP_ORDER: readonly RoleName[] = [RoleName.worker, RoleName.daemon, RoleName.operator];

// The roles `config.role` asks for; `run` starts the daemon only when some Git source is configured.
export function rolesOf(config: Pick<Config, 'role' | 'syncSources'>): RoleName[] {
  const asked = config.role === 'run' ? START_ORDER : [config.role];
  return START_ORDER.filter((r) => asked.includes(r) && (r !== RoleName.daemon || config.role === 'daemon' || config.syncSources.length > 0));
}
