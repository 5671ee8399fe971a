import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import type { HelmRelease } from '../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import type { SyncRecord } from '../src/sync/sync-source.ts';
import { HOSTILE_VALUES, hostileChartRepos, hostileRegistry, hostileReleases, hostileRepoFiles } from './support/bad-input-fixture.ts';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { type ChartRepo, startChartRepo } from './support/chart-repo.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { applyCrd } from './support/crd.ts';
import { git, type GitServer, startGitServer } from './support/git-server.ts';
import { HELLO_CHART, helmCli } from './support/helm.ts';
import { helmReleases } from './support/helm-releases.ts';
import { type HostileServer, startHostileServer } from './support/hostile-server.ts';

// The most the `capstan run` process may hold in memory at its peak (VmHWM) over the whole suite. Idle it holds
// about 230 MiB; every hostile input here is bounded by a limit of 20 MiB or less (chart index and archive, a
// registry page, composed values) or refused before it is read, and with all of them at once the peak measured
// 380-500 MiB (the top with a 20 MiB index dribbled in 45-byte writes, copied into one buffer). An unbounded read
// of the 50 MiB file, of a 64 MiB answer or of an expanded alias bomb would pass this, and so did that dribbled
// index while each write was kept as its own chunk (540-750 MiB).
const MAX_RSS_MIB = 560;

// One `capstan run` fed hostile input from every side at once — HelmReleases with bad fields, values that are
// YAML bombs or 10,000 levels deep, a Git repository with a 50 MiB file, a binary file, deep nesting, an alias
// bomb and a symlink loop, chart repositories and a registry (servers of the test's own on 127.0.0.1) whose
// answers are malformed, huge, endless or silent — must name each problem where a user looks, keep releasing and
// syncing the good objects next to them, and stay under MAX_RSS_MIB.
describe('bad input never crashes Capstan, and each ends in an error naming the object and field', () => {
  const kc = kubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let dir = '';
  let server: GitServer;
  let work = '';
  let charts: ChartRepo;
  let hostileCharts: HostileServer;
  let hostileReg: HostileServer;
  let capstan: CapstanProcess | undefined;
  let hrs: ReturnType<typeof helmReleases>;
  let table: ReturnType<typeof hostileReleases> = [];
  const repo = () => hostileRepoFiles(hostileReg.host);
  const syncRecord = async () => ((await (await fetch(`${capstan?.url}/api/capstan/v1/sync`)).json()) as { sources: Array<{ record?: SyncRecord }> }).sources[0]?.record;
  const statusText = (hr: HelmRelease) => [hr.status?.phase, ...(hr.status?.conditions ?? []).map((c) => `${c.type}=${c.status} ${c.reason}: ${c.message}`)].join('\n');

  before(async () => {
    await applyCrd(kc);
    [ns, dropNamespace] = await freshNamespace(kc, 'badinput');
    hrs = helmReleases(kc, ns);
    dir = mkdtempSync(join(tmpdir(), 'capstan-bad-input-'));
    charts = await startChartRepo();
    await charts.publish('0.1.0');
    const packaged = await helmCli()(['package', HELLO_CHART, '--version', '0.1.0', '--destination', dir]);
    assert.equal(packaged.exitCode, 0, packaged.stderr);
    hostileReg = await startHostileServer(hostileRegistry());
    // the indexes name the archives by URL, so the answers are filled in once the server has its port
    const chartAnswers = {};
    hostileCharts = await startHostileServer(chartAnswers);
    Object.assign(chartAnswers, await hostileChartRepos(hostileCharts.url, readFileSync(join(dir, 'hello-0.1.0.tgz'))));
    server = await startGitServer();
    const url = await server.createRepo('bad');
    work = await server.clone(url, 'work');
    for (const [file, text] of Object.entries(repo().files)) writeFileSync(join(work, file), text);
    symlinkSync('.', join(work, 'loop'));
    symlinkSync('b.yaml', join(work, 'a.yaml'));
    symlinkSync('a.yaml', join(work, 'b.yaml'));
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', 'Hostile files');
    await git(work, 'push', 'origin', 'HEAD:main');
    for (const [name, cm] of Object.entries(HOSTILE_VALUES)) await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name }, ...cm } });
    capstan = await startCapstan({ role: 'run', namespace: ns, queue: uniqueName('badinput'), args: [
      '--git-url', url, '--git-branch', 'main', '--k8s-default-namespace', ns, '--leader-election-namespace', ns,
      '--sync-interval', '5s', '--git-poll-interval', '2s', '--automation-interval', '2s', '--registry-insecure-host', hostileReg.host,
      '--git-timeout', '20s', '--chart-cache-dir', join(dir, 'cache'), '--allow-private-networks',
    ] });
    table = hostileReleases({ chart: { repository: charts.url, name: 'hello', version: '0.1.0' }, hostile: hostileCharts.url, git: url });
    await hrs.create('good', { chart: { repository: charts.url, name: 'hello', version: '0.1.0' }, releaseName: 'good' });
    for (const t of table) await hrs.create(t.name, t.spec);
  });
  after(async () => {
    await capstan?.stop();
    await hostileCharts?.close();
    await hostileReg?.close();
    await charts?.close();
    await server?.close().catch(() => undefined);
    await dropNamespace();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('each hostile HelmRelease ends with an error in its status naming the field', async (t) => {
    const missing = new Map<string, string>();
    await Promise.all(table.map(async (hr) => {
      try {
        const text = await eventually(`HelmRelease ${hr.name} to report ${hr.expect.join(' and ')}`, async () => {
          const text = statusText(await hrs.get(hr.name));
          missing.set(hr.name, `${hr.expect.join(' and ')} in:\n${text}`);
          return hr.expect.every((re) => re.test(text)) ? text : undefined;
        }, 150_000); // endless and silent answers each hold one of the 4 workers for the 30 s request timeout
        missing.delete(hr.name);
        t.diagnostic(`${hr.name}: ${text.split('\n').find((l) => hr.expect.every((re) => re.test(l))) ?? text}`);
      } catch { /* reported below, with the last status seen */ }
    }));
    assert.deepEqual([...missing].map(([name, why]) => `${name}: expected ${why}`), []);
  });

  it('a well-formed HelmRelease next to them is released, and upgraded on a change', async () => {
    await hrs.waitFor('good', 'Ready', 'True', 60_000);
    await hrs.patchSpec('good', { values: { message: 'still working' } });
    await hrs.waitFor('good', 'Ready', 'True', 60_000);
    const d = await kc.makeApiClient(k8s.AppsV1Api).readNamespacedDeployment({ name: 'good-hello', namespace: ns });
    assert.equal(d.spec?.template.metadata?.annotations?.['hello/message'], 'still working');
  });

  it('each hostile file in Git is a load error naming it, and the good manifests are still applied', async (t) => {
    const wanted = [...repo().hostileFiles, 'loop', 'a.yaml', 'b.yaml'];
    const record = await eventually('a sync record with every hostile file reported', async () => {
      const r = await syncRecord();
      const named = new Set([...(r?.loadErrors ?? []).map((e) => e.file), ...(r?.failed ?? []).map((f) => `${f.id.split('/').at(-1)}.yaml`)]);
      return r && wanted.every((f) => [...named].some((n) => n === f || n.startsWith(`${f}/`))) ? r : undefined;
    }, 90_000).catch(async (err: Error) => { throw new Error(`${err.message}; last record: ${JSON.stringify(await syncRecord())?.slice(0, 4000)}`); });
    for (const e of [...record.loadErrors, ...record.failed]) t.diagnostic(`${'file' in e ? e.file : e.id}: ${e.message.slice(0, 300)}`);
    assert.ok([...record.applied, ...record.unchanged].some((id) => id.endsWith(':configmap/good')), 'the good ConfigMap is applied');
    await core.readNamespacedConfigMap({ name: 'good', namespace: ns });
    writeFileSync(join(work, 'later.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: later\ndata:\n  k: v\n');
    await git(work, 'pull', '-q', '--rebase', 'origin', 'main'); // automation may have pushed meanwhile
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', 'One more');
    await git(work, 'push', 'origin', 'HEAD:main');
    await eventually('a later commit applied', () => core.readNamespacedConfigMap({ name: 'later', namespace: ns }).then(() => true, () => undefined), 60_000);
  });

  it('each hostile registry answer skips its workload with a reason, and the well-answered one is updated', async (t) => {
    const images = async () => ((await (await fetch(`${capstan?.url}/api/capstan/v1/images`)).json()) as { sources: Array<{ record?: { skipped: Array<{ workload: string; reason: string }> } }> }).sources[0]?.record;
    const skipped = await eventually('every hostile workload skipped with a reason', async () => {
      const r = await images();
      return repo().hostileWorkloads.every((w) => r?.skipped.some((s) => s.workload === `${ns}:deployment/${w}` && s.reason)) ? r?.skipped : undefined;
    }, 90_000).catch(async (err: Error) => { throw new Error(`${err.message}; last record: ${JSON.stringify(await images())}`); });
    for (const w of repo().hostileWorkloads) {
      const reason = skipped.find((s) => s.workload === `${ns}:deployment/${w}`)?.reason ?? '';
      t.diagnostic(`${w}: ${reason}`);
      assert.match(reason, new RegExp(`${w.slice(4)}/app`), `${w}: the reason names the repository`);
    }
    await eventually('reg-ok updated in Git', async () => ((await git(work, 'fetch', '-q', 'origin')) && (await git(work, 'show', 'origin/main:workloads.yaml')).stdout.includes(`${hostileReg.host}/ok/app:1.2.0`)) || undefined, 60_000);
  });

  it(`the process is still up and its peak memory stayed under ${MAX_RSS_MIB} MiB`, async (t) => {
    assert.ok(capstan);
    const healthz = await fetch(`${capstan.url}/healthz`).then((r) => r.status, (err: Error) => `${err.message}: ${capstan?.output().slice(-2000)}`);
    assert.equal(healthz, 200);
    const status = readFileSync(`/proc/${capstan.proc.pid}/status`, 'utf8');
    assert.doesNotMatch(status, /^State:\s+Z/m, 'capstan exited');
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    const peak = kib('VmHWM') / 1024;
    t.diagnostic(`peak resident memory ${peak.toFixed(0)} MiB, now ${(kib('VmRSS') / 1024).toFixed(0)} MiB`);
    assert.ok(peak < MAX_RSS_MIB, `peak resident memory ${peak.toFixed(0)} MiB (now ${(kib('VmRSS') / 1024).toFixed(0)} MiB)`);
  });
});
