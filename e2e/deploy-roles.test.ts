import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { type ChartRepo, startChartRepo } from './support/chart-repo.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { applyCrd } from './support/crd.ts';
import { serviceAccountKubeconfig } from './support/deploy.ts';
import { applyRoleAccounts } from './support/deploy-rbac.ts';
import { type GitServer, git, startGitServer } from './support/git-server.ts';
import { helmHistory, helmReleases } from './support/helm-releases.ts';

// Each role run as a user runs it from deploy/, with nothing but its own ServiceAccount's token: what the role's
// e2e tests do must work with the rights deploy/ gives it.
describe("the roles, each with only its deploy/ ServiceAccount's rights", () => {
  const kc = kubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const dir = mkdtempSync(join(tmpdir(), 'capstan-deploy-roles-'));
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let accounts: Awaited<ReturnType<typeof applyRoleAccounts>> | undefined;
  const processes: CapstanProcess[] = [];
  let repo: ChartRepo | undefined;
  let server: GitServer | undefined;
  const as = async (role: 'daemon' | 'operator' | 'worker') => serviceAccountKubeconfig(kc, ns, accounts?.account(role) ?? '', dir);

  before(async () => {
    await applyCrd(kc);
    [ns, dropNamespace] = await freshNamespace(kc, 'deploy-roles');
    accounts = await applyRoleAccounts(ns);
  });
  after(async () => {
    for (const p of processes) await p.stop();
    await repo?.close();
    await server?.close();
    await accounts?.remove();
    await dropNamespace();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the operator and the worker install, upgrade with --wait, test and uninstall a release', async () => {
    repo = await startChartRepo();
    await repo.publish('0.1.0');
    const queue = uniqueName('deploy-roles');
    processes.push(await startCapstan({ role: 'operator', namespace: ns, queue, args: ['--kubeconfig', await as('operator')] }));
    const worker = await startCapstan({ role: 'worker', namespace: ns, queue, args: ['--kubeconfig', await as('worker'), '--leader-election-namespace', ns] });
    processes.push(worker);
    const hrs = helmReleases(kc, ns);
    await hrs.create('hello', { chart: { repository: repo.url, name: 'hello', version: '0.1.0' }, releaseName: 'hello', values: { message: 'one' } });
    await hrs.waitFor('hello', 'Ready', 'True').catch((err: Error) => { throw new Error(`${err.message}\n${worker.output().slice(-3000)}`); });
    await hrs.patchSpec('hello', { wait: true, test: { enable: true }, values: { message: 'two' } });
    await hrs.waitFor('hello', 'Ready', 'True').catch((err: Error) => { throw new Error(`${err.message}\n${worker.output().slice(-3000)}`); });
    const hr = await hrs.get('hello');
    assert.equal(hr.status?.conditions?.find((c) => c.type === 'Tested')?.status, 'True', JSON.stringify(hr.status));
    assert.deepEqual((await helmHistory(kc, ns, 'hello')).map((r) => r.status), ['deployed', 'superseded']);
    assert.ok(await core.readNamespacedSecret({ namespace: ns, name: 'capstan-digest-key' }), 'the worker made no digest key');
    const events = await core.listNamespacedEvent({ namespace: ns, fieldSelector: 'involvedObject.name=hello,involvedObject.kind=HelmRelease' });
    assert.ok(events.items.length > 0, 'the worker recorded no Event');
    await hrs.delete('hello');
    await hrs.gone('hello');
    assert.deepEqual(await helmHistory(kc, ns, 'hello'), [], 'the release was not uninstalled');
    assert.doesNotMatch(worker.output(), /forbidden/i, 'the worker was refused something');
  });

  it('the daemon syncs a repository into the cluster and garbage-collects what leaves it', async () => {
    server = await startGitServer();
    const url = await server.createRepo('config');
    const work = await server.clone(url, 'config');
    const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ${ns}}\ndata: {k: v}\n`;
    mkdirSync(join(work, 'apps'));
    writeFileSync(join(work, 'apps', 'a.yaml'), cm('a'));
    writeFileSync(join(work, 'apps', 'b.yaml'), cm('b'));
    const push = async (message: string) => {
      await git(work, 'add', '-A');
      await git(work, 'commit', '-m', message);
      await git(work, 'push', 'origin', 'HEAD:main');
    };
    await push('two ConfigMaps');
    const daemon = await startCapstan({ role: 'daemon', namespace: ns, queue: uniqueName('unused'), args: [
      '--kubeconfig', await as('daemon'), '--git-url', url, '--git-branch', 'main', '--sync-interval', '1h', '--sync-garbage-collection',
      '--leader-election-namespace', ns, '--k8s-secret-namespace', ns, '--k8s-secret-name', 'capstan-git-deploy', '--registry-disable-scanning'] });
    processes.push(daemon);
    const exists = async (name: string) => core.readNamespacedConfigMap({ name, namespace: ns }).then(() => true, () => false);
    await eventually('a and b synced', async () => ((await exists('a')) && (await exists('b'))) || undefined, 30_000)
      .catch((err: Error) => { throw new Error(`${err.message}\n${daemon.output().slice(-3000)}`); });
    rmSync(join(work, 'apps', 'b.yaml'));
    await push('b goes');
    assert.equal((await fetch(`${daemon.url}/api/flux/v11/notify`, { method: 'POST' })).status, 202);
    await eventually('b garbage-collected', async () => (!(await exists('b')) || undefined), 30_000)
      .catch((err: Error) => { throw new Error(`${err.message}\n${daemon.output().slice(-3000)}`); });
    assert.ok(await exists('a'), 'a was deleted');
    assert.doesNotMatch(daemon.output(), /forbidden/i, 'the daemon was refused something');
  });
});
