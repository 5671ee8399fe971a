import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { exportable, exportRoute } from '../../src/fluxapi/export-objects.ts';
import { WORKLOAD_KINDS } from '../../src/fluxapi/live-objects.ts';
import { deployment, fakeLive, serveRoutes, source } from './fixtures.ts';

describe('GET /v6/export (fluxctl save)', () => {
  it('drops status, server-set metadata and the sync stamps', () => {
    const src = source();
    const live = deployment('web', { mark: src, annotations: { 'fluxcd.io/sync-checksum': 'abc', 'fluxcd.io/automated': 'true', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } });
    const out = exportable(live);
    assert.deepEqual(Object.keys(out), ['apiVersion', 'kind', 'metadata', 'spec']);
    assert.deepEqual(out.metadata, { name: 'web', namespace: 'team', labels: { app: 'web' }, annotations: { 'fluxcd.io/automated': 'true' } });
  });

  it('answers the synced objects as a YAML stream in a JSON base64 string (Go\'s []byte), never a Secret', async () => {
    const src = source({ record: {} });
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'team', labels: {} }, data: { password: 'c2VjcmV0' } };
    const kinds = [...WORKLOAD_KINDS, { apiVersion: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true }];
    const live = fakeLive([deployment('web', { mark: src }), deployment('other'), secret]);
    const api = await serveRoutes([exportRoute({ sources: [src], live, namespaces: [], kinds: async () => kinds })]);
    try {
      const res = await fetch(`${api.url}/v6/export`);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const yamlText = Buffer.from((await res.json()) as string, 'base64').toString('utf8');
      const docs = parseAllDocuments(yamlText).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
      assert.deepEqual(docs.map((d) => `${d.kind}/${d.metadata.name}`), ['Deployment/web']);
      assert.ok(!live.calls.some((c) => c.kinds.includes('Secret')), 'Secrets are never listed');
    } finally {
      await api.close();
    }
  });
});
