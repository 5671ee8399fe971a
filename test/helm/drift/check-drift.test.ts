import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DriftProbe } from '../../../src/helm/drift/detect-drift.ts';
import { DRIFT_ANNOTATION } from '../../../src/helm/drift/drift-mode.ts';
import type { InstallOptions } from '../../../src/helm/runner.ts';
import { StallingError } from '../../../src/errors/stalling-error.ts';
import { releaseFixture } from '../release-fixture.ts';

const MANIFEST = [
  'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', 'spec:', '  replicas: 1',
  '---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: conf', 'data:', '  a: "1"',
].join('\n');

// A cluster as drift detection reads it: the manifest of any revision, and for each object what the test says is
// live (deleted, or its replicas scaled) against what the manifest applies; every read counted.
function fakeProbe() {
  const state = { reads: 0, replicas: 1, configMapDeleted: false, failOn: '' };
  const probe: DriftProbe = {
    async releaseManifest() {
      state.reads++;
      return MANIFEST;
    },
    async probe(body, namespace) {
      state.reads++;
      const { kind, metadata } = body as { kind: string; metadata: { name: string } };
      if (kind === state.failOn) throw new Error(`${kind}/${metadata.name}: the server refused it`);
      const applied = { ...body, metadata: { ...metadata, namespace, resourceVersion: '1' } };
      if (kind === 'ConfigMap') return state.configMapDeleted ? {} : { live: applied, applied };
      return { live: { ...applied, spec: { replicas: state.replicas } }, applied };
    },
  };
  return { probe, state };
}

// The fixture's release, installed, with drift detection as the annotation says, the fake probe and the metric.
async function installed(mode: string | undefined) {
  const t = releaseFixture();
  const { probe, state } = fakeProbe();
  const counted: string[] = [];
  t.deps.drift = { probe, onDetected: (ns, name) => counted.push(`${ns}/${name}`) };
  if (mode !== undefined) t.live().metadata.annotations = { [DRIFT_ANNOTATION]: mode };
  const descriptions: Array<string | undefined> = [];
  const upgrade = t.helm.upgrade;
  t.helm.upgrade = (o: InstallOptions) => {
    descriptions.push(o.description);
    return upgrade(o);
  };
  assert.equal(await t.run(), 'released');
  state.reads = 0;
  return { ...t, state, counted, descriptions };
}

describe('drift detection in a reconcile', () => {
  it('disabled (no annotation): reads nothing, runs no helm, writes no status, whatever the cluster holds', async () => {
    const t = await installed(undefined);
    t.state.replicas = 5;
    const writes = t.kube.statusWrites;
    assert.equal(await t.run(), 'unchanged');
    assert.equal(t.state.reads, 0, 'drift detection read the cluster while disabled');
    assert.deepEqual(t.verbs(), ['install']);
    assert.equal(t.kube.statusWrites, writes);
    assert.equal(t.condition('Drifted'), undefined);
  });

  it('enabled, no drift: Drifted False once, then a quiet resync writes nothing', async () => {
    const t = await installed('enabled');
    assert.equal(await t.run(), 'unchanged');
    assert.equal(t.state.reads, 3, 'the manifest and two objects');
    assert.equal(t.condition('Drifted')?.status, 'False');
    assert.equal(t.condition('Drifted')?.reason, 'NoDrift');
    const writes = t.kube.statusWrites;
    assert.equal(await t.run(), 'unchanged');
    assert.equal(t.kube.statusWrites, writes, 'status rewritten on a resync that found nothing new');
    assert.deepEqual(t.counted, []);
  });

  it('enabled: a scaled Deployment and a deleted ConfigMap are corrected by an upgrade that says why in Helm\'s history', async () => {
    const t = await installed('enabled');
    t.state.replicas = 3;
    t.state.configMapDeleted = true;
    assert.equal(await t.run(), 'released');
    assert.deepEqual(t.verbs(), ['install', 'upgrade']);
    assert.deepEqual(t.descriptions, ['drift: Deployment/web changed, ConfigMap/conf missing']);
    const drifted = t.condition('Drifted');
    assert.equal(drifted?.status, 'False');
    assert.equal(drifted?.reason, 'DriftCorrected');
    assert.equal(drifted?.message, 'revision 2 restored Deployment/web changed, ConfigMap/conf missing');
    assert.equal(t.condition('Ready')?.status, 'True');
    assert.equal(t.status()?.lastReleaseVersion, 2);
    assert.deepEqual(t.counted, ['apps/web']);
    assert.ok(t.kube.events.some((e) => e.reason === 'DriftDetected' && /Deployment\/web changed, ConfigMap\/conf missing; correcting it with an upgrade/.test(e.message)));
    // put back, the next resync finds nothing: the correction stays the condition's word, and no status is written
    t.state.replicas = 1;
    t.state.configMapDeleted = false;
    const writes = t.kube.statusWrites;
    assert.equal(await t.run(), 'unchanged');
    assert.equal(t.condition('Drifted')?.reason, 'DriftCorrected');
    assert.equal(t.kube.statusWrites, writes);
  });

  it('warn: the drift is reported (condition, Event, metric) and nothing runs; the Event is not repeated', async () => {
    const t = await installed('warn');
    t.state.replicas = 3;
    assert.equal(await t.run(), 'unchanged');
    assert.deepEqual(t.verbs(), ['install']);
    const drifted = t.condition('Drifted');
    assert.equal(drifted?.status, 'True');
    assert.equal(drifted?.reason, 'DriftDetected');
    assert.equal(drifted?.message, 'Deployment/web changed (drift detection warn: not corrected)');
    assert.equal(t.condition('Ready')?.status, 'True');
    assert.equal(await t.run(), 'unchanged');
    assert.deepEqual(t.verbs(), ['install']);
    assert.equal(t.kube.events.filter((e) => e.reason === 'DriftDetected').length, 1);
    assert.deepEqual(t.counted, ['apps/web', 'apps/web']);
  });

  it('an object the API server cannot compare is no drift: logged, the others still checked', async () => {
    const t = await installed('enabled');
    t.state.failOn = 'Deployment';
    t.state.configMapDeleted = true;
    assert.equal(await t.run(), 'released');
    assert.deepEqual(t.descriptions, ['drift: ConfigMap/conf missing']);
  });

  it('turned off again: the Drifted condition goes, and nothing is read', async () => {
    const t = await installed('warn');
    t.state.replicas = 3;
    await t.run();
    t.live().metadata.annotations = { [DRIFT_ANNOTATION]: 'disabled' };
    t.state.reads = 0;
    assert.equal(await t.run(), 'unchanged');
    assert.equal(t.condition('Drifted'), undefined);
    assert.equal(t.state.reads, 0);
  });

  it('a spec change is upgraded as always, without a drift check first', async () => {
    const t = await installed('enabled');
    t.state.replicas = 3;
    t.bump({ values: { a: 2 } });
    assert.equal(await t.run(), 'released');
    assert.equal(t.state.reads, 0);
    assert.equal(t.descriptions.length, 1);
    assert.doesNotMatch(t.descriptions[0] ?? '', /drift/);
  });

  it('an annotation that is no mode stalls the release, naming the annotation', async () => {
    const t = await installed(undefined);
    t.live().metadata.annotations = { [DRIFT_ANNOTATION]: 'yes' };
    await assert.rejects(t.run(), (err: unknown) => err instanceof StallingError && err.field === `metadata.annotations["${DRIFT_ANNOTATION}"]`);
    assert.equal(t.condition('Stalled')?.status, 'True');
    assert.match(t.condition('Stalled')?.message ?? '', /"yes" is no drift detection mode/);
  });
});
