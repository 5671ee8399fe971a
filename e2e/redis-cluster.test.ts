import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa, execaSync } from 'execa';
import { cleanup } from './faults/cleanup.ts';
import { loggingHelm, overlappingRuns } from './faults/helm-log.ts';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { startChartRepo } from './support/chart-repo.ts';
import { freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { applyCrd } from './support/crd.ts';
import { helmHistory, helmReleases } from './support/helm-releases.ts';

const SCRIPT = new URL('./services/redis-cluster.sh', import.meta.url).pathname;

// The keys matching `pattern` on each node of the Cluster (a node answers SCAN for its own slots only).
async function keysPerNode(seeds: string, pattern: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const seed of seeds.split(',')) {
    const r = await execa('redis-cli', ['-h', '127.0.0.1', '-p', seed.split(':')[1] ?? '', '--scan', '--pattern', pattern]);
    const keys = String(r.stdout).split('\n').filter(Boolean);
    if (keys.length) out.set(seed, keys);
  }
  return out;
}

// An operator and two workers on a 3-master Redis Cluster (redis-cli --cluster create) take HelmReleases through
// install, upgrade, a failed upgrade rolled back, and uninstall; BullMQ's keys share the {capstan} hash tag, the
// release leases' keys the {lease} one. The whole HelmRelease suite runs on a Cluster with
// CAPSTAN_TEST_REDIS_CLUSTER (README, Test).
describe('Capstan on a 3-master Redis Cluster', () => {
  const kc = kubeConfig();
  const done = cleanup();
  const dir = done.add(mkdtempSync(join(tmpdir(), 'capstan-redis-cluster-')), (d) => rmSync(d, { recursive: true, force: true }));
  const helm = loggingHelm(dir);
  const queue = uniqueName('cluster');
  const processes: CapstanProcess[] = [];
  let seeds = '';
  let ns = '';
  let hrs: ReturnType<typeof helmReleases>;
  let chart: { repository: string; name: string; version: string };

  before(async () => {
    const stop = () => execaSync(SCRIPT, ['stop', join(dir, 'redis')], { reject: false });
    process.on('exit', stop); // a test that dies before cleanup must not leave the servers running
    done.add(undefined, () => { stop(); process.off('exit', stop); });
    seeds = String((await execa(SCRIPT, ['start', join(dir, 'redis')], { timeout: 60_000 })).stdout).trim();
    assert.match(seeds, /^127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/);
    await applyCrd(kc);
    const [namespace, drop] = await freshNamespace(kc, 'redis-cluster');
    ns = done.add(namespace, drop);
    hrs = helmReleases(kc, ns);
    const repo = done.add(await startChartRepo(), (r) => r.close());
    await repo.publish('0.1.0');
    chart = { repository: repo.url, name: 'hello', version: '0.1.0' };
    done.add(processes, async (ps) => { for (const p of ps) await p.stop(); });
    const env = { REDIS_URL: '', CAPSTAN_REDIS_CLUSTER: seeds };
    const worker = () => startCapstan({ role: 'worker', namespace: ns, queue, env, args: ['--helm-binary', helm.binary, '--concurrency', '2'] });
    // started side by side; those that did start are stopped by the cleanup even when another failed
    const started = await Promise.allSettled([startCapstan({ role: 'operator', namespace: ns, queue, env }), worker(), worker()]);
    for (const r of started) if (r.status === 'fulfilled') processes.push(r.value);
    for (const r of started) if (r.status === 'rejected') throw r.reason;
  });
  after(() => done.run());

  const output = () => processes.map((p, i) => `--- capstan ${i}:\n${p.output().slice(-3000)}`).join('\n');
  const ready = (name: string) => hrs.waitFor(name, 'Ready', 'True', 120_000).catch((err: Error) => {
    throw new Error(`${err.message}\n${output()}`);
  });

  // the lease scripts touch several {lease} keys at once: a job would fail on a Cluster were they in several slots
  it('installs releases with both workers, the queue keys under {capstan} on one node', async () => {
    const names = ['web', 'rb', 'c1', 'c2', 'c3', 'c4'];
    for (const name of names) {
      await hrs.create(name, { chart, releaseName: name, ...(name === 'rb' ? { timeout: 5, rollback: { enable: true } } : {}), values: { message: `first ${name}` } });
    }
    for (const name of names) await ready(name);
    assert.match(processes[0]?.output() ?? '', /"redis":"Cluster seeds 127\.0\.0\.1:\d+,[^"]*, queue prefix \{capstan\}"/);
    const workers = new Set(helm.runs().map((r) => r.worker));
    assert.equal(workers.size, 2, 'both worker processes ran helm');
    const queueKeys = await keysPerNode(seeds, `{capstan}:${queue}:*`);
    assert.equal(queueKeys.size, 1, `the queue's keys on one node: ${JSON.stringify([...queueKeys])}`);
    assert.ok([...queueKeys.values()][0]?.some((k) => k.endsWith(':meta') || k.endsWith(':completed')), JSON.stringify([...queueKeys]));
  });

  it('upgrades a release when its values change', async () => {
    await hrs.patchSpec('web', { values: { message: 'second' } });
    const hr = await ready('web');
    assert.equal(hr.status?.lastReleaseVersion, 2);
    assert.deepEqual((await helmHistory(kc, ns, 'web')).map((h) => h.status), ['deployed', 'superseded']);
  });

  it('rolls back a failing upgrade', async () => {
    await hrs.patchSpec('rb', { values: { fail: true } });
    const hr = await hrs.waitFor('rb', 'Stalled', 'True', 120_000);
    assert.equal(hr.status?.phase, 'RolledBack');
    assert.deepEqual((await helmHistory(kc, ns, 'rb')).map((h) => h.status), ['deployed', 'failed', 'superseded']);
  });

  it('uninstalls a deleted release, and no release ever had two helm runs at once', async () => {
    await hrs.delete('web');
    await hrs.gone('web', 120_000);
    assert.deepEqual(await helmHistory(kc, ns, 'web'), []);
    const overlaps = overlappingRuns(helm.runs(), new Map());
    assert.deepEqual(overlaps.map(([a, b]) => `${a.release}: helm ${b.verb} started while ${a.verb} ran`), []);
    assert.ok(helm.runs().some((r) => r.verb === 'uninstall' && r.release === 'web'), 'helm uninstall ran');
  });
});
