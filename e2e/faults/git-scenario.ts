import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { type CapstanProcess, startCapstan } from '../support/capstan.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from '../support/cluster.ts';
import { git, startGitServer } from '../support/git-server.ts';
import { type StoppableGitDaemon, stoppableGitDaemon } from './git-daemon.ts';
import { cleanup } from './cleanup.ts';
import type { RunResult, ScenarioReport } from './report.ts';

const OBJECTS = 6;
interface SyncApi { sources: Array<{ record?: { revision: string; complete: boolean }; failing?: { failures: number; error: string } }> }

// `capstan daemon` syncing a repository of ConfigMaps (garbage collection on) while its Git server goes away for a
// while, `runs` times. While it is gone nothing may be deleted or changed, and both the sync status
// (GET /api/capstan/v1/sync: `failing`) and capstan_sync_cycle_failures_total must show it; a commit pushed
// meanwhile must be applied once the server is back, and the status must clear.
export async function gitOutageScenario(runs: number, log: (line: string) => void = () => undefined): Promise<ScenarioReport> {
  const kc = kubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const done = cleanup();
  const results: RunResult[] = [];
  let ns = '';
  let work = '';
  let bare = '';
  let daemonGit: StoppableGitDaemon;
  let daemon: CapstanProcess;
  const write = (round: number) => {
    for (let i = 0; i < OBJECTS; i++) writeFileSync(join(work, `cm${i}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  round: "${i === 0 ? round : 0}"\n`);
  };
  // pushed to the bare repository on disk: that works while the git daemon is down
  const push = async (message: string) => {
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', message);
    await git(work, 'push', bare, 'HEAD:main');
    return (await git(work, 'rev-parse', 'HEAD')).stdout.trim();
  };
  const objects = async () => new Map((await core.listNamespacedConfigMap({ namespace: ns })).items
    .filter((c) => /^c\d+$/.test(c.metadata?.name ?? '')).map((c) => [c.metadata?.name ?? '', { uid: c.metadata?.uid, round: c.data?.round }]));
  const status = async () => ((await (await fetch(`${daemon.url}/api/capstan/v1/sync`)).json()) as SyncApi).sources[0];
  try {
    const [namespace, dropNamespace] = await freshNamespace(kc, 'faults-git');
    ns = done.add(namespace, dropNamespace);
    const server = done.add(await startGitServer(), (s) => s.close());
    work = await server.clone(await server.createRepo('config'), 'work');
    bare = join(server.root, 'repos', 'config.git');
    daemonGit = done.add(await stoppableGitDaemon(join(server.root, 'repos')), (d) => d.stop());
    write(0);
    await push('Six ConfigMaps');
    daemon = done.add(await startCapstan({ role: 'daemon', namespace: ns, queue: uniqueName('unused'), args: [
      '--git-url', daemonGit.url('config'), '--git-branch', 'main', '--git-poll-interval', '1s', '--sync-interval', '1h',
      '--sync-garbage-collection', '--k8s-default-namespace', ns, '--git-timeout', '5s', '--git-readonly',
    ] }), (p) => p.stop());
    await eventually('the ConfigMaps synced', async () => ((await objects()).size === OBJECTS || undefined), 60_000);
    const uids = new Map([...(await objects())].map(([n, o]) => [n, o.uid]));
    for (let run = 1; run <= runs; run++) {
      const result = await outage(run, uids).catch((err: Error) => ({ ok: false, why: err.message }));
      log(`Git server gone: ${JSON.stringify(result)}`);
      results.push(result);
    }
  } finally {
    await done.run();
  }
  return { scenario: 'Git server gone for a while (daemon sync)', runs: results };

  async function outage(run: number, uids: Map<string, string | undefined>): Promise<RunResult> {
    const failuresBefore = await daemon.metric('capstan_sync_cycle_failures_total');
    await daemonGit.stop();
    const failing = await eventually('the sync status to show the failure', async () => {
      const s = await status();
      return s?.failing && s.failing.failures >= 2 ? s.failing : undefined;
    }, 60_000);
    const counted = (await daemon.metric('capstan_sync_cycle_failures_total')) - failuresBefore;
    if (counted < 2) return { ok: false, why: `run ${run}: capstan_sync_cycle_failures_total rose by ${counted} over ${failing.failures} failed cycles` };
    write(run);
    const head = await push(`Round ${run}`);
    const during = await objects();
    const lost = [...uids].filter(([n, uid]) => during.get(n)?.uid !== uid);
    if (lost.length) return { ok: false, why: `run ${run}: ${lost.map(([n]) => n).join(', ')} deleted while Git was gone` };
    const t0 = Date.now();
    await daemonGit.start();
    await eventually('the pushed change applied', async () => ((await objects()).get('c0')?.round === String(run) || undefined), 60_000);
    const s = await eventually('the sync status to clear', async () => {
      const x = await status();
      return !x?.failing && x?.record?.revision === head && x.record.complete ? x : undefined;
    }, 60_000);
    const after = await objects();
    const replaced = [...uids].filter(([n, uid]) => after.get(n)?.uid !== uid);
    if (replaced.length) return { ok: false, why: `run ${run}: ${replaced.map(([n]) => n).join(', ')} deleted or replaced` };
    log(`run ${run}: ${failing.failures} failed cycles in the status ("${failing.error.slice(0, 80)}"), ${counted} counted`);
    return { ok: Boolean(s), recoveryMs: Date.now() - t0 };
  }
}
