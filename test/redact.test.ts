import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base64Forms, redact, redactUrl, stripUserInfo } from '../src/redact.ts';

describe('stripUserInfo', () => {
  const cases: Array<[string, string]> = [
    ['https://TOKEN@github.com/org/repo.git', 'https://github.com/org/repo.git'],
    ['https://user:s3cret@charts.example.com/stable', 'https://charts.example.com/stable'],
    ['https://user:p@ss@host:8443/x', 'https://host:8443/x'],
    ['http://u:p@127.0.0.1:3000', 'http://127.0.0.1:3000'],
    ['ssh://git@example.com/repo', 'ssh://example.com/repo'],
    ['git+ssh://deploy:pw@h/r', 'git+ssh://h/r'],
    ['oci://u:p@registry/charts', 'oci://registry/charts'],
    ['redis://:pass@redis:6379/0', 'redis://redis:6379/0'],
    ['https://tok@host?x=1', 'https://host?x=1'],
    ['HTTPS://TOK@HOST/', 'HTTPS://HOST/'],
    ['https://[::1]:80/a', 'https://[::1]:80/a'],
    ['https://charts.example.com/a@b', 'https://charts.example.com/a@b'],
    ['https://charts.example.com/?u=a@b', 'https://charts.example.com/?u=a@b'],
    ["fatal: unable to access 'https://TOKEN@127.0.0.1:9/repo.git/': Failed to connect",
      "fatal: unable to access 'https://127.0.0.1:9/repo.git/': Failed to connect"],
    ['from https://a:b@one/x to http://c@two/y', 'from https://one/x to http://two/y'],
    ['mail me at someone@example.com', 'mail me at someone@example.com'],
    ['not a url://u:p@x', 'not a url://x'],
  ];
  for (const [input, printed] of cases) it(`prints ${input} as ${printed}`, () => assert.equal(stripUserInfo(input), printed));
});

describe('redactUrl', () => {
  it('drops user and password from a URL object', () => {
    assert.equal(redactUrl(new URL('https://user:s3cret@charts.example.com/stable?x=1')), 'https://charts.example.com/stable?x=1');
  });
  it('drops a token given as the user name from a string', () => {
    assert.equal(redactUrl('https://ghp_abcdef123456@github.com/o/r'), 'https://github.com/o/r');
  });
});

describe('redact', () => {
  const token = 'ghp_S3cr3tT0kenValue';
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const cases: Array<[string, string, Parameters<typeof redact>[1]]> = [
    ['the secret itself', `denied for ${token}`, [token]],
    ['standard base64 of it', `data: ${b64(token)}`, [token]],
    ['url-safe base64 of it', `x=${Buffer.from(token).toString('base64url')}`, [token]],
    ['its base64 inside a longer base64 text (offset 1)', `auth: ${b64(`a${token}zz`)}`, [token]],
    ['its base64 inside a longer base64 text (offset 2)', `auth: ${b64(`{"${token}"}`)}`, [token]],
    ['a docker config auth (user:password base64)', `{"auth":"${b64(`me:${token}`)}"}`, [{ username: 'me', password: token }]],
    ['a Basic header', `Authorization: Basic ${b64(`me:${token}`)}`, [{ username: 'me', password: token }]],
    ['a Basic header of a token-as-user', `Authorization: Basic ${b64(`${token}:`)}`, [{ username: token, password: '' }]],
    ['a URL-encoded password', `p=${encodeURIComponent('p@ss w0rd!')}`, ['p@ss w0rd!']],
    ['a token in a URL', `https://${token}@host/x`, []],
  ];
  for (const [name, text, secrets] of cases) {
    it(`removes ${name}`, () => {
      const out = redact(text, secrets);
      assert.ok(!out.includes(token) && !out.includes('p%40ss'), out);
      for (const form of base64Forms(token)) assert.ok(!out.includes(form), `${out} still holds ${form}`);
    });
  }

  it('keeps text without secrets as it is, and ignores secrets under 4 characters', () => {
    assert.equal(redact('helm upgrade web ./chart: exit 1', ['abc', '']), 'helm upgrade web ./chart: exit 1');
  });

  it('marks where a secret was', () => assert.equal(redact('token hunter22 refused', ['hunter22']), 'token *** refused'));

  it('does not redact the user name of a pair that has a password', () => {
    assert.equal(redact('user alice, password hunter22', [{ username: 'alice', password: 'hunter22' }]), 'user alice, password ***');
  });
});

describe('base64Forms', () => {
  it('finds the secret at each byte offset of a longer encoding', () => {
    const secret = 'correct horse battery';
    for (const prefix of ['', 'x', 'xy', 'xyz']) {
      const text = Buffer.from(`${prefix}${secret}!`).toString('base64');
      assert.ok(base64Forms(secret).some((f) => text.includes(f)), `prefix "${prefix}"`);
    }
  });
});
