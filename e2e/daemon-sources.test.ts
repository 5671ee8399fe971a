import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { git, type GitServer, startGitServer } from './support/git-server.ts';

describe('capstan daemon --config: two repositories, several paths, sync_only', () => {
  const kc = kubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let server: GitServer;
  let apps = '';
  let infra = '';
  let daemon: CapstanProcess;
  const cm = (name: string, annotations = '') =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${annotations ? `  annotations: {${annotations}}\n` : ''}data:\n  k: v\n`;
  const write = (work: string, path: string, text: string) => {
    mkdirSync(join(work, path, '..'), { recursive: true });
    writeFileSync(join(work, path), text);
  };
  const push = async (work: string, message: string) => {
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', message);
    await git(work, 'push', 'origin', 'HEAD:main');
  };
  const exists = async (name: string) => core.readNamespacedConfigMap({ name, namespace: ns }).then(() => true, () => false);

  before(async () => {
    [ns, dropNamespace] = await freshNamespace(kc, 'sources');
    server = await startGitServer();
    const appsUrl = await server.createRepo('apps');
    const infraUrl = await server.createRepo('infra');
    apps = await server.clone(appsUrl, 'apps');
    infra = await server.clone(infraUrl, 'infra');
    write(apps, 'team-a/a.yaml', cm('a'));
    write(apps, 'team-a/keep.yaml', cm('keep', '"fluxcd.io/ignore": sync_only'));
    write(apps, 'team-b/b.yaml', cm('b'));
    write(apps, 'team-b/b2.yaml', cm('b2')); // a path that disappears from Git is a load error, and stops GC
    write(apps, 'elsewhere/x.yaml', cm('x'));
    await push(apps, 'apps');
    for (let i = 0; i < 4; i++) write(infra, `base/i${i}.yaml`, cm(`i${i}`));
    await push(infra, 'infra');
    const config = join(server.root, 'capstan.yaml');
    writeFileSync(config, `sources:
- {name: apps, gitUrl: "${appsUrl}", gitBranch: main, gitPaths: [team-a, team-b], defaultNamespace: ${ns}}
- {name: infra, gitUrl: "${infraUrl}", gitBranch: main, defaultNamespace: ${ns}}
`);
    daemon = await startCapstan({ role: 'daemon', namespace: ns, queue: uniqueName('unused'),
      args: ['--config', config, '--sync-interval', '1h', '--sync-garbage-collection'] });
  });
  after(async () => {
    await daemon?.stop();
    await server?.close();
    await dropNamespace();
  });

  it('syncs both repositories, only the paths asked for', async () => {
    await eventually('both repositories', async () =>
      ((await Promise.all(['a', 'keep', 'b', 'b2', 'i0', 'i1', 'i2', 'i3'].map(exists))).every(Boolean) || undefined), 30_000);
    assert.equal(await exists('x'), false, 'a file outside --git-path was applied');
  });

  it('garbage-collects per repository, and never an object marked sync_only', async () => {
    rmSync(join(apps, 'team-a', 'keep.yaml'));
    rmSync(join(apps, 'team-b', 'b.yaml'));
    await push(apps, 'remove keep and b');
    assert.equal((await fetch(`${daemon.url}/api/flux/v11/notify`, { method: 'POST' })).status, 202);
    await eventually('b to be collected', async () => (!(await exists('b')) || undefined), 30_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${daemon.output().slice(-3000)}`);
    });
    assert.ok(await exists('keep'), 'a sync_only object was garbage-collected');
    for (const name of ['a', 'b2', 'i0', 'i1', 'i2', 'i3']) assert.ok(await exists(name), `${name} was deleted`);
  });
});
