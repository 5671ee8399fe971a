// Benchmark: HelmRelease apply → Ready latency, and the cost of a resync of unchanged releases.
// Run with `npm run bench` (brings up the control plane, Redis and helm like the tests). BENCH_RELEASES sets N.
import { Queue, QueueEvents } from 'bullmq';
import * as k8s from '@kubernetes/client-node';
import { releaseJobOptions, type ReleaseJob } from '../src/helm/queue/release-job.ts';
import { redisOptions } from '../src/redis-connection.ts';
import { startCapstan } from '../e2e/support/capstan.ts';
import { startChartRepo } from '../e2e/support/chart-repo.ts';
import { freshNamespace, kubeConfig, uniqueName } from '../e2e/support/cluster.ts';
import { applyCrd } from '../e2e/support/crd.ts';
import { helmReleases } from '../e2e/support/helm-releases.ts';

const N = Number(process.env.BENCH_RELEASES ?? 20);
const kc = kubeConfig();
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

await applyCrd(kc);
const [ns, dropNamespace] = await freshNamespace(kc, 'bench');
const repo = await startChartRepo();
await repo.publish('0.1.0');
const queueName = uniqueName('bench');
const capstan = await startCapstan({ role: 'run', namespace: ns, queue: queueName, args: ['--charts-sync-interval', '1h', '--concurrency', '4', '--log-level', 'warn'] });
const hrs = helmReleases(kc, ns);
const chart = { repository: repo.url, name: 'hello', version: '0.1.0' };
const custom = kc.makeApiClient(k8s.CustomObjectsApi);
try {
  // one release on an idle operator
  let t = performance.now();
  await hrs.create('solo', { chart, releaseName: 'solo' });
  await hrs.waitFor('solo', 'Ready', 'True', 120_000);
  console.log(`apply → Ready, 1 release, idle operator: ${fmt(performance.now() - t)}`);

  // N releases applied at once
  const created = new Map<string, number>();
  t = performance.now();
  for (let i = 0; i < N; i++) {
    await hrs.create(`r${i}`, { chart, releaseName: `r${i}`, values: { message: `m${i}` } });
    created.set(`r${i}`, performance.now());
  }
  const ready = new Map<string, number>();
  while (ready.size < N && performance.now() - t < 600_000) {
    const list = (await custom.listNamespacedCustomObject({ group: 'helm.fluxcd.io', version: 'v1', plural: 'helmreleases', namespace: ns })) as { items: Array<{ metadata: { name: string }; status?: { conditions?: Array<{ type: string; status: string }> } }> };
    for (const hr of list.items) {
      if (!ready.has(hr.metadata.name) && created.has(hr.metadata.name) && hr.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) ready.set(hr.metadata.name, performance.now());
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const latencies = [...ready].map(([name, at]) => at - (created.get(name) ?? at));
  console.log(`apply → Ready, ${N} releases at once (concurrency 4): median ${fmt(pct(latencies, 50))}, p90 ${fmt(pct(latencies, 90))}, max ${fmt(Math.max(...latencies))}, all in ${fmt(performance.now() - t)}`);

  // a resync of every unchanged release: jobs enqueued as the operator's resync does
  const connection = redisOptions(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const queue = new Queue<ReleaseJob>(queueName, { connection });
  const events = new QueueEvents(queueName, { connection });
  events.setMaxListeners(N + 10);
  queue.setMaxListeners(N + 10);
  await events.waitUntilReady();
  const helmBefore = await capstan.metric('capstan_helm_invocations_total');
  const names = ['solo', ...Array.from({ length: N }, (_, i) => `r${i}`)];
  t = performance.now();
  const jobs = await Promise.all(names.map((name) => queue.add(`${ns}/${name}`, { namespace: ns, name, reason: 'resync' }, releaseJobOptions(`${ns}/${name}`, 0))));
  const outcomes = await Promise.all(jobs.map((j) => j.waitUntilFinished(events, 120_000) as Promise<string>));
  const resyncMs = performance.now() - t;
  const helmRuns = (await capstan.metric('capstan_helm_invocations_total')) - helmBefore;
  console.log(`resync of ${names.length} unchanged releases: ${fmt(resyncMs)} (${(resyncMs / names.length).toFixed(1)} ms each), outcomes ${JSON.stringify(Object.fromEntries(outcomes.reduce((m, o) => m.set(o, (m.get(o) ?? 0) + 1), new Map<string, number>())))}, helm processes run: ${helmRuns}`);
  await Promise.all([queue.close(), events.close()]);
} finally {
  await capstan.stop();
  await repo.close();
  await dropNamespace();
}
