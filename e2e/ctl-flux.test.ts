import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { execa } from 'execa';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { git, type GitServer, startGitServer } from './support/git-server.ts';
import { pushImage, type Registry, startRegistry } from './support/registry.ts';

const BIN = new URL('../bin/capstan', import.meta.url).pathname;

// `capstan ctl`'s fluxctl verbs against a running `capstan run` syncing a loopback Git server, with images in a
// loopback registry: the client speaks the same API as the real fluxctl (e2e/fluxctl-*.test.ts).
describe('capstan ctl: fluxctl verbs against capstan run', () => {
  const kc = kubeConfig();
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let server: GitServer;
  let reg: Registry;
  let bare = '';
  let capstan: CapstanProcess;
  const id = () => `${ns}:deployment/web`;
  const image = (tag: string) => `${reg.host}/web:${tag}`;
  const ctl = (...args: string[]) => execa(BIN, ['ctl', ...args], { reject: false, timeout: 180_000, env: { FLUX_URL: `${capstan.url}/api/flux` } });
  const message = async () => (await git(bare, 'log', '-1', '--format=%B', 'main')).stdout.trimEnd();
  const liveImage = async () => (await apps.readNamespacedDeployment({ namespace: ns, name: 'web' })).spec?.template.spec?.containers[0]?.image;

  before(async () => {
    [ns, dropNamespace] = await freshNamespace(kc, 'ctl-flux');
    reg = await startRegistry();
    for (const tag of ['1.0.0', '1.1.0']) await pushImage(reg, 'web', tag);
    server = await startGitServer();
    const url = await server.createRepo('apps');
    bare = join(server.root, 'repos/apps.git');
    const work = await server.clone(url, 'work');
    writeFileSync(join(work, 'web.yaml'), `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: app
          image: ${image('1.0.0')}
`);
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', 'Workloads');
    await git(work, 'push', 'origin', 'HEAD:main');
    capstan = await startCapstan({ role: 'run', namespace: ns, queue: uniqueName('ctl-flux'), args: [
      '--git-url', url, '--git-branch', 'main', '--k8s-default-namespace', ns, '--sync-interval', '1h', '--git-poll-interval', '1h',
      '--automation-interval', '2s', '--registry-insecure-host', reg.host,
    ] });
    await eventually('web synced', async () => ((await liveImage().catch(() => undefined)) === image('1.0.0') || undefined), 90_000);
  });
  after(async () => {
    await capstan?.stop();
    await server?.close().catch(() => undefined);
    await reg?.stop();
    await dropNamespace();
  });

  it('list-workloads and list-images show the workload, its image and the tags, the running one marked', async () => {
    const workloads = await ctl('list-workloads', '-n', ns);
    assert.equal(workloads.exitCode, 0, workloads.stderr);
    assert.match(workloads.stdout, new RegExp(`^${id()} +app +${image('1.0.0').replaceAll('.', '\\.')}`, 'm'));
    const images = await eventually('the registry scanned', async () => {
      const r = await ctl('list-images', '-w', id());
      return r.stdout.includes('1.1.0') ? r : undefined;
    }, 60_000);
    assert.match(images.stdout, /^ +-> 1\.0\.0/m);
    assert.match(images.stdout, /^ + {3}1\.1\.0/m);
  });

  it('lock -m and unlock, then release -i: each one commit; the release is applied with --watch', async () => {
    const lock = await ctl('lock', '-w', id(), '-m', 'incident 7');
    assert.equal(lock.exitCode, 0, lock.stderr);
    assert.match(await message(), new RegExp(`Locked: ${id()}`));
    assert.equal((await ctl('unlock', '-w', id())).exitCode, 0);
    assert.match(await message(), new RegExp(`Unlocked: ${id()}`));
    const release = await ctl('release', '-w', id(), '-i', image('1.1.0'), '--watch');
    assert.equal(release.exitCode, 0, release.stderr);
    assert.match(release.stdout, new RegExp(`^${id()} +success`, 'm'));
    assert.match(release.stdout, /^Commit pushed:\t[0-9a-f]{7}$/m);
    assert.equal(await message(), `Release ${image('1.1.0')} to ${id()}`);
    assert.equal(await liveImage(), image('1.1.0'));
  });

  it('sync waits until the head is applied; save exports the workload; a bad workload ID is a usage error', async () => {
    const sync = await ctl('sync');
    assert.equal(sync.exitCode, 0, sync.stderr);
    assert.match(sync.stdout, /Revision of main to apply is [0-9a-f]{7}\nWaiting for [0-9a-f]{7} to be applied \.\.\.\nDone\.$/);
    const save = await ctl('save');
    assert.equal(save.exitCode, 0, save.stderr);
    assert.match(save.stdout, /kind: Deployment/);
    assert.equal((await ctl('automate', '-w', 'not-an-id')).exitCode, 2);
  });
});
