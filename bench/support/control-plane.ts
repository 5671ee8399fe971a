import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { execa } from 'execa';
import { processes } from './proc-rss.ts';

// The local control plane a benchmark runs against, as the machine's processes show it: its API server, etcd,
// controller manager, scheduler and kwok are the processes whose command line names the run directory of
// KUBECONFIG (e2e/cluster/up.sh), so another cluster on the machine is not counted.

const TICK_MS = 10; // USER_HZ is 100 on Linux

// The control plane's processes, by pid.
export function controlPlanePids(kubeconfig = process.env.KUBECONFIG ?? ''): number[] {
  const runDir = dirname(kubeconfig);
  return processes().filter((p) => {
    try {
      return readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').includes(`${runDir}/`);
    } catch {
      return false;
    }
  }).map((p) => p.pid);
}

// CPU milliseconds the given processes have used so far (those gone meanwhile count 0).
export function cpuMsOf(pids: number[]): number {
  const set = new Set(pids);
  return processes().filter((p) => set.has(p.pid)).reduce((s, p) => s + p.ownTicks, 0) * TICK_MS;
}

// CPU milliseconds so far of each of the given processes that is still there, summed by process name
// (kube-apiserver, etcd, ...).
export function cpuMsByName(pids: number[]): Map<string, number> {
  const set = new Set(pids);
  const out = new Map<string, number>();
  for (const p of processes()) if (set.has(p.pid)) out.set(p.comm, (out.get(p.comm) ?? 0) + p.ownTicks * TICK_MS);
  return out;
}

// The API server's requests served so far, all clients (apiserver_request_total summed over its series).
export async function apiRequests(): Promise<number> {
  const r = await execa(process.env.CAPSTAN_KUBECTL ?? 'kubectl', ['get', '--raw', '/metrics']);
  return r.stdout.split('\n').filter((l) => l.startsWith('apiserver_request_total{')).reduce((s, l) => s + Number(l.split(' ').at(-1)), 0);
}

// API requests by verb and resource since `before` (a snapshot of apiRequestsBy()), for reading where they go.
export async function apiRequestsBy(): Promise<Map<string, number>> {
  const r = await execa(process.env.CAPSTAN_KUBECTL ?? 'kubectl', ['get', '--raw', '/metrics']);
  const out = new Map<string, number>();
  for (const l of r.stdout.split('\n')) {
    if (!l.startsWith('apiserver_request_total{')) continue;
    const label = (k: string) => new RegExp(`${k}="([^"]*)"`).exec(l)?.[1] ?? '';
    const key = `${label('verb')} ${label('resource')}${label('subresource') ? `/${label('subresource')}` : ''}`;
    out.set(key, (out.get(key) ?? 0) + Number(l.split(' ').at(-1)));
  }
  return out;
}
