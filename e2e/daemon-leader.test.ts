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

  before(async () => {
    [ns, dropNamespace] = await freshNamespace(kc, 'leader');
    server = await startGitServer();
    const url = await server.createRepo('shared');
    const work = await server.clone(url, 'work');
    writeFileSync(join(work, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  k: v\n');
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', 'one object');
    await git(work, 'push', 'origin', 'HEAD:main');
    for (let i = 0; i < 2; i++) {
      replicas.push(await startCapstan({ role: 'daemon', namespace: ns, queue: uniqueName('unused'), args: [
        '--git-url', url, '--git-branch', 'main', '--sync-interval', '2s', '--git-poll-interval', '2s', '--k8s-default-namespace', ns,
        '--leader-election-namespace', ns,
      ] }));
    }
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
  });
});
