import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { startCapstan } from '../support/capstan.ts';
import { startChartRepo } from '../support/chart-repo.ts';
import { eventually, freshNamespace, uniqueName } from '../support/cluster.ts';
import { type OwnControlPlane, startControlPlane } from '../support/control-plane.ts';
import { applyCrd } from '../support/crd.ts';
import { git, startGitServer } from '../support/git-server.ts';
import { helmReleases } from '../support/helm-releases.ts';
import { cleanup } from './cleanup.ts';
import { loggingHelm, overlappingRuns } from './helm-log.ts';
import { deploymentUid, type ExpectedEnd, waitForAll } from './release-checks.ts';
import type { RunResult, ScenarioReport } from './report.ts';

const OBJECTS = 40;
const RELEASES = 5;

// On a control plane of its own, `capstan run` syncs a repository of ConfigMaps (garbage collection on) and runs
// HelmReleases, and its kube-apiserver is restarted `runs` times during a sync (right after a commit that changes
// every ConfigMap) and `runs` times during releases (while the upgrades of all releases run). Afterwards every
// change must be applied, every release Ready with its new values and no pending-*, never two helm runs at once
// on one release, and no object deleted (uids unchanged).
export async function apiServerScenario(runs: number, log: (line: string) => void = () => undefined): Promise<ScenarioReport[]> {
  const done = cleanup();
  const dir = done.add(mkdtempSync(join(tmpdir(), 'capstan-faults-apiserver-')), (d) => rmSync(d, { recursive: true, force: true }));
  const helm = loggingHelm(dir);
  const sync: RunResult[] = [];
  const releases: RunResult[] = [];
  let cp: OwnControlPlane;
  let ns = '';
  let work = '';
  const configMaps = async () => new Map((await cp.kc.makeApiClient(k8s.CoreV1Api).listNamespacedConfigMap({ namespace: ns })).items
    .filter((c) => /^c\d+$/.test(c.metadata?.name ?? '')).map((c) => [c.metadata?.name ?? '', { uid: c.metadata?.uid, round: c.data?.round }]));
  const commit = async (round: number) => {
    for (let i = 0; i < OBJECTS; i++) writeFileSync(join(work, `cm${i}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  round: "${round}"\n`);
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', `Round ${round}`);
    await git(work, 'push', 'origin', 'HEAD:main');
  };
  const names = Array.from({ length: RELEASES }, (_, i) => `a${i}`);
  try {
    cp = done.add(await startControlPlane(), (c) => c.close());
    const server = done.add(await startGitServer(), (s) => s.close());
    const repo = done.add(await startChartRepo(), (r) => r.close());
    await repo.publish('0.1.0');
    await applyCrd(cp.kc);
    [ns] = await freshNamespace(cp.kc, 'faults-apiserver');
    const url = await server.createRepo('config');
    work = await server.clone(url, 'work');
    await commit(0);
    done.add(await startCapstan({ role: 'run', namespace: ns, queue: uniqueName('apiserver'), env: { KUBECONFIG: cp.kubeconfig }, args: [
      '--git-url', url, '--git-branch', 'main', '--git-poll-interval', '1s', '--sync-interval', '1h', '--sync-garbage-collection',
      '--k8s-default-namespace', ns, '--git-timeout', '5s', '--helm-binary', helm.binary, '--charts-sync-interval', '3m',
    ] }), (p) => p.stop());
    await eventually('the ConfigMaps synced', async () => ((await configMaps()).size === OBJECTS || undefined), 120_000);
    const uids = new Map([...(await configMaps())].map(([n, o]) => [n, o.uid]));
    const hrs = helmReleases(cp.kc, ns);
    for (const name of names) await hrs.create(name, { chart: { repository: repo.url, name: 'hello', version: '0.1.0' }, releaseName: name, wait: true, values: { message: 'round 0' } });
    for (const name of names) await hrs.waitFor(name, 'Ready', 'True', 180_000);
    const releaseUids = new Map(await Promise.all(names.map(async (n) => [n, await deploymentUid(cp.kc, ns, n)] as const)));
    for (let round = 1; round <= runs; round++) {
      const duringSync = await restartDuringSync(round, uids).catch((err: Error) => ({ ok: false, why: err.message }));
      log(`API server restarted during a sync: ${JSON.stringify(duringSync)}`);
      sync.push(duringSync);
      const duringReleases = await restartDuringReleases(round, hrs, releaseUids).catch((err: Error) => ({ ok: false, why: err.message }));
      log(`API server restarted during releases: ${JSON.stringify(duringReleases)}`);
      releases.push(duringReleases);
    }
  } finally {
    await done.run();
  }
  return [
    { scenario: 'API server restarted during a sync', runs: sync },
    { scenario: 'API server restarted during releases', runs: releases },
  ];

  // A commit changes every ConfigMap; the API server restarts once the daemon has applied the first of them.
  async function restartDuringSync(round: number, uids: ReadonlyMap<string, string | undefined>): Promise<RunResult> {
    await commit(round);
    const landed = await eventually('the sync to start', async () => {
      const n = [...(await configMaps()).values()].filter((c) => c.round === String(round)).length;
      return n > 0 ? n : undefined;
    }, 60_000);
    const t0 = Date.now();
    await cp.restartApiServer();
    await eventually('every change applied', async () => ([...(await configMaps()).values()].every((c) => c.round === String(round)) || undefined), 180_000);
    const after = await configMaps();
    const lost = [...uids].filter(([n, uid]) => after.get(n)?.uid !== uid);
    if (lost.length) return { ok: false, why: `round ${round}: ${lost.length} ConfigMap(s) deleted or replaced, e.g. ${lost[0]?.[0]}` };
    return { ok: true, recoveryMs: Date.now() - t0, note: landed < OBJECTS ? 'mid-sync' : 'after the sync applied' };
  }

  // Every release gets new values; the API server restarts up to 2 s after the first helm upgrade started.
  async function restartDuringReleases(round: number, hrs: ReturnType<typeof helmReleases>, uids: ReadonlyMap<string, string | undefined>): Promise<RunResult> {
    const since = Date.now();
    for (const name of names) await hrs.patchSpec(name, { values: { message: `round ${round}` } });
    await eventually('an upgrade to start', async () => helm.runs().find((r) => r.verb === 'upgrade' && r.start >= since), 60_000);
    await new Promise((r) => setTimeout(r, Math.random() * 2_000));
    const running = helm.runs().filter((r) => r.start >= since && r.end === undefined).length;
    const t0 = Date.now();
    await cp.restartApiServer();
    const wants = new Map<string, ExpectedEnd>(names.map((n) => [n, { end: 'ready', message: `round ${round}`, uid: uids.get(n) }]));
    const end = await waitForAll(cp.kc, ns, wants, 240_000);
    const overlaps = overlappingRuns(helm.runs(), new Map());
    if (overlaps.length) return { ok: false, why: `${overlaps[0]?.[0].release}: helm ${overlaps[0]?.[1].verb} started while ${overlaps[0]?.[0].verb} ran` };
    if ('problems' in end) return { ok: false, why: [...end.problems].map(([n, p]) => `${n}: ${p}`).join('; ') };
    return { ok: true, recoveryMs: Date.now() - t0, note: running ? 'helm runs in flight' : 'between helm runs' };
  }
}
