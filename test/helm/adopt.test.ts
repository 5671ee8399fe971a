import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { HelmReleaseSpec, HelmReleaseStatus } from '../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../src/errors/stalling-error.ts';
import { adoptionVerdict, type DeployedRelease, type DesiredRelease } from '../../src/helm/adopt.ts';
import { parseMetadataOutput, parseValuesOutput } from '../../src/helm/deployed-release.ts';
import { releaseFixture } from './release-fixture.ts';

const meta = { chart: 'hello', version: '0.1.0', revision: 3, status: 'deployed' };
const values = { message: 'hi', image: { tag: '1.0.0' }, list: [1, 2] };
const desired = (extra: Partial<DesiredRelease> = {}): DesiredRelease => ({ chart: 'hello', version: '0.1.0', values, ...extra });

// [case, deployed, desired, adopted?, reason matches]
const table: Array<[string, DeployedRelease, DesiredRelease, boolean, RegExp]> = [
  ['same chart, version and values: adopted', { metadata: meta, values }, desired(), true, /revision 3 .*already has/],
  ['values equal with keys in another order', { metadata: meta, values: { list: [1, 2], image: { tag: '1.0.0' }, message: 'hi' } }, desired(), true, /already has/],
  ['no values on either side (helm printed null)', { metadata: meta, values: {} }, desired({ values: {} }), true, /already has/],
  ['a value differs', { metadata: meta, values: { ...values, message: 'bye' } }, desired(), false, /values differ/],
  ['a value missing on the deployed side', { metadata: meta, values: { message: 'hi' } }, desired(), false, /values differ/],
  ['a list in another order', { metadata: meta, values: { ...values, list: [2, 1] } }, desired(), false, /values differ/],
  ['a number deployed as a string', { metadata: meta, values: { ...values, image: { tag: 1 } } }, desired({ values: { ...values, image: { tag: '1' } } }), false, /values differ/],
  ['another chart version', { metadata: { ...meta, version: '0.2.0' }, values }, desired(), false, /hello-0.2.0 is deployed, hello-0.1.0/],
  ['another chart of the same version', { metadata: { ...meta, chart: 'other' }, values }, desired(), false, /other-0.1.0 is deployed/],
  ['the newest revision is not deployed', { metadata: { ...meta, status: 'failed' }, values }, desired(), false, /revision 3 is failed/],
  ['helm reported no chart', { values }, desired(), false, /did not report the deployed chart/],
  ['helm reported no values', { metadata: meta }, desired(), false, /did not report the deployed values/],
  ['Git chart released from the commit resolved now', { metadata: meta, values }, desired({ git: { recorded: 'abc', current: 'abc' } }), true, /already has/],
  ['Git chart released from another commit', { metadata: meta, values }, desired({ git: { recorded: 'abc', current: 'def' } }), false, /from commit abc, def is desired/],
  ['Git chart with no commit recorded', { metadata: meta, values }, desired({ git: { current: 'def' } }), false, /from no commit/],
];

describe('adoptionVerdict: a release taken over is adopted only when it is what Capstan would install', () => {
  for (const [name, deployed, want, adopt, reason] of table) {
    it(name, () => {
      const got = adoptionVerdict(deployed, want);
      assert.equal(got.adopt, adopt, got.reason);
      assert.match(got.reason, reason);
    });
  }

  it('never names a value in its reason (values may hold secrets)', () => {
    const got = adoptionVerdict({ metadata: meta, values: { password: 's3cret-old' } }, desired({ values: { password: 's3cret-new' } }));
    assert.equal(got.adopt, false);
    assert.doesNotMatch(got.reason, /s3cret|password/);
  });
});

describe('helm get metadata / values output', () => {
  it('reads chart, version, revision and status of `helm get metadata -o json`', () => {
    const out = '{"name":"web","chart":"hello","version":"0.1.0","appVersion":"1.0.0","namespace":"apps","revision":1,"status":"deployed","deployedAt":"2026-12-02T02:38:34Z"}';
    assert.deepEqual(parseMetadataOutput(out), { chart: 'hello', version: '0.1.0', revision: 1, status: 'deployed' });
    assert.equal(parseMetadataOutput(''), undefined);
    assert.equal(parseMetadataOutput('{"chart":"hello"}'), undefined);
  });
  it('reads `helm get values -o json`: null is no values, anything but an object is unknown', () => {
    assert.deepEqual(parseValuesOutput('{"a":{"b":1}}\n'), { a: { b: 1 } });
    assert.deepEqual(parseValuesOutput('null\n'), {});
    assert.equal(parseValuesOutput(''), undefined);
    assert.equal(parseValuesOutput('[1]'), undefined);
    assert.equal(parseValuesOutput('Error'), undefined);
  });
});

// A HelmRelease left by the Helm Operator: revision 1 deployed with `deployedValues`, its status as the Helm
// Operator wrote it, Capstan's Git chart source resolving a chart directory with a Chart.yaml at commit abc123.
describe('reconcile of a release taken over from the Helm Operator', () => {
  const chartDir = mkdtempSync(join(tmpdir(), 'capstan-adopt-'));
  writeFileSync(join(chartDir, 'Chart.yaml'), 'apiVersion: v2\nname: hello\nversion: 0.1.0\n');
  after(() => rmSync(chartDir, { recursive: true, force: true }));
  const hoStatus: HelmReleaseStatus = {
    observedGeneration: 1, phase: 'Succeeded', releaseName: 'web', releaseStatus: 'deployed', revision: 'abc123', lastAttemptedRevision: 'abc123',
    conditions: [
      { type: 'ChartFetched', status: 'True', reason: 'GitRepoCloned', message: 'successfully cloned chart revision: abc123', lastTransitionTime: '2025-01-01T00:00:00Z' },
      { type: 'Released', status: 'True', reason: 'Succeeded', message: 'Release was successful for Helm release \'web\' in \'apps\'.', lastTransitionTime: '2025-01-01T00:00:00Z' },
    ],
  };
  const takenOver = (spec: Partial<HelmReleaseSpec>, deployedValues: Record<string, unknown>, status: HelmReleaseStatus = hoStatus) => {
    const f = releaseFixture(spec);
    f.deps.chartSources = { git: async () => ({ ref: chartDir, revision: 'abc123', digest: 'git:tree1' }) };
    f.kube.storage.set('apps/web', [{ version: 1, status: 'deployed', chart: 'hello' }]);
    f.helm.deployedValues.set('apps/web', deployedValues);
    f.live().status = structuredClone(status);
    return f;
  };

  it('same chart and values: no helm upgrade, recorded as released by Capstan, Ready, an Adopted Event', async () => {
    const f = takenOver({ values: { message: 'hi' } }, { message: 'hi' });
    assert.equal(await f.run(), 'adopted');
    assert.deepEqual(f.verbs(), [], 'no install, upgrade or other change');
    assert.equal(f.history().length, 1);
    const s = f.status();
    assert.ok(s?.lastAppliedDigest?.startsWith('hmac-sha256:'));
    assert.equal(s?.lastReleaseVersion, 1);
    assert.equal(s?.phase, 'Succeeded');
    assert.equal(f.condition('Ready')?.status, 'True');
    assert.ok(f.kube.events.some((e) => e.reason === 'Adopted' && /taken over unchanged at revision 1/.test(e.message)));
    assert.equal(await f.run(), 'unchanged', 'the next reconcile finds it in sync');
    assert.deepEqual(f.verbs(), []);
  });

  it('values differ from what is deployed: upgraded once (revision 2)', async () => {
    const f = takenOver({ values: { message: 'new' } }, { message: 'old' });
    assert.equal(await f.run(), 'released');
    assert.deepEqual(f.verbs(), ['upgrade']);
    assert.equal(f.history()[0]?.version, 2);
    assert.ok(!f.kube.events.some((e) => e.reason === 'Adopted'));
  });

  it('Git chart last released from another commit: upgraded (its templates may have changed)', async () => {
    const f = takenOver({ values: { message: 'hi' } }, { message: 'hi' }, { ...hoStatus, revision: '0ld5ha' });
    assert.equal(await f.run(), 'released');
    assert.deepEqual(f.verbs(), ['upgrade']);
  });

  it('helm get values fails: not adopted, the upgrade runs as before', async () => {
    const f = takenOver({ values: { message: 'hi' } }, { message: 'hi' });
    f.helm.values = async () => { throw new Error('helm get values: exit 1'); };
    assert.equal(await f.run(), 'released');
    assert.deepEqual(f.verbs(), ['upgrade']);
  });

  const manifest = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-hello\n';
  it('objects annotated by the Helm Operator for this HelmRelease: adopted', async () => {
    const f = takenOver({ values: { message: 'hi' } }, { message: 'hi' });
    f.kube.releaseManifest = async () => manifest;
    f.kube.annotations = async () => ({ 'helm.fluxcd.io/antecedent': 'apps:helmrelease/web' });
    assert.equal(await f.run(), 'adopted');
  });

  it('attack: a second HelmRelease naming a release another one owns is refused, never adopted', async () => {
    const f = takenOver({ values: { message: 'hi' } }, { message: 'hi' });
    f.kube.releaseManifest = async () => manifest;
    f.kube.annotations = async () => ({ 'helm.fluxcd.io/antecedent': 'apps:helmrelease/owner' });
    await assert.rejects(f.run(), (err: unknown) => err instanceof StallingError && err.reason === 'ReleaseOwnedElsewhere' && /apps:helmrelease\/owner/.test(err.message));
    assert.equal(f.status()?.lastAppliedDigest, undefined, 'nothing recorded as released');
    assert.equal(f.condition('Stalled')?.status, 'True');
    assert.deepEqual(f.verbs(), []);
  });
});
