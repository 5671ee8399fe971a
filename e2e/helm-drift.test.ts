import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION, type HelmReleaseSpec } from '../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { DRIFT_ANNOTATION } from '../src/helm/drift/drift-mode.ts';
import { eventually, kubeConfig, uniqueName } from './support/cluster.ts';
import { HELLO_CHART, helmCli } from './support/helm.ts';
import { helmHistory } from './support/helm-releases.ts';
import { type ReleaseEnv, startReleaseEnv } from './support/release-env.ts';

const MERGE = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-hello
data:
  message: {{ .Values.message | quote }}
`;

// Drift detection on the real control plane and helm: objects of a release changed or deleted by hand (kubectl
// scale, kubectl delete) are put back by an upgrade with `enabled`, reported only with `warn`, left alone without.
describe('drift detection of Helm releases', () => {
  const kc = kubeConfig();
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const helm = helmCli();
  let env: ReleaseEnv | undefined;
  let ns = '';
  let chartDir = '';

  // hello 0.2.0: the fixture chart plus a ConfigMap, so a deleted object can be shown too.
  before(async () => {
    env = await startReleaseEnv({ prefix: 'hrdrift', queue: uniqueName('drift') });
    ns = env.ns;
    chartDir = await mkdtemp(join(tmpdir(), 'capstan-drift-chart-'));
    await cp(HELLO_CHART, join(chartDir, 'hello'), { recursive: true });
    await writeFile(join(chartDir, 'hello', 'templates', 'configmap.yaml'), CONFIGMAP);
    await env.repo.publish('0.2.0', join(chartDir, 'hello'));
  });
  after(async () => {
    await env?.stop();
    if (chartDir) await rm(chartDir, { recursive: true, force: true });
  });

  // A HelmRelease of hello 0.2.0 as a user writes it, with the drift annotation when given; resolves once Ready.
  const release = async (name: string, annotation?: string, extra: Partial<HelmReleaseSpec> = {}) => {
    const spec: HelmReleaseSpec = { chart: { repository: env?.repo.url, name: 'hello', version: '0.2.0' }, releaseName: name, ...extra };
    const metadata = { name, ...(annotation ? { annotations: { [DRIFT_ANNOTATION]: annotation } } : {}) };
    await custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, namespace: ns, body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'HelmRelease', metadata, spec } });
    await env?.hrs.waitFor(name, 'Ready', 'True');
  };
  const replicas = async (release: string) => (await apps.readNamespacedDeployment({ namespace: ns, name: `${release}-hello` })).spec?.replicas;
  const scale = (release: string, n: number) =>
    apps.patchNamespacedDeployment({ namespace: ns, name: `${release}-hello`, body: { spec: { replicas: n } } }, MERGE);
  const configMap = async (release: string) => {
    try {
      return await core.readNamespacedConfigMap({ namespace: ns, name: `${release}-hello` });
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    }
  };
  const drifted = async (name: string) => (await env?.hrs.get(name))?.status?.conditions?.find((c) => c.type === 'Drifted');
  // Reconciles of `name` that capstan logged as ending `unchanged` so far.
  const unchangedRuns = (name: string) =>
    (env?.capstan.output() ?? '').split('\n').filter((l) => l.includes('"msg":"reconciled"') && l.includes(`"name":"${name}"`) && l.includes('"outcome":"unchanged"')).length;
  const waitForResyncs = async (name: string, n: number) => {
    const from = unchangedRuns(name);
    await eventually(`${n} more resyncs of ${name}`, async () => (unchangedRuns(name) >= from + n ? true : undefined), 60_000);
  };

  it('enabled: a scaled Deployment and a deleted ConfigMap are restored by an upgrade that says why', async () => {
    await release('fixed', 'enabled');
    // the first resync compares the fresh release with the cluster and finds it as its manifest says
    await eventually('Drifted False NoDrift', async () => ((await drifted('fixed'))?.reason === 'NoDrift' ? true : undefined));
    await scale('fixed', 3);
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'fixed-hello' });
    await eventually('the Deployment scaled back and the ConfigMap recreated', async () =>
      ((await replicas('fixed')) === 1 && (await configMap('fixed')) ? true : undefined), 90_000);
    const history = await helm(['history', 'fixed', '--namespace', ns, '--output', 'json']);
    assert.equal(history.exitCode, 0, history.stderr);
    // one upgrade names both (in the manifest's order), or two if a resync fell between the scale and the delete
    const revisions = JSON.parse(history.stdout) as Array<{ revision: number; status: string; description: string }>;
    const corrections = revisions.slice(1);
    assert.ok(corrections.length >= 1 && corrections.length <= 2, JSON.stringify(revisions));
    assert.equal(corrections.at(-1)?.status, 'deployed');
    const described = corrections.map((r) => r.description).join('; ');
    assert.match(described, /^drift: /);
    assert.match(described, /ConfigMap\/fixed-hello missing/);
    assert.match(described, /Deployment\/fixed-hello changed/);
    const condition = await eventually('Drifted False DriftCorrected', async () => {
      const c = await drifted('fixed');
      return c?.reason === 'DriftCorrected' ? c : undefined;
    });
    assert.equal(condition.status, 'False');
    assert.match(condition.message ?? '', /^revision \d restored .*fixed-hello/);
    assert.ok((await env?.capstan.metric('capstan_helm_release_drift_total', { namespace: ns, name: 'fixed' }) ?? 0) >= 1);
    // corrected, the next resyncs find nothing and run no helm
    await waitForResyncs('fixed', 2);
    assert.equal((await helmHistory(kc, ns, 'fixed')).length, revisions.length);
    assert.equal((await drifted('fixed'))?.reason, 'DriftCorrected', 'the last correction is kept until the next drift');
  });

  it('warn (spec.driftDetection.mode): the drift is reported in status and nothing is changed', async () => {
    await release('warned', undefined, { driftDetection: { mode: 'warn' } });
    await scale('warned', 2);
    const condition = await eventually('Drifted True', async () => {
      const c = await drifted('warned');
      return c?.status === 'True' ? c : undefined;
    });
    assert.equal(condition.reason, 'DriftDetected');
    assert.equal(condition.message, 'Deployment/warned-hello changed (drift detection warn: not corrected)');
    await waitForResyncs('warned', 2);
    assert.equal(await replicas('warned'), 2);
    assert.deepEqual((await helmHistory(kc, ns, 'warned')).map((h) => h.version), [1]);
    assert.equal((await env?.hrs.get('warned'))?.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  });

  it('no annotation: changed and deleted objects are left as they are, and no Drifted condition appears', async () => {
    await release('plain');
    await scale('plain', 2);
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'plain-hello' });
    await waitForResyncs('plain', 3);
    assert.equal(await replicas('plain'), 2);
    assert.equal(await configMap('plain'), undefined);
    assert.deepEqual((await helmHistory(kc, ns, 'plain')).map((h) => h.version), [1]);
    assert.equal(await drifted('plain'), undefined);
  });
});
