import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { execa } from 'execa';
import { type CapstanProcess, startCapstan } from './support/capstan.ts';
import { eventually, freshNamespace, kubeConfig, uniqueName } from './support/cluster.ts';
import { git, type GitServer, startGitServer } from './support/git-server.ts';
import { findLeaks, newMarker } from './support/markers.ts';

const SOPS = process.env.CAPSTAN_SOPS_BINARY ?? 'sops'; // e2e/tools/sops.sh, exported by e2e/with-services.sh

// A new age key pair made by the real age-keygen: the private key file and its public recipient.
async function ageKey(dir: string, name: string): Promise<{ file: string; recipient: string; secret: string }> {
  const file = join(dir, `${name}.agekey`);
  await execa('age-keygen', ['-o', file]);
  const secret = readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-')) ?? '';
  return { file, recipient: (await execa('age-keygen', ['-y', file])).stdout.trim(), secret };
}

// Every file under a directory (what Capstan left on disk) with its text, for the leak check.
function filesUnder(dir: string): Array<{ path: string; text: string }> {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)).filter((f) => statSync(f).isFile())
    .map((path) => ({ path, text: readFileSync(path, 'latin1') }));
}

describe('capstan daemon --sops: age-encrypted manifests are decrypted before apply, and their plaintext shows nowhere else', () => {
  const kc = kubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const password = newMarker('sopspassword');
  const other = newMarker('sopsother');
  let ageSecret = newMarker('agekey'); // replaced by the real private key's text below
  let ns = '';
  let dropNamespace = async (): Promise<void> => {};
  let server: GitServer;
  let work = '';
  let dir = '';
  let cacheDir = '';
  let daemon: CapstanProcess;
  let recipient = '';
  const push = async (message: string) => {
    await git(work, 'add', '-A');
    await git(work, 'commit', '-m', message);
    await git(work, 'push', 'origin', 'HEAD:main');
  };
  // writes `text` to the repo at `file`, encrypted with sops for `to` (only data/stringData, as people usually do)
  const sealed = async (file: string, text: string, to: string) => {
    writeFileSync(join(work, file), text);
    const r = await execa(SOPS, ['encrypt', '--in-place', '--age', to, '--encrypted-regex', '^(data|stringData)$', file], { cwd: work, reject: false, env: { SOPS_AGE_KEY_FILE: '' } });
    assert.equal(r.exitCode, 0, r.stderr);
  };
  const secret = (value: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\nstringData:\n  password: ${value}\n`;
  const config = (value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\ndata:\n  value: ${value}\n`;
  const syncRecord = async () => ((await (await fetch(`${daemon.url}/api/capstan/v1/sync`)).json()) as { sources: Array<{ record?: { revision: string; loadErrors: Array<{ file: string; message: string }>; applied: string[] } }> }).sources;

  before(async () => {
    [ns, dropNamespace] = await freshNamespace(kc, 'sops');
    dir = mkdtempSync(join(tmpdir(), 'capstan-sops-'));
    cacheDir = join(dir, 'cache');
    const ours = await ageKey(dir, 'ours');
    recipient = ours.recipient;
    ageSecret = { name: 'agekey', value: ours.secret };
    // the private key reaches Capstan through a Secret, as a cluster would hold it
    await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'sops-age' }, stringData: { 'age.agekey': readFileSync(ours.file, 'utf8') } } });
    server = await startGitServer();
    const url = await server.createRepo('sops');
    work = await server.clone(url, 'work');
    await sealed('secret.yaml', secret(password.value), recipient);
    await sealed('other.yaml', config(other.value), recipient);
    writeFileSync(join(work, 'plain.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  k: v\n');
    await push('An encrypted Secret and ConfigMap, and a plain ConfigMap');
    assert.ok(!readFileSync(join(work, 'secret.yaml'), 'utf8').includes(password.value), 'the fixture holds ciphertext only');
    daemon = await startCapstan({ role: 'daemon', namespace: ns, queue: uniqueName('unused'), args: [
      '--git-url', url, '--git-branch', 'main', '--sync-interval', '1h', '--sync-garbage-collection', '--k8s-default-namespace', ns,
      '--git-readonly', '--registry-disable-scanning', '--chart-cache-dir', cacheDir,
      '--sops', '--sops-binary', SOPS, '--sops-age-key-secret', `${ns}/sops-age`,
    ] });
  });
  after(async () => {
    await daemon?.stop();
    await server?.close().catch(() => undefined);
    await dropNamespace();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('applies the decrypted Secret and ConfigMap beside the plain one', async () => {
    const applied = await eventually('the decrypted Secret', async () =>
      (await core.readNamespacedSecret({ name: 'db', namespace: ns }).catch(() => undefined)), 60_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${daemon.output().slice(-3000)}`);
    });
    assert.equal(Buffer.from(applied.data?.password ?? '', 'base64').toString(), password.value);
    const cm = await eventually('the decrypted ConfigMap', async () => core.readNamespacedConfigMap({ name: 'other', namespace: ns }).catch(() => undefined), 30_000);
    assert.equal(cm.data?.value, other.value);
    assert.equal(cm.metadata?.annotations?.sops, undefined);
    await eventually('the plain ConfigMap', async () => core.readNamespacedConfigMap({ name: 'plain', namespace: ns }).catch(() => undefined), 30_000);
  });

  it('a file it cannot decrypt is a sync error naming it; nothing of it is applied or collected, the rest applies', async () => {
    const foreign = await ageKey(dir, 'foreign');
    await sealed('other.yaml', config('changed'), foreign.recipient);
    writeFileSync(join(work, 'plain.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  k: v2\n');
    await push('other.yaml for a key Capstan does not have; plain changed');
    const head = (await git(work, 'rev-parse', 'HEAD')).stdout;
    assert.equal((await fetch(`${daemon.url}/api/flux/v11/notify`, { method: 'POST', body: '{}' })).status, 202);
    const record = await eventually('the sync of the new head', async () => (await syncRecord()).find((s) => s.record?.revision === head)?.record, 60_000);
    assert.deepEqual(record.loadErrors.map((e) => e.file), ['other.yaml']);
    assert.match(record.loadErrors[0]?.message ?? '', /^SOPS decryption failed: .+; the whole file is skipped$/);
    await eventually('plain to be updated', async () => ((await core.readNamespacedConfigMap({ name: 'plain', namespace: ns })).data?.k === 'v2' || undefined), 30_000);
    const cm = await core.readNamespacedConfigMap({ name: 'other', namespace: ns }); // not garbage-collected, not changed
    assert.equal(cm.data?.value, other.value);
    assert.ok(await core.readNamespacedSecret({ name: 'db', namespace: ns }));
  });

  it('the plaintext and the age key are in no log line, sync record, metric, Event or cached file', async () => {
    const markers = [password, other, ageSecret];
    const events = (await core.listNamespacedEvent({ namespace: ns })).items;
    const surfaces = [
      { where: 'daemon log', text: daemon.output() },
      { where: 'GET /api/capstan/v1/sync', text: JSON.stringify(await syncRecord()) },
      { where: 'GET /metrics', text: await (await fetch(`${daemon.url}/metrics`)).text() },
      { where: 'Events', text: JSON.stringify(events) },
      // every file Capstan keeps (Git's objects hold ciphertext only), but the key file it was told to write
      ...filesUnder(cacheDir).filter((f) => !f.path.endsWith('age.agekey')).map((f) => ({ where: f.path, text: f.text })),
    ];
    assert.ok(daemon.output().includes('"synced"'), 'the log was captured');
    assert.deepEqual(surfaces.flatMap((s) => findLeaks(s.where, s.text, markers)), []);
    // the key file written from the Secret is private
    const keyFiles = readdirSync(cacheDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('age.agekey'));
    assert.equal(keyFiles.length, 1);
    assert.equal(statSync(join(cacheDir, keyFiles[0] ?? '')).mode & 0o777, 0o600);
  });
});
