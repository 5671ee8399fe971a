import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { controllerStatus, policiesOf } from '../../src/fluxapi/controller-status.ts';
import { listServices, servicesRoute, workloadFilter } from '../../src/fluxapi/services.ts';
import { gcMark, GC_MARK_LABEL } from '../../src/sync/checksum.ts';
import { deployment, fakeLive, serveRoutes, shapeOf, source } from './fixtures.ts';

// v6.ControllerStatus as fluxctl 1.25.4 decodes it (flux pkg/api/v6/api.go): every key, with its JSON type.
const CONTROLLER_STATUS = {
  ID: 'string', Containers: 'array', ReadOnly: 'string', Status: 'string', Rollout: 'object', SyncError: 'string', Antecedent: 'string',
  Labels: 'object', Automated: 'boolean', Locked: 'boolean', Ignore: 'boolean', Policies: 'object',
};
const ROLLOUT = { Desired: 'number', Updated: 'number', Ready: 'number', Available: 'number', Outdated: 'number', Messages: 'null' };

describe('GET /v6/services', () => {
  it('answers the golden ControllerStatus shape for a synced Deployment', async () => {
    const src = source({ record: {} });
    const api = await serveRoutes([servicesRoute({ sources: [src], live: fakeLive([deployment('web', { mark: src })]), namespaces: ['team'] })]);
    try {
      const res = await fetch(`${api.url}/v6/services?namespace=team`, { headers: { Accept: 'application/json' } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const [web] = (await res.json()) as Array<Record<string, unknown>>;
      assert.ok(web);
      assert.deepEqual(shapeOf(web), CONTROLLER_STATUS);
      assert.deepEqual(shapeOf(web.Rollout as Record<string, unknown>), ROLLOUT);
      assert.deepEqual(web.Containers, [{ Name: 'app', Current: { ID: 'registry.example/team/app:1.0.0' } }]);
      assert.equal(web.ID, 'team:deployment/web');
      assert.equal(web.Status, 'ready');
    } finally {
      await api.close();
    }
  });

  it('lists only what a source of this process synced: its GC mark, bound to the id, not a copied label', async () => {
    const mine = source({ record: {} });
    const other = source({ url: 'ssh://git@elsewhere/x.git' });
    const copied = deployment('copy', { mark: mine });
    (copied.metadata as { labels: Record<string, string> }).labels = { ...(deployment('web', { mark: mine }).metadata as { labels: Record<string, string> }).labels };
    const live = fakeLive([deployment('web', { mark: mine }), deployment('theirs', { mark: other }), deployment('unmarked'), copied]);
    const ids = (await listServices({ sources: [mine], live, namespaces: [] }, { namespace: '', ids: [] })).map((s) => s.ID);
    assert.deepEqual(ids, ['team:deployment/web']);
  });

  it('reads policies from fluxd annotations under every prefix, fluxcd.io/ winning', () => {
    const annotations = {
      'fluxcd.io/automated': 'true', 'flux.weave.works/locked': 'true', 'flux.weave.works/locked_msg': 'freeze', 'filter.fluxcd.io/app': 'semver:~1.0',
      'fluxcd.io/tag.side': 'glob:v*', 'flux.weave.works/tag.side': 'glob:old*', 'fluxcd.io/sync-checksum': 'abc', 'other.io/x': 'y',
    };
    assert.deepEqual(policiesOf(annotations), { automated: 'true', locked: 'true', locked_msg: 'freeze', 'tag.app': 'semver:~1.0', 'tag.side': 'glob:v*' });
    const s = controllerStatus(deployment('web', { annotations }));
    assert.equal(s?.Automated, true);
    assert.equal(s?.Locked, true);
    assert.equal(s?.Ignore, false);
  });

  it('lists a synced HelmRelease with the images of its values and its releaseStatus', async () => {
    const src = source({ record: {} });
    const hr: Record<string, unknown> = {
      apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease',
      metadata: { name: 'podinfo', namespace: 'team', annotations: { 'fluxcd.io/automated': 'true' }, labels: {} },
      spec: { chart: { repository: 'https://charts.example', name: 'podinfo', version: '6.0.0' }, values: { image: { repository: 'ghcr.io/org/podinfo', tag: '6.0.0' } } },
      status: { releaseStatus: 'deployed' },
    };
    (hr.metadata as { labels: Record<string, string> }).labels[GC_MARK_LABEL] = gcMark(src.sourceId, 'team:helmrelease/podinfo');
    const [status] = await listServices({ sources: [src], live: fakeLive([hr]), namespaces: [] }, { namespace: '', ids: [] });
    assert.equal(status?.ID, 'team:helmrelease/podinfo');
    assert.deepEqual(status?.Containers, [{ Name: 'chart-image', Current: { ID: 'ghcr.io/org/podinfo:6.0.0' } }]);
    assert.equal(status?.Status, 'deployed');
    assert.equal(status?.Automated, true);
  });

  it('gives the sync error of a workload whose apply failed, and ReadOnlyMode for a read-only source', async () => {
    const src = source({ record: { failed: [{ id: 'team:deployment/web', message: 'apps/web.yaml:1: spec.replicas: invalid' }] }, readonly: true });
    const [web] = await listServices({ sources: [src], live: fakeLive([deployment('web', { mark: src })]), namespaces: [] }, { namespace: '', ids: [] });
    assert.equal(web?.SyncError, 'apps/web.yaml:1: spec.replicas: invalid');
    assert.equal(web?.ReadOnly, 'ReadOnlyMode');
  });

  it('lists the asked namespace only, and nothing outside --allow-namespace', async () => {
    const src = source({ record: {} });
    const live = fakeLive([deployment('a', { mark: src, namespace: 'team' }), deployment('b', { mark: src, namespace: 'ops' })]);
    const deps = { sources: [src], live, namespaces: ['team'] };
    assert.deepEqual((await listServices(deps, { namespace: 'team', ids: [] })).map((s) => s.ID), ['team:deployment/a']);
    assert.deepEqual(await listServices(deps, { namespace: 'ops', ids: [] }), []);
    assert.deepEqual((await listServices(deps, { namespace: '', ids: [] })).map((s) => s.ID), ['team:deployment/a']);
    assert.deepEqual(live.calls.map((c) => c.namespaces), [['team'], ['team']], 'ops was never listed');
  });

  it('v11 filters by workload ids, and refuses a namespace with ids or a malformed id in flux\'s error format', async () => {
    const src = source({ record: {} });
    const api = await serveRoutes([servicesRoute({ sources: [src], live: fakeLive([deployment('a', { mark: src }), deployment('b', { mark: src })]), namespaces: [] })]);
    try {
      const one = (await (await fetch(`${api.url}/v11/services?services=team:deployment/b`)).json()) as Array<{ ID: string }>;
      assert.deepEqual(one.map((s) => s.ID), ['team:deployment/b']);
      for (const q of ['namespace=team&services=team:deployment/b', 'services=not-an-id']) {
        const res = await fetch(`${api.url}/v11/services?${q}`);
        assert.equal(res.status, 400);
        assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
        const err = (await res.json()) as Record<string, unknown>;
        assert.deepEqual(Object.keys(err).sort(), ['Err', 'Help', 'Type']);
        assert.equal(err.Type, 'user');
      }
    } finally {
      await api.close();
    }
  });

  it('parses the filter of fluxctl\'s queries', () => {
    assert.deepEqual(workloadFilter(new URLSearchParams('namespace='), 'services'), { namespace: '', ids: [] });
    assert.deepEqual(workloadFilter(new URLSearchParams('services=<all>'), 'services'), { namespace: '', ids: [] });
    assert.deepEqual(workloadFilter(new URLSearchParams('services=a:deployment/x,b:helmrelease/y'), 'services'), { namespace: '', ids: ['a:deployment/x', 'b:helmrelease/y'] });
  });
});
