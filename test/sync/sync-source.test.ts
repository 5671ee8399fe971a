import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { CHECKSUM_ANNOTATION, GC_MARK_LABEL } from '../../src/sync/checksum.ts';
import type { LiveRef, SyncCluster } from '../../src/sync/cluster.ts';
import { resourceId } from '../../src/manifests/manifest.ts';
import { syncSource, type SyncSource } from '../../src/sync/sync-source.ts';

// An in-memory cluster: applied objects keyed by id; `reject` names ids whose apply fails.
class FakeCluster implements SyncCluster {
  objects = new Map<string, Record<string, unknown>>();
  applies: string[] = [];
  established: string[] = [];
  reject = new Set<string>();
  listedIn: Array<readonly string[] | undefined> = []; // the namespaces each listLabelled asked for
  private key(body: Record<string, unknown>): string {
    const md = body.metadata as { name: string; namespace?: string };
    return resourceId({ kind: String(body.kind), name: md.name, namespace: md.namespace });
  }
  async apply(body: Record<string, unknown>) {
    const k = this.key(body);
    this.applies.push(k);
    if (this.reject.has(k)) throw new Error('admission webhook denied the request');
    this.objects.set(k, structuredClone(body));
  }
  async waitEstablished(name: string) { this.established.push(name); }
  async listLabelled(label: string, namespaces?: readonly string[]): Promise<LiveRef[]> {
    this.listedIn.push(namespaces);
    return [...this.objects.entries()].flatMap(([k, b]) => {
      const md = b.metadata as { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
      return md.labels?.[label] === undefined ? [] : [{ id: k, kind: String(b.kind), apiVersion: String(b.apiVersion), name: md.name, namespace: md.namespace, labels: md.labels, annotations: md.annotations }];
    });
  }
  async delete(ref: LiveRef) { this.objects.delete(ref.id); }
}

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'capstan-sync-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const cm = (name: string, ns = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}data:\n  k: v\n`;
const source = (root: string, gc: Partial<SyncSource['gc']> = {}): SyncSource =>
  ({ id: 'test-source', root, paths: ['.'], defaultNamespace: 'default', gc: { enabled: true, dryRun: false, ...gc } });
const log = pino({ level: 'silent' });

describe('syncSource', () => {
  it('applies Namespaces and CRDs first, waits for CRDs, and stamps the mark and checksum', async () => {
    const root = repo({
      'apps/cm.yaml': cm('app', 'team'),
      'apps/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n',
      'crds/widget.yaml': 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec: {}\n',
    });
    const cluster = new FakeCluster();
    const r = await syncSource(source(root), 'rev1', { cluster, log });
    assert.deepEqual(cluster.applies, ['<cluster>:namespace/team', '<cluster>:customresourcedefinition/widgets.example.com', 'team:configmap/app']);
    assert.deepEqual(cluster.established, ['widgets.example.com']);
    assert.ok(r.complete);
    const md = cluster.objects.get('team:configmap/app')?.metadata as { labels: Record<string, string>; annotations: Record<string, string> };
    assert.match(md.labels[GC_MARK_LABEL] ?? '', /^sha256\./);
    assert.match(md.annotations[CHECKSUM_ANNOTATION] ?? '', /^[0-9a-f]{40}$/);
    rmSync(root, { recursive: true });
  });

  it('applies nothing when the revision was synced and the checksums match', async () => {
    const root = repo({ 'a.yaml': cm('a'), 'b.yaml': cm('b') });
    const cluster = new FakeCluster();
    await syncSource(source(root), 'rev1', { cluster, log });
    cluster.applies = [];
    const r = await syncSource(source(root), 'rev1', { cluster, log, lastSyncedRevision: 'rev1' });
    assert.deepEqual(cluster.applies, []);
    assert.deepEqual(r.unchanged.sort(), ['default:configmap/a', 'default:configmap/b']);
  });

  it('at a new revision applies only the objects whose manifest changed', async () => {
    const cluster = new FakeCluster();
    await syncSource(source(repo({ 'a.yaml': cm('a'), 'b.yaml': cm('b') })), 'rev1', { cluster, log });
    cluster.applies = [];
    const r = await syncSource(source(repo({ 'a.yaml': cm('a'), 'b.yaml': cm('b').replace('k: v', 'k: changed') })), 'rev2', { cluster, log, lastSyncedRevision: 'rev1' });
    assert.deepEqual(cluster.applies, ['default:configmap/b']);
    assert.deepEqual([r.applied, r.unchanged], [['default:configmap/b'], ['default:configmap/a']]);
  });

  it('applies every object with applyAll (the periodic sync that puts hand edits back)', async () => {
    const root = repo({ 'a.yaml': cm('a'), 'b.yaml': cm('b') });
    const cluster = new FakeCluster();
    await syncSource(source(root), 'rev1', { cluster, log });
    cluster.applies = [];
    await syncSource(source(root), 'rev1', { cluster, log, lastSyncedRevision: 'rev1', applyAll: true });
    assert.deepEqual(cluster.applies.sort(), ['default:configmap/a', 'default:configmap/b']);
  });

  it('applies an object stamped with this checksum by another source (its mark differs)', async () => {
    const root = repo({ 'a.yaml': cm('a') });
    const cluster = new FakeCluster();
    await syncSource({ ...source(root), id: 'other-source' }, 'rev1', { cluster, log });
    cluster.applies = [];
    await syncSource(source(root), 'rev1', { cluster, log, lastSyncedRevision: 'rev1' });
    assert.deepEqual(cluster.applies, ['default:configmap/a']);
  });

  it('skips a broken file and keeps syncing the rest, but collects no garbage', async () => {
    const cluster = new FakeCluster();
    await syncSource(source(repo({ 'a.yaml': cm('a'), 'old.yaml': cm('old') })), 'rev1', { cluster, log });
    const r = await syncSource(source(repo({ 'a.yaml': cm('a').replace('k: v', 'k: w'), 'broken.yaml': 'kind: [\n' })), 'rev2', { cluster, log });
    assert.equal(r.complete, false);
    assert.equal(r.loadErrors[0]?.file, 'broken.yaml');
    assert.ok(r.applied.includes('default:configmap/a'));
    assert.ok(cluster.objects.has('default:configmap/old'), 'an incomplete plan deleted something');
    assert.match(r.gcRefused ?? '', /incomplete|complete/i);
  });

  it('never quotes a refused Secret\'s data in the record', async () => {
    const cluster = new FakeCluster();
    cluster.apply = async (body) => {
      if ((body.kind as string) === 'Secret') throw new Error('Secret/creds: .data.password: expected string, got &{hunter2-secret-value}');
    };
    const r = await syncSource(source(repo({ 's.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\ndata:\n  password: 5\n' })), 'rev1', { cluster, log });
    assert.match(r.failed[0]?.message ?? '', /refused the Secret \(fields: \.data\.password\)/);
    assert.ok(!r.failed[0]?.message.includes('hunter2'));
  });

  it('records an apply failure with file and line, and applies the others', async () => {
    const cluster = new FakeCluster();
    cluster.reject.add('default:configmap/bad');
    const r = await syncSource(source(repo({ 'x.yaml': `${cm('good')}---\n${cm('bad')}` })), 'rev1', { cluster, log });
    assert.deepEqual(r.applied, ['default:configmap/good']);
    assert.match(r.failed[0]?.message ?? '', /^x\.yaml:\d+: admission webhook denied/);
  });

  it('garbage-collects a removed object, only logs in dry-run mode, and refuses to empty the source', async () => {
    const files = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`cm${i}.yaml`, cm(`c${i}`)]));
    const cluster = new FakeCluster();
    await syncSource(source(repo(files)), 'rev1', { cluster, log });
    const { 'cm7.yaml': _gone, ...fewer } = files;
    const dry = await syncSource(source(repo(fewer), { dryRun: true }), 'rev2', { cluster, log });
    assert.deepEqual(dry.gcDryRun, ['default:configmap/c7']);
    assert.ok(cluster.objects.has('default:configmap/c7'));
    const real = await syncSource(source(repo(fewer)), 'rev2', { cluster, log });
    assert.deepEqual(real.deleted, ['default:configmap/c7']);
    const emptied = await syncSource(source(repo({ 'README.md': 'nothing here' })), 'rev3', { cluster, log });
    assert.deepEqual(emptied.deleted, []);
    assert.ok(emptied.gcRefused);
    assert.equal(cluster.objects.size, 7);
  });

  it('with --k8s-allow-namespace, applies and collects only in those namespaces', async () => {
    const cluster = new FakeCluster();
    const root = repo({ 'a.yaml': cm('a', 'team'), 'b.yaml': cm('b', 'other'), 'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n' });
    const r = await syncSource({ ...source(root), allowNamespaces: ['team'] }, 'rev1', { cluster, log });
    assert.deepEqual(cluster.applies, ['team:configmap/a']);
    assert.deepEqual(r.outOfScope.sort(), ['<cluster>:namespace/team', 'other:configmap/b']);
    assert.ok(r.complete);
    assert.deepEqual(cluster.listedIn, [['team']], 'live objects listed only in the allowed namespaces');
    await syncSource(source(root), 'rev1', { cluster, log });
    assert.deepEqual(cluster.listedIn.at(-1), undefined, 'without --k8s-allow-namespace, listed everywhere');
  });

  it('stops applying when the sync times out, and then collects nothing', async () => {
    const cluster = new FakeCluster();
    await syncSource(source(repo({ 'a.yaml': cm('a'), 'old.yaml': cm('old') })), 'rev1', { cluster, log });
    cluster.applies = [];
    const r = await syncSource(source(repo({ 'a.yaml': cm('a', 'x') })), 'rev2', { cluster, log, signal: AbortSignal.abort(new Error('--sync-timeout')) });
    assert.deepEqual(cluster.applies, []);
    assert.equal(r.complete, false);
    assert.match(r.failed[0]?.message ?? '', /not applied: .*sync-timeout/);
    assert.ok(cluster.objects.has('default:configmap/old'));
  });

  it('honours fluxcd.io/ignore set on the live object', async () => {
    const cluster = new FakeCluster();
    const root = repo({ 'a.yaml': cm('a') });
    await syncSource(source(root), 'rev1', { cluster, log });
    const md = cluster.objects.get('default:configmap/a')?.metadata as { annotations: Record<string, string> };
    md.annotations['fluxcd.io/ignore'] = 'true';
    cluster.applies = [];
    const r = await syncSource(source(root), 'rev2', { cluster, log });
    assert.deepEqual(cluster.applies, []);
    assert.deepEqual(r.ignored, ['default:configmap/a']);
  });
});
