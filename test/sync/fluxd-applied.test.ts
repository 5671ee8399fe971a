import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import type { Manifest } from '../../src/manifests/manifest.ts';
import { CHECKSUM_ANNOTATION, checksum, gcMark, GC_MARK_LABEL } from '../../src/sync/checksum.ts';
import type { LiveRef, SyncCluster } from '../../src/sync/cluster.ts';
import { appliedByFluxd, LAST_APPLIED_ANNOTATION } from '../../src/sync/fluxd-applied.ts';
import { syncSource } from '../../src/sync/sync-source.ts';

const MARK = 'sha256.fluxd-mark-of-this-object';
const FLUXD_SUM = 'f1d0000000000000000000000000000000000000'; // sha1 of fluxd's YAML printing: never Capstan's
const manifest: Manifest = {
  apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team', name: 'app', source: { file: 'cm.yaml', line: 1 },
  body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'team', labels: { tier: 'web' } }, data: { k: 'v', count: '1' } },
};
// What `kubectl apply` recorded of what fluxd sent: the document with fluxd's mark and checksum, as JSON.
const sent = (edit: (o: Record<string, unknown>) => void = () => {}): string => {
  const o: Record<string, unknown> = {
    apiVersion: 'v1', data: { count: '1', k: 'v' }, kind: 'ConfigMap',
    metadata: { annotations: { [CHECKSUM_ANNOTATION]: FLUXD_SUM }, labels: { [GC_MARK_LABEL]: MARK, tier: 'web' }, name: 'app', namespace: 'team' },
  };
  edit(o);
  return `${JSON.stringify(o)}\n`;
};
const live = (record: string | undefined, mark = MARK) => ({
  id: 'team:configmap/app', kind: 'ConfigMap', labels: { [GC_MARK_LABEL]: mark, tier: 'web' },
  annotations: { [CHECKSUM_ANNOTATION]: FLUXD_SUM, ...(record === undefined ? {} : { [LAST_APPLIED_ANNOTATION]: record }) },
});
const md = (o: Record<string, unknown>) => o.metadata as Record<string, unknown>;

// [case, live object, applied by fluxd from this manifest?]
const table: Array<[string, ReturnType<typeof live> | undefined, boolean]> = [
  ['kubectl\'s record of fluxd\'s apply equals the manifest (keys in another order)', live(sent()), true],
  ['the record has no namespace (fluxd left it to the default)', live(sent((o) => delete md(o).namespace)), true],
  ['a value differs', live(sent((o) => { o.data = { k: 'other', count: '1' }; })), false],
  ['the record has the number 1 where Git says the string "1"', live(sent((o) => { o.data = { k: 'v', count: 1 }; })), false],
  ['a label more in the record', live(sent((o) => { md(o).labels = { [GC_MARK_LABEL]: MARK, tier: 'web', extra: 'x' }; })), false],
  ['the object carries another source\'s mark', live(sent(), 'sha256.someone-else'), false],
  ['no record (applied server-side, or by hand)', live(undefined), false],
  ['a record that is not JSON', live('{not json'), false],
  ['a record that is a JSON list', live('[1,2]'), false],
  ['no live object', undefined, false],
];

describe('appliedByFluxd: an object fluxd applied from the same manifest is recognised from kubectl\'s record', () => {
  for (const [name, obj, want] of table) it(name, () => assert.equal(appliedByFluxd(manifest, obj, MARK), want));
  it('Capstan\'s checksum of the manifest differs from fluxd\'s (the reason the record is read)', () => assert.notEqual(checksum(manifest), FLUXD_SUM));
});

// A cluster holding one ConfigMap as fluxd left it; it counts applies.
class FluxdCluster implements SyncCluster {
  applies: string[] = [];
  object: LiveRef;
  constructor(mark: string, record: string) {
    this.object = { ...live(record, mark), apiVersion: 'v1', name: 'app', namespace: 'team' };
  }
  async apply(body: Record<string, unknown>) { this.applies.push(String(md(body).name)); }
  async waitEstablished() {}
  async listLabelled() { return [this.object]; }
  async delete() {}
}

describe('syncSource over objects fluxd applied', () => {
  const root = mkdtempSync(join(tmpdir(), 'capstan-fluxd-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(join(root, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  labels: {tier: web}\ndata:\n  k: v\n  count: "1"\n');
  const source = { id: 'fluxd-sync-set', root, paths: ['.'], defaultNamespace: 'team', gc: { enabled: true, dryRun: false } };
  const mark = gcMark(source.id, 'team:configmap/app');
  const record = sent((o) => { delete md(o).namespace; md(o).labels = { [GC_MARK_LABEL]: mark, tier: 'web' }; });
  const log = pino({ level: 'silent' });

  it('at the revision of fluxd\'s flux-sync tag: not applied again, nothing collected', async () => {
    const cluster = new FluxdCluster(mark, record);
    const r = await syncSource(source, 'rev1', { cluster, log, lastSyncedRevision: 'rev1' });
    assert.deepEqual(cluster.applies, []);
    assert.deepEqual(r.unchanged, ['team:configmap/app']);
    assert.deepEqual(r.deleted, []);
  });
  it('at a newer revision: applied with Capstan\'s checksum (fluxd\'s record is trusted only at its tag)', async () => {
    const cluster = new FluxdCluster(mark, record);
    await syncSource(source, 'rev2', { cluster, log, lastSyncedRevision: 'rev1' });
    assert.deepEqual(cluster.applies, ['app']);
  });
  it('fluxd applied other content (or failed to apply this one): applied', async () => {
    const cluster = new FluxdCluster(mark, sent((o) => { md(o).labels = { [GC_MARK_LABEL]: mark, tier: 'web' }; o.data = { k: 'old', count: '1' }; }));
    await syncSource(source, 'rev1', { cluster, log, lastSyncedRevision: 'rev1' });
    assert.deepEqual(cluster.applies, ['app']);
  });
});
