import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError } from '../../src/config-error.ts';
import { ensurePrivateDir } from '../../src/fs/private-dir.ts';

describe('ensurePrivateDir', () => {
  const root = mkdtempSync(join(tmpdir(), 'capstan-private-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const refused = (why: RegExp) => (error: unknown): boolean => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.flag, 'chart-cache-dir');
    assert.match(error.message, /^--chart-cache-dir: refusing cache directory /);
    assert.match(error.message, why);
    return true;
  };

  it('creates a missing directory, and its parents, as 0700', async () => {
    const dir = join(root, 'new', 'capstan-charts');
    await ensurePrivateDir(dir, 'chart-cache-dir');
    assert.equal(statSync(dir).mode & 0o777, 0o700);
  });

  it('keeps a private directory of its own as it is, and tightens one others may read', async () => {
    const dir = join(root, 'readable');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    await ensurePrivateDir(dir, 'chart-cache-dir');
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    await ensurePrivateDir(dir, 'chart-cache-dir');
    assert.equal(statSync(dir).mode & 0o777, 0o700);
  });

  it('refuses a directory others may write to, as a shared /tmp path planted by another user would be', async () => {
    for (const mode of [0o777, 0o770, 0o702]) {
      const dir = join(root, `writable-${mode.toString(8)}`);
      mkdirSync(dir);
      chmodSync(dir, mode);
      await assert.rejects(ensurePrivateDir(dir, 'chart-cache-dir'), refused(/group or others may write to it/));
      assert.equal(statSync(dir).mode & 0o777, mode, 'left as it was');
    }
  });

  it('refuses a symbolic link, even to a private directory of its own', async () => {
    const target = join(root, 'target');
    mkdirSync(target, { mode: 0o700 });
    const link = join(root, 'link');
    symlinkSync(target, link);
    await assert.rejects(ensurePrivateDir(link, 'chart-cache-dir'), refused(/is a symbolic link/));
  });

  it('refuses a file, and a path it cannot create', async () => {
    const file = join(root, 'file');
    writeFileSync(file, '');
    await assert.rejects(ensurePrivateDir(file, 'chart-cache-dir'), refused(/not a directory/));
    await assert.rejects(ensurePrivateDir(join(file, 'below'), 'chart-cache-dir'), refused(/cannot create it \(ENOTDIR\)/));
  });

  it('refuses a directory owned by another user', async () => {
    // as root, a fresh directory given to nobody; as anyone else, the root directory (owned by root)
    let dir = '/';
    if (process.getuid?.() === 0) {
      dir = join(root, 'foreign');
      mkdirSync(dir, { mode: 0o700 });
      chownSync(dir, 65534, 65534);
    }
    await assert.rejects(ensurePrivateDir(dir, 'chart-cache-dir'), refused(/owned by uid \d+, not by this process/));
  });

  it('stops capstan at start with exit code 2 and a message naming the flag', () => {
    const dir = join(root, 'shared-tmp');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    const main = join(import.meta.dirname, '../../src/main.ts');
    const run = spawnSync(process.execPath, [main, 'worker', '--helm-binary', process.execPath, '--chart-cache-dir', dir, '--listen', '127.0.0.1:0'],
      { encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH ?? '' } });
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, new RegExp(`^capstan: --chart-cache-dir: refusing cache directory ${dir}: group or others may write to it`));
  });
});
