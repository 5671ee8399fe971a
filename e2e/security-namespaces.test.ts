import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import type { HelmRelease } from '../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { helmHistory } from './support/helm-releases.ts';
import { type ReleaseEnv, startReleaseEnv } from './support/release-env.ts';
import { startRepoServer, type RepoServer } from '../test/helm/chart/repo-server.ts';

// Issue 9, finding 1: a tenant who may create HelmReleases in its own namespace tries to read another namespace's
// Secret into its values, to install into another namespace, and to have another tenant's Git credentials sent
// to a server of its own. Each attempt ends Stalled, naming the field and the flag, and leaks nothing;
// --allow-cross-namespace-refs brings back the Helm Operator's behaviour for single-tenant clusters.
const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);
const MARKER = `xns-marker-${randomBytes(8).toString('hex')}`;
const FLAG = /--allow-cross-namespace-refs/;

const stalledOn = async (env: ReleaseEnv, name: string, field: string): Promise<HelmRelease> => {
  const hr = await env.hrs.waitFor(name, 'Stalled', 'True');
  const message = hr.status?.conditions?.find((c) => c.type === 'Stalled')?.message ?? '';
  assert.ok(message.startsWith(`${field}: `), `the Stalled message names ${field}: ${message}`);
  return hr;
};
const noMarker = (what: string, text: string): void => assert.ok(!text.includes(MARKER), `the other namespace's secret shows in ${what}`);

describe("a HelmRelease cannot reach another namespace (Capstan's defaults)", () => {
  let env: ReleaseEnv;
  let other = '';
  let dropOther = async (): Promise<void> => {};
  let recorder: RepoServer;

  before(async () => {
    [other, dropOther] = await freshNamespace(kc, 'xns-other');
    await core.createNamespacedSecret({ namespace: other, body: { metadata: { name: 'admin-values' }, stringData: { 'values.yaml': `token: ${MARKER}\n` } } });
    await core.createNamespacedSecret({ namespace: other, body: { metadata: { name: 'git-auth' }, stringData: { username: 'other-tenant', password: MARKER } } });
    // the attacker's Git server: records every request and its Authorization header, answers 401
    recorder = await startRepoServer((_req, res) => void res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' }).end());
    env = await startReleaseEnv({ prefix: 'xns', queue: uniqueName('xns'), args: ['--git-poll-interval', '1s'] });
  });
  after(async () => {
    await env?.stop();
    await recorder?.close();
    await dropOther();
  });

  it("(a) valuesFrom secretKeyRef into another namespace: Stalled naming the field, the Secret's value nowhere", async () => {
    await env.hrs.create('steal', { chart: env.chart(), releaseName: 'steal', valuesFrom: [{ secretKeyRef: { name: 'admin-values', namespace: other } }] });
    const hr = await stalledOn(env, 'steal', 'spec.valuesFrom[0].secretKeyRef.namespace');
    const message = hr.status?.conditions?.find((c) => c.type === 'Stalled')?.message ?? '';
    assert.match(message, new RegExp(`namespace "${other}" is not the HelmRelease's own \\(${env.ns}\\)`));
    assert.match(message, FLAG);
    noMarker('the HelmRelease', JSON.stringify(hr));
    assert.deepEqual(await helmHistory(kc, env.ns, 'steal'), [], 'a release (and so its values) was written');
    noMarker("capstan's debug log", env.capstan.output());
  });

  it('(b) targetNamespace elsewhere: Stalled naming spec.targetNamespace; nothing is installed there', async () => {
    await env.hrs.create('elsewhere', { chart: env.chart(), releaseName: 'elsewhere', targetNamespace: other });
    const hr = await stalledOn(env, 'elsewhere', 'spec.targetNamespace');
    assert.match(hr.status?.conditions?.find((c) => c.type === 'Stalled')?.message ?? '', FLAG);
    assert.deepEqual(await helmHistory(kc, other, 'elsewhere'), []);
    assert.deepEqual(hr.metadata.finalizers ?? [], [], 'a refused release holds no finalizer');
    await env.hrs.delete('elsewhere');
    await env.hrs.gone('elsewhere');
  });

  it("(c) chart.secretRef naming another tenant's Git credentials with a URL on the attacker's server: they never arrive", async () => {
    const polls = await env.capstan.metric('capstan_git_chart_polls_total');
    await env.hrs.create('creds', { chart: { git: `${recorder.origin}/steal.git`, ref: 'main', path: 'charts/hello', secretRef: { name: 'git-auth', namespace: other } }, releaseName: 'creds' });
    // a release of the attacker's own, on the same server and without credentials: proof the poller ran meanwhile
    await env.hrs.create('witness', { chart: { git: `${recorder.origin}/plain.git`, ref: 'main', path: 'charts/hello' }, releaseName: 'witness' });
    const hr = await stalledOn(env, 'creds', 'spec.chart.secretRef.namespace');
    assert.match(hr.status?.conditions?.find((c) => c.type === 'Stalled')?.message ?? '', FLAG);
    await env.hrs.waitFor('witness', 'Stalled', 'True');
    await eventually('the Git poller to have polled the server twice', async () =>
      ((await env.capstan.metric('capstan_git_chart_polls_total')) >= polls + 2 || undefined), 30_000);
    assert.ok(recorder.requests.some((r) => r.path.startsWith('/plain.git')), 'the server was reachable');
    assert.deepEqual(recorder.requests.filter((r) => r.path.startsWith('/steal.git')), [], 'the repository of the attack was fetched');
    assert.deepEqual(recorder.requests.filter((r) => r.headers.authorization !== undefined).map((r) => r.path), [], 'credentials arrived');
    noMarker('the HelmRelease', JSON.stringify(hr));
    noMarker("capstan's debug log", env.capstan.output());
  });

  it("(c') the own namespace's Git credentials over plain http://: Stalled naming spec.chart.git and --allow-insecure-credentials", async () => {
    await core.createNamespacedSecret({ namespace: env.ns, body: { metadata: { name: 'own-git-auth' }, stringData: { username: 'me', password: MARKER } } });
    const before = recorder.requests.length;
    await env.hrs.create('plainhttp', { chart: { git: `${recorder.origin}/own.git`, ref: 'main', path: 'charts/hello', secretRef: { name: 'own-git-auth' } }, releaseName: 'plainhttp' });
    const hr = await stalledOn(env, 'plainhttp', 'spec.chart.git');
    assert.match(hr.status?.conditions?.find((c) => c.type === 'Stalled')?.message ?? '', /over plain http:\/\/ .*--allow-insecure-credentials/);
    assert.deepEqual(recorder.requests.slice(before).filter((r) => r.path.startsWith('/own.git')), []);
  });
});

describe('--allow-cross-namespace-refs restores the Helm Operator behaviour', () => {
  let env: ReleaseEnv;
  let platform = '';
  let dropPlatform = async (): Promise<void> => {};

  before(async () => {
    [platform, dropPlatform] = await freshNamespace(kc, 'xns-platform');
    await core.createNamespacedConfigMap({ namespace: platform, body: { metadata: { name: 'shared-values' }, data: { 'values.yaml': 'message: from-platform\n' } } });
    env = await startReleaseEnv({ prefix: 'xns-loose', queue: uniqueName('xns-loose'), args: ['--allow-cross-namespace-refs'] });
  });
  after(async () => {
    await env?.stop();
    await dropPlatform();
  });

  it("(d) a ConfigMap of another namespace in valuesFrom is read and released", async () => {
    await env.hrs.create('shared', { chart: env.chart(), releaseName: 'shared', valuesFrom: [{ configMapKeyRef: { name: 'shared-values', namespace: platform } }] });
    await env.hrs.waitFor('shared', 'Ready', 'True');
    const deployment = await apps.readNamespacedDeployment({ name: 'shared-hello', namespace: env.ns });
    assert.equal(deployment.spec?.template.metadata?.annotations?.['hello/message'], 'from-platform');
  });
});
