import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { ANTECEDENT_ANNOTATION, GROUP, PLURAL, VERSION } from '../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { type ChartRepo, startChartRepo } from './support/chart-repo.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { applyCrd } from './support/crd.ts';
import { helmCli } from './support/helm.ts';
import { helmHistory, helmReleases } from './support/helm-releases.ts';

const MERGE = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

// The Helm Operator's last word on a release it installed from a chart repository: phase Succeeded, the chart
// version as status.revision, the conditions it set (reason = phase), the generation it reconciled.
function helmOperatorStatus(release: string, ns: string, generation: number) {
  const at = '2025-06-01T12:00:00Z';
  const on = (type: string, reason: string, message: string) => ({ type, status: 'True', reason, message, lastUpdateTime: at, lastTransitionTime: at });
  return {
    observedGeneration: generation, phase: 'Succeeded', releaseName: release, releaseStatus: 'deployed', revision: '0.1.0', lastAttemptedRevision: '0.1.0',
    conditions: [
      on('ChartFetched', 'ChartFetched', `Chart fetch was successful for Helm release '${release}' in '${ns}'.`),
      on('Deployed', 'Deployed', `Installation succeeded for Helm release '${release}' in '${ns}'.`),
      on('Released', 'Succeeded', `Release was successful for Helm release '${release}' in '${ns}'.`),
    ],
  };
}

// fluxd and the Helm Operator scaled to 0 leave releases installed by helm, their objects annotated with
// helm.fluxcd.io/antecedent and each HelmRelease's status as the Helm Operator wrote it. Capstan takes over.
describe('taking over releases the Helm Operator left', () => {
  const kc = kubeConfig();
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const helm = helmCli();
  const queue = uniqueName('takeover');
  const dir = mkdtempSync(join(tmpdir(), 'capstan-takeover-'));
  let ns = '';
  let dropNamespace: (() => Promise<void>) | undefined;
  let repo: ChartRepo | undefined;
  let capstan: CapstanProcess | undefined;
  let hrs: ReturnType<typeof helmReleases>;
  const deployment = (release: string) => apps.readNamespacedDeployment({ name: `${release}-hello`, namespace: ns });
  const before_: Record<string, { uid?: string; generation?: number }> = {};
  // Waits until Capstan has recorded the release at Helm revision `version` and it is Ready.
  const settled = (name: string, version: number) => eventually(`HelmRelease ${name} Ready at revision ${version}`, async () => {
    const hr = await hrs.get(name);
    const ready = hr.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    return ready && hr.status?.lastReleaseVersion === version && hr.status.observedGeneration === hr.metadata.generation ? hr : undefined;
  }, 120_000);

  // What the Helm Operator did for one HelmRelease: helm install of the repository chart with `deployed` values,
  // the antecedent annotation on the release's objects, the HelmRelease asking for `wanted`, its status.
  const leftByHelmOperator = async (release: string, deployed: Record<string, unknown>, wanted: Record<string, unknown>) => {
    const file = join(dir, `${release}.json`);
    writeFileSync(file, JSON.stringify(deployed));
    const r = await helm(['install', release, 'hello', '--repo', repo?.url ?? '', '--version', '0.1.0', '--namespace', ns, '--values', file]);
    assert.equal(r.exitCode, 0, r.stderr);
    const annotate = { metadata: { annotations: { [ANTECEDENT_ANNOTATION]: `${ns}:helmrelease/${release}` } } };
    await apps.patchNamespacedDeployment({ name: `${release}-hello`, namespace: ns, body: annotate }, MERGE);
    await core.patchNamespacedService({ name: `${release}-hello`, namespace: ns, body: annotate }, MERGE);
    const hr = await hrs.create(release, { chart: { repository: repo?.url ?? '', name: 'hello', version: '0.1.0' }, releaseName: release, values: wanted });
    const status = helmOperatorStatus(release, ns, hr.metadata.generation ?? 1);
    await custom.patchNamespacedCustomObjectStatus({ group: GROUP, version: VERSION, plural: PLURAL, namespace: ns, name: release, body: { status } }, MERGE);
    const d = await deployment(release);
    before_[release] = { uid: d.metadata?.uid, generation: d.metadata?.generation };
  };

  before(async () => {
    await applyCrd(kc);
    [ns, dropNamespace] = await freshNamespace(kc, 'takeover');
    hrs = helmReleases(kc, ns);
    repo = await startChartRepo();
    await repo.publish('0.1.0');
    await leftByHelmOperator('same', { message: 'kept', replicaCount: 2 }, { message: 'kept', replicaCount: 2 });
    await leftByHelmOperator('drift', { message: 'old' }, { message: 'new' });
    capstan = await startCapstan({ role: 'run', namespace: ns, queue });
  });
  after(async () => {
    await capstan?.stop();
    await repo?.close();
    await dropNamespace?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a release with the chart and values asked for is adopted: Ready, no helm upgrade, its Deployment untouched', async () => {
    const hr = await settled('same', 1);
    assert.equal(hr.status?.phase, 'Succeeded');
    assert.ok(hr.status?.lastAppliedDigest, 'recorded as if Capstan had released it');
    assert.deepEqual((await helmHistory(kc, ns, 'same')).map((h) => [h.version, h.status]), [[1, 'deployed']], 'exactly one revision: no upgrade');
    const d = await deployment('same');
    assert.equal(d.metadata?.uid, before_.same?.uid);
    assert.equal(d.metadata?.generation, before_.same?.generation, 'the Deployment spec was not rewritten');
    assert.equal(d.spec?.template.metadata?.annotations?.['hello/message'], 'kept');
    const events = await core.listNamespacedEvent({ namespace: ns, fieldSelector: 'involvedObject.name=same,involvedObject.kind=HelmRelease' });
    const adopted = events.items.find((e) => e.reason === 'Adopted');
    assert.match(adopted?.message ?? '', /taken over unchanged at revision 1/);
    assert.ok(!events.items.some((e) => e.reason === 'ReleaseSynced'), 'no release was made');
  });

  it('a release whose deployed values differ from the HelmRelease is upgraded once (revision 2)', async () => {
    const hr = await settled('drift', 2);
    assert.equal(hr.status?.phase, 'Succeeded');
    assert.deepEqual((await helmHistory(kc, ns, 'drift')).map((h) => [h.version, h.status]), [[2, 'deployed'], [1, 'superseded']]);
    assert.equal((await deployment('drift')).spec?.template.metadata?.annotations?.['hello/message'], 'new');
    assert.equal(await capstan?.metric('capstan_helm_invocations_total', { verb: 'upgrade' }), 1, 'one upgrade in all: drift');
  });

  it('resyncs of the adopted release run no helm upgrade either', async () => {
    const synced = (await capstan?.metric('flux_helm_operator_release_duration_seconds_count', { outcome: 'unchanged' })) ?? 0;
    await eventually('two more resyncs that found nothing to do', async () =>
      ((await capstan?.metric('flux_helm_operator_release_duration_seconds_count', { outcome: 'unchanged' })) ?? 0) >= synced + 2 || undefined, 30_000);
    assert.equal((await helmHistory(kc, ns, 'same')).length, 1);
    assert.equal(await capstan?.metric('capstan_helm_invocations_total', { verb: 'upgrade' }), 1);
  });
});
