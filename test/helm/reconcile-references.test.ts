import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { FINALIZER, type HelmRelease, type HelmReleaseSpec } from '../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../src/errors/stalling-error.ts';
import { reconcileRelease, type ReconcileDeps } from '../../src/helm/reconcile.ts';
import { SECURE_DEFAULTS, type SecurityConfig } from '../../src/security-config.ts';
import { FakeHelm } from '../fakes/fake-helm.ts';
import { FakeKube } from '../fakes/fake-kube.ts';

const KEY = { namespace: 'apps', name: 'web' };
const signal = new AbortController().signal;
const ADMIN_TOKEN = 'kube-system-admin-token-0f3a';

// A tenant's HelmRelease in `apps`, with a Secret in kube-system and a ConfigMap in `platform` it must not reach.
function setup(spec: Partial<HelmReleaseSpec>, security: SecurityConfig = SECURE_DEFAULTS, metadata: Partial<HelmRelease['metadata']> = {}) {
  const kube = new FakeKube();
  const helm = new FakeHelm(kube);
  kube.data.set('Secret/kube-system/admin/values.yaml', `token: ${ADMIN_TOKEN}\n`);
  kube.data.set('ConfigMap/platform/shared/values.yaml', 'region: eu-1\n');
  kube.put({ apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { ...KEY, generation: 1, finalizers: [], ...metadata },
    spec: { chart: { git: 'https://git.example.com/charts.git', path: 'hello' }, releaseName: 'web', ...spec } });
  const chartFetches: string[] = [];
  const deps: ReconcileDeps = {
    kube, helm, now: () => new Date('2026-01-01T00:00:00Z'), log: pino({ level: 'silent' }), chartCacheDir: '/nonexistent', security, digestKey: Buffer.from('reconcile-references-test-key'),
    chartSources: { git: async (hr) => { chartFetches.push(hr.spec.chart.git ?? ''); return { ref: '/charts/hello', revision: 'abc123', digest: 'git:tree1' }; } },
  };
  const status = () => kube.releases.get('apps/web')?.status;
  const stalled = () => status()?.conditions?.find((c) => c.type === 'Stalled');
  return { kube, helm, chartFetches, status, stalled, run: () => reconcileRelease(KEY, deps, signal) };
}

async function refused(t: ReturnType<typeof setup>, field: string, why: RegExp): Promise<void> {
  await assert.rejects(t.run(), (err: unknown) => err instanceof StallingError && err.field === field);
  assert.equal(t.stalled()?.status, 'True');
  assert.match(t.stalled()?.message ?? '', new RegExp(`^${field.replaceAll('.', '\\.').replaceAll('[', '\\[')}: `));
  assert.match(t.stalled()?.message ?? '', why);
  assert.deepEqual(t.helm.calls, [], 'helm ran');
  assert.deepEqual(t.chartFetches, [], 'the chart was fetched');
  assert.doesNotMatch(JSON.stringify(t.status()), new RegExp(ADMIN_TOKEN));
}

describe('reconcileRelease refuses what leaves the HelmRelease namespace, before reading anything', () => {
  it('a valuesFrom secretKeyRef into kube-system stalls naming the field and the flag; no Secret of kube-system is read', async () => {
    const t = setup({ valuesFrom: [{ secretKeyRef: { name: 'admin', namespace: 'kube-system' } }] });
    await refused(t, 'spec.valuesFrom[0].secretKeyRef.namespace',
      /namespace "kube-system" is not the HelmRelease's own \(apps\); a HelmRelease may only reference its own namespace unless Capstan runs with --allow-cross-namespace-refs/);
    assert.deepEqual(t.kube.reads.filter((r) => !r.includes('/apps/')), [], 'read outside apps');
    assert.deepEqual(t.kube.reads, []);
    assert.ok(!t.kube.releases.get('apps/web')?.metadata.finalizers?.includes(FINALIZER), 'a refused release gets no finalizer');
  });

  it('a targetNamespace elsewhere stalls; Helm storage of that namespace is not even listed', async () => {
    const t = setup({ targetNamespace: 'kube-system' });
    await refused(t, 'spec.targetNamespace', /may only install into its own namespace unless Capstan runs with --allow-cross-namespace-refs/);
    assert.deepEqual(t.kube.reads, []);
  });

  it('a release name with "," stalls before helm or a label selector sees it', async () => {
    const t = setup({ releaseName: 'web,owner!=helm' });
    await refused(t, 'spec.releaseName', /not a valid Helm release name/);
    assert.deepEqual(t.kube.reads, []);
  });

  it('with --allow-cross-namespace-refs the Helm Operator behaviour is back: the other namespace is read and installed into', async () => {
    const t = setup({ targetNamespace: 'shared', valuesFrom: [{ configMapKeyRef: { name: 'shared', namespace: 'platform' } }] },
      { ...SECURE_DEFAULTS, allowCrossNamespaceRefs: true });
    assert.equal(await t.run(), 'released');
    assert.ok(t.kube.reads.includes('ConfigMap/platform/shared'));
    assert.deepEqual(t.helm.calls.filter((c) => c.verb !== 'get').map((c) => [c.verb, c.values]), [['install', { region: 'eu-1' }]]);
    assert.equal(t.kube.storage.get('shared/web')?.[0]?.status, 'deployed');
  });

  it('deleting a refused HelmRelease that kept an old finalizer never uninstalls the release of that name elsewhere', async () => {
    const t = setup({ targetNamespace: 'kube-system', releaseName: 'coredns' },
      SECURE_DEFAULTS, { finalizers: [FINALIZER], deletionTimestamp: '2026-01-01T00:00:00Z' });
    t.kube.storage.set('kube-system/coredns', [{ version: 3, status: 'deployed', chart: 'coredns' }]);
    assert.equal(await t.run(), 'deleted');
    assert.deepEqual(t.helm.calls, []);
    assert.equal(t.kube.storage.get('kube-system/coredns')?.[0]?.status, 'deployed');
    assert.equal(t.kube.releases.has('apps/web'), false, 'the finalizer was dropped');
  });
});
