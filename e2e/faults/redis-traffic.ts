// Measures the Redis traffic of `capstan run` (operator + one worker) on a Redis of its own: an idle minute, a
// wave of N releases (create → all Ready), an idle minute with those releases in place, and a minute while 4
// helm runs wait (locks and leases held and renewed). Prints commands (the
// inner calls of scripts count) and network bytes, with the busiest commands. The figures behind the comment in
// src/helm/worker-timings.ts; run it on an older checkout to compare. Needs KUBECONFIG and helm like the e2e tests:
//   e2e/with-services.sh node e2e/faults/redis-traffic.ts      (TRAFFIC_RELEASES=N, default 20)
import * as k8s from '@kubernetes/client-node';
import { startCapstan } from '../support/capstan.ts';
import { startChartRepo } from '../support/chart-repo.ts';
import { freshNamespace, kubeConfig, uniqueName } from '../support/cluster.ts';
import { applyCrd } from '../support/crd.ts';
import { helmReleases } from '../support/helm-releases.ts';
import { redisTraffic, startOwnRedis } from '../support/redis-server.ts';
import { startGatedChartRepo } from './gated-chart.ts';

const N = Number(process.env.TRAFFIC_RELEASES ?? 20);
const kc = kubeConfig();
type Snapshot = Awaited<ReturnType<typeof redisTraffic>>;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const diff = (a: Snapshot, b: Snapshot) => {
  const top = [...b.commands].map(([c, n]) => [c, n - (a.commands.get(c) ?? 0)] as const).filter(([, n]) => n > 0).sort((x, y) => y[1] - x[1]);
  return { commands: b.total - a.total, bytes: b.bytesIn - a.bytesIn + b.bytesOut - a.bytesOut, top: top.slice(0, 8).map(([c, n]) => `${c} ${n}`).join(', ') };
};

await applyCrd(kc);
const [ns, dropNamespace] = await freshNamespace(kc, 'traffic');
const repo = await startChartRepo();
await repo.publish('0.1.0');
const redis = await startOwnRedis();
const capstan = await startCapstan({
  role: 'run', namespace: ns, queue: uniqueName('traffic'),
  args: ['--redis-url', redis.url, '--charts-sync-interval', '1h', '--debounce', '1s', '--retry-backoff', '10s', '--log-level', 'warn'],
});
const hrs = helmReleases(kc, ns);
const custom = kc.makeApiClient(k8s.CustomObjectsApi);
const results: Record<string, ReturnType<typeof diff> & { seconds: number }> = {};
const measure = async (label: string, during: () => Promise<void>) => {
  const t = performance.now();
  const before = await redisTraffic(redis);
  await during();
  results[label] = { ...diff(before, await redisTraffic(redis)), seconds: Math.round((performance.now() - t) / 1000) };
  console.log(`${label}: ${JSON.stringify(results[label])}`);
};
try {
  await sleep(10_000); // start-up settles
  await measure('idle minute, no releases', () => sleep(60_000));
  await measure(`wave of ${N} releases`, async () => {
    for (let i = 0; i < N; i++) await hrs.create(`r${i}`, { chart: { repository: repo.url, name: 'hello', version: '0.1.0' }, releaseName: `r${i}`, wait: true });
    for (let ready = 0; ready < N;) {
      await sleep(500);
      const list = (await custom.listNamespacedCustomObject({ group: 'helm.fluxcd.io', version: 'v1', plural: 'helmreleases', namespace: ns })) as { items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }> };
      ready = list.items.filter((hr) => hr.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    }
  });
  await sleep(5_000);
  await measure(`idle minute, ${N} releases`, () => sleep(60_000));
  // a minute while 4 helm runs wait (on a gate, see gated-chart.ts): what the locks and leases cost while held
  const gated = await startGatedChartRepo();
  try {
    for (let i = 0; i < 4; i++) await hrs.create(`long${i}`, { chart: gated.chart, releaseName: `long${i}`, wait: true, timeout: 600, values: { gate: 'g' } });
    await sleep(15_000);
    await measure('a minute of 4 long helm runs', () => sleep(60_000));
  } finally {
    await gated.close();
  }
  console.log(JSON.stringify(results));
} finally {
  await capstan.stop();
  await redis.close();
  await repo.close();
  await dropNamespace();
}
