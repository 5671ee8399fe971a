import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { CHECKSUM_ANNOTATION, checksum, fluxSyncSetName, GC_MARK_LABEL, gcMark, withSyncMetadata } from '../../src/sync/checksum.ts';
import { parseManifestFile } from '../../src/manifests/load-manifests.ts';

// Kubernetes label values: at most 63 characters, [A-Za-z0-9._-], alphanumeric at both ends (or empty).
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const isLabelValue = (v: string): boolean => v.length <= 63 && LABEL_VALUE.test(v);

const body = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default', labels: { app: 'web' } }, data: { k: 'v' }, ...extra,
});

describe('checksum', () => {
  it('is sha1 hex', () => assert.match(checksum({ body: body() }), /^[0-9a-f]{40}$/));

  it('does not change with key order, formatting or comments', () => {
    const a = parseManifestFile('a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: {x: "1", y: "2"}}\ndata: {k: v}\n', { defaultNamespace: 'd' });
    const b = parseManifestFile('b.yaml', '# comment\ndata:\n  k: "v"\nmetadata:\n  labels:\n    y: "2"\n    x: "1"\n  name: a\nkind: ConfigMap\napiVersion: v1\n', { defaultNamespace: 'd' });
    const [ma, mb] = [a.manifests[0], b.manifests[0]];
    assert.ok(ma && mb);
    assert.equal(checksum(ma), checksum(mb));
  });

  it('changes when the object does', () => {
    assert.notEqual(checksum({ body: body() }), checksum({ body: body({ data: { k: 'w' } }) }));
    assert.notEqual(checksum({ body: body() }), checksum({ body: { ...body(), metadata: { name: 'a', namespace: 'other', labels: { app: 'web' } } } }));
  });

  it('is the same before and after the sync metadata is stamped', () => {
    const m = { body: body() };
    const sum = checksum(m);
    assert.equal(checksum({ body: withSyncMetadata(m, { mark: 'sha256.x', checksum: sum }) }), sum);
    const bare = { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } } };
    assert.equal(checksum({ body: withSyncMetadata(bare, { mark: 'sha256.x', checksum: 'c' }) }), checksum(bare));
  });
});

describe('gcMark', () => {
  it("is fluxd's mark: sha256. + unpadded base64url(sha256(source + id))", () => {
    const expected = `sha256.${createHash('sha256').update('srcdefault:deployment/web').digest('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
    assert.equal(gcMark('src', 'default:deployment/web'), expected);
  });

  it('differs per object and per source', () => {
    assert.notEqual(gcMark('src', 'default:deployment/web'), gcMark('src', 'default:deployment/api'));
    assert.notEqual(gcMark('src', 'default:deployment/web'), gcMark('other', 'default:deployment/web'));
  });

  it('is always a valid label value', () => {
    for (let i = 0; i < 5000; i++) {
      const mark = gcMark(fluxSyncSetName({ safeUrl: `ssh://git@example.com/repo-${i}`, branch: 'main', paths: ['k8s'] }), `ns-${i}:deployment/app-${i}`);
      assert.ok(isLabelValue(mark), mark);
      assert.equal(mark.length, 50);
    }
  });

  it('fluxSyncSetName hashes url + branch + paths as fluxd did', () => {
    const expected = createHash('sha256').update('ssh://git@h/repomainabc').digest('base64url');
    assert.equal(fluxSyncSetName({ safeUrl: 'ssh://git@h/repo', branch: 'main', paths: ['ab', 'c'] }), expected);
  });
});

describe('withSyncMetadata', () => {
  it('adds the mark label and the checksum annotation, keeping what was there', () => {
    const m = { body: body({ metadata: { name: 'a', labels: { app: 'web' }, annotations: { note: 'x' } } }) };
    const out = withSyncMetadata(m, { mark: 'sha256.abc', checksum: 'f00' });
    assert.deepEqual(out.metadata, {
      name: 'a',
      labels: { app: 'web', [GC_MARK_LABEL]: 'sha256.abc' },
      annotations: { note: 'x', [CHECKSUM_ANNOTATION]: 'f00' },
    });
    assert.deepEqual(out.data, { k: 'v' });
  });

  it('does not mutate its input', () => {
    const m = { body: body() };
    const before = structuredClone(m);
    withSyncMetadata(m, { mark: 'sha256.abc', checksum: 'f00' });
    assert.deepEqual(m, before);
  });

  it('works on an object without labels or annotations', () => {
    const out = withSyncMetadata({ body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } } }, { mark: 'm', checksum: 'c' });
    assert.deepEqual(out.metadata, { name: 's', labels: { [GC_MARK_LABEL]: 'm' }, annotations: { [CHECKSUM_ANNOTATION]: 'c' } });
  });
});
