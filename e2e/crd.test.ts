import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { execa } from 'execa';
import { load } from 'js-yaml';
import { GROUP, PLURAL, VERSION, type HelmRelease } from '../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { eventually, freshNamespace, kubeConfig } from './support/cluster.ts';
import { applyCrd } from './support/crd.ts';


// A HelmRelease as a Helm Operator user wrote it, including a field this schema does not know.
const OLD_HELM_RELEASE = `
apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata:
  name: podinfo
  annotations:
    fluxcd.io/automated: "false"
spec:
  releaseName: podinfo-prod
  chart:
    repository: https://stefanprodan.github.io/podinfo
    name: podinfo
    version: 3.2.0
  values:
    replicaCount: 2
    image:
      repository: stefanprodan/podinfo
      tag: 3.2.0
    ingress:
      enabled: true
      hosts:
        - podinfo.example.com
    resources:
      limits:
        memory: 256Mi
  valuesFrom:
    - configMapKeyRef:
        name: podinfo-values
        key: values.yaml
        optional: false
    - secretKeyRef:
        name: podinfo-secrets
        namespace: shared
  rollback:
    enable: true
    retry: true
    maxRetries: 3
  test:
    enable: true
  someFutureField: x
`;

// A small HelmRelease with `edit` applied to its spec.
function helmRelease(name: string, edit: Record<string, unknown> = {}): HelmRelease {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'HelmRelease',
    metadata: { name, namespace: '' },
    spec: { chart: { repository: 'https://charts.example.com', name: 'hello', version: '1.0.0' }, ...edit },
  };
}

// The API server's error text, whatever shape the client gave its body.
function errorText(err: unknown): string {
  if (!(err instanceof k8s.ApiException)) return String(err);
  const body: unknown = err.body;
  return `${err.code} ${typeof body === 'string' ? body : JSON.stringify(body)}`;
}

describe('the HelmRelease CustomResourceDefinition (helm.fluxcd.io/v1)', () => {
  const kc = kubeConfig();
  const objects = kc.makeApiClient(k8s.CustomObjectsApi);
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  const ref = (): { group: string; version: string; plural: string; namespace: string } =>
    ({ group: GROUP, version: VERSION, plural: PLURAL, namespace: ns });
  const create = async (hr: HelmRelease): Promise<HelmRelease> =>
    (await objects.createNamespacedCustomObject({ ...ref(), body: hr })) as HelmRelease;
  const get = async (name: string): Promise<HelmRelease> =>
    (await objects.getNamespacedCustomObject({ ...ref(), name })) as HelmRelease;
  const kubectl = async (args: string[]): Promise<string> => {
    const bin = process.env.CAPSTAN_KUBECTL;
    const kubeconfig = process.env.KUBECONFIG;
    if (!bin || !kubeconfig) throw new Error('CAPSTAN_KUBECTL and KUBECONFIG are set by `. RUN_DIR/env`');
    const r = await execa(bin, [`--kubeconfig=${kubeconfig}`, ...args], { reject: false, timeout: 60_000 });
    assert.equal(r.exitCode, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    const crd = await applyCrd(kc);
    assert.deepEqual(crd.spec.names.shortNames, ['hr', 'hrs']);
    [ns, dropNamespace] = await freshNamespace(kc, 'crd');
    // Discovery can lag Established by a moment: wait until the API serves the kind.
    await eventually('the API to serve HelmReleases', async () => objects.listNamespacedCustomObject(ref()));
  });
  after(async () => dropNamespace());

  it('stores an old Helm Operator HelmRelease unchanged, unknown spec fields included', async () => {
    const written = load(OLD_HELM_RELEASE) as HelmRelease;
    await create(written);
    const stored = await get('podinfo');
    assert.deepEqual(stored.spec, written.spec);
    assert.equal((stored.spec as unknown as Record<string, unknown>).someFutureField, 'x');
    assert.deepEqual(stored.spec.values?.image, { repository: 'stefanprodan/podinfo', tag: '3.2.0' });
    assert.deepEqual(stored.spec.valuesFrom?.map((v) => v.configMapKeyRef?.name ?? v.secretKeyRef?.name), ['podinfo-values', 'podinfo-secrets']);
    assert.deepEqual(stored.spec.rollback, { enable: true, retry: true, maxRetries: 3 });
    assert.equal(stored.metadata.annotations?.['fluxcd.io/automated'], 'false');
  });

  it('accepts helmVersion v2, which Capstan reports in status rather than the API server refusing it', async () => {
    await create(helmRelease('legacy', { helmVersion: 'v2' }));
    assert.equal((await get('legacy')).spec.helmVersion, 'v2');
  });

  it('rejects a timeout that is not an integer, naming spec.timeout', async () => {
    await assert.rejects(create(helmRelease('badtimeout', { timeout: 'abc' })), (err: unknown) => {
      const text = errorText(err);
      assert.match(text, /^422 /);
      assert.match(text, /spec\.timeout/);
      assert.match(text, /must be of type integer/);
      return true;
    });
  });

  it('takes status through the status subresource and prints it in `kubectl get hr`', async () => {
    const message = `Release was successful for Helm release 'podinfo-prod' in '${ns}'.`;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const condition = (type: string): Record<string, string> =>
      ({ type, status: 'True', lastUpdateTime: now, lastTransitionTime: now, reason: 'Succeeded', message });
    // The client sends a JSON patch by default; a merge patch needs its Content-Type set by a middleware.
    await objects.patchNamespacedCustomObjectStatus(
      {
        ...ref(),
        name: 'podinfo',
        body: { status: { phase: 'Succeeded', releaseName: 'podinfo-prod', releaseStatus: 'deployed', conditions: [condition('Released'), condition('Ready')] } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    assert.equal((await get('podinfo')).status?.phase, 'Succeeded');

    const [header = '', ...rows] = (await kubectl(['get', 'hr', '-n', ns])).split('\n');
    assert.deepEqual(header.trim().split(/\s+/), ['NAME', 'RELEASE', 'PHASE', 'RELEASESTATUS', 'MESSAGE', 'AGE']);
    const row = rows.find((r) => r.startsWith('podinfo '));
    assert.ok(row, `no podinfo row in:\n${rows.join('\n')}`);
    assert.match(row, new RegExp(`^podinfo\\s+podinfo-prod\\s+Succeeded\\s+deployed\\s+${message.replace(/[.]/g, '\\.')}\\s+\\S+$`));

    const wide = (await kubectl(['get', 'hr', 'podinfo', '-n', ns, '-o', 'wide'])).split('\n');
    assert.deepEqual(wide[0]?.trim().split(/\s+/).slice(-2), ['AGE', 'READY']);
    assert.match(wide[1] ?? '', /\sTrue$/);

    for (const resource of ['hrs', 'helmreleases.helm.fluxcd.io']) {
      const out = await kubectl(['get', resource, '-n', ns, '-o', 'name']);
      assert.deepEqual(out.split('\n').sort(), ['helmrelease.helm.fluxcd.io/legacy', 'helmrelease.helm.fluxcd.io/podinfo'], resource);
    }
  });
});
