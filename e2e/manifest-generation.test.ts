import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import type { SyncRecord } from '../src/sync/sync-source.ts';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { git, type GitServer, startGitServer } from './support/git-server.ts';
import { pushImage, type Registry, startRegistry } from './support/registry.ts';

// fluxd's --manifest-generation on the real parts: a kustomize base and two overlays, one under a commandUpdated
// .flux.yaml (`kustomize build .`, images set by `kustomize edit set image`), one under a patchUpdated .flux.yaml
// (images written to flux-patch.yaml), synced by `capstan daemon` with kustomize on its PATH (e2e/tools/kustomize.sh)
// and automated from a registry on loopback.
const KUSTOMIZE = process.env.CAPSTAN_KUSTOMIZE ?? '';
const minutes = (n: number) => new Date(Date.UTC(2026, 10, 1, 12, n));

const baseDeployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    fluxcd.io/automated: 'true'
    fluxcd.io/tag.app: 'semver:~1'
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: app
          image: ${image}
`;
const overlay = (ns: string, prefix: string, resources: string[]) =>
  `namespace: "${ns}"\nnamePrefix: "${prefix}-"\nlabels:\n  - pairs: {overlay: "${prefix}"}\nresources:\n${resources.map((r) => `  - ${r}\n`).join('')}`;
const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  from: git\n`;
const COMMAND_UPDATED = `version: 1
commandUpdated:
  generators:
    - command: kustomize build .
  updaters:
    - containerImage:
        command: kustomize edit set image "$FLUX_IMG:$FLUX_TAG"
`;
const PATCH_UPDATED = 'version: 1\npatchUpdated:\n  generators:\n    - command: kustomize build .\n  patchFile: flux-patch.yaml\n';

type Record_ = SyncRecord & { loadErrors: Array<{ file: string; message: string }> };

async function pushFiles(work: string, files: Record<string, string>, message: string): Promise<string> {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(work, file)), { recursive: true });
    writeFileSync(join(work, file), text);
  }
  await git(work, 'add', '-A');
  await git(work, 'commit', '-m', message);
  await git(work, 'push', 'origin', 'HEAD:main');
  return (await git(work, 'rev-parse', 'HEAD')).stdout;
}

describe('manifest generation: .flux.yaml with kustomize', () => {
  const kc = kubeConfig();
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let server: GitServer;
  let reg: Registry;
  let work = '';
  let bare = '';
  let daemon: CapstanProcess;
  const image = (tag: string) => `${reg.host}/app:${tag}`;
  const headFile = async (file: string) => (await git(bare, 'show', `main:${file}`)).stdout;
  const syncRecord = async () => ((await (await fetch(`${daemon.url}/api/capstan/v1/sync`)).json()) as { sources: Array<{ record?: Record_ }> }).sources[0]?.record;
  const running = async (name: string) => {
    const d = await apps.readNamespacedDeployment({ name, namespace: ns }).catch(() => undefined);
    return d?.spec?.template.spec?.containers[0]?.image;
  };
  const exists = (name: string) => core.readNamespacedConfigMap({ name, namespace: ns }).then(() => true, () => false);

  before(async () => {
    assert.ok(KUSTOMIZE, 'CAPSTAN_KUSTOMIZE names the kustomize binary (e2e/tools/kustomize.sh)');
    [ns, dropNamespace] = await freshNamespace(kc, 'generate');
    reg = await startRegistry();
    await pushImage(reg, 'app', '1.0.0', { created: minutes(1) });
    server = await startGitServer();
    const url = await server.createRepo('generated');
    bare = join(server.root, 'repos/generated.git');
    work = await server.clone(url, 'work');
    await pushFiles(work, {
      'base/deployment.yaml': baseDeployment(image('1.0.0')),
      'base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
      'cmd/.flux.yaml': COMMAND_UPDATED,
      'cmd/kustomization.yaml': overlay(ns, 'cmd', ['../base']),
      'patch/.flux.yaml': PATCH_UPDATED,
      'patch/kustomization.yaml': overlay(ns, 'patch', ['../base']),
    }, 'Kustomize overlays');
    daemon = await startCapstan({ role: 'daemon', namespace: ns, queue: uniqueName('unused'), env: { PATH: `${dirname(KUSTOMIZE)}:${process.env.PATH}` }, args: [
      '--git-url', url, '--git-branch', 'main', '--git-path', 'cmd', '--git-path', 'patch', '--manifest-generation',
      '--k8s-default-namespace', ns, '--k8s-allow-namespace', ns, '--sync-garbage-collection', '--sync-interval', '1h', '--git-poll-interval', '2s',
      '--git-timeout', '10s', '--automation-interval', '2s', '--registry-insecure-host', reg.host,
    ] });
  });
  after(async () => {
    await daemon?.stop();
    await server?.close().catch(() => undefined);
    await reg?.stop();
    await dropNamespace();
  });

  it('generates both overlays with kustomize and applies what they print', async () => {
    await eventually('cmd-web and patch-web running 1.0.0', async () =>
      ((await running('cmd-web')) === image('1.0.0') && (await running('patch-web')) === image('1.0.0')) || undefined, 90_000);
    const d = await apps.readNamespacedDeployment({ name: 'patch-web', namespace: ns });
    assert.equal(d.metadata?.labels?.overlay, 'patch', 'the overlay was built, not the base read as it is');
    assert.equal(await apps.readNamespacedDeployment({ name: 'web', namespace: ns }).then(() => true, () => false), false, 'the base alone is never applied');
    // the record is stored once the sync ends, a moment after its objects are applied
    const record = await eventually('the sync record', syncRecord, 30_000);
    assert.deepEqual(record.loadErrors, [], 'kustomization.yaml files are not read as manifests');
  });

  it('a newer tag is set by the updater and written to the patch file, in one commit, and the cluster converges', async () => {
    await pushImage(reg, 'app', '1.1.0', { created: minutes(5) });
    await eventually('the automation commit', async () =>
      ((await git(bare, 'log', '-1', '--format=%s', 'main')).stdout.startsWith('Auto-release') || undefined), 90_000);
    assert.match(await headFile('cmd/kustomization.yaml'), new RegExp(`images:\\n- name: ${reg.host.replaceAll('.', '\\.')}/app\\n  newTag: 1\\.1\\.0`), 'kustomize edit set image ran');
    const patch = await headFile('patch/flux-patch.yaml');
    assert.match(patch, /kind: Deployment/);
    assert.match(patch, /name: patch-web/);
    assert.match(patch, new RegExp(`name: app\\n\\s+image: ${image('1.1.0').replaceAll('.', '\\.')}`));
    assert.equal(await headFile('base/deployment.yaml'), baseDeployment(image('1.0.0')).trimEnd(), 'the base is left alone');
    await eventually('both running 1.1.0', async () =>
      ((await running('cmd-web')) === image('1.1.0') && (await running('patch-web')) === image('1.1.0')) || undefined, 90_000);
    // the patched and the updated outputs now hold 1.1.0: later cycles find nothing to change
    const commits = async () => (await git(bare, 'rev-list', '--count', 'main')).stdout;
    const count = await commits();
    const cycles = () => daemon.metric('capstan_image_automation_cycles_total', { result: 'ok' });
    const start = await cycles();
    await eventually('3 more automation cycles', async () => ((await cycles()) >= start + 3 || undefined), 60_000);
    assert.equal(await commits(), count, 'no further commit');
  });

  it('a failing generator applies nothing of its path and deletes nothing, while the other path syncs', async () => {
    await git(work, 'pull', '--quiet', '--rebase', 'origin', 'main');
    const sha = await pushFiles(work, {
      'cmd/.flux.yaml': COMMAND_UPDATED.replace('kustomize build .', 'kustomize build ./no-such-overlay'),
      'cmd/kustomization.yaml': overlay(ns, 'cmd', ['../base', 'extra.yaml']),
      'cmd/extra.yaml': configMap('extra'),
      'patch/kustomization.yaml': overlay(ns, 'patch', ['../base', 'extra.yaml']),
      'patch/extra.yaml': configMap('extra'),
    }, 'Break the cmd generator');
    const record = await eventually('the sync of the broken revision', async () => {
      const r = await syncRecord();
      return r?.revision === sha ? r : undefined;
    }, 90_000);
    assert.equal(record.complete, false);
    const error = record.loadErrors.find((e) => e.file === 'cmd/.flux.yaml');
    assert.match(error?.message ?? '', /command "kustomize build \.\/no-such-overlay" exited with code \d+: .*nothing of --git-path cmd is applied/s);
    assert.equal(await exists('patch-extra'), true, 'the other path is applied');
    assert.equal(await exists('cmd-extra'), false, 'nothing of the failing path is applied');
    assert.equal(await running('cmd-web'), image('1.1.0'), 'and nothing of it is deleted');
    assert.match(record.gcRefused ?? '', /incomplete/);
  });
});

describe('manifest generation off: .flux.yaml is ignored', () => {
  const kc = kubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let server: GitServer;
  let daemon: CapstanProcess;

  before(async () => {
    [ns, dropNamespace] = await freshNamespace(kc, 'nogenerate');
    server = await startGitServer();
    const url = await server.createRepo('plain');
    const work = await server.clone(url, 'work');
    await pushFiles(work, {
      'app/.flux.yaml': `version: 1\ncommandUpdated:\n  generators:\n    - command: printf 'kind: ConfigMap\\napiVersion: v1\\nmetadata: {name: generated}\\n'\n`,
      'app/plain.yaml': configMap('plain'),
    }, 'A plain file and a .flux.yaml');
    daemon = await startCapstan({ role: 'daemon', namespace: ns, queue: uniqueName('unused'), args: [
      '--git-url', url, '--git-branch', 'main', '--git-path', 'app', '--k8s-default-namespace', ns, '--k8s-allow-namespace', ns,
      '--sync-interval', '1h', '--git-poll-interval', '2s', '--git-timeout', '10s', '--registry-disable-scanning',
    ] });
  });
  after(async () => {
    await daemon?.stop();
    await server?.close().catch(() => undefined);
    await dropNamespace();
  });

  it('syncs the plain files and runs no generator', async () => {
    const record = await eventually('a complete sync', async () => {
      const r = ((await (await fetch(`${daemon.url}/api/capstan/v1/sync`)).json()) as { sources: Array<{ record?: SyncRecord }> }).sources[0]?.record;
      return r?.complete ? r : undefined;
    }, 90_000);
    assert.deepEqual(record.applied, [`${ns}:configmap/plain`]);
    assert.equal(await core.readNamespacedConfigMap({ name: 'generated', namespace: ns }).then(() => true, () => false), false);
  });
});
