import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HelmReleaseSpec } from '../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { type CapstanProcess, startCapstan } from '../support/capstan.ts';
import { startChartRepo } from '../support/chart-repo.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from '../support/cluster.ts';
import { applyCrd } from '../support/crd.ts';
import { helmHistory, helmReleases } from '../support/helm-releases.ts';
import { type HelmRun, loggingHelm, overlappingRuns } from './helm-log.ts';
import { deploymentUid, type ExpectedEnd, waitForEnd } from './release-checks.ts';
import { cleanup } from './cleanup.ts';
import type { RunResult, ScenarioReport } from './report.ts';

export const KILL_VERBS = ['install', 'upgrade', 'rollback', 'test'] as const;
export type KillVerb = (typeof KILL_VERBS)[number];

// How long after its helm run starts a kill may land: as long as that verb's runs took so far (median), so that
// most kills land while helm runs and some just after it returned.
function killWindowMs(runs: readonly HelmRun[], verb: KillVerb): number {
  const took = (v: string) => runs.flatMap((r) => (r.verb === v && r.end !== undefined ? [r.end - r.start] : [])).sort((a, b) => a - b);
  const seen = took(verb).length ? took(verb) : took('install');
  return seen[Math.floor(seen.length / 2)] ?? 1_500;
}
// What a user waits for after a worker dies: the release back where it should be, within this time.
export const RECOVERY_LIMIT_MS = 30_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

// SIGKILLs the worker running helm for a release at a random moment of a verb, `runs` times per verb in turn
// (run i interrupts verbs[i % verbs.length]). Half the runs have a second worker standing by; in the others the killed
// worker is started again, as a supervisor would. Each run must end as it should (Ready, or Failed for the
// rollback of a failing upgrade), with no pending-* in Helm's history, no two helm runs on the release at once,
// the Deployment never deleted, within recoveryLimitMs of the kill. One report per verb.
export async function killScenario(runs: number, log: (line: string) => void = () => undefined, verbs: readonly KillVerb[] = KILL_VERBS, recoveryLimitMs = RECOVERY_LIMIT_MS): Promise<ScenarioReport[]> {
  const kc = kubeConfig();
  const done = cleanup();
  const dir = done.add(mkdtempSync(join(tmpdir(), 'capstan-faults-kill-')), (d) => rmSync(d, { recursive: true, force: true }));
  const helm = loggingHelm(dir);
  const queue = uniqueName('kill');
  // the product's resync (3 min) rather than the tests' 3 s, so recovery comes from the stalled job, not a resync
  const args = ['--charts-sync-interval', '3m'];
  const workers: CapstanProcess[] = [];
  const everyWorker: CapstanProcess[] = []; // the killed ones too: what they said explains a failed run
  const startWorker = async () => {
    const worker = await startCapstan({ role: 'worker', namespace: ns, queue, keepOutput: 4_000_000, args: [...args, '--helm-binary', helm.binary, '--concurrency', '2'] });
    workers.push(worker);
    everyWorker.push(worker);
  };
  const killedAt = new Map<number, number>();
  const reports = new Map<KillVerb, RunResult[]>(verbs.map((v) => [v, []]));
  let ns = '';
  let hrs: ReturnType<typeof helmReleases>;
  let chart: { repository: string; name: string; version: string };
  try {
    await applyCrd(kc);
    const [namespace, dropNamespace] = await freshNamespace(kc, 'faults-kill');
    done.add(namespace, dropNamespace);
    ns = namespace;
    hrs = helmReleases(kc, ns);
    const repo = done.add(await startChartRepo(), (r) => r.close());
    await repo.publish('0.1.0');
    chart = { repository: repo.url, name: 'hello', version: '0.1.0' };
    done.add(await startCapstan({ role: 'operator', namespace: ns, queue, args }), (p) => p.stop());
    done.add(workers, async (ws) => { for (const w of ws) await w.stop(); });
    for (let i = 0; i < runs * verbs.length; i++) {
      const verb = verbs[i % verbs.length] ?? 'install';
      const standby = ((i % verbs.length) + Math.floor(i / verbs.length)) % 2 === 0;
      while (workers.length < (standby ? 2 : 1)) await startWorker();
      while (workers.length > (standby ? 2 : 1)) await workers.pop()?.stop();
      const result = await killOnce({ verb, name: `${verb}-${i}`, standby }).catch((err: Error) => ({ ok: false, why: `${verb}-${i}: ${err.message}` }));
      log(`kill during ${verb} (${standby ? 'second worker' : 'restarted worker'}): ${JSON.stringify(result)}`);
      if (!result.ok) {
        const said = everyWorker.flatMap((w) => w.output().split('\n').filter((l) => l.includes(`${verb}-${i}`) && !l.includes('"level":20')).slice(-30));
        log(`what the workers said about ${verb}-${i}:\n${said.join('\n')}`);
      }
      reports.get(verb)?.push(result);
    }
  } finally {
    await done.run();
  }
  return verbs.map((verb) => ({ scenario: `SIGKILL during ${verb}`, runs: reports.get(verb) ?? [] }));

  async function killOnce(run: { verb: KillVerb; name: string; standby: boolean }): Promise<RunResult> {
    const { verb, name } = run;
    const { trigger, want } = await prepare(verb, name);
    const since = Date.now();
    await trigger();
    const target = await eventually<HelmRun>(`helm ${verb} of ${name}`, async () =>
      helm.runs().find((r) => r.release === name && r.verb === verb && r.start >= since - 1_000), 120_000);
    await sleep(target.start + Math.random() * killWindowMs(helm.runs(), verb) - Date.now());
    const victim = workers.find((w) => w.proc.pid === target.worker);
    if (!victim) return { ok: false, why: `${name}: no worker with pid ${target.worker}` };
    const t0 = Date.now();
    await victim.kill();
    killedAt.set(target.worker, t0);
    workers.splice(workers.indexOf(victim), 1);
    const latest = (await helmHistory(kc, ns, name))[0]?.status ?? 'none';
    const finished = helm.runs().find((r) => r.start === target.start && r.worker === target.worker)?.end !== undefined;
    const note = finished ? `after helm ${verb} returned` : latest.startsWith('pending') ? `mid-helm, left ${latest}` : 'mid-helm';
    if (!run.standby) await startWorker();
    // recovered: Ready; for the failing upgrade, back on its last good revision with nothing pending (Capstan
    // then tries the interrupted upgrade once more, as it was never counted, and fails the release correctly)
    const recovered = await waitForEnd(kc, ns, name, { ...want, helmOnly: want.end === 'failed' }, 180_000);
    const recoveryMs = Date.now() - t0;
    const end = await waitForEnd(kc, ns, name, want, 180_000);
    const overlaps = overlappingRuns(helm.runs().filter((r) => r.release === name), killedAt);
    if (overlaps.length) return { ok: false, why: `${name}: helm ${overlaps[0]?.[1].verb} started while ${overlaps[0]?.[0].verb} ran`, note };
    if ('problem' in recovered) return { ok: false, why: `${name}: ${recovered.problem}`, note };
    if ('problem' in end) return { ok: false, why: `${name}: ${end.problem}`, note };
    if (recoveryMs > recoveryLimitMs) return { ok: false, why: `${name}: recovered in ${recoveryMs} ms`, recoveryMs, note };
    return { ok: true, recoveryMs, note };
  }

  // Brings the release to the point before `verb` and says what starts it and how it must end.
  async function prepare(verb: KillVerb, name: string): Promise<{ trigger: () => Promise<unknown>; want: ExpectedEnd }> {
    const spec: HelmReleaseSpec = { chart, releaseName: name, wait: true, values: { message: 'first' } };
    if (verb === 'install') return { trigger: () => hrs.create(name, spec), want: { end: 'ready', message: 'first' } };
    if (verb === 'test') {
      return { trigger: () => hrs.create(name, { ...spec, test: { enable: true, timeout: 60 } }), want: { end: 'ready', message: 'first', tested: true } };
    }
    await hrs.create(name, { ...spec, rollback: { enable: true, wait: true, timeout: 60 } });
    await hrs.waitFor(name, 'Ready', 'True', 120_000);
    const uid = await deploymentUid(kc, ns, name);
    if (verb === 'upgrade') {
      return { trigger: () => hrs.patchSpec(name, { values: { message: 'second' } }), want: { end: 'ready', message: 'second', uid } };
    }
    // a failing upgrade (its pods never get Ready) that gives up after 4 s, then rolls back to 'first'
    return { trigger: () => hrs.patchSpec(name, { timeout: 4, values: { message: 'second', fail: true } }), want: { end: 'failed', message: 'first', uid } };
  }
}
