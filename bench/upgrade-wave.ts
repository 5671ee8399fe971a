// Benchmark (issue 14, 4): an upgrade wave. N HelmReleases of chart `hello` all take `message` from one ConfigMap
// (spec.valuesFrom configMapKeyRef); once all are Ready the ConfigMap changes, and the wave is timed until every
// release is upgraded (status.lastReleaseVersion 2, Helm's revision) and Ready, with `capstan run --concurrency C`.
// Queue waits come from the BullMQ jobs of the wave (processedOn - timestamp - debounce delay, first attempt).
// The floor, in the same run: N bare `helm upgrade --set message=…` at the same parallelism.
// BENCH_RELEASES (default 100), BENCH_CONCURRENCY (default 4). Run: `npm run bench:upgrade-wave`.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { type Job, Queue } from 'bullmq';
import { execa } from 'execa';
import type { HelmRelease } from '../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { EnqueueReason, type ReleaseJob } from '../src/helm/queue/release-job.ts';
import { redisOptions } from '../src/redis-connection.ts';
import { type ChartRepo, startChartRepo } from '../e2e/support/chart-repo.ts';
import { freshNamespace, kubeConfig } from '../e2e/support/cluster.ts';
import { applyCrd } from '../e2e/support/crd.ts';
import { HELLO_CHART } from '../e2e/support/helm.ts';
import { helmReleases } from '../e2e/support/helm-releases.ts';
import { treeCpuMs } from './support/proc-rss.ts';
import { dropAndSettle } from './support/settle.ts';
import { bareHelmWave, capstanOperator, capstanReady, HELM, mib, pool, waitAll } from './support/release-runs.ts';

const N = Number(process.env.BENCH_RELEASES ?? 100);
const C = Number(process.env.BENCH_CONCURRENCY ?? 4);
const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const upgraded = (hr: HelmRelease) => capstanReady(hr) && (hr.status?.lastReleaseVersion ?? 0) >= 2;

// What Capstan's wave measured: wall ms, CPU ms of Capstan and of its helm children, the wave's jobs.
// and what it asked of the chart repository (index reads, chart downloads).
interface Wave { installMs: number; ms: number; selfCpuMs: number; helmCpuMs: number; jobs: Array<Job<ReleaseJob>>; changedAt: number; asked: string[] }

// The wave's jobs: those enqueued because the ConfigMap changed, at or after `since` (epoch ms).
async function waveJobs(queueName: string, since: number): Promise<Array<Job<ReleaseJob>>> {
  const queue = new Queue<ReleaseJob>(queueName, { connection: redisOptions(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379') });
  try {
    const jobs = await queue.getJobs(['completed', 'failed'], 0, -1);
    return jobs.filter((j) => j.data.reason === EnqueueReason.ValuesSourceChanged && j.timestamp >= since);
  } finally {
    await queue.close();
  }
}

// Capstan: N releases reading one ConfigMap installed and Ready, then the ConfigMap changed and the wave timed.
async function capstanWave(repo: ChartRepo): Promise<Wave> {
  const [ns] = await freshNamespace(kc, 'bench-wave');
  const op = await capstanOperator(C)(ns);
  try {
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'shared' }, data: { 'values.yaml': 'message: before\n' } } });
    const hrs = helmReleases(kc, ns);
    const t0 = performance.now();
    await pool(8, Array.from({ length: N }, (_, i) => () => hrs.create(`r${i}`, {
      chart: { repository: repo.url, name: 'hello', version: '0.1.0' }, releaseName: `r${i}`, valuesFrom: [{ configMapKeyRef: { name: 'shared', key: 'values.yaml' } }],
    })));
    await waitAll(ns, N, capstanReady, t0);
    const installMs = performance.now() - t0;
    const roots = op.pid ? [op.pid] : [];
    const cpu0 = treeCpuMs(roots);
    const asked0 = repo.requests.length;
    const changedAt = Date.now();
    const t = performance.now();
    await core.patchNamespacedConfigMap({ namespace: ns, name: 'shared', body: { data: { 'values.yaml': 'message: after\n' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    await waitAll(ns, N, upgraded, t);
    const ms = performance.now() - t;
    const cpu = treeCpuMs(roots);
    const asked = repo.requests.slice(asked0);
    // what a user would check: helm's own values of the first and the last release
    for (const r of ['r0', `r${N - 1}`]) {
      const got = JSON.parse((await execa(HELM, ['get', 'values', r, '--namespace', ns, '--output', 'json'])).stdout) as { message?: string };
      if (got.message !== 'after') throw new Error(`release ${r} has message ${JSON.stringify(got.message)} after the wave, not "after"`);
    }
    return { installMs, ms, selfCpuMs: cpu.selfMs - cpu0.selfMs, helmCpuMs: cpu.helmMs - cpu0.helmMs, jobs: await waveJobs(op.queue, changedAt), changedAt, asked };
  } finally {
    await op.stop();
    await dropAndSettle(kc, ns); // the HelmReleases' finalizers go first
  }
}

await applyCrd(kc);
const repo = await startChartRepo();
await repo.publish('0.1.0');
const dir = mkdtempSync(join(tmpdir(), 'bench-chart-'));
let bare: Awaited<ReturnType<typeof bareHelmWave>>;
let wave: Wave;
try {
  await execa(HELM, ['package', HELLO_CHART, '--version', '0.1.0', '--destination', dir]);
  bare = await bareHelmWave(N, C, join(dir, 'hello-0.1.0.tgz'), 'after');
  wave = await capstanWave(repo);
} finally {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
}
const waits = wave.jobs.map((j) => (j.processedOn ?? NaN) - j.timestamp - (j.opts.delay ?? 0)).filter((x) => x >= 0);
const enqueued = Math.max(...wave.jobs.map((j) => j.timestamp)) - wave.changedAt;
const w = (ms: number) => `${(ms / 1000).toFixed(2)}`;
console.log(`## Upgrade wave: one ConfigMap value read by ${N} releases changed (${new Date().toISOString().slice(0, 10)})

Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${mib(totalmem())}; load average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}. Command: \`BENCH_RELEASES=${N} BENCH_CONCURRENCY=${C} npm run bench:upgrade-wave\`; one run.
Capstan: \`capstan run --concurrency ${C} --debounce 1s\`; install of the ${N} releases first: ${s(wave.installMs)}. The wave: from the ConfigMap patch until every HelmRelease is Ready with status.lastReleaseVersion 2 (\`helm get values\` checked on the first and the last). Jobs of the wave: ${wave.jobs.length} (last enqueued ${w(enqueued)} s after the patch). Chart repository requests during the wave: ${wave.asked.filter((p) => p.endsWith('index.yaml')).length} index reads, ${wave.asked.filter((p) => p.endsWith('.tgz')).length} chart downloads. Queue wait: from the BullMQ jobs (processedOn − timestamp − debounce delay). The floor: ${N} bare \`helm upgrade --set message=after\` at parallelism ${C} in the same run.

| releases | concurrency | bare helm upgrade | Capstan wave | × bare helm | queue wait p50 / p90 / p99 / max | CPU: Capstan / its helm / bare helm |
|---|---|---|---|---|---|---|
| ${N} | ${C} | ${s(bare.ms)} | ${s(wave.ms)} | **${(wave.ms / bare.ms).toFixed(2)}** | ${[50, 90, 99].map((p) => w(pct(waits, p))).join(' / ')} / ${w(Math.max(...waits))} s | ${Math.round(wave.selfCpuMs)} ms / ${Math.round(wave.helmCpuMs)} ms / ${Math.round(bare.helmCpuMs)} ms |`);
