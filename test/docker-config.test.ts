import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeCredentials, parseDockerConfig, registryHost } from '../src/docker-config.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const SECRET = 's3cr3t-Pa55';

describe('parseDockerConfig', () => {
  it('reads config.json auths, in both entry forms, keyed by bare host', () => {
    const json = JSON.stringify({
      auths: {
        'https://index.docker.io/v1/': { auth: b64(`hub-user:${SECRET}`) },
        'https://ghcr.io': { username: 'gh', password: 'token:with:colons' },
        'registry.local:5000/some/path': { auth: b64('u:p:q') },
        'helper.example.com': {}, // kept in a credential helper
      },
      credsStore: 'desktop',
    });
    const logins = parseDockerConfig(json, 'secret default/pull');
    assert.deepEqual([...logins], [
      ['docker.io', { username: 'hub-user', password: SECRET }],
      ['ghcr.io', { username: 'gh', password: 'token:with:colons' }],
      ['registry.local:5000', { username: 'u', password: 'p:q' }],
    ]);
  });

  it('reads the legacy .dockercfg format (the auths map at top level)', () => {
    const json = JSON.stringify({ 'https://quay.io': { auth: b64('q:pw'), email: 'a@b.c' }, 'registry-1.docker.io': { auth: b64('d:pw') } });
    const logins = parseDockerConfig(json, '.dockercfg');
    assert.deepEqual(logins.get('quay.io'), { username: 'q', password: 'pw' });
    assert.deepEqual(logins.get('docker.io'), { username: 'd', password: 'pw' });
  });

  it('finds no logins in a config.json with only a credential store', () => {
    assert.equal(parseDockerConfig('{"credsStore":"osxkeychain","credHelpers":{"gcr.io":"gcloud"}}', 'config.json').size, 0);
  });

  // [why, json]
  const broken: Array<[string, string]> = [
    ['bad JSON', `{"auths": {"ghcr.io": {"auth": "${b64(`u:${SECRET}`)}"`],
    ['auth without a colon', JSON.stringify({ auths: { 'ghcr.io': { auth: b64(SECRET) } } })],
    ['auth not base64', JSON.stringify({ auths: { 'ghcr.io': { auth: `${SECRET}!` } } })],
    ['username without password', JSON.stringify({ auths: { 'ghcr.io': { username: SECRET } } })],
    ['entry not an object', JSON.stringify({ auths: { 'ghcr.io': SECRET } })],
    ['auths not an object', JSON.stringify({ auths: [SECRET] })],
  ];
  for (const [why, json] of broken) {
    it(`refuses ${why}, naming the source and never quoting a credential`, () => {
      assert.throws(() => parseDockerConfig(json, 'secret apps/regcred'), (e: unknown) => {
        assert.ok(e instanceof Error);
        assert.match(e.message, /secret apps\/regcred/);
        if (why !== 'bad JSON' && why !== 'auths not an object') assert.match(e.message, /ghcr\.io/);
        assert.doesNotMatch(e.message, new RegExp(`${SECRET}|${b64(SECRET).slice(0, 8)}|${b64(`u:${SECRET}`).slice(0, 8)}`));
        return true;
      });
    });
  }
});

describe('registryHost and mergeCredentials', () => {
  it('normalises keys to a bare host[:port]', () => {
    assert.equal(registryHost('https://index.docker.io/v1/'), 'docker.io');
    assert.equal(registryHost('https://GHCR.io'), 'ghcr.io');
    assert.equal(registryHost('http://127.0.0.1:5000/v2/'), '127.0.0.1:5000');
  });

  it('lets the earlier map win for a host', () => {
    const a = new Map([['ghcr.io', { username: 'a', password: '1' }]]);
    const b = new Map([['ghcr.io', { username: 'b', password: '2' }], ['quay.io', { username: 'c', password: '3' }]]);
    const merged = mergeCredentials(a, b);
    assert.equal(merged.get('ghcr.io')?.username, 'a');
    assert.equal(merged.get('quay.io')?.username, 'c');
  });
});
