import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { git, type GitServer, startGitServer } from './support/git-server.ts';

describe('two capstan daemon replicas on one repository', () => {
  const kc = kubeConfig();
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let server: GitServer;
  const replicas: CapstanProcess[] = [];
  const syncs = (p: CapstanProcess) => p.metric('flux_daemon_sync_duration_seconds_count');

  let url = '';
  let survivor: CapstanProcess | undefined; // the leader after the graceful handover
  const startReplica = () => startCapstan({ role: 'daemon', namespace: ns, queue: uniqueName('unused'), args: [
    '--git-url', url, '--git-branch', 'main', '--sync-interval', '2s', '--git-poll-interval', '2s', '--k8s-default-namespace', ns,
    '--leader-election-namespace', ns,
  ] });

  before(async () => {
    [ns, dropNamespace] = await freshNamespace(kc, 'leader');
    server = await startGitServer();
    url = await server.createRepo('shared');
    const work = await server.clone(url, 'work');
    writeFileSync(join(work, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  k: v\n');
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', 'one object');
    await git(work, 'push', 'origin', 'HEAD:main');
    for (let i = 0; i < 2; i++) replicas.push(await startReplica());
  });
  after(async () => {
    for (const p of replicas) await p.stop();
    await server?.close();
    await dropNamespace();
  });

  it('syncs from one replica only (a Lease), and the other takes over when it stops', async () => {
    const [first, second] = replicas as [CapstanProcess, CapstanProcess];
    await eventually('a leader to sync', async () => ((await syncs(first)) + (await syncs(second)) >= 3 || undefined), 30_000);
    const counts = [await syncs(first), await syncs(second)];
    assert.equal(counts.filter((n) => n > 0).length, 1, `both replicas synced: ${counts}`);
    const [leader, follower] = counts[0] ? [first, second] : [second, first];
    await leader.stop();
    await eventually('the other replica to take over', async () => ((await syncs(follower)) > 0 || undefined), 30_000);
    survivor = follower;
  });

  it('takes over from a leader that crashed (SIGKILL, Lease never released) once the Lease expires', async () => {
    const standby = await startReplica();
    replicas.push(standby);
    const current = survivor;
    assert.ok(current, 'the handover test ran first');
    const before = await syncs(standby);
    assert.equal(before, 0, 'the standby synced while another replica led');
    await current.kill();
    // the default Lease is 15 s: the standby must wait it out (judged on its own clock), then lead
    await eventually('the standby to take over from the crashed leader', async () => ((await syncs(standby)) > 0 || undefined), 60_000);
  });
});
