// Benchmark (issue 14, 5): Git sync of a repository of BENCH_OBJECTS (default 1000) objects (ConfigMaps, a tenth
// Services, a tenth Deployments with 0 replicas, in nested folders) from a loopback git daemon, each into a fresh
// namespace: `kubectl apply --server-side -R` of the same files (the floor), a real `capstan daemon` from start until
// its sync record says the head is applied, and fluxd 1.25.4 from start until every object exists; then a no-op sync
// of the same revision (`POST /api/flux/v11/notify`: its applies and time) and a commit pushed then announced by the
// signed push webhook (`/hooks/git`) until the changed ConfigMap reads the new value; medians of BENCH_REPEAT
// (default 5) runs. BENCH_FLUXD=0 leaves fluxd out. Run: `npm run bench:sync`.
import { createHmac } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { execa } from 'execa';
import type { SyncRecord } from '../src/sync/sync-source.ts';
import { startCapstan } from '../e2e/support/capstan.ts';
import { freshNamespace, kubeConfig, uniqueName } from '../e2e/support/cluster.ts';
import { git, startGitServer } from '../e2e/support/git-server.ts';
import { startFluxd } from './support/fluxd.ts';
import { processes, tree, treeCpuMs } from './support/proc-rss.ts';
import { median, mib } from './support/release-runs.ts';

const N = Number(process.env.BENCH_OBJECTS ?? 1000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);
const WITH_FLUXD = process.env.BENCH_FLUXD !== '0';
const SECRET = 'bench-webhook-secret';
const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);
const drops: Array<() => Promise<void>> = [];

// Polls `probe` every `everyMs` (fixed, so the time it reports is that fine) until it answers, for at most `ms`.
async function until<T>(what: string, probe: () => Promise<T | undefined>, everyMs: number, ms = 1_200_000): Promise<T> {
  for (const end = performance.now() + ms; performance.now() < end; await new Promise((r) => setTimeout(r, everyMs))) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
  }
  throw new Error(`timed out waiting for ${what}`);
}

// The i-th object's manifest (no namespace: each system puts it in its own default namespace).
function manifest(i: number, value: string): string {
  const meta = `metadata:\n  name: b-${i}\n  labels: {app: b-${i}}\n`;
  if (i % 10 === 1) return `apiVersion: v1\nkind: Service\n${meta}spec:\n  ports: [{port: 80, targetPort: 8080}]\n  selector: {app: b-${i}}\n`;
  if (i % 10 === 2) {
    return `apiVersion: apps/v1\nkind: Deployment\n${meta}spec:\n  replicas: 0\n  selector: {matchLabels: {app: b-${i}}}\n  template:\n    metadata: {labels: {app: b-${i}}}\n    spec: {containers: [{name: app, image: "registry.invalid/app:1.0.${i}"}]}\n`;
  }
  return `apiVersion: v1\nkind: ConfigMap\n${meta}data:\n  index: "${i}"\n  value: "${value}"\n`;
}

// How many of the benchmark's objects exist in `namespace`.
async function count(namespace: string): Promise<number> {
  const [c, s, d] = await Promise.all([core.listNamespacedConfigMap({ namespace }), core.listNamespacedService({ namespace }), apps.listNamespacedDeployment({ namespace })]);
  return [...c.items, ...s.items, ...d.items].filter((o) => o.metadata?.name?.startsWith('b-')).length;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const server = await startGitServer();
try {
  const url = await server.createRepo(uniqueName('bench-sync'));
  const work = await server.clone(url, 'work');
  for (let i = 0; i < N; i++) {
    const dir = join(work, 'objects', `g${Math.floor(i / 100)}`, `s${Math.floor(i / 10) % 10}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `b-${i}.yaml`), manifest(i, 'v0'));
  }
  const commit = async (message: string) => {
    await git(work, 'add', '-A');
    await git(work, 'commit', '-q', '-m', message);
    await git(work, 'push', '-q', 'origin', 'HEAD:main');
    return (await git(work, 'rev-parse', 'HEAD')).stdout.trim();
  };
  let head = await commit(`${N} objects`);

  // (a) the floor: kubectl apply --server-side of the same files
  const [kubectlNs, dropK] = await freshNamespace(kc, 'bench-sync-kubectl');
  drops.push(dropK);
  let t = performance.now();
  await execa(process.env.CAPSTAN_KUBECTL ?? 'kubectl', ['apply', '--server-side', '-R', '-f', join(work, 'objects'), '-n', kubectlNs], { stdout: 'ignore' });
  const kubectlMs = performance.now() - t;
  if ((await count(kubectlNs)) !== N) throw new Error('kubectl applied fewer objects than the repository holds');

  // (b) capstan daemon, from start until its sync record says the head is applied, every object included
  const [capstanNs, dropC] = await freshNamespace(kc, 'bench-sync-capstan');
  drops.push(dropC);
  t = performance.now();
  const capstan = await startCapstan({ role: 'daemon', namespace: capstanNs, queue: uniqueName('bench-sync'), env: { CAPSTAN_WEBHOOK_SECRET: SECRET },
    args: ['--git-url', url, '--git-branch', 'main', '--git-sync-tag', uniqueName('capstan-sync'), '--sync-interval', '1h', '--git-poll-interval', '1h',
      '--k8s-default-namespace', capstanNs, '--k8s-allow-namespace', capstanNs, '--sync-garbage-collection', '--git-timeout', '60s', '--sync-timeout', '20m',
      '--registry-disable-scanning', '--log-level', 'info'] });
  drops.push(() => capstan.stop());
  const record = async () => ((await (await fetch(`${capstan.url}/api/capstan/v1/sync`)).json()) as { sources: Array<{ record?: SyncRecord }> }).sources[0]?.record;
  const first = await until('Capstan\'s first sync', async () => { const r = await record(); return r?.revision === head && r.complete ? r : undefined; }, 50);
  const capstanMs = performance.now() - t;
  if (first.applied.length !== N || (await count(capstanNs)) !== N) throw new Error(`Capstan applied ${first.applied.length} of ${N}: ${JSON.stringify(first.failed.slice(0, 3))}`);
  const pid = capstan.proc.pid ?? 0;
  const rss = () => tree(pid, processes()).reduce((s, p) => s + p.rssBytes, 0);
  const rssAfterFirst = rss();

  // (d) no-op syncs of the same revision
  const syncs = () => capstan.metric('flux_daemon_sync_duration_seconds_count');
  const noops: Array<{ ms: number; syncMs: number; applies: number; cpuMs: number }> = [];
  for (let i = 0; i < REPEAT; i++) {
    const before = await syncs();
    const cpu = treeCpuMs([pid]).selfMs;
    t = performance.now();
    await fetch(`${capstan.url}/api/flux/v11/notify`, { method: 'POST', body: '{}' });
    await until('a no-op sync', async () => ((await syncs()) > before ? true : undefined), 20);
    const ms = performance.now() - t;
    const r = await record();
    noops.push({ ms, syncMs: r?.durationMs ?? NaN, applies: r?.applied.length ?? NaN, cpuMs: treeCpuMs([pid]).selfMs - cpu });
  }

  // (e) a commit changing one ConfigMap, pushed, then the signed push webhook, until the ConfigMap has changed
  const hooks: Array<{ ms: number; applies: number; cpuMs: number }> = [];
  for (let i = 1; i <= REPEAT; i++) {
    writeFileSync(join(work, 'objects', 'g0', 's0', 'b-0.yaml'), manifest(0, `v${i}`));
    head = await commit(`b-0: v${i}`);
    const payload = JSON.stringify({ ref: 'refs/heads/main', after: head });
    const cpu = treeCpuMs([pid]);
    const signature = `sha256=${createHmac('sha256', SECRET).update(payload).digest('hex')}`;
    t = performance.now();
    const res = await fetch(`${capstan.url}/hooks/git`, { method: 'POST', body: payload, headers: { 'X-Hub-Signature-256': signature, 'X-GitHub-Event': 'push' } });
    if (res.status !== 202) throw new Error(`the webhook was answered ${res.status}`);
    await until('the pushed change', async () => ((await core.readNamespacedConfigMap({ name: 'b-0', namespace: capstanNs })).data?.value === `v${i}` || undefined), 10, 120_000);
    const ms = performance.now() - t;
    const r = await until('the sync record of the push', async () => { const x = await record(); return x?.revision === head ? x : undefined; }, 20, 120_000);
    const now = treeCpuMs([pid]); // Capstan's own and its git children's
    hooks.push({ ms, applies: r.applied.length, cpuMs: now.selfMs + now.helmMs - cpu.selfMs - cpu.helmMs });
  }
  const rssEnd = rss();

  // (c) fluxd 1.25.4, from start until every object exists
  let fluxdMs = Number.NaN;
  if (WITH_FLUXD) {
    const [fluxdNs, dropF] = await freshNamespace(kc, 'bench-sync-fluxd');
    drops.push(dropF);
    t = performance.now();
    const f = await startFluxd({ gitUrl: url, namespace: fluxdNs, syncTag: uniqueName('fluxd-sync') });
    drops.push(() => f.stop());
    try {
      await until('fluxd to apply every object', async () => ((await count(fluxdNs)) === N || undefined), 250);
    } catch (err) {
      throw new Error(`${(err as Error).message}: ${f.output().slice(-2000)}`);
    }
    fluxdMs = performance.now() - t;
  }

  const m = (xs: number[]) => median(xs);
  console.log(`## Git sync of ${N} objects (${new Date().toISOString().slice(0, 10)})

Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${mib(totalmem())}. Command: \`BENCH_OBJECTS=${N} BENCH_REPEAT=${REPEAT} npm run bench:sync\`.
First sync: from start of the process (kubectl, \`capstan daemon\`, fluxd 1.25.4) until every object is applied (Capstan: its sync record
says the head is applied completely; fluxd: every object exists); in brackets Capstan's sync itself (its record's duration).
No-op: \`POST /api/flux/v11/notify\` of the same revision until the sync ends (median of ${REPEAT}; applies, the sync, Capstan's CPU).
Webhook: a commit changing one ConfigMap pushed, then \`POST /hooks/git\` until the ConfigMap reads the new value (median of ${REPEAT};
applies, CPU of Capstan and its git children until the sync record). Load average while measured: ${loadavg().map((l) => l.toFixed(2)).join(', ')}.

| objects | kubectl apply --server-side | Capstan first sync | Capstan / kubectl | fluxd 1.25.4 first sync | no-op sync | webhook → applied | Capstan RSS after first sync / at end |
|---|---|---|---|---|---|---|---|
| ${N} | ${secs(kubectlMs)} | ${secs(capstanMs)} (${secs(first.durationMs)}) | **${(capstanMs / kubectlMs).toFixed(2)}** | ${WITH_FLUXD ? secs(fluxdMs) : 'not run'} | ${secs(m(noops.map((x) => x.ms)))} (${Math.max(...noops.map((x) => x.applies))} applies, sync ${secs(m(noops.map((x) => x.syncMs)))}, CPU ${m(noops.map((x) => x.cpuMs)).toFixed(0)} ms) | ${secs(m(hooks.map((x) => x.ms)))} (${Math.max(...hooks.map((x) => x.applies))} applies, CPU ${m(hooks.map((x) => x.cpuMs)).toFixed(0)} ms) | ${mib(rssAfterFirst)} / ${mib(rssEnd)} |`);
} finally {
  for (const drop of drops.reverse()) await drop().catch(() => undefined);
  await server.close();
}
