import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/config-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { readSourcesFile } from '../../src/sync/sources-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'capstan-sources-'));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

describe('daemon --config: several repositories', () => {
  it('reads each source, its credentials from files, and fills the rest from the flags', () => {
    file('user', 'reader\n');
    file('token', 's3cr3t-token\n');
    const path = file('ok.yaml', `sources:
- {name: apps, gitUrl: https://git.example/apps.git, gitBranch: main, gitPaths: [deploy], usernameFile: ${dir}/user, passwordFile: ${dir}/token}
- {name: infra, gitUrl: git://git.example/infra.git}
`);
    const c = loadConfig(['daemon', '--config', path, '--git-branch', 'release', '--sync-garbage-collection'], {});
    assert.deepEqual(c.syncSources.map((s) => [s.name, s.gitBranch, s.gitPaths, s.garbageCollection]), [
      ['apps', 'main', ['deploy'], true], ['infra', 'release', [], true],
    ]);
    assert.deepEqual(c.syncSources[0]?.auth, { username: 'reader', password: 's3cr3t-token' });
    assert.notEqual(c.syncSources[0]?.cacheDir, c.syncSources[1]?.cacheDir);
  });

  it('takes --manifest-generation from the flags unless a source sets manifestGeneration', () => {
    const path = file('gen.yaml', 'sources:\n- {name: a, gitUrl: x}\n- {name: b, gitUrl: z, manifestGeneration: false}\n');
    const c = loadConfig(['daemon', '--config', path, '--manifest-generation'], {});
    assert.deepEqual(c.syncSources.map((s) => [s.name, s.manifestGeneration]), [['a', true], ['b', false]]);
    assert.equal(loadConfig(['daemon', '--config', path], {}).syncSources[0]?.manifestGeneration, false);
  });

  const bad: Array<[string, string, RegExp]> = [
    ['no sources', 'sources: []\n', /non-empty "sources"/],
    ['a missing url', 'sources:\n- {name: a}\n', /sources\[0\]\.gitUrl: required/],
    ['an unknown field', 'sources:\n- {name: a, gitUrl: x, branch: main}\n', /sources\[0\]\.branch: unknown field/],
    ['a name used twice', 'sources:\n- {name: a, gitUrl: x}\n- {name: a, gitUrl: z}\n', /sources\[1\]\.name: "a" is used twice/],
    ['a password file without a user file', 'sources:\n- {name: a, gitUrl: x, passwordFile: /p}\n', /go together/],
    ['broken YAML', 'sources: [\n', /bad\.yaml/],
  ];
  for (const [what, text, message] of bad) {
    it(`rejects ${what}, naming the entry and field`, () => {
      assert.throws(() => readSourcesFile(file('bad.yaml', text)), (err: unknown) => err instanceof ConfigError && err.flag === 'config' && message.test(err.message));
    });
  }

  it('never puts a password into an error', () => {
    const path = file('missing.yaml', `sources:\n- {name: a, gitUrl: x, usernameFile: ${dir}/user, passwordFile: ${dir}/nope}\n`);
    assert.throws(() => readSourcesFile(path), (err: unknown) => err instanceof ConfigError && /ENOENT/.test(err.message) && !err.message.includes('s3cr3t'));
  });
});
