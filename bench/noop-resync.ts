// Benchmark (issue 14, 3): a resync of N Ready, unchanged releases (as --charts-sync-interval makes every few
// minutes): helm processes started (must be 0), Capstan's CPU milliseconds and the API server's requests per
// release, wall time, Capstan's RSS. The releases are first installed by Capstan itself. BENCH_RELEASES (default
// 1000), BENCH_CONCURRENCY (the worker's, default 8); BENCH_NODE_OPTIONS is Capstan's NODE_OPTIONS (e.g. --cpu-prof, to
// profile it). Run: `npm run bench:noop-resync`.
import { cpus, totalmem } from 'node:os';
import { Queue, QueueEvents } from 'bullmq';
import { execa } from 'execa';
import { releaseJobOptions, type ReleaseJob } from '../src/helm/queue/release-job.ts';
import { redisOptions } from '../src/redis-connection.ts';
import { startCapstan } from '../e2e/support/capstan.ts';
import { startChartRepo } from '../e2e/support/chart-repo.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from '../e2e/support/cluster.ts';
import { applyCrd } from '../e2e/support/crd.ts';
import { helmReleases } from '../e2e/support/helm-releases.ts';
import { processes, tree, treeCpuMs } from './support/proc-rss.ts';
import { mib, pool } from './support/release-runs.ts';

const N = Number(process.env.BENCH_RELEASES ?? 1000);
const C = Number(process.env.BENCH_CONCURRENCY ?? 8);
const kc = kubeConfig();

// The API server's requests served so far, all clients (apiserver_request_total summed).
async function apiRequests(): Promise<number> {
  const r = await execa(process.env.CAPSTAN_KUBECTL ?? 'kubectl', ['get', '--raw', '/metrics']);
  return r.stdout.split('\n').filter((l) => l.startsWith('apiserver_request_total{')).reduce((s, l) => s + Number(l.split(' ').at(-1)), 0);
}

await applyCrd(kc);
const [ns, drop] = await freshNamespace(kc, 'bench-resync');
const repo = await startChartRepo();
await repo.publish('0.1.0');
const queueName = uniqueName('resync');
const capstan = await startCapstan({ role: 'run', namespace: ns, queue: queueName,
  args: ['--concurrency', String(C), '--log-level', 'warn', '--charts-sync-interval', '1h', '--debounce', '1s'],
  env: { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? '' } });
const pid = capstan.proc.pid ?? 0;
// Capstan's memory as its /metrics reports it (prom-client's process and Node.js figures).
const memory = async (when: string) => {
  const [rss, used, total, external] = await Promise.all(['process_resident_memory_bytes', 'nodejs_heap_size_used_bytes',
    'nodejs_heap_size_total_bytes', 'nodejs_external_memory_bytes'].map((m) => capstan.metric(m)));
  return `| ${when} | ${mib(rss ?? 0)} | ${mib(used ?? 0)} | ${mib(total ?? 0)} | ${mib(external ?? 0)} |`;
};
// BENCH_HEAP_SNAPSHOTS=1 (with BENCH_NODE_OPTIONS=--heapsnapshot-signal=SIGUSR2): a heap snapshot at start and once installed.
const snapshot = async () => {
  if (!process.env.BENCH_HEAP_SNAPSHOTS) return;
  process.kill(pid, 'SIGUSR2');
  await new Promise((r) => setTimeout(r, 1000));
  // answered once the snapshot is written (a request made meanwhile may be reset)
  await eventually('the heap snapshot to be written', () => capstan.metric('process_resident_memory_bytes').then(() => true, () => undefined), 120_000);
};
const memoryRows = [await memory('started, 0 releases')];
await snapshot();
const hrs = helmReleases(kc, ns);
const connection = redisOptions(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const queue = new Queue<ReleaseJob>(queueName, { connection });
const events = new QueueEvents(queueName, { connection });
try {
  const names = Array.from({ length: N }, (_, i) => `r${i}`);
  const t0 = performance.now();
  const setupCpu0 = treeCpuMs([pid]);
  await pool(16, names.map((name) => () => hrs.create(name, { chart: { repository: repo.url, name: 'hello', version: '0.1.0' }, releaseName: name })));
  await pool(16, names.map((name) => () => hrs.waitFor(name, 'Ready', 'True', 3_600_000)));
  const setupMs = performance.now() - t0;
  const setupCpuMs = treeCpuMs([pid]).selfMs - setupCpu0.selfMs;
  memoryRows.push(await memory(`${N} releases installed`));
  await events.waitUntilReady();
  events.setMaxListeners(N + 10);
  // idle for a while first: the API server's background rate (other clients), subtracted below
  const idleMs = 10_000;
  const idle0 = await apiRequests();
  await new Promise((r) => setTimeout(r, idleMs));
  const idleRate = ((await apiRequests()) - idle0) / idleMs;
  memoryRows.push(await memory(`${N} releases installed, ${idleMs / 1000} s idle`));
  await snapshot();
  const helm0 = await capstan.metric('capstan_helm_invocations_total');
  const cpu0 = treeCpuMs([pid]);
  const api0 = await apiRequests();
  const t = performance.now();
  const jobs = await queue.addBulk(names.map((name) => ({ name: `${ns}/${name}`, data: { namespace: ns, name, reason: 'resync' }, opts: releaseJobOptions(`${ns}/${name}`, 0) })));
  const outcomes = await Promise.all(jobs.map((j) => j.waitUntilFinished(events, 3_600_000) as Promise<string>));
  const ms = performance.now() - t;
  const cpu = treeCpuMs([pid]);
  const api = (await apiRequests()) - api0 - idleRate * ms;
  const helmRuns = (await capstan.metric('capstan_helm_invocations_total')) - helm0;
  const rss = tree(pid, processes()).reduce((s, p) => s + p.rssBytes, 0);
  memoryRows.push(await memory(`after the resync of ${N}`));
  const counts = Object.fromEntries(outcomes.reduce((m, o) => m.set(o, (m.get(o) ?? 0) + 1), new Map<string, number>()));
  console.log(`## No-op resync of ${N} Ready releases (${new Date().toISOString().slice(0, 10)})

Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${mib(totalmem())}. Command: \`BENCH_RELEASES=${N} BENCH_CONCURRENCY=${C} npm run bench:noop-resync\`.
Setup (install of all ${N} by Capstan): ${(setupMs / 1000).toFixed(1)} s, Capstan's CPU ${(setupCpuMs / N).toFixed(1)} ms per release (helm's apart). Outcomes: ${JSON.stringify(counts)}. API requests are the API server's over the resync minus its idle rate.

| releases | wall time | helm processes | Capstan CPU per release | API requests per release | Capstan RSS after |
|---|---|---|---|---|---|
| ${N} | ${(ms / 1000).toFixed(2)} s | ${helmRuns} | ${((cpu.selfMs - cpu0.selfMs) / N).toFixed(2)} ms | ${(api / N).toFixed(1)} | ${mib(rss)} |

| Capstan's memory | RSS | heap used | heap total | external |
|---|---|---|---|---|
${memoryRows.join('\n')}`);
} finally {
  await Promise.all([queue.close(), events.close()]);
  await capstan.stop();
  await repo.close();
  await drop();
}
