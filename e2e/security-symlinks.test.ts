import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { applyCrd } from './support/crd.ts';
import { copyInto, git, type GitServer, startGitServer } from './support/git-server.ts';
import { HELLO_CHART } from './support/helm.ts';
import { helmHistory, helmReleases } from './support/helm-releases.ts';

// Issue 9, findings 2 and 3: symbolic links in a Git chart or a synced repository must not read the disk of the
// machine Capstan runs on. Each test plants a file with a unique marker outside any repository, as the
// ServiceAccount token or the daemon's SSH key would be, and links to it from Git.

const LEAK_TEMPLATE = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-leak
data:
  token: {{ .Files.Get "files/token" | quote }}
`;

// A directory on "the worker's disk", outside every repository and chart, holding `token` with a fresh marker.
function workerSecret(): { dir: string; token: string; marker: string } {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-e2e-worker-disk-'));
  const marker = `worker-secret-${randomBytes(8).toString('hex')}`;
  writeFileSync(join(dir, 'token'), `${marker}\n`);
  return { dir, token: join(dir, 'token'), marker };
}

// Whether any ConfigMap in the namespace holds the marker in its data.
async function configMapHolding(core: k8s.CoreV1Api, namespace: string, marker: string): Promise<string | undefined> {
  const list = await core.listNamespacedConfigMap({ namespace });
  return list.items.find((cm) => Object.values(cm.data ?? {}).some((v) => v.includes(marker)))?.metadata?.name;
}

describe('a HelmRelease whose Git chart links to a file on the worker\'s disk', () => {
  const kc = kubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const secret = workerSecret();
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let server: GitServer;
  let url = '';
  let capstan: CapstanProcess;
  let hrs: ReturnType<typeof helmReleases>;

  before(async () => {
    await applyCrd(kc);
    [ns, dropNamespace] = await freshNamespace(kc, 'symlinks');
    hrs = helmReleases(kc, ns);
    server = await startGitServer();
    url = await server.createRepo('charts');
    const work = await server.clone(url, 'work');
    // the attack: a chart file linked to the token, and a template that renders it into a ConfigMap
    copyInto(HELLO_CHART, join(work, 'charts/leaky'));
    mkdirSync(join(work, 'charts/leaky/files'));
    symlinkSync(secret.token, join(work, 'charts/leaky/files/token'));
    writeFileSync(join(work, 'charts/leaky/templates/leak.yaml'), LEAK_TEMPLATE);
    // the control: a link that stays inside its chart is fine
    copyInto(HELLO_CHART, join(work, 'charts/linked'));
    mkdirSync(join(work, 'charts/linked/env'));
    writeFileSync(join(work, 'charts/linked/env/prod.yaml'), 'message: linked-inside\n');
    symlinkSync('env/prod.yaml', join(work, 'charts/linked/values-prod.yaml'));
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', 'Two charts with symbolic links');
    await git(work, 'push', 'origin', 'HEAD:main');
    capstan = await startCapstan({ role: 'run', namespace: ns, queue: uniqueName('symlinks') });
  });
  after(async () => {
    await capstan?.stop();
    await server?.close();
    await dropNamespace();
    rmSync(secret.dir, { recursive: true, force: true });
  });

  it('stalls naming spec.chart.path and the link, runs no helm action, and renders no ConfigMap with the file', async () => {
    await hrs.create('leaky', { chart: { git: url, ref: 'main', path: 'charts/leaky' }, releaseName: 'leaky' });
    const hr = await hrs.waitFor('leaky', 'Stalled', 'True');
    const stalled = hr.status?.conditions?.find((c) => c.type === 'Stalled');
    assert.match(stalled?.message ?? '', /spec\.chart\.path: "charts\/leaky\/files\/token" is a symbolic link to ".*", outside the chart/);
    assert.doesNotMatch(JSON.stringify(hr.status), new RegExp(secret.marker));
    assert.equal((await helmHistory(kc, ns, 'leaky')).length, 0);
    assert.equal(await configMapHolding(core, ns, secret.marker), undefined);
  });

  it('installs a chart whose links stay inside it, and reads chartFileRef through one', async () => {
    await hrs.create('linked', {
      chart: { git: url, ref: 'main', path: 'charts/linked' }, releaseName: 'linked', valuesFrom: [{ chartFileRef: { path: 'values-prod.yaml' } }],
    });
    await hrs.waitFor('linked', 'Ready', 'True');
    const deployment = await apps.readNamespacedDeployment({ name: 'linked-hello', namespace: ns });
    assert.equal(deployment.spec?.template.metadata?.annotations?.['hello/message'], 'linked-inside');
  });
});

describe('capstan daemon syncing a repository with a link out of it and a loop', () => {
  const kc = kubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const secret = workerSecret();
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let server: GitServer;
  let daemon: CapstanProcess;
  const cm = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: ${value}\n`;

  before(async () => {
    [ns, dropNamespace] = await freshNamespace(kc, 'synclinks');
    writeFileSync(join(secret.dir, 'stolen.yaml'), cm('stolen', secret.marker));
    server = await startGitServer();
    const url = await server.createRepo('config');
    const work = await server.clone(url, 'work');
    writeFileSync(join(work, 'ok.yaml'), cm('ok', 'from-git'));
    mkdirSync(join(work, 'more'));
    writeFileSync(join(work, 'more/other.yaml'), cm('other', 'from-git'));
    symlinkSync(join(secret.dir, 'stolen.yaml'), join(work, 'leak.yaml'));
    symlinkSync('.', join(work, 'loop'));
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', 'Manifests, a link out of the repository and a loop');
    await git(work, 'push', 'origin', 'HEAD:main');
    daemon = await startCapstan({ role: 'daemon', namespace: ns, queue: uniqueName('unused'), args: [
      '--git-url', url, '--git-branch', 'main', '--sync-interval', '1h', '--k8s-default-namespace', ns, '--git-timeout', '5s',
    ] });
  });
  after(async () => {
    await daemon?.stop();
    await server?.close();
    await dropNamespace();
    rmSync(secret.dir, { recursive: true, force: true });
  });

  it('applies the other manifests and reports a load error for each of the two paths', async () => {
    type Records = { sources: Array<{ record?: { loadErrors: Array<{ file: string; message: string }> } }> };
    const errors = await eventually('a sync record with load errors', async () => {
      const body = (await (await fetch(`${daemon.url}/api/capstan/v1/sync`)).json()) as Records;
      const found = body.sources[0]?.record?.loadErrors;
      return found?.length ? found : undefined;
    }, 60_000);
    assert.deepEqual(errors.map((e) => e.file).sort(), ['leak.yaml', 'loop']);
    assert.match(errors.find((e) => e.file === 'leak.yaml')?.message ?? '', /symbolic link to ".*stolen\.yaml", outside the repository/);
    assert.match(errors.find((e) => e.file === 'loop')?.message ?? '', /a loop/);
    for (const name of ['ok', 'other']) {
      await eventually(`ConfigMap ${name}`, async () => core.readNamespacedConfigMap({ name, namespace: ns }).then(() => true, () => undefined), 30_000);
    }
    assert.equal(await configMapHolding(core, ns, secret.marker), undefined);
    assert.equal(await core.readNamespacedConfigMap({ name: 'stolen', namespace: ns }).then(() => true, () => false), false);
  });
});
