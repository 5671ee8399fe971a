import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError } from '../../src/config-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';

// The worker's --helm-repository-import, as a user gives it: a flag or CAPSTAN_HELM_REPOSITORY_IMPORT.
describe('--helm-repository-import in the configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-repo-import-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const helm = join(dir, 'helm');
  writeFileSync(helm, '#!/bin/sh\n', { mode: 0o755 });
  const env = { CAPSTAN_HELM_BINARY: helm };
  const good = join(dir, 'repositories.yaml');
  writeFileSync(good, 'repositories: [{name: private, url: "https://charts.example.com", username: u, password: pw-c0nfig}]\n');

  it('is read at start by a worker, from the flag or the variable', () => {
    const expected = [{ name: 'private', url: 'https://charts.example.com', auth: { username: 'u', password: 'pw-c0nfig' } }];
    assert.deepEqual(loadConfig(['worker', '--helm-repository-import', `v3:${good}`], env).helmRepositories, expected);
    assert.deepEqual(loadConfig(['run'], { ...env, CAPSTAN_HELM_REPOSITORY_IMPORT: good }).helmRepositories, expected);
    assert.deepEqual(loadConfig(['worker'], env).helmRepositories, []);
  });

  it('a file that cannot be used stops start-up naming the flag, the file and the entry, not the password', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'repositories: [{name: private, username: u, password: pw-c0nfig}]\n');
    assert.throws(() => loadConfig(['worker', '--helm-repository-import', bad], env), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.flag, 'helm-repository-import');
      assert.match(err.message, /^--helm-repository-import: .*bad\.yaml: repositories\[0\]\.url: is required$/);
      assert.doesNotMatch(err.message, /pw-c0nfig/);
      return true;
    });
  });
});
