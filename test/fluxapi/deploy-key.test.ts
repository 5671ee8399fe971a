import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { isSshUrl, loadDeployKey } from '../../src/fluxapi/deploy-key.ts';
import { memoryKeyStore } from '../../src/fluxapi/key-store.ts';
import { FluxApiError } from '../../src/fluxapi/jobs/api-error.ts';
import { generateDeployKey, publicSSHKey } from '../../src/fluxapi/ssh-key.ts';

const root = mkdtempSync(join(tmpdir(), 'capstan-deploy-key-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const dir = () => join(root, String(++n));
const log = pino({ level: 'silent' });
const keys = () => { let i = 0; return async () => `PRIVATE KEY ${++i}\n`; };

describe('loadDeployKey (fluxd generated one when there was none)', () => {
  it('uses the Secret\'s key when it has one, and generates nothing', async () => {
    const store = memoryKeyStore('PRIVATE KEY kept\n');
    const key = await loadDeployKey({ store, configuredKeyFile: '/etc/key', needsKey: true, dir: dir(), log, generate: keys() });
    assert.equal(key?.origin, 'store');
    assert.equal(readFileSync(key?.keyFile ?? '', 'utf8'), 'PRIVATE KEY kept\n');
    assert.equal(statSync(key?.keyFile ?? '').mode & 0o777, 0o600);
    assert.equal(store.writes, 0);
  });

  it('generates a key into the Secret when an ssh source has none, and --regenerate replaces both', async () => {
    const store = memoryKeyStore();
    const key = await loadDeployKey({ store, configuredKeyFile: undefined, needsKey: true, dir: dir(), log, generate: keys() });
    assert.equal(key?.origin, 'store');
    assert.equal(await store.read(), 'PRIVATE KEY 1\n');
    await key?.regenerate();
    assert.equal(await store.read(), 'PRIVATE KEY 2\n');
    assert.equal(readFileSync(key?.keyFile ?? '', 'utf8'), 'PRIVATE KEY 2\n', 'the file git reads has the new key');
  });

  it('keeps --git-ssh-key and refuses to replace it', async () => {
    const key = await loadDeployKey({ store: memoryKeyStore(), configuredKeyFile: '/etc/key', needsKey: true, dir: dir(), log, generate: keys() });
    assert.equal(key?.keyFile, '/etc/key');
    await assert.rejects(() => key?.regenerate() ?? Promise.resolve(), FluxApiError);
  });

  it('generates nothing when no source clones over ssh, nor without --k8s-secret-name (ssh keeps its own keys)', async () => {
    const store = memoryKeyStore();
    assert.equal(await loadDeployKey({ store, configuredKeyFile: undefined, needsKey: false, dir: dir(), log, generate: keys() }), undefined);
    assert.equal(await loadDeployKey({ store: undefined, configuredKeyFile: undefined, needsKey: true, dir: dir(), log, generate: keys() }), undefined);
    assert.equal(store.writes, 0);
  });

  it('tells ssh URLs', () => {
    for (const url of ['ssh://git@host/x.git', 'SSH://host:2222/x', 'git@github.com:org/repo.git']) assert.ok(isSshUrl(url), url);
    for (const url of ['https://host/x.git', 'http://u@host/x', 'file:///srv/x.git', '/srv/x.git', undefined]) assert.ok(!isSshUrl(url), String(url));
  });

  it('makes a real ed25519 key with ssh-keygen and describes it as fluxd did', async () => {
    const key = await loadDeployKey({ store: memoryKeyStore(), configuredKeyFile: undefined, needsKey: true, dir: dir(), log, generate: () => generateDeployKey() });
    const pub = await publicSSHKey(key?.keyFile ?? '');
    assert.match(pub.key, /^ssh-ed25519 \S+ capstan\n$/);
    assert.match(pub.fingerprints.md5.hash, /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    assert.match(pub.fingerprints.sha256.hash, /^[A-Za-z0-9+/]{43}$/);
    assert.match(pub.fingerprints.md5.randomart, /^\+--\[ED25519 256\]/);
    assert.doesNotMatch(JSON.stringify(pub), /PRIVATE/);
  });
});
