import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CACHE_KEY_FILE, credentialId, persistentCredentialId } from '../../src/fs/credential-id.ts';

describe('credential ids for cache keys', () => {
  const dirs: string[] = [];
  after(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });
  const dir = (): string => {
    const made = mkdtempSync(join(tmpdir(), 'capstan-credid-'));
    dirs.push(made);
    return made;
  };

  it('tells credentials apart without containing them', () => {
    const a = credentialId(['https://charts.example/', 'tenant-a', 'pass-a']);
    assert.equal(credentialId(['https://charts.example/', 'tenant-a', 'pass-a']), a);
    assert.notEqual(credentialId(['https://charts.example/', 'tenant-a', 'pass-b']), a);
    assert.notEqual(credentialId(['https://charts.example/', 'tenant-b', 'pass-a']), a);
    assert.notEqual(credentialId(['https://charts.example/', '', '']), a);
    // parts are not simply joined: moving text from one part into the next changes the id
    assert.notEqual(credentialId(['a:b', 'c']), credentialId(['a', 'b:c']));
    assert.match(a, /^[0-9a-f]{32}$/);
  });

  it('keys on-disk names with a private key file, the same for every process using the directory', async () => {
    const cache = dir();
    const id = await persistentCredentialId(cache, ['chart', 'user', 'password']);
    assert.equal(await persistentCredentialId(cache, ['chart', 'user', 'password']), id);
    assert.notEqual(id, credentialId(['chart', 'user', 'password']), 'not the in-memory key');
    assert.deepEqual(readdirSync(cache), [CACHE_KEY_FILE]);
    assert.equal(statSync(join(cache, CACHE_KEY_FILE)).mode & 0o777, 0o600);
    const module = pathToFileURL(join(import.meta.dirname, '../../src/fs/credential-id.ts')).href;
    const script = `const { persistentCredentialId } = await import(${JSON.stringify(module)});
      process.stdout.write(await persistentCredentialId(${JSON.stringify(cache)}, ['chart', 'user', 'password']));`;
    const other = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(other, id, 'another process (a restart) finds the same names');
  });

  it('gives another cache directory other names', async () => {
    assert.notEqual(await persistentCredentialId(dir(), ['x']), await persistentCredentialId(dir(), ['x']));
  });
});
