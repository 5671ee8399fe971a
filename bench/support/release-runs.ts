import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { HelmRelease } from '../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { startCapstan } from '../../e2e/support/capstan.ts';
import { freshNamespace, kubeConfig, uniqueName } from '../../e2e/support/cluster.ts';
import { helmReleases } from '../../e2e/support/helm-releases.ts';
import { controlPlanePids, cpuMsOf } from './control-plane.ts';
import { sampleRss, treeCpuMs } from './proc-rss.ts';
import { dropAndSettle } from './settle.ts';
import { waitDone } from './wait-done.ts';

// The timed runs the release benchmarks share: N releases of the `hello` chart by bare helm, by Capstan, or by any
// operator of helm.fluxcd.io/v1 HelmReleases, each in a fresh namespace of the local control plane.

export const HELM = process.env.CAPSTAN_HELM_BINARY ?? 'helm';
const kc = kubeConfig();

// What a run measured: wall milliseconds, peak RSS and CPU milliseconds of the system's own processes and of its
// helm children, and the local control plane's CPU milliseconds for the run (until it settled after it).
export interface RunFigures { ms: number; selfBytes: number; helmBytes: number; selfCpuMs: number; helmCpuMs: number; controlPlaneCpuMs: number }

// The control plane's CPU from now on: call the result to read it.
function controlPlaneMeter(): () => number {
  const pids = controlPlanePids();
  const start = cpuMsOf(pids);
  return () => cpuMsOf(pids) - start;
}

const cpuSince = (roots: number[], before: { selfMs: number; helmMs: number }) => {
  const now = treeCpuMs(roots);
  return { selfCpuMs: now.selfMs - before.selfMs, helmCpuMs: now.helmMs - before.helmMs };
};

// Runs `jobs` with at most `c` at once.
export async function pool(c: number, jobs: Array<() => Promise<unknown>>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: c }, async () => { while (next < jobs.length) await jobs[next++]?.(); }));
}

// The median of `xs`.
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
// Bytes as MiB, for tables.
export const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
// A comma-separated list of positive numbers from the environment.
export const numbers = (v: string | undefined, d: string) => (v ?? d).split(',').map(Number).filter((n) => n > 0);

// The figures of a run in namespace `ns` that `timed` measures; then ns is deleted and the control plane left to
// settle (dropAndSettle), its CPU counted from `meter`'s start until then.
async function settled(ns: string, timed: () => Promise<Omit<RunFigures, 'controlPlaneCpuMs'>>, meter = controlPlaneMeter()): Promise<RunFigures> {
  let figures: Omit<RunFigures, 'controlPlaneCpuMs'>;
  try {
    figures = await timed();
  } finally {
    await dropAndSettle(kc, ns);
  }
  return { ...figures, controlPlaneCpuMs: meter() };
}

// N bare `helm upgrade --install` of the packaged chart `tgz` at parallelism c (the floor).
export async function bareHelm(n: number, c: number, tgz: string): Promise<RunFigures> {
  const [ns] = await freshNamespace(kc, 'bench-helm');
  const helm = helmHome();
  try {
    return await settled(ns, () => helm.run(c, Array.from({ length: n }, (_, i) => ['upgrade', '--install', `r${i}`, tgz, '--namespace', ns, '--set', `message=m${i}`])));
  } finally {
    helm.drop();
  }
}

// The floor of an upgrade wave: N releases installed by bare helm (not timed), then N `helm upgrade` of each with
// `--set message=<value>` at parallelism c (timed).
export async function bareHelmWave(n: number, c: number, tgz: string, value: string): Promise<RunFigures> {
  const [ns] = await freshNamespace(kc, 'bench-helm-wave');
  const helm = helmHome();
  try {
    let meter = controlPlaneMeter();
    return await settled(ns, async () => {
      await helm.run(c, Array.from({ length: n }, (_, i) => ['upgrade', '--install', `r${i}`, tgz, '--namespace', ns, '--set', 'message=before']));
      meter = controlPlaneMeter();
      return helm.run(c, Array.from({ length: n }, (_, i) => ['upgrade', `r${i}`, tgz, '--namespace', ns, '--set', `message=${value}`]));
    }, () => meter());
  } finally {
    helm.drop();
  }
}

// A scratch helm home, and helm runs in it: each list of arguments one helm process, at most c at once.
function helmHome() {
  const home = mkdtempSync(join(tmpdir(), 'bench-helm-'));
  const env = { HELM_CACHE_HOME: join(home, 'c'), HELM_CONFIG_HOME: join(home, 'g'), HELM_DATA_HOME: join(home, 'd') };
  return {
    async run(c: number, argvs: string[][]): Promise<Omit<RunFigures, 'controlPlaneCpuMs'>> {
      const pids = new Set<number>();
      const rss = sampleRss(() => [...pids]);
      const cpu = treeCpuMs([process.pid]);
      const t = performance.now();
      await pool(c, argvs.map((argv) => async () => {
        const p = execa(HELM, argv, { env });
        if (p.pid) pids.add(p.pid);
        await p;
        if (p.pid) pids.delete(p.pid);
      }));
      const ms = performance.now() - t;
      const { helmBytes } = rss.stop();
      const { helmCpuMs } = cpuSince([process.pid], cpu);
      return { ms, selfBytes: 0, helmBytes, selfCpuMs: 0, helmCpuMs };
    },
    drop: () => rmSync(home, { recursive: true, force: true }),
  };
}

// An operator process under test: its root pid (for RSS) and how to stop it.
export interface Operator { pid: number | undefined; stop(): Promise<void> }

// N HelmReleases of chart `hello` 0.1.0 from `repository`, applied at once in a fresh namespace to the operator
// `start` makes for that namespace; wall ms from the first apply until `done` holds for all of them.
export async function operatorRun(n: number, repository: string, start: (namespace: string) => Promise<Operator>,
  done: (hr: HelmRelease) => boolean): Promise<RunFigures> {
  const [ns] = await freshNamespace(kc, 'bench-op');
  const op = await start(ns);
  const hrs = helmReleases(kc, ns);
  const roots = op.pid ? [op.pid] : [];
  const rss = sampleRss(() => roots);
  const cpu = treeCpuMs(roots);
  return settled(ns, async () => {
    const t = performance.now();
    try {
      await pool(8, Array.from({ length: n }, (_, i) => () => hrs.create(`r${i}`, { chart: { repository, name: 'hello', version: '0.1.0' }, releaseName: `r${i}`, values: { message: `m${i}` } })));
      await waitAll(ns, n, done, t);
      const ms = performance.now() - t;
      return { ms, ...rss.stop(), ...cpuSince(roots, cpu) };
    } finally {
      rss.stop();
      await op.stop();
    }
  });
}

// Waits until `done` holds for n HelmReleases of `ns` (watched, not polled: wait-done.ts); 30 min after `since` it
// gives up.
export async function waitAll(ns: string, n: number, done: (hr: HelmRelease) => boolean, since = performance.now()): Promise<void> {
  await waitDone(kc, ns, n, done, since);
}

// Ready=True, as Capstan reports a release done.
export const capstanReady = (hr: HelmRelease) => hr.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') === true;

// `capstan run --concurrency c` for one namespace, defaults otherwise.
// Also its queue's name (for the jobs' timestamps).
export const capstanOperator = (c: number) => async (namespace: string): Promise<Operator & { queue: string }> => {
  const queue = uniqueName('bench');
  const p = await startCapstan({ role: 'run', namespace, queue,
    args: ['--concurrency', String(c), '--log-level', 'warn', '--charts-sync-interval', '1h', '--debounce', '1s', '--retry-backoff', '10s'] });
  return { pid: p.proc.pid, queue, stop: () => p.stop() };
};
