import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { LiveRef, SyncCluster } from '../../src/sync/cluster.ts';
import { type Manifest, resourceId } from '../../src/manifests/manifest.ts';
import { clusterScopedFrom, type ServedKind } from '../../src/sync/scope.ts';
import { syncSource } from '../../src/sync/sync-source.ts';

const crd = (group: string, kind: string, scope: string): Manifest => ({
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: `x.${group}`, source: { file: 'crd.yaml', line: 1 },
  body: { spec: { group, scope, names: { kind } } },
});

describe('clusterScopedFrom', () => {
  const served: ServedKind[] = [
    { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', namespaced: false },
    { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', namespaced: true },
    { apiVersion: 'v1', kind: 'Node', namespaced: false },
  ];
  const table: [string, string, string, Manifest[], boolean][] = [
    ['a cluster-scoped custom kind from discovery', 'ClusterIssuer', 'cert-manager.io/v1', [], true],
    ['the same kind in another version of its group', 'ClusterIssuer', 'cert-manager.io/v1beta1', [], true],
    ['a namespaced custom kind', 'Issuer', 'cert-manager.io/v1', [], false],
    ['a core kind discovery calls cluster-scoped', 'Node', 'v1', [], true],
    ['a built-in kind discovery has not answered for', 'ClusterRole', 'rbac.authorization.k8s.io/v1', [], true],
    ['an unknown kind', 'Widget', 'example.com/v1', [], false],
    ['a kind whose CRD in the same revision says Cluster', 'Widget', 'example.com/v1', [crd('example.com', 'Widget', 'Cluster')], true],
    ['a CRD in Git overriding discovery', 'ClusterIssuer', 'cert-manager.io/v1', [crd('cert-manager.io', 'ClusterIssuer', 'Namespaced')], false],
  ];
  for (const [why, kind, apiVersion, manifests, expected] of table) {
    it(`${why}: ${expected ? 'cluster-scoped' : 'namespaced'}`, () => {
      assert.equal(clusterScopedFrom(served, manifests)(kind, apiVersion), expected);
    });
  }
});

// A cluster whose discovery serves ClusterIssuer as cluster-scoped; applied objects keyed by their id.
function clusterWithIssuers(): SyncCluster & { objects: Map<string, Record<string, unknown>> } {
  const objects = new Map<string, Record<string, unknown>>();
  const key = (b: Record<string, unknown>) => {
    const md = b.metadata as { name: string; namespace?: string };
    return resourceId({ kind: String(b.kind), name: md.name, namespace: md.namespace });
  };
  return {
    objects,
    apply: async (body) => void objects.set(key(body), structuredClone(body)),
    waitEstablished: async () => {},
    servedKinds: async () => [{ apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', namespaced: false }],
    listLabelled: async (label): Promise<LiveRef[]> => [...objects.entries()].flatMap(([id, b]) => {
      const md = b.metadata as { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
      return md.labels?.[label] === undefined ? [] : [{ id, kind: String(b.kind), apiVersion: String(b.apiVersion), name: md.name, namespace: md.namespace, labels: md.labels, annotations: md.annotations }];
    }),
    delete: async (ref) => void objects.delete(ref.id),
  };
}

describe('syncSource with a cluster-scoped custom kind', () => {
  it('applies it without a namespace, and garbage-collects it once removed from Git', async () => {
    const root = mkdtempSync(join(tmpdir(), 'capstan-scope-'));
    mkdirSync(join(root, 'infra'));
    const issuer = 'apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: letsencrypt\nspec: {}\n';
    writeFileSync(join(root, 'infra', 'issuer.yaml'), issuer);
    writeFileSync(join(root, 'infra', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keep\n');
    const cluster = clusterWithIssuers();
    const source = { id: 's', root, paths: ['.'], defaultNamespace: 'default', gc: { enabled: true, dryRun: false, budgetRatio: 1 } };
    const log = pino({ level: 'silent' });
    const first = await syncSource(source, 'rev1', { cluster, log });
    assert.ok(first.applied.includes('<cluster>:clusterissuer/letsencrypt'), JSON.stringify(first.applied));
    const applied = cluster.objects.get('<cluster>:clusterissuer/letsencrypt');
    assert.ok(applied);
    assert.equal((applied.metadata as { namespace?: string }).namespace, undefined);
    rmSync(join(root, 'infra', 'issuer.yaml'));
    const second = await syncSource(source, 'rev2', { cluster, log });
    assert.deepEqual(second.deleted, ['<cluster>:clusterissuer/letsencrypt']);
    assert.ok(cluster.objects.has('default:configmap/keep'));
    rmSync(root, { recursive: true });
  });
});
