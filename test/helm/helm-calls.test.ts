import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HelmReleaseSpec } from '../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { releaseFixture } from './release-fixture.ts';

// What one reconcile cost: Helm storage listings, stored manifests read (the ownership check; no helm process),
// helm runs (a `helm get` among them would be a process the storage read saves), status writes.
async function counted(t: ReturnType<typeof releaseFixture>, run: () => Promise<unknown>) {
  const reads = t.kube.reads.length;
  const calls = t.helm.calls.length;
  const writes = t.kube.statusWrites;
  await run().catch(() => undefined);
  const made = t.helm.calls.slice(calls);
  return {
    historyReads: t.kube.reads.slice(reads).filter((r) => r.startsWith('HelmStorage/')).length,
    manifests: t.kube.reads.slice(reads).filter((r) => r.startsWith('HelmManifest/')).length,
    helm: made.map((c) => c.verb),
    writes: t.kube.statusWrites - writes,
  };
}

// The helm side of a reconcile's cost, where the number of status writes is beside the point.
const helmOnly = ({ historyReads, manifests, helm }: Awaited<ReturnType<typeof counted>>) => ({ historyReads, manifests, helm });

async function released(spec: Partial<HelmReleaseSpec> = {}) {
  const t = releaseFixture(spec);
  assert.equal(await t.run(), 'released');
  return t;
}

describe('helm calls per reconcile: history read once (again only after a failed call), one manifest per upgrade', () => {
  it('install: one history read, no manifest (helm reports it), status written before helm and at the end', async () => {
    const t = releaseFixture();
    assert.deepEqual(await counted(t, t.run), { historyReads: 1, manifests: 0, helm: ['install'], writes: 2 });
  });

  it('an unchanged release: one history read, no helm, no write', async () => {
    const t = await released();
    assert.deepEqual(await counted(t, t.run), { historyReads: 1, manifests: 0, helm: [], writes: 0 });
  });

  it('upgrade with tests: one history read, one manifest (the ownership check)', async () => {
    const t = await released({ test: { enable: true } });
    t.bump({ values: { a: 2 } });
    assert.deepEqual(await counted(t, t.run), { historyReads: 1, manifests: 1, helm: ['upgrade', 'test'], writes: 3 });
  });

  it('unlock, rollback, upgrade: one history read, one manifest', async () => {
    const t = await released();
    t.history().unshift({ version: 2, status: 'pending-upgrade', chart: 'hello' });
    t.bump({ values: { b: 1 } });
    assert.deepEqual(helmOnly(await counted(t, t.run)), { historyReads: 1, manifests: 1, helm: ['rollback', 'upgrade'] });
  });

  it('a failed upgrade rolled back: the history is read again after the failed call, only then', async () => {
    const t = await released({ rollback: { enable: true, retry: true } });
    t.helm.fail.add('upgrade');
    t.bump({ values: { broken: true } });
    assert.deepEqual(helmOnly(await counted(t, t.run)), { historyReads: 2, manifests: 1, helm: ['upgrade', 'rollback'] });
  });

  it('an install whose tests fail is uninstalled: one history read (a failed test writes no revision)', async () => {
    const t = releaseFixture({ test: { enable: true } });
    t.helm.fail.add('test');
    assert.deepEqual(helmOnly(await counted(t, t.run)), { historyReads: 1, manifests: 0, helm: ['install', 'test', 'uninstall'] });
  });

  it('deletion: one history read, one uninstall', async () => {
    const t = await released();
    t.live().metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    assert.deepEqual(await counted(t, t.run), { historyReads: 1, manifests: 0, helm: ['uninstall'], writes: 0 });
  });
});

describe('the status while helm runs', () => {
  it('reads Installing, Upgrading, Testing, RollingBack as `kubectl get hr` shows it during each call', async () => {
    const t = releaseFixture({ test: { enable: true }, rollback: { enable: true } });
    const seen: string[] = [];
    t.helm.during = (verb) => seen.push(`${verb}:${t.status()?.phase}:${t.condition('Ready')?.status}`);
    await t.run();
    t.helm.fail.add('upgrade');
    t.bump({ values: { broken: true } });
    await t.run().catch(() => undefined);
    assert.deepEqual(seen, ['install:Installing:Unknown', 'test:Testing:Unknown', 'upgrade:Upgrading:Unknown', 'rollback:RollingBack:Unknown']);
  });
});
