import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { FileDecryptor } from '../../src/decrypt/decrypt-files.ts';
import type { LiveRef, SyncCluster } from '../../src/sync/cluster.ts';
import { syncSource, type SyncSource } from '../../src/sync/sync-source.ts';

// An in-memory cluster keyed by `namespace:kind/name`, recording applies and deletes.
function fakeCluster() {
  const objects = new Map<string, Record<string, unknown>>();
  const deleted: string[] = [];
  const key = (b: Record<string, unknown>) => {
    const md = b.metadata as { name: string; namespace: string };
    return `${md.namespace}:${String(b.kind).toLowerCase()}/${md.name}`;
  };
  const cluster: SyncCluster = {
    apply: async (body) => void objects.set(key(body), structuredClone(body)),
    waitEstablished: async () => {},
    listLabelled: async (label) => [...objects.entries()].flatMap(([id, b]): LiveRef[] => {
      const md = b.metadata as { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
      return md.labels?.[label] === undefined ? [] : [{ id, kind: String(b.kind), apiVersion: String(b.apiVersion), name: md.name, namespace: md.namespace, labels: md.labels, annotations: md.annotations }];
    }),
    delete: async (ref) => {
      objects.delete(ref.id);
      deleted.push(ref.id);
    },
  };
  return { cluster, objects, deleted };
}

const sealed = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  k: ${value}\nsops:\n  mac: ENC[m]\n`;
const plain = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  k: v\n`;
// opens every file sealed with a known value; `broken` names the files it fails on
const decryptor = (broken: Set<string>): FileDecryptor => async (file, text) => {
  if (broken.has(file)) throw new Error('Failed to get the data key required to decrypt the SOPS file.');
  return text.replace(/sops:\n.*\n/, '').replace('k: sealed-', 'k: open-');
};

describe('syncSource with --sops', () => {
  it('applies the decrypted objects; a file that fails is a load error, nothing of it is applied and GC deletes nothing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'capstan-sync-sops-'));
    const files = { 'a.yaml': sealed('a', 'sealed-a'), 'b.yaml': sealed('b', 'sealed-b'), 'p.yaml': plain('p') };
    for (const [f, text] of Object.entries(files)) writeFileSync(join(root, f), text);
    const log = pino({ level: 'silent' });
    const { cluster, objects, deleted } = fakeCluster();
    const dataOf = (name: string) => (objects.get(`default:configmap/${name}`)?.data ?? {}) as Record<string, string>;
    const source = (decrypt: FileDecryptor): SyncSource => ({ id: 's', root, paths: ['.'], defaultNamespace: 'default', gc: { enabled: true, dryRun: false }, decrypt });

    const first = await syncSource(source(decryptor(new Set())), 'rev1', { cluster, log });
    assert.ok(first.complete);
    assert.deepEqual([...objects.keys()].sort(), ['default:configmap/a', 'default:configmap/b', 'default:configmap/p']);
    assert.equal(dataOf('a').k, 'open-a');
    assert.equal(objects.get('default:configmap/a')?.sops, undefined);

    writeFileSync(join(root, 'a.yaml'), sealed('a', 'sealed-a2'));
    // applyAll: every object that loaded is applied, unchanged or not
    const second = await syncSource(source(decryptor(new Set(['a.yaml']))), 'rev2', { cluster, log, applyAll: true });
    assert.equal(second.complete, false);
    assert.deepEqual(second.loadErrors.map((e) => e.file), ['a.yaml']);
    assert.deepEqual(deleted, [], 'an object of the file that failed was deleted');
    assert.equal(dataOf('a').k, 'open-a');
    assert.ok(second.applied.includes('default:configmap/b') && second.applied.includes('default:configmap/p'));
    rmSync(root, { recursive: true });
  });
});
