import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { git, type GitServer, startGitServer } from './support/git-server.ts';
import { type SshServer, startSshServer } from './support/ssh-server.ts';

describe('capstan daemon over SSH with a deploy key', () => {
  const kc = kubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let server: GitServer;
  let ssh: SshServer;
  let daemon: CapstanProcess | undefined;

  before(async () => {
    [ns, dropNamespace] = await freshNamespace(kc, 'ssh');
    server = await startGitServer();
    const gitUrl = await server.createRepo('over-ssh');
    const work = await server.clone(gitUrl, 'work');
    writeFileSync(join(work, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: via-ssh\ndata:\n  k: v\n');
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', 'one object');
    await git(work, 'push', 'origin', 'HEAD:main');
    ssh = await startSshServer();
  });
  after(async () => {
    await daemon?.stop();
    await ssh?.close();
    await server?.close();
    await dropNamespace();
  });

  it('clones with the key, checks the host key, and pushes the sync tag back', async () => {
    const url = `ssh://root@127.0.0.1:${ssh.port}${join(server.root, 'repos', 'over-ssh.git')}`;
    daemon = await startCapstan({ role: 'daemon', namespace: ns, queue: uniqueName('unused'), args: [
      '--git-url', url, '--git-branch', 'main', '--git-ssh-key', ssh.keyFile, '--git-ssh-known-hosts', ssh.knownHostsFile,
      '--k8s-default-namespace', ns, '--sync-interval', '1h',
    ] });
    await eventually('the ConfigMap from Git over SSH', async () => core.readNamespacedConfigMap({ name: 'via-ssh', namespace: ns }).then(() => true, () => undefined), 30_000);
    // the tag is pushed over SSH right after the sync
    const tag = await eventually('flux-sync pushed over SSH', async () =>
      (await git(server.root, 'ls-remote', join(server.root, 'repos', 'over-ssh.git'), 'refs/tags/flux-sync')).stdout || undefined, 30_000);
    assert.match(tag, /^[0-9a-f]{40}\trefs\/tags\/flux-sync$/);
    assert.ok(!daemon.output().includes('PRIVATE KEY'), 'the key reached the logs');
    await daemon.stop(); // frees the source's Lease for the next test
    daemon = undefined;
  });

  it('takes the key from a Secret, shows its public half, and keeps the marker on the Secret (--sync-state secret)', async () => {
    const repo = join(server.root, 'repos', 'over-ssh.git');
    await git(repo, 'tag', '-d', 'flux-sync'); // start without the tag of the test above
    await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'flux-git-deploy' }, stringData: { identity: readFileSync(ssh.keyFile, 'utf8') } } });
    await core.deleteNamespacedConfigMap({ name: 'via-ssh', namespace: ns });
    daemon = await startCapstan({ role: 'daemon', namespace: ns, queue: uniqueName('unused'), args: [
      '--git-url', `ssh://root@127.0.0.1:${ssh.port}${repo}`, '--git-branch', 'main', '--k8s-secret-name', 'flux-git-deploy',
      '--k8s-secret-namespace', ns, '--sync-state', 'secret', '--k8s-default-namespace', ns, '--sync-interval', '1h',
    ] });
    await eventually('the ConfigMap again', async () => core.readNamespacedConfigMap({ name: 'via-ssh', namespace: ns }).then(() => true, () => undefined), 30_000);
    const hwm = await eventually('the sync marker on the Secret', async () =>
      (await core.readNamespacedSecret({ name: 'flux-git-deploy', namespace: ns })).metadata?.annotations?.['flux.weave.works/sync-hwm'], 30_000);
    assert.equal(hwm, (await git(server.root, 'ls-remote', repo, 'refs/heads/main')).stdout.split('\t')[0]);
    assert.equal((await git(server.root, 'ls-remote', repo, 'refs/tags/flux-sync')).stdout, '', 'secret mode pushed a tag');
    const pub = String(await (await fetch(`${daemon.url}/api/flux/v6/identity.pub`)).json());
    const typeAndKey = (line: string) => line.trim().split(' ').slice(0, 2).join(' ');
    assert.equal(typeAndKey(pub), typeAndKey(readFileSync(`${ssh.keyFile}.pub`, 'utf8')));
    assert.ok(!pub.includes('PRIVATE'));
  });
});
