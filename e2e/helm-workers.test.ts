import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { locateHelm } from '../src/helm/binary.ts';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { type ChartRepo, startChartRepo } from './support/chart-repo.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { applyCrd } from './support/crd.ts';
import { helmHistory, helmReleases } from './support/helm-releases.ts';

// A helm that logs when each invocation starts and ends (verb, release, time, worker pid), then runs the real one.
function loggingHelm(dir: string): { binary: string; starts: (release: string) => number; intervals: () => Map<string, Array<[number, number, string]>> } {
  const real = locateHelm(process.env.CAPSTAN_HELM_BINARY, process.env);
  if (!real) throw new Error('no helm');
  const log = join(dir, 'helm.log');
  const binary = join(dir, 'helm');
  writeFileSync(binary, `#!/usr/bin/env bash
rel=""; after=""; for a in "$@"; do [ -n "$after" ] && { rel="$a"; break; }; [ "$a" = "--" ] && after=1; done  # the release follows \`--\`
echo "start $1 $rel $(date +%s%N) $PPID" >> ${log}
${real} "$@"; rc=$?
echo "end $1 $rel $(date +%s%N) $PPID" >> ${log}
exit $rc
`);
  chmodSync(binary, 0o755);
  return {
    binary,
    // How many helm invocations on `release` have started so far.
    starts: (release) => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith(`start `) && l.split(' ')[2] === release).length : 0),
    intervals() {
      const open = new Map<string, number>();
      const out = new Map<string, Array<[number, number, string]>>();
      for (const line of readFileSync(log, 'utf8').trim().split('\n')) {
        const [edge, verb, rel, t, pid] = line.split(' ');
        const id = `${verb} ${rel} ${pid}`;
        if (edge === 'start') open.set(id, Number(BigInt(t ?? '0') / 1000n));
        else out.set(rel ?? '', [...(out.get(rel ?? '') ?? []), [open.get(id) ?? 0, Number(BigInt(t ?? '0') / 1000n), `${verb}@${pid}`]]);
      }
      return out;
    },
  };
}

describe('release workers across processes', () => {
  const kc = kubeConfig();
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let repo: ChartRepo;
  let hrs: ReturnType<typeof helmReleases>;
  const processes: CapstanProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'capstan-workers-'));
  const chart = () => ({ repository: repo.url, name: 'hello', version: '0.1.0' });
  const message = async (release: string) =>
    (await apps.readNamespacedDeployment({ name: `${release}-hello`, namespace: ns })).spec?.template.metadata?.annotations?.['hello/message'];

  before(async () => {
    await applyCrd(kc);
    [ns, dropNamespace] = await freshNamespace(kc, 'workers');
    hrs = helmReleases(kc, ns);
    repo = await startChartRepo();
    await repo.publish('0.1.0');
  });
  after(async () => {
    for (const p of processes) await p.stop();
    await repo?.close();
    await dropNamespace();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never runs helm on one release from two worker processes at once', async () => {
    const helm = loggingHelm(dir);
    const queue = uniqueName('pair');
    processes.push(await startCapstan({ role: 'operator', namespace: ns, queue }));
    for (let i = 0; i < 2; i++) {
      processes.push(await startCapstan({ role: 'worker', namespace: ns, queue, args: ['--helm-binary', helm.binary, '--concurrency', '4'] }));
    }
    const names = ['p1', 'p2', 'p3'];
    for (const name of names) await hrs.create(name, { chart: chart(), releaseName: name, values: { message: 'v0' } });
    // each round lands while the workers are busy with the one before: the next starts once helm runs on every release
    for (let round = 1; round <= 4; round++) {
      const before = new Map(names.map((name) => [name, helm.starts(name)]));
      for (const name of names) await hrs.patchSpec(name, { values: { message: `v${round}` } });
      await eventually(`helm to run on every release after round ${round}`, async () =>
        names.every((name) => helm.starts(name) > (before.get(name) ?? 0)) || undefined, 120_000);
    }
    for (const name of names) {
      await eventually(`${name} at v4`, async () => ((await message(name)) === 'v4' ? true : undefined), 120_000);
      await hrs.waitFor(name, 'Ready', 'True');
    }
    const intervals = helm.intervals();
    const workers = new Set<string>();
    for (const name of names) {
      const runs = (intervals.get(name) ?? []).sort((a, b) => a[0] - b[0]);
      assert.ok(runs.length >= 2, `${name}: ${runs.length} helm runs`);
      for (let i = 1; i < runs.length; i++) {
        const [prev, cur] = [runs[i - 1], runs[i]];
        assert.ok(prev && cur && cur[0] >= prev[1], `${name}: ${cur?.[2]} started before ${prev?.[2]} ended`);
      }
      for (const r of runs) workers.add(r[2].split('@')[1] ?? '');
    }
    assert.equal(workers.size, 2, 'both worker processes took jobs');
    // the next test starts its own processes on this namespace
    while (processes.length > 0) await processes.pop()?.stop();
  });

  it('recovers a release whose worker was killed with SIGKILL mid-upgrade', async () => {
    const queue = uniqueName('killed');
    const first = await startCapstan({ role: 'run', namespace: ns, queue });
    await hrs.create('victim', { chart: chart(), releaseName: 'victim', wait: true, timeout: 120, values: { message: 'before' } });
    await hrs.waitFor('victim', 'Ready', 'True');
    await hrs.patchSpec('victim', { values: { fail: true } });
    await eventually('helm to be mid-upgrade', async () => ((await helmHistory(kc, ns, 'victim'))[0]?.status === 'pending-upgrade' || undefined));
    await first.kill();
    await hrs.patchSpec('victim', { values: { fail: false, message: 'recovered' } });

    const second = await startCapstan({ role: 'run', namespace: ns, queue });
    processes.push(second);
    await eventually('the release to recover', async () => ((await message('victim')) === 'recovered' ? true : undefined), 150_000);
    const hr = await hrs.waitFor('victim', 'Ready', 'True').catch((err: Error) => {
      throw new Error(`${err.message}\n--- capstan output:\n${second.output().slice(-6000)}`);
    });
    const history = await helmHistory(kc, ns, 'victim');
    assert.equal(history[0]?.status, 'deployed');
    assert.ok(!history.some((h) => h.status.startsWith('pending')), JSON.stringify(history));
    assert.equal(hr.status?.lastReleaseVersion, history[0]?.version);
  });
});
