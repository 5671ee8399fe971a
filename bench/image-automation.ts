// Benchmark: image automation through `capstan daemon` against Debian's docker-registry and a git daemon on
// loopback. BENCH_WORKLOADS (default 20) automated Deployments over BENCH_REPOS (default 10) repositories with
// BENCH_TAGS (default 50) tags each, half the workloads with a time-ordered (glob) filter and half with semver.
// Prints the registry requests of one scan cycle with nothing new, and the time from a tag pushed to the
// registry to the automation commit pushed to Git, by polling (--automation-interval 2s) and through a second
// registry that sends push notifications to /hooks/registry. Run with `npm run bench` (services up).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCapstan } from '../e2e/support/capstan.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from '../e2e/support/cluster.ts';
import { git, startGitServer } from '../e2e/support/git-server.ts';
import { freePort } from '../e2e/support/net.ts';
import { pushImage, startRegistry } from '../e2e/support/registry.ts';
import { mapLimit } from '../src/map-limit.ts';

const WORKLOADS = Number(process.env.BENCH_WORKLOADS ?? 20);
const REPOS = Number(process.env.BENCH_REPOS ?? 10);
const TAGS = Number(process.env.BENCH_TAGS ?? 50);
const INTERVAL_S = 2;
const kc = kubeConfig();
const [ns, dropNamespace] = await freshNamespace(kc, 'benchimg');
const created = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i));
const reg = await startRegistry();
const port = await freePort();
const hooked = await startRegistry({ notify: { url: `http://127.0.0.1:${port}/hooks/registry`, token: 'bench-hook' } });
await pushImage(hooked, 'hooked', '1.0.0', { created: created(0) });
const server = await startGitServer();
const pushes = Array.from({ length: REPOS }, (_, r) => Array.from({ length: TAGS }, (_, t) => ({ repo: `app${r}`, tag: `1.0.${t}`, t }))).flat();
await mapLimit(pushes, 8, (p) => pushImage(reg, p.repo, p.tag, { created: created(p.t) }));
const url = await server.createRepo('bench');
const bare = join(server.root, 'repos/bench.git');
const work = await server.clone(url, 'work');
for (let i = 0; i < WORKLOADS; i++) {
  const filter = i % 2 === 0 ? 'semver:~1.0' : 'glob:1.0.*';
  writeFileSync(join(work, `w${i}.yaml`), `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w${i}\n  annotations:\n    fluxcd.io/automated: "true"\n    fluxcd.io/tag.app: "${filter}"\nspec:\n  selector: {matchLabels: {app: w${i}}}\n  template:\n    metadata: {labels: {app: w${i}}}\n    spec:\n      containers:\n      - name: app\n        image: ${reg.host}/app${i % REPOS}:1.0.${TAGS - 1}\n`);
}
writeFileSync(join(work, 'hooked.yaml'), `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: hooked\n  annotations:\n    fluxcd.io/automated: "true"\n    fluxcd.io/tag.app: "semver:~1.0"\nspec:\n  selector: {matchLabels: {app: hooked}}\n  template:\n    metadata: {labels: {app: hooked}}\n    spec:\n      containers:\n      - name: app\n        image: ${hooked.host}/hooked:1.0.0\n`);
await git(work, 'add', '-A');
await git(work, 'commit', '-m', 'Workloads');
await git(work, 'push', 'origin', 'HEAD:main');
const daemon = await startCapstan({ role: 'daemon', namespace: ns, queue: uniqueName('unused'), port, args: [
  '--registry-insecure-host', hooked.host,
  '--git-url', url, '--git-branch', 'main', '--k8s-default-namespace', ns, '--sync-interval', '1h', '--git-poll-interval', '10s',
  '--automation-interval', `${INTERVAL_S}s`, '--registry-insecure-host', reg.host, '--log-level', 'info',
], env: { CAPSTAN_WEBHOOK_SECRET: 'bench-hook' } });
const cycles = () => daemon.metric('capstan_image_automation_cycles_total', { result: 'ok' });
const requests = async () => Object.fromEntries(await Promise.all(['tags', 'manifest', 'blob', 'token'].map(async (kind) => [kind, await daemon.metric('capstan_registry_requests_total', { kind })])));
const waitCycles = async (n: number) => {
  const start = await cycles();
  await eventually(`${n} cycles`, async () => ((await cycles()) >= start + n || undefined), 120_000);
};
try {
  await waitCycles(2); // the first cycle reads every tag list and the metadata the glob filters need
  const first = await requests();
  console.log(`first scan: ${JSON.stringify(first)} requests for ${REPOS} repositories x ${TAGS} tags, ${WORKLOADS} workloads`);
  const before = await requests();
  const c0 = await cycles();
  await waitCycles(3);
  const after = await requests();
  const n = (await cycles()) - c0;
  const per = Object.fromEntries(Object.keys(after).map((k) => [k, ((after[k] ?? 0) - (before[k] ?? 0)) / n]));
  console.log(`scan cycle with nothing new (mean of ${n}): ${JSON.stringify(per)} requests per cycle`);
  const latencies: number[] = [];
  for (let i = 0; i < 3; i++) {
    const tag = `1.0.${TAGS + i}`;
    const start = performance.now();
    await pushImage(reg, 'app0', tag, { created: created(TAGS + i) });
    await eventually('the commit', async () => ((await git(bare, 'log', '-1', '--format=%s', 'main')).stdout.includes(`app0:${tag}`) || undefined), 120_000);
    latencies.push(performance.now() - start);
  }
  latencies.sort((a, b) => a - b);
  console.log(`tag pushed -> commit pushed (--automation-interval ${INTERVAL_S}s, 3 runs): ${latencies.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')}`);
  const hookLatencies: number[] = [];
  for (let i = 1; i <= 3; i++) {
    const tag = `1.0.${i}`;
    const start = performance.now();
    await pushImage(hooked, 'hooked', tag, { created: created(i) });
    await eventually('the commit', async () => ((await git(bare, 'log', '-1', '--format=%s', 'main')).stdout.includes(`hooked:${tag}`) || undefined), 120_000);
    hookLatencies.push(performance.now() - start);
  }
  hookLatencies.sort((a, b) => a - b);
  console.log(`tag pushed -> commit pushed (registry push notification, 3 runs): ${hookLatencies.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')}`);
} finally {
  await daemon.stop();
  await server.close();
  await reg.stop();
  await hooked.stop();
  await dropNamespace();
}
