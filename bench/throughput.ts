// Benchmark (issue 14, 1): N HelmReleases of one chart from a local chart repository, from zero to all Ready, with
// Capstan (`capstan run --concurrency C`) and, in the same run, the same N with bare `helm upgrade --install` at the
// same parallelism (the floor). Prints a markdown table: wall time, releases/s, the ratio to bare helm, peak RSS of
// Capstan's processes and, apart, of the helm children.
// BENCH_SIZES (default 40), BENCH_CONCURRENCY (default 4), BENCH_REPEAT (runs per cell, median; default 1).
// Run: `npm run bench:throughput` (brings services up), or with services up `node bench/throughput.ts`.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { execa } from 'execa';
import { startCapstan } from '../e2e/support/capstan.ts';
import { startChartRepo } from '../e2e/support/chart-repo.ts';
import { freshNamespace, kubeConfig, uniqueName } from '../e2e/support/cluster.ts';
import { applyCrd } from '../e2e/support/crd.ts';
import { HELLO_CHART } from '../e2e/support/helm.ts';
import { helmReleases } from '../e2e/support/helm-releases.ts';
import { sampleRss } from './support/proc-rss.ts';

const list = (v: string | undefined, d: string) => (v ?? d).split(',').map(Number).filter((n) => n > 0);
const SIZES = list(process.env.BENCH_SIZES, '40');
const CONCURRENCY = list(process.env.BENCH_CONCURRENCY, '4');
const REPEAT = Number(process.env.BENCH_REPEAT ?? 1);
const HELM = process.env.CAPSTAN_HELM_BINARY ?? 'helm';
const kc = kubeConfig();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

// Runs `jobs` with at most `c` at once.
async function pool(c: number, jobs: Array<() => Promise<void>>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: c }, async () => { while (next < jobs.length) await jobs[next++]?.(); }));
}

// N bare `helm upgrade --install` of the packaged chart at parallelism c, in a fresh namespace: wall ms and peak RSS of helm.
async function bareHelm(n: number, c: number, tgz: string): Promise<{ ms: number; helmBytes: number }> {
  const [ns, drop] = await freshNamespace(kc, 'bench-helm');
  const home = mkdtempSync(join(tmpdir(), 'bench-helm-'));
  const env = { HELM_CACHE_HOME: join(home, 'c'), HELM_CONFIG_HOME: join(home, 'g'), HELM_DATA_HOME: join(home, 'd') };
  const pids = new Set<number>();
  const rss = sampleRss(() => [...pids]);
  const t = performance.now();
  await pool(c, Array.from({ length: n }, (_, i) => async () => {
    const p = execa(HELM, ['upgrade', '--install', `r${i}`, tgz, '--namespace', ns, '--set', `message=m${i}`], { env });
    if (p.pid) pids.add(p.pid);
    await p;
    if (p.pid) pids.delete(p.pid);
  }));
  const ms = performance.now() - t;
  const { helmBytes } = rss.stop();
  rmSync(home, { recursive: true, force: true });
  await drop();
  return { ms, helmBytes };
}

// N HelmReleases applied at once to a fresh `capstan run --concurrency c`: wall ms from the first apply to all Ready.
async function capstan(n: number, c: number, repository: string): Promise<{ ms: number; selfBytes: number; helmBytes: number }> {
  const [ns, drop] = await freshNamespace(kc, 'bench-capstan');
  const p = await startCapstan({ role: 'run', namespace: ns, queue: uniqueName('bench'),
    args: ['--concurrency', String(c), '--log-level', 'warn', '--charts-sync-interval', '1h', '--debounce', '1s', '--retry-backoff', '10s'] });
  const hrs = helmReleases(kc, ns);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const rss = sampleRss(() => (p.proc.pid ? [p.proc.pid] : []));
  const t = performance.now();
  await pool(8, Array.from({ length: n }, (_, i) => () => hrs.create(`r${i}`, { chart: { repository, name: 'hello', version: '0.1.0' }, releaseName: `r${i}`, values: { message: `m${i}` } }).then(() => undefined)));
  for (let ready = 0; ready < n;) {
    if (performance.now() - t > 1_800_000) throw new Error(`only ${ready} of ${n} Ready after 30 min`);
    await new Promise((r) => setTimeout(r, 100));
    const items = ((await custom.listNamespacedCustomObject({ group: 'helm.fluxcd.io', version: 'v1', plural: 'helmreleases', namespace: ns })) as { items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }> }).items;
    ready = items.filter((hr) => hr.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')).length;
  }
  const ms = performance.now() - t;
  const peaks = rss.stop();
  await p.stop();
  await drop();
  return { ms, ...peaks };
}

await applyCrd(kc);
const repo = await startChartRepo();
await repo.publish('0.1.0');
const dir = mkdtempSync(join(tmpdir(), 'bench-chart-'));
await execa(HELM, ['package', HELLO_CHART, '--version', '0.1.0', '--destination', dir]);
const tgz = join(dir, 'hello-0.1.0.tgz');
const rows: string[] = [];
try {
  for (const n of SIZES) {
    for (const c of CONCURRENCY) {
      const bare: number[] = []; const cap: number[] = []; let self = 0; let helmPeak = 0; let barePeak = 0;
      for (let r = 0; r < REPEAT; r++) {
        const b = await bareHelm(n, c, tgz);
        bare.push(b.ms); barePeak = Math.max(barePeak, b.helmBytes);
        const x = await capstan(n, c, repo.url);
        cap.push(x.ms); self = Math.max(self, x.selfBytes); helmPeak = Math.max(helmPeak, x.helmBytes);
      }
      const [b, x] = [median(bare), median(cap)];
      rows.push(`| ${n} | ${c} | ${(b / 1000).toFixed(1)} s | ${(x / 1000).toFixed(1)} s | ${(n / (x / 1000)).toFixed(2)} | **${(x / b).toFixed(2)}** | ${mib(self)} | ${mib(helmPeak)} (bare: ${mib(barePeak)}) |`);
      console.error(rows.at(-1));
    }
  }
} finally {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`## Throughput: N releases of one chart, zero to all Ready (${new Date().toISOString().slice(0, 10)})

Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${mib(totalmem())}. Command: \`BENCH_SIZES=${SIZES.join(',')} BENCH_CONCURRENCY=${CONCURRENCY.join(',')} BENCH_REPEAT=${REPEAT} npm run bench:throughput\`; ${REPEAT > 1 ? `median of ${REPEAT} runs per cell` : 'one run per cell'}.
Bare helm: \`helm upgrade --install\` of the packaged chart at the same parallelism. Capstan: \`capstan run --concurrency C\`, defaults otherwise (debounce 1 s), the chart from a loopback chart repository.

| N | concurrency | bare helm | Capstan | Capstan releases/s | × bare helm | Capstan peak RSS | helm children peak RSS |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}`);
