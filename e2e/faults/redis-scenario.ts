import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CapstanProcess, startCapstan } from '../support/capstan.ts';
import { type ChartRepo, startChartRepo } from '../support/chart-repo.ts';
import { freshNamespace, kubeConfig, uniqueName } from '../support/cluster.ts';
import { applyCrd } from '../support/crd.ts';
import { helmReleases } from '../support/helm-releases.ts';
import { type OwnRedis, startOwnRedis } from '../support/redis-server.ts';
import { loggingHelm, overlappingRuns } from './helm-log.ts';
import { type ExpectedEnd, releaseProblems, waitForAll } from './release-checks.ts';
import { cleanup } from './cleanup.ts';
import type { RunResult, ScenarioReport } from './report.ts';

export type RedisFault = 'restart' | 'flush';
// The operator's resync in this scenario: it is what re-enqueues the jobs Redis lost (default 3 min in a real
// install; shorter here so a run does not wait minutes).
const RESYNC = '15s';

// A wave of `releases` HelmReleases created at once, and while some are Ready and others not, Redis restarted
// empty (as a Redis without persistence comes back) or flushed. Every release must end Ready with its message,
// no pending-*, no two helm runs at once on one release: nothing forgotten. Operator and two workers (2 jobs each,
// so part of the wave waits in the queue when Redis loses it) on a Redis of the scenario's own; `runs` waves.
export async function redisScenario(fault: RedisFault, runs: number, releases: number, log: (line: string) => void = () => undefined): Promise<ScenarioReport> {
  const kc = kubeConfig();
  const done = cleanup();
  const dir = done.add(mkdtempSync(join(tmpdir(), 'capstan-faults-redis-')), (d) => rmSync(d, { recursive: true, force: true }));
  const helm = loggingHelm(dir);
  const queue = uniqueName(`redis-${fault}`);
  const results: RunResult[] = [];
  let ns = '';
  let hrs: ReturnType<typeof helmReleases>;
  let repo: ChartRepo;
  let redis: OwnRedis;
  try {
    await applyCrd(kc);
    const [namespace, dropNamespace] = await freshNamespace(kc, `faults-redis-${fault}`);
    ns = done.add(namespace, dropNamespace);
    hrs = helmReleases(kc, ns);
    repo = done.add(await startChartRepo(), (r) => r.close());
    await repo.publish('0.1.0');
    redis = done.add(await startOwnRedis(), (r) => r.close());
    const args = ['--redis-url', redis.url, '--charts-sync-interval', RESYNC, '--helm-binary', helm.binary];
    const processes = done.add([] as CapstanProcess[], async (ps) => { for (const p of ps) await p.stop(); });
    processes.push(await startCapstan({ role: 'operator', namespace: ns, queue, args }));
    for (let i = 0; i < 2; i++) processes.push(await startCapstan({ role: 'worker', namespace: ns, queue, args: [...args, '--concurrency', '2'] }));
    for (let run = 0; run < runs; run++) {
      const result = await wave(run).catch((err: Error) => ({ ok: false, why: err.message }));
      log(`redis ${fault} in a wave of ${releases}: ${JSON.stringify(result)}`);
      results.push(result);
    }
  } finally {
    await done.run();
  }
  return { scenario: `Redis ${fault === 'flush' ? 'flushed' : 'restarted'} in a wave of ${releases}`, runs: results };

  async function wave(run: number): Promise<RunResult> {
    const names = Array.from({ length: releases }, (_, i) => `w${run}-${i}`);
    const message = (name: string) => `hello ${name}`;
    await Promise.all(names.map((name) => hrs.create(name, { chart: { repository: repo.url, name: 'hello', version: '0.1.0' }, releaseName: name, wait: true, values: { message: message(name) } })));
    const wants = new Map<string, ExpectedEnd>(names.map((n) => [n, { end: 'ready', message: message(n) }]));
    // the fault lands when a random share (20-60%) of the wave is Ready
    const share = 0.2 + Math.random() * 0.4;
    let ready = 0;
    for (const giveUp = Date.now() + 300_000; ready < Math.ceil(share * releases);) {
      if (Date.now() > giveUp) return { ok: false, why: `only ${ready} of ${releases} Ready before any fault` };
      await new Promise((r) => setTimeout(r, 200));
      ready = releases - (await releaseProblems(kc, ns, wants).catch(() => wants)).size;
    }
    const t0 = Date.now();
    if (fault === 'flush') await redis.cli('FLUSHALL');
    else {
      await redis.stop();
      await new Promise((r) => setTimeout(r, 2_000));
      await redis.start();
    }
    const note = `at ${ready}/${releases} Ready`;
    const end = await waitForAll(kc, ns, wants, 300_000);
    const overlaps = overlappingRuns(helm.runs().filter((r) => names.includes(r.release)), new Map());
    if (overlaps.length) return { ok: false, why: `${overlaps[0]?.[0].release}: helm ${overlaps[0]?.[1].verb} started while ${overlaps[0]?.[0].verb} ran`, note };
    if ('problems' in end) return { ok: false, why: `${end.problems.size} release(s) forgotten or wrong, e.g. ${[...end.problems].slice(0, 3).map(([n, p]) => `${n}: ${p}`).join('; ')}`, note };
    return { ok: true, recoveryMs: Date.now() - t0, note };
  }
}
