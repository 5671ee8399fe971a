import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeployKey } from '../../src/fluxapi/deploy-key.ts';
import { gitRepoConfigRoutes, remoteUrl, repoStatus } from '../../src/fluxapi/git-repo-config.ts';
import { serveRoutes, shapeOf, source } from './fixtures.ts';

// v6.GitConfig as fluxctl decodes it (flux pkg/api/v6/api.go, git.Remote, ssh.PublicKey).
const GIT_CONFIG = { remote: 'object', publicSSHKey: 'object', status: 'string', errors: 'string' };
const fingerprint = { hash: 'aa:bb', randomart: '+--[ED25519 256]--+\n' };

function fakeKey(): DeployKey & { generation: number } {
  const key = { keyFile: '/keys/identity', origin: 'store' as const, generation: 1, regenerate: async () => { key.generation++; } };
  return key;
}

describe('POST /v9/git-repo-config', () => {
  it('answers the golden GitConfig shape: the URL without credentials, branch, paths, public key and status', async () => {
    const key = fakeKey();
    const api = await serveRoutes(gitRepoConfigRoutes({
      sources: [source({ record: {} })], deployKey: key,
      publicKey: async () => ({ key: `ssh-ed25519 AAAA${key.generation} capstan\n`, fingerprints: { md5: fingerprint, sha256: fingerprint } }),
    }));
    try {
      const res = await fetch(`${api.url}/v9/git-repo-config`, { method: 'POST', body: 'false', headers: { 'Content-Type': 'application/json' } });
      const text = await res.text();
      assert.doesNotMatch(text, /s3cret-pass/);
      const config = JSON.parse(text) as Record<string, Record<string, unknown>>;
      assert.deepEqual(shapeOf(config), GIT_CONFIG);
      assert.deepEqual(config.remote, { url: 'https://git.example/team/apps.git', branch: 'main', path: 'apps,base' });
      assert.equal(config.publicSSHKey?.key, 'ssh-ed25519 AAAA1 capstan\n');
      assert.deepEqual(Object.keys(config.publicSSHKey?.fingerprints as object).sort(), ['md5', 'sha256']);
      assert.equal(config.status as unknown, 'ready');
      const again = (await (await fetch(`${api.url}/v9/git-repo-config`, { method: 'POST', body: 'true' })).json()) as { publicSSHKey: { key: string } };
      assert.equal(again.publicSSHKey.key, 'ssh-ed25519 AAAA2 capstan\n', 'true regenerates the key');
      const pub = await fetch(`${api.url}/v6/identity.pub`);
      assert.equal(await pub.json(), 'ssh-ed25519 AAAA2 capstan\n');
    } finally {
      await api.close();
    }
  });

  it('says unreachable with the error (credentials removed) while the source fails', async () => {
    const api = await serveRoutes(gitRepoConfigRoutes({ sources: [source({ failing: 'fetch https://bot:s3cret-pass@git.example/x: refused' })], deployKey: undefined, publicKey: async () => assert.fail('no key') }));
    try {
      const config = (await (await fetch(`${api.url}/v9/git-repo-config`, { method: 'POST', body: 'false' })).json()) as Record<string, unknown>;
      assert.equal(config.status, 'unreachable');
      assert.doesNotMatch(String(config.errors), /s3cret/);
      assert.match(String(config.errors), /refused/);
      assert.deepEqual(config.publicSSHKey, { key: '', fingerprints: null });
      const regen = await fetch(`${api.url}/v9/git-repo-config`, { method: 'POST', body: 'true' });
      assert.equal(regen.status, 400);
      assert.equal(((await regen.json()) as { Type: string }).Type, 'user');
      const pub = await fetch(`${api.url}/v6/identity.pub`);
      assert.equal(pub.status, 404);
      assert.equal(((await pub.json()) as { Type: string }).Type, 'missing');
    } finally {
      await api.close();
    }
  });

  it('shows the URL as fluxd\'s SafeURL did: an ssh user kept, passwords and tokens never', () => {
    assert.equal(remoteUrl('ssh://git@host:2222/org/repo.git', []), 'ssh://git@host:2222/org/repo.git');
    assert.equal(remoteUrl('ssh://git:pw@host/repo.git', []), 'ssh://git@host/repo.git');
    assert.equal(remoteUrl('https://x-token-abcdefgh@host/repo.git', []), 'https://host/repo.git');
    assert.equal(remoteUrl('git@github.com:org/repo.git', []), 'git@github.com:org/repo.git');
  });

  it('tells the repository status as fluxd did', () => {
    assert.equal(repoStatus(undefined), 'unconfigured');
    assert.equal(repoStatus(source()), 'new');
    assert.equal(repoStatus(source({ record: {} })), 'ready');
    assert.equal(repoStatus(source({ record: {}, readonly: true })), 'cloned');
    assert.equal(repoStatus(source({ record: {}, failing: 'x' })), 'unreachable');
  });
});
