import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadImportedRepositories } from '../../../src/helm/chart/imported-repositories.ts';
import { RepositoriesFileError, parseRepositoriesFile } from '../../../src/helm/chart/repositories-file.ts';

// As `helm repo add` writes it (Helm 3), with the fields Capstan ignores.
const HELM_WRITTEN = `apiVersion: ""
generated: "2026-12-01T10:00:00Z"
repositories:
- caFile: ""
  certFile: ""
  insecure_skip_tls_verify: false
  keyFile: ""
  name: private
  pass_credentials_all: false
  password: s3cret-pw-91
  url: https://charts.example.com/private
  username: reader
- name: tls
  url: https://tls.example.com
  certFile: client.pem
  keyFile: /abs/client.key
  caFile: ca.pem
`;

describe('parseRepositoriesFile: the entries of a Helm repositories.yaml', () => {
  it('reads what helm writes; empty strings are unset, relative TLS paths are against the file\'s folder', () => {
    assert.deepEqual(parseRepositoriesFile(HELM_WRITTEN, 'r.yaml', '/etc/capstan/repos'), [
      { name: 'private', url: 'https://charts.example.com/private', username: 'reader', password: 's3cret-pw-91' },
      { name: 'tls', url: 'https://tls.example.com', certFile: '/etc/capstan/repos/client.pem', keyFile: '/abs/client.key', caFile: '/etc/capstan/repos/ca.pem' },
    ]);
  });

  it('an empty file, or one with no repositories, has no entries', () => {
    assert.deepEqual(parseRepositoriesFile('', 'r.yaml', '/'), []);
    assert.deepEqual(parseRepositoriesFile('apiVersion: ""\n', 'r.yaml', '/'), []);
  });

  const bad: Array<[string, string, RegExp]> = [
    ['not YAML', 'repositories: [', /^r\.yaml: /],
    ['a list at the top', '- a\n', /^r\.yaml: expected a mapping with a repositories list$/],
    ['repositories not a list', 'repositories: {}\n', /^r\.yaml: repositories: expected a list$/],
    ['an entry not a mapping', 'repositories: [x]\n', /^r\.yaml: repositories\[0\]: expected a mapping$/],
    ['no url', 'repositories: [{name: a}]\n', /^r\.yaml: repositories\[0\]\.url: is required$/],
    ['a url that is not a URL', 'repositories: [{name: a, url: charts}]\n', /repositories\[0\]\.url: is not a URL$/],
    ['a password that is a number', 'repositories: [{url: "https://a", username: u, password: 12345}]\n', /repositories\[0\]\.password: expected a string$/],
    ['a user without a password', 'repositories: [{url: "https://a", username: u}]\n', /repositories\[0\]: username and password go together$/],
    ['a certificate without its key', 'repositories: [{url: "https://a", certFile: c.pem}]\n', /repositories\[0\]: certFile and keyFile go together$/],
  ];
  for (const [what, text, message] of bad) {
    it(`${what}: a RepositoriesFileError naming the file and field`, () => {
      assert.throws(() => parseRepositoriesFile(text, 'r.yaml', '/'), (err: unknown) => {
        assert.ok(err instanceof RepositoriesFileError);
        assert.match(err.message, message);
        assert.doesNotMatch(err.message, /12345/, 'no value is shown');
        return true;
      });
    });
  }
});

describe('loadImportedRepositories: --helm-repository-import read at start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-repositories-file-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('reads every file, in order, with or without the Helm Operator\'s v3:/v2: prefix', () => {
    const a = file('a.yaml', 'repositories: [{name: a, url: "https://a.example.com", username: u, password: p4ss-word}]\n');
    const b = file('b.yaml', 'repositories: [{name: b, url: "https://b.example.com"}]\n');
    assert.deepEqual(loadImportedRepositories([`v3:${a}`, b, `v2:${a}`]), [
      { name: 'a', url: 'https://a.example.com', auth: { username: 'u', password: 'p4ss-word' } },
      { name: 'b', url: 'https://b.example.com' },
      { name: 'a', url: 'https://a.example.com', auth: { username: 'u', password: 'p4ss-word' } },
    ]);
    assert.deepEqual(loadImportedRepositories([]), []);
  });

  it('a file that is missing is named', () => {
    assert.throws(() => loadImportedRepositories([join(dir, 'missing.yaml')]), /cannot read .*missing\.yaml: ENOENT/);
  });

  it('a TLS file that is missing, or not PEM, is named with its entry, at start', () => {
    const missing = file('c.yaml', 'repositories: [{name: c, url: "https://c.example.com", caFile: nope.pem}]\n');
    assert.throws(() => loadImportedRepositories([missing]), /c\.yaml: repositories\[0\] \(c\)\.caFile: cannot read .*nope\.pem: ENOENT/);
    file('junk.pem', 'not a certificate\n');
    const junk = file('d.yaml', 'repositories: [{name: d, url: "https://d.example.com", certFile: junk.pem, keyFile: junk.pem}]\n');
    assert.throws(() => loadImportedRepositories([junk]), (err: unknown) => {
      assert.ok(err instanceof RepositoriesFileError);
      assert.match(err.message, /d\.yaml: repositories\[0\] \(d\): the TLS files cannot be used/);
      return true;
    });
  });
});
