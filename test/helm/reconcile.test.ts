import { SECURE_DEFAULTS } from '../../src/security-config.ts';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { HelmRelease, HelmReleaseSpec } from '../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../src/errors/stalling-error.ts';
import { desiredDigest, legacyDigest } from '../../src/helm/desired-digest.ts';
import { reconcileRelease, type ReconcileDeps } from '../../src/helm/reconcile.ts';
import { FakeHelm } from '../fakes/fake-helm.ts';
import { FakeKube } from '../fakes/fake-kube.ts';

const KEY = { namespace: 'apps', name: 'web' };
const DIGEST_KEY = Buffer.from('0123456789abcdef0123456789abcdef');
const signal = new AbortController().signal;

function setup(spec: Partial<HelmReleaseSpec> = {}) {
  const kube = new FakeKube();
  const helm = new FakeHelm(kube);
  const hr: HelmRelease = {
    apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease',
    metadata: { ...KEY, generation: 1, finalizers: [] },
    spec: { chart: { git: 'git://example.invalid/charts.git', path: 'hello' }, releaseName: 'web', ...spec },
  };
  kube.put(hr);
  const deps: ReconcileDeps = {
    kube, helm, now: () => new Date('2026-01-01T00:00:00Z'), log: pino({ level: 'silent' }), chartCacheDir: '/nonexistent',
    security: SECURE_DEFAULTS, digestKey: DIGEST_KEY,
    chartSources: { git: async () => ({ ref: '/charts/hello', revision: 'abc123', digest: 'git:tree1' }) },
  };
  const run = () => reconcileRelease(KEY, deps, signal);
  const status = () => kube.releases.get('apps/web')?.status;
  const verbs = () => helm.calls.map((c) => c.verb).filter((v) => v !== 'get');
  return { kube, helm, deps, run, status, verbs, bump: (edit: Partial<HelmReleaseSpec>) => {
    const cur = kube.releases.get('apps/web');
    if (!cur) throw new Error('gone');
    cur.spec = { ...cur.spec, ...edit };
    cur.metadata.generation = (cur.metadata.generation ?? 0) + 1;
  } };
}

describe('reconcileRelease', () => {
  it('installs, then an unchanged reconcile runs no helm at all', async () => {
    const t = setup({ values: { a: 1 } });
    assert.equal(await t.run(), 'released');
    assert.deepEqual(t.verbs(), ['install']);
    assert.equal(t.status()?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    assert.ok(t.kube.releases.get('apps/web')?.metadata.finalizers?.includes('helm.fluxcd.io/finalizer'));
    const calls = t.helm.calls.length;
    const writes = t.kube.statusWrites;
    assert.equal(await t.run(), 'unchanged');
    assert.equal(t.helm.calls.length, calls, 'helm ran on an unchanged release');
    assert.equal(t.kube.statusWrites, writes, 'status was rewritten on an unchanged release');
  });

  it('upgrades when the values change, with the merged values', async () => {
    const t = setup({ values: { a: 1 } });
    await t.run();
    t.bump({ values: { a: 2 } });
    assert.equal(await t.run(), 'released');
    assert.deepEqual(t.verbs(), ['install', 'upgrade']);
    assert.deepEqual(t.helm.calls.find((c) => c.verb === 'upgrade')?.values, { a: 2 });
    assert.equal(t.status()?.observedGeneration, 2);
  });

  it('rethrows a failed upgrade for retry, rolls back when asked, and stalls when the budget is spent', async () => {
    const t = setup({ rollback: { enable: true, retry: true, maxRetries: 2 } });
    await t.run();
    t.helm.fail.add('upgrade');
    t.bump({ values: { broken: true } });
    await assert.rejects(t.run(), /upgrade failed/);
    assert.deepEqual(t.verbs(), ['install', 'upgrade', 'rollback']);
    assert.equal(t.status()?.rollbackCount, 1);
    assert.equal(t.status()?.phase, 'RolledBack', 'the Helm Operator left a rolled-back release in phase RolledBack');
    assert.equal(await t.run(), 'stalled');
    assert.equal(t.status()?.conditions?.find((c) => c.type === 'Stalled')?.reason, 'RetriesExceeded');
    const before = t.helm.calls.length;
    assert.equal(await t.run(), 'stalled');
    assert.equal(t.helm.calls.length, before, 'a stalled release ran helm');
  });

  it('unlocks a pending-upgrade left behind, then upgrades', async () => {
    const t = setup();
    await t.run();
    t.kube.storage.get('apps/web')?.unshift({ version: 2, status: 'pending-upgrade', chart: 'hello' });
    t.bump({ values: { b: 1 } });
    assert.equal(await t.run(), 'released');
    assert.deepEqual(t.verbs(), ['install', 'rollback', 'upgrade']);
    assert.ok(!(t.kube.storage.get('apps/web') ?? []).some((r) => r.status.startsWith('pending')));
    assert.ok(t.kube.events.some((e) => e.reason === 'Unlock'));
  });

  it('installs over a release uninstalled with its history kept (helm uninstall --keep-history), with --replace', async () => {
    const t = setup();
    t.kube.storage.set('apps/web', [{ version: 1, status: 'uninstalled', chart: 'hello' }]);
    assert.equal(await t.run(), 'released');
    assert.deepEqual(t.verbs(), ['install']);
    assert.equal(t.kube.storage.get('apps/web')?.[0]?.status, 'deployed');
  });

  it('refuses helmVersion v2 with a status naming the field, without running helm', async () => {
    const t = setup({ helmVersion: 'v2' });
    await assert.rejects(t.run(), (err: unknown) => err instanceof StallingError && err.field === 'spec.helmVersion');
    assert.deepEqual(t.verbs(), []);
    assert.match(t.status()?.conditions?.find((c) => c.type === 'Ready')?.message ?? '', /spec\.helmVersion.*Helm 3/);
  });

  it('records an HMAC of the desired inputs, not their plain sha256, and adopts a plain digest of an older Capstan without an upgrade', async () => {
    const t = setup({ values: { password: 'hunter22' } });
    await t.run();
    const hmac = t.status()?.lastAppliedDigest ?? '';
    const hr = t.kube.releases.get('apps/web');
    if (!hr) throw new Error('gone');
    const inputs = { chartDigest: 'git:tree1', values: { password: 'hunter22' }, spec: hr.spec, releaseName: 'web', targetNamespace: 'apps' };
    assert.match(hmac, /^hmac-sha256:[0-9a-f]{64}$/);
    assert.notEqual(hmac.slice('hmac-sha256:'.length), legacyDigest(inputs).slice('sha256:'.length));
    // a guess of the secret checked against the status gives nothing: only the keyed digest matches
    assert.equal(hmac, desiredDigest(inputs, DIGEST_KEY));
    hr.status = { ...hr.status, lastAppliedDigest: legacyDigest(inputs), lastAttemptedDigest: legacyDigest(inputs) };
    assert.equal(await t.run(), 'unchanged');
    assert.deepEqual(t.verbs(), ['install'], 'an adopted release was upgraded');
    assert.equal(t.status()?.lastAppliedDigest, hmac);
    assert.equal(t.status()?.lastAttemptedDigest, hmac);
  });

  it('upgrades a release whose plain digest names other inputs', async () => {
    const t = setup({ values: { a: 1 } });
    await t.run();
    const hr = t.kube.releases.get('apps/web');
    if (!hr) throw new Error('gone');
    hr.status = { ...hr.status, lastAppliedDigest: legacyDigest({ chartDigest: 'git:tree1', values: { a: 0 }, spec: hr.spec, releaseName: 'web', targetNamespace: 'apps' }) };
    assert.equal(await t.run(), 'released');
    assert.deepEqual(t.verbs(), ['install', 'upgrade']);
    assert.match(t.status()?.lastAppliedDigest ?? '', /^hmac-sha256:/);
  });

  it('leaves a suspended release alone', async () => {
    const t = setup({ suspend: true });
    assert.equal(await t.run(), 'suspended');
    assert.deepEqual(t.verbs(), []);
  });

  it('uninstalls on deletion and then lets the object go', async () => {
    const t = setup();
    await t.run();
    const hr = t.kube.releases.get('apps/web');
    if (hr) hr.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    assert.equal(await t.run(), 'deleted');
    assert.deepEqual(t.verbs(), ['install', 'uninstall']);
    assert.equal(t.kube.releases.has('apps/web'), false);
  });
});
