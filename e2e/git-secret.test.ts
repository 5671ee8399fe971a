import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { execa } from 'execa';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { GIT_ENV, type GitServer, startGitServer } from './support/git-server.ts';
import { findLeaks, newMarker } from './support/markers.ts';

const EMAIL = 'git-secret@capstan.invalid';

describe('capstan daemon --git-secret: files hidden with git-secret are revealed in the checkout and applied', () => {
  const kc = kubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const hidden = newMarker('gitsecret');
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let server: GitServer;
  let work = '';
  let gnupg = '';
  let daemon: CapstanProcess;
  // git and git-secret as the repository's owner, with the test's own GnuPG home
  const run = (cmd: string, ...args: string[]) => execa(cmd, args, { cwd: work, env: { ...GIT_ENV, GNUPGHOME: gnupg }, timeout: 60_000 });
  const gpg = (...args: string[]) => execa('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { env: { GNUPGHOME: gnupg }, timeout: 60_000 });

  before(async () => {
    [ns, dropNamespace] = await freshNamespace(kc, 'gitsecret');
    gnupg = mkdtempSync(join(tmpdir(), 'capstan-gs-'));
    // a GPG key made here, in batch mode with no passphrase; its private half is what Capstan gets
    await gpg('--quick-generate-key', `Capstan Test <${EMAIL}>`, 'default', 'default', 'never');
    const keyFile = join(gnupg, 'private.asc');
    writeFileSync(keyFile, (await gpg('--armor', '--export-secret-keys', EMAIL)).stdout, { mode: 0o600 });
    server = await startGitServer();
    const url = await server.createRepo('gitsecret');
    work = await server.clone(url, 'work');
    writeFileSync(join(work, 'plain.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  k: v\n');
    writeFileSync(join(work, 'hidden.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hidden\ndata:\n  value: ${hidden.value}\n`);
    await run('git', 'secret', 'init');
    await run('git', 'secret', 'tell', EMAIL);
    await run('git', 'secret', 'add', 'hidden.yaml');
    await run('git', 'secret', 'hide');
    await run('git', 'add', '-A');
    await run('git', 'commit', '-m', 'A ConfigMap hidden with git-secret, and a plain one');
    assert.equal((await run('git', 'ls-files', 'hidden.yaml')).stdout, '', 'the plaintext file is not in Git');
    assert.ok((await run('git', 'ls-files', 'hidden.yaml.secret')).stdout, 'the encrypted file is in Git');
    await run('git', 'push', 'origin', 'HEAD:main');
    daemon = await startCapstan({ role: 'daemon', namespace: ns, queue: uniqueName('unused'), args: [
      '--git-url', url, '--git-branch', 'main', '--sync-interval', '1h', '--k8s-default-namespace', ns,
      '--git-readonly', '--registry-disable-scanning', '--git-secret', '--git-gpg-key-import', keyFile,
    ] });
  });
  after(async () => {
    await daemon?.stop();
    await server?.close().catch(() => undefined);
    await dropNamespace();
    if (gnupg) {
      await execa('gpgconf', ['--homedir', gnupg, '--kill', 'all'], { reject: false });
      rmSync(gnupg, { recursive: true, force: true });
    }
  });

  it('reveals the hidden ConfigMap before reading the manifests, and applies it beside the plain one', async () => {
    const cm = await eventually('the revealed ConfigMap', async () =>
      core.readNamespacedConfigMap({ name: 'hidden', namespace: ns }).catch(() => undefined), 60_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${daemon.output().slice(-3000)}`);
    });
    assert.equal(cm.data?.value, hidden.value);
    await eventually('the plain ConfigMap', async () => core.readNamespacedConfigMap({ name: 'plain', namespace: ns }).catch(() => undefined), 30_000);
    // the record is stored once the sync ends, a moment after its objects are applied
    const record = await eventually('the sync record', async () =>
      ((await (await fetch(`${daemon.url}/api/capstan/v1/sync`)).json()) as { sources: Array<{ record?: { loadErrors: unknown[]; applied: string[] } }> }).sources[0]?.record, 30_000);
    assert.deepEqual(record.loadErrors, []);
    assert.deepEqual(record.applied.sort(), [`${ns}:configmap/hidden`, `${ns}:configmap/plain`]);
    assert.deepEqual(findLeaks('daemon log', daemon.output(), [hidden]), []);
  });

  it('a file hidden for a key Capstan lacks fails the sync: nothing is applied or deleted, the failure says why', async () => {
    await gpg('--quick-generate-key', 'Someone Else <else@capstan.invalid>', 'default', 'default', 'never');
    await run('git', 'secret', 'removeperson', EMAIL);
    await run('git', 'secret', 'tell', 'else@capstan.invalid');
    writeFileSync(join(work, 'hidden.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hidden\ndata:\n  value: changed\n');
    await run('git', 'secret', 'hide');
    writeFileSync(join(work, 'plain.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  k: v2\n');
    await run('git', 'add', '-A');
    await run('git', 'commit', '-m', 'hidden.yaml for someone else only; plain changed');
    await run('git', 'push', 'origin', 'HEAD:main');
    assert.equal((await fetch(`${daemon.url}/api/flux/v11/notify`, { method: 'POST', body: '{}' })).status, 202);
    const failing = await eventually('the sync to fail', async () =>
      ((await (await fetch(`${daemon.url}/api/capstan/v1/sync`)).json()) as { sources: Array<{ failing?: { error: string } }> }).sources[0]?.failing, 60_000);
    assert.match(failing.error, /^git secret reveal -f -d: exit \d+/);
    assert.equal((await core.readNamespacedConfigMap({ name: 'plain', namespace: ns })).data?.k, 'v', 'a sync that could not reveal applied something');
    assert.equal((await core.readNamespacedConfigMap({ name: 'hidden', namespace: ns })).data?.value, hidden.value);
  });
});
