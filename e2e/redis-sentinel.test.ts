import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cleanup } from './faults/cleanup.ts';
import { loggingHelm, overlappingRuns } from './faults/helm-log.ts';
import { type ExpectedEnd, releaseProblems, waitForAll } from './faults/release-checks.ts';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { startChartRepo } from './support/chart-repo.ts';
import { freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { applyCrd } from './support/crd.ts';
import { helmReleases } from './support/helm-releases.ts';
import { type SentinelSet, startSentinelSet } from './support/redis-sentinels.ts';

const RELEASES = 30;

// Operator and two workers find their Redis through three Sentinels; a wave of 30 HelmReleases is created, and
// when about a third is Ready the master is failed over to the replica. Every release must end Ready with its
// message and no pending-*, and no release may have had two helm runs at once.
describe('Capstan on a Redis found through Sentinels, failed over in the middle of a wave', () => {
  const kc = kubeConfig();
  const done = cleanup();
  const dir = done.add(mkdtempSync(join(tmpdir(), 'capstan-redis-sentinel-')), (d) => rmSync(d, { recursive: true, force: true }));
  const password = randomBytes(12).toString('hex');
  const sentinelPassword = randomBytes(12).toString('hex');
  const helm = loggingHelm(dir);
  const processes: CapstanProcess[] = [];
  let set: SentinelSet;
  let ns = '';
  let hrs: ReturnType<typeof helmReleases>;
  let chart: { repository: string; name: string; version: string };

  before(async () => {
    set = done.add(await startSentinelSet({ dir, password, sentinelPassword }), (s) => s.close());
    await applyCrd(kc);
    const [namespace, drop] = await freshNamespace(kc, 'redis-sentinel');
    ns = done.add(namespace, drop);
    hrs = helmReleases(kc, ns);
    const repo = done.add(await startChartRepo(), (r) => r.close());
    await repo.publish('0.1.0');
    chart = { repository: repo.url, name: 'hello', version: '0.1.0' };
    done.add(processes, async (ps) => { for (const p of ps) await p.stop(); });
    writeFileSync(join(dir, 'sentinel-password'), sentinelPassword, { mode: 0o600 });
    const queue = uniqueName('sentinel');
    const args = ['--redis-sentinel', set.sentinels, '--redis-sentinel-master', set.master,
      '--redis-sentinel-password-file', join(dir, 'sentinel-password'), '--helm-binary', helm.binary];
    // the master's password from the variable, the Sentinels' from the file; REDIS_URL (the shared Redis) unset
    const env = { REDIS_URL: '', CAPSTAN_REDIS_PASSWORD: password };
    const worker = () => startCapstan({ role: 'worker', namespace: ns, queue, env, args: [...args, '--concurrency', '3'] });
    // started side by side; those that did start are stopped by the cleanup even when another failed
    const started = await Promise.allSettled([startCapstan({ role: 'operator', namespace: ns, queue, args, env }), worker(), worker()]);
    for (const r of started) if (r.status === 'fulfilled') processes.push(r.value);
    for (const r of started) if (r.status === 'rejected') throw r.reason;
  });
  after(() => done.run());

  it(`brings all ${RELEASES} releases of a wave to Ready across a failover, never two helm runs on one release at once`, async () => {
    const names = Array.from({ length: RELEASES }, (_, i) => `s${i}`);
    const message = (name: string) => `hello ${name}`;
    const wants = new Map<string, ExpectedEnd>(names.map((n) => [n, { end: 'ready', message: message(n) }]));
    const firstMaster = await set.masterPort();
    const t0 = Date.now();
    await Promise.all(names.map((name) => hrs.create(name, { chart, releaseName: name, values: { message: message(name) } })));
    let ready = 0;
    for (const giveUp = Date.now() + 90_000; ready < RELEASES / 3;) {
      assert.ok(Date.now() < giveUp, `only ${ready} of ${RELEASES} Ready before the failover`);
      await new Promise((r) => setTimeout(r, 200));
      ready = RELEASES - (await releaseProblems(kc, ns, wants).catch(() => wants)).size;
    }
    const atFailover = Date.now();
    const failoverMs = await set.failover();
    assert.notEqual(await set.masterPort(), firstMaster, 'the Sentinels name the replica now');
    const end = await waitForAll(kc, ns, wants, 100_000);
    const allReadyAt = Date.now();
    const output = () => processes.map((p, i) => `--- capstan ${i}:\n${p.output().slice(-3000)}`).join('\n');
    // on failure, what happened to a release: its helm runs and what each Capstan logged of it, around the failover
    const at = (ms: number) => `${ms < atFailover ? '' : '+'}${((ms - atFailover) / 1000).toFixed(1)} s`;
    const story = (release: string) => [`--- ${release} (times from the failover; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}):`,
      ...[...helm.runs().filter((r) => r.release === release).map((r): [number, string] => [r.start, `helm ${r.verb} by pid ${r.worker} until ${r.end ? at(r.end) : 'never'}`]),
        ...processes.flatMap((p, i) => p.output().split('\n').filter((l) => l.includes(`"name":"${release}"`))
          .map((l): [number, string] => [Number(/"time":(\d+)/.exec(l)?.[1]), `capstan ${i} (pid ${p.proc.pid}): ${l.replace(/^.*?"name":"[^"]*",/, '').slice(0, 300)}`]))]
        .sort(([x], [y]) => x - y).map(([t, line]) => `${at(t)} ${line}`)].join('\n');
    const problems = 'problems' in end ? [...end.problems] : [];
    assert.deepEqual(problems.map(([n, p]) => `${n}: ${p}`), [], `releases not Ready\n${problems.slice(0, 3).map(([n]) => story(n)).join('\n')}\n${output()}`);
    const overlaps = overlappingRuns(helm.runs().filter((r) => names.includes(r.release)), new Map());
    assert.deepEqual(overlaps.map(([a, b]) => `${a.release}: helm ${b.verb} started while ${a.verb} ran`), [],
      overlaps.slice(0, 3).map(([a]) => story(a.release)).join('\n'));
    const figures = {
      releases: RELEASES, readyAtFailover: ready, failoverMs, waveToReadyMs: allReadyAt - t0,
      failoverToAllReadyMs: allReadyAt - atFailover, helmRuns: helm.runs().filter((r) => names.includes(r.release)).length,
    };
    console.log(`sentinel failover figures: ${JSON.stringify(figures)}`);
    for (const p of processes) assert.ok(!p.output().includes(password) && !p.output().includes(sentinelPassword), 'a Redis password in the logs');
  });
});
