import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CapstanProcess, startCapstan } from '../support/capstan.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from '../support/cluster.ts';
import { applyCrd } from '../support/crd.ts';
import { helmHistory, helmReleases } from '../support/helm-releases.ts';
import { type GatedChartRepo, startGatedChartRepo } from './gated-chart.ts';
import { type HelmRun, loggingHelm, overlappingRuns } from './helm-log.ts';
import { deploymentUid, waitForEnd } from './release-checks.ts';
import { cleanup } from './cleanup.ts';
import type { RunResult, ScenarioReport } from './report.ts';

// Kubernetes' default termination grace: a worker that has not exited by then is SIGKILLed.
export const TERMINATION_GRACE_MS = 30_000;

// SIGTERM to the worker while its helm upgrade waits (on a gate the test holds closed). Half the runs open the
// gate a few seconds later: the worker must finish the upgrade itself and exit. The others keep it closed: the
// worker must cut helm short after its shutdown grace (helm records the release failed, not pending) and hand the
// job back, and the second worker, standing by, must finish it once the gate opens. Either way the process exits
// 0 within TERMINATION_GRACE_MS and the release ends Ready with the new values, no pending-*, never two helm runs at
// once, the Deployment never deleted. `runs` of each kind.
export async function sigtermScenario(runs: number, log: (line: string) => void = () => undefined): Promise<ScenarioReport[]> {
  const kc = kubeConfig();
  const done = cleanup();
  const dir = done.add(mkdtempSync(join(tmpdir(), 'capstan-faults-sigterm-')), (d) => rmSync(d, { recursive: true, force: true }));
  const helm = loggingHelm(dir);
  const queue = uniqueName('sigterm');
  const args = ['--charts-sync-interval', '3m'];
  const workers: CapstanProcess[] = [];
  const startWorker = async () => workers.push(await startCapstan({ role: 'worker', namespace: ns, queue, args: [...args, '--helm-binary', helm.binary] }));
  const finish: RunResult[] = [];
  const handBack: RunResult[] = [];
  let ns = '';
  let hrs: ReturnType<typeof helmReleases>;
  let repo: GatedChartRepo;
  try {
    await applyCrd(kc);
    const [namespace, dropNamespace] = await freshNamespace(kc, 'faults-sigterm');
    ns = done.add(namespace, dropNamespace);
    hrs = helmReleases(kc, ns);
    repo = done.add(await startGatedChartRepo(), (r) => r.close());
    done.add(await startCapstan({ role: 'operator', namespace: ns, queue, args }), (p) => p.stop());
    done.add(workers, async (ws) => { for (const w of ws) await w.stop(); });
    for (let i = 0; i < 2 * runs; i++) {
      while (workers.length < 2) await startWorker();
      const kind = i % 2 === 0 ? 'finish' : 'hand back';
      const result = await termOnce(`t${i}`, kind).catch((err: Error) => ({ ok: false, why: `t${i}: ${err.message}` }));
      log(`SIGTERM mid-upgrade (${kind}): ${JSON.stringify(result)}`);
      (kind === 'finish' ? finish : handBack).push(result);
    }
  } finally {
    await done.run();
  }
  return [
    { scenario: 'SIGTERM mid-helm, helm done within the grace', runs: finish },
    { scenario: 'SIGTERM mid-helm, helm longer than the grace', runs: handBack },
  ];

  async function termOnce(name: string, kind: 'finish' | 'hand back'): Promise<RunResult> {
    await hrs.create(name, { chart: repo.chart, releaseName: name, wait: true, timeout: 300, values: { message: 'first' } });
    await hrs.waitFor(name, 'Ready', 'True', 120_000);
    const uid = await deploymentUid(kc, ns, name);
    const since = Date.now();
    await hrs.patchSpec(name, { values: { message: 'second', gate: name } });
    const run = await eventually<HelmRun>(`helm upgrade of ${name}`, async () => helm.runs().find((r) => r.release === name && r.verb === 'upgrade' && r.start >= since - 1_000), 60_000);
    await eventually(`${name} to be pending-upgrade`, async () => ((await helmHistory(kc, ns, name))[0]?.status === 'pending-upgrade' || undefined), 60_000);
    const victim = workers.find((w) => w.proc.pid === run.worker);
    if (!victim) return { ok: false, why: `${name}: no worker with pid ${run.worker}` };
    workers.splice(workers.indexOf(victim), 1);
    const t0 = Date.now();
    // the signal as Kubernetes sends it (execa's kill() would add its own SIGKILL 5 s later)
    if (victim.proc.pid !== undefined) process.kill(victim.proc.pid, 'SIGTERM');
    const exited = victim.proc.then(() => Date.now() - t0);
    if (kind === 'finish') {
      await new Promise((r) => setTimeout(r, 1_000 + Math.random() * 4_000));
      await repo.openGate(kc, ns, name, name);
    }
    const exitMs = await exited;
    const code = (await victim.proc).exitCode;
    if (kind === 'hand back') await repo.openGate(kc, ns, name, name);
    const end = await waitForEnd(kc, ns, name, { end: 'ready', message: 'second', uid }, 120_000);
    const mine = helm.runs().filter((r) => r.release === name);
    const overlaps = overlappingRuns(mine, new Map());
    const victimRun = mine.find((r) => r.start === run.start && r.worker === run.worker);
    const later = mine.filter((r) => r.start > run.start && r.verb === 'upgrade');
    const note = `exited ${code} after ${(exitMs / 1000).toFixed(1)} s`;
    const wrong =
      code !== 0 ? `${name}: the worker exited ${code}` :
      exitMs > TERMINATION_GRACE_MS ? `${name}: the worker took ${exitMs} ms to exit` :
      victimRun?.end === undefined ? `${name}: the worker exited with helm still running` :
      overlaps.length ? `${name}: helm ${overlaps[0]?.[1].verb} started while ${overlaps[0]?.[0].verb} ran` :
      'problem' in end ? `${name}: ${end.problem}` :
      kind === 'finish' && later.length ? `${name}: the upgrade was run again by ${later[0]?.worker} instead of finished` :
      kind === 'hand back' && !later.some((r) => r.worker !== run.worker) ? `${name}: no other worker took the job over` :
      undefined;
    return wrong ? { ok: false, why: wrong, note } : { ok: true, recoveryMs: Date.now() - t0, note: kind === 'finish' ? 'finished, then exited' : 'handed back, then exited' };
  }
}
