import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { execa } from 'execa';
import { pino } from 'pino';
import { realSyncCluster } from '../src/kube/sync-cluster.ts';
import { CHECKSUM_ANNOTATION, fluxSyncSetName, GC_MARK_LABEL, gcMark } from '../src/sync/checksum.ts';
import { syncSource, type SyncSource } from '../src/sync/sync-source.ts';
import { freshNamespace, kubeConfig } from './support/cluster.ts';

const FLUXD_SUM = '0f1d0f1d0f1d0f1d0f1d0f1d0f1d0f1d0f1d0f1d'; // fluxd's sha1 of its own YAML printing

// The manifests in Git, as a user wrote them (no namespace: --k8s-default-namespace gives it).
const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  labels: {app: web}\ndata:\n  greeting: hello\n  replicas: "2"\n';
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.local/web:1.0.0
          ports: [{containerPort: 8080}]
`;

// fluxd applied each document with `kubectl apply` (client-side), its mark and a checksum of its own added.
describe('the first sync over objects fluxd applied, at the revision of its flux-sync tag', () => {
  const kc = kubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const root = mkdtempSync(join(tmpdir(), 'capstan-takeover-sync-'));
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let source: SyncSource;
  const versions = async () => ({
    settings: (await core.readNamespacedConfigMap({ name: 'settings', namespace: ns })).metadata?.resourceVersion,
    web: (await apps.readNamespacedDeployment({ name: 'web', namespace: ns })).metadata,
  });

  // What fluxd sent for a document: the document with metadata.labels[mark] and its checksum annotation merged in,
  // printed again by its YAML library (keys sorted).
  const fluxdApply = async (yaml: string, id: string) => {
    const own = /^ {2}labels: \{app: web\}\n/m.test(yaml) ? '    app: web\n' : '';
    const stamp = `  annotations:\n    ${CHECKSUM_ANNOTATION}: ${FLUXD_SUM}\n  labels:\n${own}    ${GC_MARK_LABEL}: ${gcMark(source.id, id)}\n`;
    const sent = yaml.replace(/^ {2}labels: \{app: web\}\n/m, '').replace(/^metadata:\n/m, `metadata:\n${stamp}`);
    const r = await execa(process.env.CAPSTAN_KUBECTL ?? 'kubectl', ['apply', '--namespace', ns, '-f', '-'], { input: sent, reject: false });
    assert.equal(r.exitCode, 0, `${r.stderr}\n${sent}`);
  };

  before(async () => {
    [ns, dropNamespace] = await freshNamespace(kc, 'takeover-sync');
    source = {
      id: fluxSyncSetName({ safeUrl: 'ssh://git@git.example/cluster.git', branch: 'master', paths: [] }),
      root, paths: [], defaultNamespace: ns, allowNamespaces: [ns], gc: { enabled: true, dryRun: false },
    };
    writeFileSync(join(root, 'settings.yaml'), CONFIG_MAP);
    writeFileSync(join(root, 'web.yaml'), DEPLOYMENT);
    await fluxdApply(CONFIG_MAP, `${ns}:configmap/settings`);
    await fluxdApply(DEPLOYMENT, `${ns}:deployment/web`);
  });
  after(async () => {
    await dropNamespace();
    rmSync(root, { recursive: true, force: true });
  });

  it('applies nothing and collects nothing: every object is already as Git says', async () => {
    const before_ = await versions();
    const r = await syncSource(source, 'rev-tagged', { cluster: realSyncCluster(kc), log: pino({ level: 'silent' }), lastSyncedRevision: 'rev-tagged' });
    assert.deepEqual(r.applied, []);
    assert.deepEqual(r.unchanged.sort(), [`${ns}:configmap/settings`, `${ns}:deployment/web`]);
    assert.deepEqual([r.failed, r.deleted], [[], []]);
    const now = await versions();
    assert.equal(now.settings, before_.settings, 'the ConfigMap was not written');
    // the Deployment's status moves on its own (resourceVersion): what Capstan would have changed is checked instead
    assert.equal(now.web?.generation, before_.web?.generation);
    assert.equal(now.web?.annotations?.[CHECKSUM_ANNOTATION], FLUXD_SUM, 'still fluxd\'s checksum');
    assert.ok(!now.web?.managedFields?.some((f) => f.manager === 'capstan'), 'no server-side apply by Capstan');
  });

  it('once Git moves on, every object is applied with Capstan\'s checksum, as on any new revision', async () => {
    const r = await syncSource(source, 'rev-next', { cluster: realSyncCluster(kc), log: pino({ level: 'silent' }), lastSyncedRevision: 'rev-tagged' });
    assert.deepEqual(r.applied.sort(), [`${ns}:configmap/settings`, `${ns}:deployment/web`]);
    const web = await apps.readNamespacedDeployment({ name: 'web', namespace: ns });
    assert.notEqual(web.metadata?.annotations?.[CHECKSUM_ANNOTATION], FLUXD_SUM);
    assert.ok(web.metadata?.managedFields?.some((f) => f.manager === 'capstan'));
  });
});
