import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION } from '../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { type ChartRepo, startChartRepo } from './support/chart-repo.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { applyCrd } from './support/crd.ts';
import { CHART_DIR, helm, kubectl, serviceAccountKubeconfig } from './support/deploy.ts';
import { helmHistory, helmReleases } from './support/helm-releases.ts';
import { applyForReal, crdFile, DEPLOY_NAMESPACE, installedNames, missing, notRolledOut, renderDeploy, roleOf, uniqueInstall } from './support/install.ts';

// The README's Install section done for real, as a user reading it would: Capstan installed from deploy/ (the
// kustomize base, then the chart) into the local cluster, whose pods kwok runs without containers; the operator
// and a worker then run out of cluster with the flags of the installed Deployments and the tokens of the installed
// ServiceAccounts, and install a HelmRelease of a tenant namespace. Only what must be unique on a shared cluster
// is changed: the namespace, cluster-scoped names (a suffix; the chart's release name), and the CRD is not applied
// (the cluster's is checked to be the same).
describe("the README's Install section, on the local control plane", () => {
  const kc = kubeConfig();
  const dir = mkdtempSync(join(tmpdir(), 'capstan-install-'));
  const processes: CapstanProcess[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];
  let tenant = '';
  let dropTenant = async (): Promise<void> => {};
  let repo: ChartRepo | undefined;

  before(async () => {
    await applyCrd(kc);
    [tenant, dropTenant] = await freshNamespace(kc, 'install-tenant');
    repo = await startChartRepo();
    await repo.publish('0.1.0');
  });
  after(async () => {
    for (const p of processes) await p.stop();
    // A release a failed test left behind keeps the worker's finalizer, which would hold the tenant namespace.
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const left = (await custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, namespace: tenant }).catch(() => ({ items: [] }))) as { items: Array<{ metadata: { name: string } }> };
    for (const hr of left.items) {
      await custom.patchNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, namespace: tenant, name: hr.metadata.name, body: { metadata: { finalizers: null } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)).catch(() => undefined);
    }
    for (const cleanup of cleanups) await cleanup();
    await repo?.close();
    await dropTenant();
    rmSync(dir, { recursive: true, force: true });
  });

  // The operator and the worker of the install in `ns` (objects named `prefix-ROLE`), run out of cluster as the
  // Deployments run them, install HelmRelease `release` in the tenant namespace, then uninstall it.
  async function releaseThroughInstalledRoles(ns: string, prefix: string, release: string): Promise<void> {
    const queue = uniqueName('install');
    const start = async (component: 'operator' | 'worker') => {
      const { role, flags, serviceAccount } = await roleOf(kc, ns, `${prefix}-${component}`);
      assert.equal(role, component, `Deployment ${ns}/${prefix}-${component} runs \`capstan ${role}\``);
      // The pod's emptyDir at /tmp, here a folder of this run's.
      const own = flags.map((f) => (f.startsWith('--helm-cache-dir=') ? `--helm-cache-dir=${join(dir, release)}` : f));
      const kubeconfig = await serviceAccountKubeconfig(kc, ns, serviceAccount, dir);
      return startCapstan({ role: component, namespace: tenant, queue, args: [...own, '--kubeconfig', kubeconfig], env: { POD_NAMESPACE: ns } });
    };
    const started = await Promise.allSettled([start('operator'), start('worker')]);
    for (const s of started) if (s.status === 'fulfilled') processes.push(s.value);
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    const [operator, worker] = started.map((s) => (s as PromiseFulfilledResult<CapstanProcess>).value) as [CapstanProcess, CapstanProcess];
    const logs = () => `\noperator: ${operator.output().slice(-1500)}\nworker: ${worker.output().slice(-3000)}`;
    const hrs = helmReleases(kc, tenant);
    await hrs.create(release, { chart: { repository: repo?.url ?? '', name: 'hello', version: '0.1.0' }, releaseName: release, values: { message: 'installed' } });
    await hrs.waitFor(release, 'Ready', 'True').catch((err: Error) => { throw new Error(`${err.message}${logs()}`); });
    assert.deepEqual((await helmHistory(kc, tenant, release)).map((r) => r.status), ['deployed']);
    const digestKey = await kc.makeApiClient(k8s.CoreV1Api).readNamespacedSecret({ namespace: ns, name: 'capstan-digest-key' }).catch(() => undefined);
    assert.ok(digestKey, `the worker made no digest key in the install's namespace ${ns}`);
    await hrs.delete(release);
    await hrs.gone(release).catch((err: Error) => { throw new Error(`${err.message}${logs()}`); });
    assert.deepEqual(await helmHistory(kc, tenant, release), [], 'the release was not uninstalled');
    assert.doesNotMatch(operator.output() + worker.output(), /forbidden/i, 'a role was refused something');
  }

  const rolledOut = (ns: string, prefix: string) => eventually(`the Deployments of ${ns} to roll out`, async () =>
    (await notRolledOut(kc, ns, ['daemon', 'operator', 'worker', 'redis'].map((r) => `${prefix}-${r}`))).length === 0 || undefined, 60_000);

  it('kubectl apply -k deploy/ installs every object, and the roles run with its ServiceAccounts', async () => {
    const rendered = await renderDeploy();
    const elsewhere = rendered.filter((o) => o.metadata.namespace !== undefined && o.metadata.namespace !== DEPLOY_NAMESPACE);
    assert.deepEqual(elsewhere.map((o) => `${o.kind}/${o.metadata.name}`), [], `deploy/ puts objects outside namespace ${DEPLOY_NAMESPACE}`);
    const crd = rendered.find((o) => o.kind === 'CustomResourceDefinition');
    assert.deepEqual(crd, crdFile(), "deploy/'s CRD differs from the shared cluster's (deploy/crds/): it is not applied here");
    const ns = uniqueName('install-kustomize');
    const suffix = `-${randomBytes(3).toString('hex')}`;
    const objs = uniqueInstall(rendered, ns, suffix);
    const clusterScoped = objs.filter((o) => o.kind.startsWith('Cluster')).map((o) => `${o.kind.toLowerCase()}/${o.metadata.name}`);
    cleanups.push(() => kubectl(['delete', '--ignore-not-found', '--wait=false', ...clusterScoped, `namespace/${ns}`]));
    await applyForReal(objs);
    assert.deepEqual(await missing(ns, installedNames('capstan', (r) => `capstan-${r}${suffix}`)), []);
    await releaseThroughInstalledRoles(ns, 'capstan', 'hello-kustomize');
    await rolledOut(ns, 'capstan');
  });

  it('helm install of deploy/chart/capstan installs every object, and the roles run with its ServiceAccounts', async () => {
    const ns = uniqueName('install-chart');
    // Its ClusterRoles are named after the release: a release name of its own keeps them apart from any other install.
    const release = uniqueName('capstan');
    cleanups.push(async () => {
      await kubectl(['delete', '--ignore-not-found', '--wait=false', 'clusterrole,clusterrolebinding', '-l', `app.kubernetes.io/instance=${release}`]);
      await kubectl(['delete', '--ignore-not-found', '--wait=false', `namespace/${ns}`]);
    });
    // As the README has it; --skip-crds: the shared cluster's CRD is deploy/crds/, which the chart's copy equals (unit test).
    const r = await helm(['install', release, CHART_DIR, '-n', ns, '--create-namespace', '--skip-crds', '--set', 'daemon.flags.git-url=ssh://git@git.example/config.git']);
    assert.equal(r.exitCode, 0, `helm install: ${r.stderr}`);
    assert.deepEqual(await missing(ns, installedNames(release, (role) => `${release}-${role}`)), []);
    await releaseThroughInstalledRoles(ns, release, 'hello-chart');
    await rolledOut(ns, release);
  });
});
