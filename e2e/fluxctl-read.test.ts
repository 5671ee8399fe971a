import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { fluxctl } from './support/fluxctl.ts';
import { git, type GitServer, startGitServer } from './support/git-server.ts';
import { pushImage, type Registry, startRegistry } from './support/registry.ts';
import { type SshServer, startSshServer } from './support/ssh-server.ts';

// The real fluxctl 1.25.4 against `capstan run` syncing an ssh:// repository with no key configured (so Capstan
// generates the deploy key into --k8s-secret-name, as fluxd did), on a listener guarded by --api-token: a plain
// Deployment and an automated one whose images are in a loopback registry.
const minutes = (n: number) => new Date(Date.UTC(2026, 10, 1, 12, n));
const deployment = (name: string, image: string, annotations: Record<string, string> = {}) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  annotations: {${Object.entries(annotations).map(([k, v]) => `'${k}': '${v}'`).join(', ')}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: app, image: '${image}'}]
`;

interface Workload { ID: string; Containers: Array<{ Name: string; Current: { ID: string } }>; Automated: boolean; Policies: Record<string, string>; Status: string }

describe('fluxctl 1.25.4: list-workloads, list-images, identity, save against capstan run', () => {
  const kc = kubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const token = `fluxctl-t0ken-${uniqueName('t')}`;
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let server: GitServer;
  let ssh: SshServer;
  let reg: Registry;
  let capstan: CapstanProcess;
  const ctl = (...args: string[]) => fluxctl(capstan.url, args, { token });
  const ok = async (...args: string[]) => {
    const r = await ctl(...args);
    assert.equal(r.exitCode, 0, `fluxctl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const workloads = async (...args: string[]) => JSON.parse(await ok('list-workloads', '-o', 'json', ...args)) as Workload[];

  before(async () => {
    [ns, dropNamespace] = await freshNamespace(kc, 'fluxctl');
    reg = await startRegistry();
    await pushImage(reg, 'web', '1.0.0', { created: minutes(1) });
    await pushImage(reg, 'web', '1.1.0', { created: minutes(2) });
    for (const [i, tag] of ['1.0.0', '1.2.0', '2.0.0'].entries()) await pushImage(reg, 'auto', tag, { created: minutes(i + 1) });
    server = await startGitServer();
    const url = await server.createRepo('fluxctl');
    const work = await server.clone(url, 'work');
    writeFileSync(join(work, 'web.yaml'), deployment('web', `${reg.host}/web:1.0.0`));
    writeFileSync(join(work, 'auto.yaml'), deployment('auto', `${reg.host}/auto:1.0.0`, { 'fluxcd.io/automated': 'true', 'fluxcd.io/tag.app': 'semver:~1' }));
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', 'two workloads');
    await git(work, 'push', 'origin', 'HEAD:main');
    ssh = await startSshServer();
    capstan = await startCapstan({ role: 'run', namespace: ns, queue: uniqueName('fluxctl'), env: { CAPSTAN_API_TOKEN: token }, args: [
      '--git-url', `ssh://root@127.0.0.1:${ssh.port}${join(server.root, 'repos', 'fluxctl.git')}`, '--git-branch', 'main',
      '--k8s-secret-name', 'flux-git-deploy', '--k8s-secret-namespace', ns, '--k8s-default-namespace', ns,
      '--sync-interval', '1h', '--git-poll-interval', '2s', '--automation-interval', '1s', '--registry-insecure-host', reg.host,
      '--git-user', 'Capstan Bot', '--git-email', 'bot@capstan.invalid',
    ] });
  });
  after(async () => {
    await capstan?.stop();
    await ssh?.close();
    await server?.close().catch(() => undefined);
    await reg?.stop();
    await dropNamespace();
  });

  it('identity: a deploy key generated into the Secret; once added to the repository, the sync starts', async () => {
    const pub = await ok('identity');
    assert.match(pub, /^ssh-ed25519 \S+ capstan$/);
    const secret = await core.readNamespacedSecret({ name: 'flux-git-deploy', namespace: ns });
    assert.match(Buffer.from(secret.data?.identity ?? '', 'base64').toString(), /BEGIN OPENSSH PRIVATE KEY/);
    assert.match(await ok('identity', '-l'), /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    // the user adds the deploy key to the repository, as fluxd's docs said
    appendFileSync(join(dirname(ssh.keyFile), 'authorized_keys'), `${pub}\n`);
    for (const name of ['web', 'auto']) {
      await eventually(`Deployment ${name} synced over ssh`, () => apps.readNamespacedDeployment({ name, namespace: ns }).then(() => true, () => undefined), 60_000);
    }
    const config = await eventually('the repository ready in git-repo-config', async () => {
      const res = await fetch(`${capstan.url}/api/flux/v9/git-repo-config`, { method: 'POST', body: 'false', headers: { Authorization: `Bearer ${token}` } });
      const answer = (await res.json()) as Record<string, unknown>;
      return answer.status === 'ready' ? answer : undefined;
    }, 60_000);
    assert.deepEqual(config.remote, { url: `ssh://root@127.0.0.1:${ssh.port}${join(server.root, 'repos', 'fluxctl.git')}`, branch: 'main', path: '' });
  });

  it('list-workloads -n and -a: the synced Deployments with their containers, images and policies', async () => {
    const listed = await workloads('-n', ns);
    assert.deepEqual(listed.map((w) => w.ID), [`${ns}:deployment/auto`, `${ns}:deployment/web`]);
    const [auto, web] = listed;
    assert.equal(web?.Containers[0]?.Current.ID, `${reg.host}/web:1.0.0`);
    assert.equal(web?.Automated, false);
    assert.equal(auto?.Automated, true);
    assert.equal(auto?.Policies['tag.app'], 'semver:~1');
    assert.deepEqual((await workloads('-a')).map((w) => w.ID), listed.map((w) => w.ID));
    assert.deepEqual(await workloads('-n', 'kube-system'), [], 'a namespace Capstan may not reach lists nothing');
    const table = await ok('list-workloads', '-n', ns);
    assert.match(table, /^WORKLOAD\s+CONTAINER\s+IMAGE\s+RELEASE\s+POLICY\n/);
    assert.match(table, new RegExp(`${ns}:deployment/auto\\s+app\\s+${reg.host}/auto:\\S+\\s+\\S+\\s+automated\\n`));
    // automation moves auto to the newest 1.x; the live object, and so fluxctl, follows
    await eventually('auto on 1.2.0 in list-workloads', async () => {
      const [a] = await workloads('-n', ns);
      return a?.Containers[0]?.Current.ID === `${reg.host}/auto:1.2.0` || undefined;
    }, 60_000);
  });

  it('list-images -n and -w: every tag from the scan cache, newest first, the running one marked', async () => {
    const all = await eventually('images scanned', async () => {
      const out = await ok('list-images', '-n', ns);
      return out.includes('1.1.0') && out.includes('2.0.0') ? out : undefined;
    }, 60_000);
    assert.match(all, /^WORKLOAD\s+CONTAINER\s+IMAGE\s+CREATED\n/);
    // web is not automated, so the scan read no creation times for it: the higher version is listed first
    assert.match(all, new RegExp(`${ns}:deployment/web\\s+app\\s+${reg.host}/web\\s*\\n\\s+\\|\\s+1\\.1\\.0\\s*\\n\\s+'->\\s+1\\.0\\.0`));
    const one = await ok('list-images', '-w', `${ns}:deployment/auto`);
    assert.doesNotMatch(one, /deployment\/web/);
    // semver:~1 orders by version: 2.0.0 (not admitted, still listed) above 1.2.0 (running) above 1.0.0
    assert.match(one, /\|\s+2\.0\.0[^\n]*\n\s+'->\s+1\.2\.0[^\n]*\n\s+1\.0\.0/);
    const json = JSON.parse(await ok('list-images', '-w', `${ns}:deployment/auto`, '-o', 'json')) as Array<{ Containers: Array<{ LatestFiltered: { ID: string } }> }>;
    assert.equal(json[0]?.Containers[0]?.LatestFiltered.ID, `${reg.host}/auto:1.2.0`);
  });

  it('save: the synced objects as YAML without status, server fields or sync stamps', async () => {
    const docs = parseAllDocuments(await ok('save')).map((d) => d.toJS() as { kind: string; metadata: Record<string, unknown>; status?: unknown });
    const names = docs.map((d) => `${d.kind}/${String(d.metadata.name)}`).sort();
    assert.deepEqual(names, ['Deployment/auto', 'Deployment/web']);
    for (const d of docs) {
      assert.equal(d.status, undefined);
      assert.equal(d.metadata.uid, undefined);
      assert.doesNotMatch(JSON.stringify(d.metadata), /sync-gc-mark|sync-checksum/);
    }
  });

  it('version and ping answer; without the token every verb is refused', async () => {
    assert.equal((await ok('version')).trim(), '1.25.4');
    const auth = { headers: { Authorization: `Bearer ${token}` } };
    assert.equal((await fetch(`${capstan.url}/api/flux/v11/ping`, auth)).status, 200);
    assert.match(String(await (await fetch(`${capstan.url}/api/flux/v11/version`, auth)).json()), /^\d+\.\d+\.\d+/);
    for (const args of [['list-workloads', '-n', ns], ['list-images', '-n', ns], ['identity'], ['save']]) {
      const r = await fluxctl(capstan.url, args);
      assert.equal(r.exitCode, 1, `fluxctl ${args.join(' ')} without the token: ${r.stdout}`);
      assert.match(r.stderr, /authentication|unauthori[sz]ed/i);
      const wrong = await fluxctl(capstan.url, args, { token: `${token}-wrong` });
      assert.equal(wrong.exitCode, 1);
    }
  });

  it('identity --regenerate: a new key in the Secret, the old one gone', async () => {
    const before = await ok('identity');
    const after = await ok('identity', '--regenerate');
    assert.match(after, /^ssh-ed25519 \S+ capstan$/);
    assert.notEqual(after, before);
    assert.equal(await ok('identity'), after);
    const secret = await core.readNamespacedSecret({ name: 'flux-git-deploy', namespace: ns });
    assert.notEqual(secret.data?.identity, undefined);
    assert.ok(!capstan.output().includes('PRIVATE KEY'), 'a private key reached the logs');
  });
});
