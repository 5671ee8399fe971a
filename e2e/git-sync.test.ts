import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { pino } from 'pino';
import { exportTree, fetchMirror, resolveRef } from '../src/git/mirror.ts';
import { realSyncCluster } from '../src/kube/sync-cluster.ts';
import { syncSource, type SyncRecord } from '../src/sync/sync-source.ts';
import { freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { git, type GitServer, startGitServer } from './support/git-server.ts';

describe('Git sync of a repository served over git:// to the local control plane', () => {
  const kc = kubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const cluster = realSyncCluster(kc);
  const cache = mkdtempSync(join(tmpdir(), 'capstan-sync-cache-'));
  const group = `${uniqueName('sync')}.capstan.test`;
  const sourceId = uniqueName('source');
  let server: GitServer;
  let url = '';
  let work = '';
  let ns = '';
  let appNs = '';
  let dropNamespace = async (): Promise<void> => {};
  let last: string | undefined;

  const write = (file: string, text: string) => writeFileSync(join(work, file), text);
  const commit = async (message: string) => {
    await git(work, 'add', '-A');
    await git(work, 'commit', '--allow-empty', '-m', message);
    await git(work, 'push', 'origin', 'HEAD:main');
  };
  // What the daemon does each cycle: fetch, check out the branch head, sync it.
  const sync = async (gc: { dryRun?: boolean } = {}): Promise<SyncRecord> => {
    const dir = await fetchMirror(url, { cacheDir: cache, minIntervalMs: 0 });
    const sha = await resolveRef(dir, 'main');
    assert.ok(sha);
    const root = await exportTree(dir, { sha, path: '.', dest: join(cache, 'trees', sha) });
    const record = await syncSource({ id: sourceId, root, paths: ['.'], defaultNamespace: ns, gc: { enabled: true, dryRun: gc.dryRun ?? false } }, sha,
      { cluster, log: pino({ level: 'silent' }), lastSyncedRevision: last });
    if (record.complete) last = sha;
    return record;
  };
  const cm = (name: string, namespace = ns) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\ndata:\n  from: git\n`;

  before(async () => {
    [ns, dropNamespace] = await freshNamespace(kc, 'gitsync');
    appNs = uniqueName('synced');
    server = await startGitServer();
    url = await server.createRepo('cluster');
    work = await server.clone(url, 'work');
  });
  after(async () => {
    await server?.close();
    await core.deleteNamespace({ name: appNs }).catch(() => undefined);
    await kc.makeApiClient(k8s.ApiextensionsV1Api).deleteCustomResourceDefinition({ name: `widgets.${group}` }).catch(() => undefined);
    await dropNamespace();
    rmSync(cache, { recursive: true, force: true });
  });

  it('applies a first revision of mixed objects, a CRD with its custom object, and skips broken and duplicate files', async () => {
    write('namespace.yaml', `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${appNs}\n`);
    write('crd.yaml', `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.${group}
spec:
  group: ${group}
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`);
    write('widget.yaml', `apiVersion: ${group}/v1\nkind: Widget\nmetadata:\n  name: w1\n  namespace: ${appNs}\nspec:\n  size: 3\n`);
    write('deployment.yaml', `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${appNs}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: registry.local/web:1}]}
`);
    for (let i = 0; i < 5; i++) write(`cm${i}.yaml`, cm(`c${i}`));
    write('broken.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: [oops\n');
    write('dup-a.yaml', cm('twin'));
    write('dup-b.yaml', cm('twin'));
    await commit('First revision');

    const r = await sync();
    assert.equal(r.complete, false);
    assert.deepEqual(r.failed, []);
    assert.deepEqual([...new Set(r.loadErrors.map((e) => e.file))].sort(), ['broken.yaml', 'dup-a.yaml', 'dup-b.yaml']);
    assert.ok(r.loadErrors.find((e) => e.file === 'broken.yaml')?.line);
    await core.readNamespace({ name: appNs });
    await apps.readNamespacedDeployment({ name: 'web', namespace: appNs });
    const widget = await kc.makeApiClient(k8s.CustomObjectsApi).getNamespacedCustomObject({ group, version: 'v1', namespace: appNs, plural: 'widgets', name: 'w1' });
    assert.equal((widget as { spec: { size: number } }).spec.size, 3);
    await assert.rejects(core.readNamespacedConfigMap({ name: 'twin', namespace: ns }));
  });

  it('applies nothing for a synced revision whose objects are unchanged', async () => {
    rmSync(join(work, 'broken.yaml'));
    rmSync(join(work, 'dup-b.yaml'));
    await commit('Fix the broken files');
    const fixed = await sync();
    assert.equal(fixed.complete, true, JSON.stringify(fixed.loadErrors));
    const again = await sync();
    assert.deepEqual(again.applied, []);
    assert.equal(again.unchanged.length, fixed.applied.length + fixed.unchanged.length);
  });

  it('updates a changed object and garbage-collects a removed one (only logging in dry-run mode)', async () => {
    write('cm0.yaml', cm('c0').replace('from: git', 'from: git, changed'));
    rmSync(join(work, 'cm1.yaml'));
    await commit('Change c0, remove c1');
    const dry = await sync({ dryRun: true });
    assert.deepEqual(dry.gcDryRun, [`${ns}:configmap/c1`]);
    await core.readNamespacedConfigMap({ name: 'c1', namespace: ns });
    const r = await sync();
    assert.deepEqual(r.deleted, [`${ns}:configmap/c1`]);
    assert.equal((await core.readNamespacedConfigMap({ name: 'c0', namespace: ns })).data?.from, 'git, changed');
    await assert.rejects(core.readNamespacedConfigMap({ name: 'c1', namespace: ns }));
  });

  it('honours fluxcd.io/ignore from Git and from the live object', async () => {
    write('cm2.yaml', cm('c2').replace('from: git', 'from: git, edited in Git'));
    write('ignored-in-git.yaml', cm('ignored-in-git').replace('  namespace:', '  annotations: {"fluxcd.io/ignore": "true"}\n  namespace:'));
    await core.patchNamespacedConfigMap({ name: 'c2', namespace: ns, body: { metadata: { annotations: { 'fluxcd.io/ignore': 'true' } }, data: { from: 'edited by hand' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    await commit('Edit c2 in Git; add an ignored file');
    const r = await sync();
    assert.deepEqual(r.ignored.sort(), [`${ns}:configmap/c2`, `${ns}:configmap/ignored-in-git`]);
    assert.equal((await core.readNamespacedConfigMap({ name: 'c2', namespace: ns })).data?.from, 'edited by hand');
    await assert.rejects(core.readNamespacedConfigMap({ name: 'ignored-in-git', namespace: ns }));
  });

  it('refuses to empty the cluster when the repository is emptied', async () => {
    await git(work, 'rm', '-q', '-r', '.');
    write('README.md', 'moved elsewhere\n');
    await commit('Empty the repository');
    const r = await sync();
    assert.deepEqual(r.deleted, []);
    assert.ok(r.gcRefused);
    await apps.readNamespacedDeployment({ name: 'web', namespace: appNs });
    await core.readNamespacedConfigMap({ name: 'c0', namespace: ns });
  });
});
