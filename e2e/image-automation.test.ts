import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { git, type GitServer, startGitServer } from './support/git-server.ts';
import { pushImage, type Registry, startRegistry } from './support/registry.ts';

// Deployments in Git that fluxd's annotations automate, images in a real registry on loopback, and
// `capstan daemon` scanning it every second and pushing its edits back to the Git server.
const minutes = (n: number) => new Date(Date.UTC(2026, 10, 1, 12, n));

const deployment = (name: string, image: string, annotations: Record<string, string>, extra = '') => `# ${name}: managed in Git
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  annotations:
${Object.entries(annotations).map(([k, v]) => `    ${k}: '${v}'`).join('\n')}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}

  template:
    metadata:
      labels:
        app: ${name}
    spec:${extra}
      containers:
        - name: app
          image: ${image}   # kept up to date by automation
          ports: [{containerPort: 80}]
`;

describe('image automation: registry tags to Git commits', () => {
  const kc = kubeConfig();
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let server: GitServer;
  let reg: Registry;
  let privateReg: Registry;
  let work = '';
  let bare = '';
  let daemon: CapstanProcess;
  const host = () => reg.host;
  const files: Record<string, string> = {};
  const pull = async () => void (await git(work, 'pull', '--quiet', '--rebase', 'origin', 'main'));
  const headFile = async (file: string) => (await git(bare, 'show', `main:${file}`)).stdout;
  const log = async (n: number) => (await git(bare, 'log', `-${n}`, '--format=%s', 'main')).stdout.split('\n');
  const commits = async () => Number((await git(bare, 'rev-list', '--count', 'main')).stdout);
  const cycles = () => daemon.metric('capstan_image_automation_cycles_total', { result: 'ok' });
  const waitCycles = async (n: number) => {
    const start = await cycles();
    await eventually(`${n} more automation cycles`, async () => ((await cycles()) >= start + n || undefined), 60_000);
  };

  before(async () => {
    [ns, dropNamespace] = await freshNamespace(kc, 'images');
    reg = await startRegistry();
    privateReg = await startRegistry({ auth: { username: 'puller', password: 'pull-s3cret-pw' } });
    // semver: ~1 admits 1.x only, pre-releases excluded; the newest version wins
    for (const tag of ['1.0.0', '1.2.0', '1.10.0', '2.0.0', '1.11.0-rc.1']) await pushImage(reg, 'sv', tag, { created: minutes(1) });
    // glob main-*: the newest by creation time wins, whatever the name says
    await pushImage(reg, 'gl', 'main-1', { created: minutes(1) });
    await pushImage(reg, 'gl', 'main-2', { created: minutes(3) });
    await pushImage(reg, 'gl', 'main-3', { created: minutes(2) });
    await pushImage(reg, 'gl', 'other-9', { created: minutes(9) });
    // regex: unanchored as in fluxd, so the test anchors it; `latest` never counts
    await pushImage(reg, 'rx', 'build-1', { created: minutes(1) });
    await pushImage(reg, 'rx', 'build-12', { created: minutes(5) });
    await pushImage(reg, 'rx', 'build-7', { created: minutes(4) });
    await pushImage(reg, 'rx', 'build-x', { created: minutes(8) });
    await pushImage(reg, 'rx', 'latest', { created: minutes(9) });
    for (const tag of ['1.0.0', '1.5.0']) await pushImage(reg, 'lk', tag, { created: minutes(1) });
    for (const tag of ['1.0.0', '1.3.0']) await pushImage(privateReg, 'au', tag, { created: minutes(1) });
    await core.createNamespacedSecret({ namespace: ns, body: {
      metadata: { name: 'regcred' }, type: 'kubernetes.io/dockerconfigjson',
      stringData: { '.dockerconfigjson': JSON.stringify({ auths: { [privateReg.host]: { auth: Buffer.from('puller:pull-s3cret-pw').toString('base64') } } }) },
    } });

    server = await startGitServer();
    const url = await server.createRepo('images');
    bare = join(server.root, 'repos/images.git');
    work = await server.clone(url, 'work');
    files['sv.yaml'] = deployment('sv', `${host()}/sv:1.0.0`, { 'fluxcd.io/automated': 'true', 'fluxcd.io/tag.app': 'semver:~1' });
    files['gl.yaml'] = deployment('gl', `${host()}/gl:main-1`, { 'fluxcd.io/automated': 'true', 'filter.fluxcd.io/app': 'glob:main-*' });
    files['rx.yaml'] = deployment('rx', `"${host()}/rx:build-1"`, { 'fluxcd.io/automated': 'true', 'fluxcd.io/tag.app': 'regex:^build-[0-9]+$' });
    files['lk.yaml'] = deployment('lk', `${host()}/lk:1.0.0`, { 'fluxcd.io/automated': 'true', 'fluxcd.io/locked': 'true' });
    files['au.yaml'] = deployment('au', `${privateReg.host}/au:1.0.0`, { 'fluxcd.io/automated': 'true', 'fluxcd.io/tag.app': 'semver:*' }, '\n      imagePullSecrets: [{name: regcred}]');
    for (const [file, text] of Object.entries(files)) writeFileSync(join(work, file), text);
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', 'Workloads');
    await git(work, 'push', 'origin', 'HEAD:main');
    daemon = await startCapstan({ role: 'daemon', namespace: ns, queue: uniqueName('unused'), args: [
      '--git-url', url, '--git-branch', 'main', '--k8s-default-namespace', ns, '--sync-interval', '1h', '--git-poll-interval', '2s',
      '--git-timeout', '10s', '--automation-interval', '1s', '--registry-insecure-host', reg.host, '--registry-insecure-host', privateReg.host,
      '--git-user', 'Capstan Bot', '--git-email', 'bot@capstan.invalid',
    ] });
  });
  after(async () => {
    await daemon?.stop();
    await server?.close().catch(() => undefined);
    await reg?.stop();
    await privateReg?.stop();
    await dropNamespace();
  });

  it('semver, glob and regex filters pick the right tags, in one commit that changes only the image values', async () => {
    await eventually('the automation commit', async () => ((await log(1))[0]?.startsWith('Auto-release multiple') || undefined), 60_000);
    const expected: Record<string, [string, string]> = {
      'sv.yaml': [`${host()}/sv:1.0.0`, `${host()}/sv:1.10.0`],
      'gl.yaml': [`${host()}/gl:main-1`, `${host()}/gl:main-2`],
      'rx.yaml': [`"${host()}/rx:build-1"`, `"${host()}/rx:build-12"`],
      'au.yaml': [`${privateReg.host}/au:1.0.0`, `${privateReg.host}/au:1.3.0`],
    };
    for (const [file, [from, to]] of Object.entries(expected)) {
      assert.equal(`${await headFile(file)}\n`, (files[file] ?? '').replace(from, to), `${file}: only the image value changes`);
    }
    assert.equal(`${await headFile('lk.yaml')}\n`, files['lk.yaml'], 'a locked workload is left alone');
    const message = (await git(bare, 'log', '-1', '--format=%B', 'main')).stdout;
    assert.match(message, /^Auto-release multiple \(4\) images\n\n - /);
    for (const [, to] of Object.values(expected)) assert.ok(message.includes(` - ${to.replaceAll('"', '')}`), `${to} listed in the message`);
    assert.equal((await git(bare, 'log', '-1', '--format=%cn <%ce>', 'main')).stdout, 'Capstan Bot <bot@capstan.invalid>');
    // the daemon syncs its own commit at once
    await eventually('sv running 1.10.0', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'sv', namespace: ns });
      return d.spec?.template.spec?.containers[0]?.image === `${host()}/sv:1.10.0` || undefined;
    }, 60_000);
    assert.ok(!daemon.output().includes('pull-s3cret-pw'), 'the registry password never reaches the logs');
  });

  it('a new tag pushed to the registry produces one commit whose diff is exactly the image line', async () => {
    const before = await commits();
    await pushImage(reg, 'sv', '1.11.0', { created: minutes(20) });
    await eventually('the 1.11.0 commit', async () => ((await log(1))[0] === `Auto-release ${host()}/sv:1.11.0` || undefined), 60_000);
    const diff = (await git(bare, 'show', '--format=', '--unified=0', 'main')).stdout.split('\n').filter((l) => /^[-+][^-+]/.test(l));
    assert.deepEqual(diff, [
      `-          image: ${host()}/sv:1.10.0   # kept up to date by automation`,
      `+          image: ${host()}/sv:1.11.0   # kept up to date by automation`,
    ]);
    await waitCycles(3);
    assert.equal(await commits(), before + 1, 'one commit, and none in the cycles after it');
  });

  it('a cycle with nothing new reads no image metadata again', async () => {
    await waitCycles(1);
    const manifests = await daemon.metric('capstan_registry_requests_total', { kind: 'manifest' });
    const lists = await daemon.metric('capstan_registry_requests_total', { kind: 'tags' });
    await waitCycles(3);
    assert.equal(await daemon.metric('capstan_registry_requests_total', { kind: 'manifest' }), manifests, 'metadata comes from the cache');
    assert.ok((await daemon.metric('capstan_registry_requests_total', { kind: 'tags' })) > lists, 'tag lists are read every interval');
  });

  it('a human revert in Git of an automated bump is kept until a newer tag appears', async () => {
    await pull();
    writeFileSync(join(work, 'sv.yaml'), (files['sv.yaml'] ?? '').replace(`${host()}/sv:1.0.0`, `${host()}/sv:1.10.0`));
    await git(work, 'commit', '-am', 'Roll sv back to 1.10.0');
    await git(work, 'push', 'origin', 'HEAD:main');
    await waitCycles(4);
    assert.deepEqual(await log(1), ['Roll sv back to 1.10.0']);
    const api = (await (await fetch(`${daemon.url}/api/capstan/v1/images`)).json()) as { sources: Array<{ record: { skipped: Array<{ workload: string; reason: string }> } }> };
    const held = api.sources[0]?.record.skipped.find((s) => s.workload === `${ns}:deployment/sv`);
    assert.match(held?.reason ?? '', /^held at 1\.10\.0: .*sv:1\.11\.0 was released before and then changed in Git; waiting for a newer tag$/);
    await pushImage(reg, 'sv', '1.12.0', { created: minutes(30) });
    await eventually('the 1.12.0 commit', async () => ((await log(1))[0] === `Auto-release ${host()}/sv:1.12.0` || undefined), 60_000);
  });

  it('a push that loses a race with another push is rebased onto it and retried, never forced', async () => {
    // the Git server lets a human commit land first the next time an automation commit arrives
    const hook = join(bare, 'hooks/pre-receive');
    writeFileSync(hook, readFileSync(new URL('./support/racing-pre-receive.sh', import.meta.url)));
    chmodSync(hook, 0o755);
    await pushImage(reg, 'gl', 'main-4', { created: minutes(40) });
    await eventually('the main-4 commit', async () => ((await log(1))[0] === `Auto-release ${host()}/gl:main-4` || undefined), 60_000);
    assert.deepEqual(await log(2), [`Auto-release ${host()}/gl:main-4`, 'Human racing commit']);
    assert.equal((await headFile('human.txt')).trim(), 'racing human');
    // the daemon logs the push a moment after Git has it
    await eventually('the log of a push made on the second attempt', async () =>
      /"attempts":2[^\n]*"msg":"image updates pushed"/.test(daemon.output()) || undefined, 10_000);
  });
});
