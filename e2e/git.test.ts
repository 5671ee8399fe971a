import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa, type ResultPromise } from 'execa';
import { eventually } from './support/cluster.ts';
import { freePort } from './support/net.ts';

// Commits are made as a test identity, whatever the machine's git config says.
const env = {
  GIT_AUTHOR_NAME: 'Capstan Test', GIT_AUTHOR_EMAIL: 'test@capstan.invalid',
  GIT_COMMITTER_NAME: 'Capstan Test', GIT_COMMITTER_EMAIL: 'test@capstan.invalid',
  GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0',
};
const git = (cwd: string, ...args: string[]) => execa('git', args, { cwd, env, timeout: 30_000 });

describe('a bare Git repository served by `git daemon` on loopback', () => {
  const root = mkdtempSync(join(tmpdir(), 'capstan-git-'));
  let daemon: ResultPromise | undefined;
  let url = '';

  before(async () => {
    await git(root, 'init', '--bare', '--initial-branch=main', 'repos/demo.git');
    const port = await freePort();
    daemon = execa('git', ['daemon', `--base-path=${join(root, 'repos')}`, '--export-all', '--enable=receive-pack',
      '--listen=127.0.0.1', `--port=${port}`, '--reuseaddr', join(root, 'repos')], { env, reject: false });
    url = `git://127.0.0.1:${port}/demo.git`;
    await eventually('git daemon to serve', async () => (await git(root, 'ls-remote', url)).exitCode === 0 || undefined, 15_000);
  });
  after(() => {
    daemon?.kill();
    rmSync(root, { recursive: true, force: true });
  });

  it('is cloned, pushed to, and shows the pushed commit to a second clone', async () => {
    await git(root, 'clone', url, 'one');
    const one = join(root, 'one');
    writeFileSync(join(one, 'deployment.yaml'), 'kind: Deployment\n');
    await git(one, 'add', '.');
    await git(one, 'commit', '-m', 'Add a deployment');
    await git(one, 'push', 'origin', 'HEAD:main');
    const pushed = (await git(one, 'rev-parse', 'HEAD')).stdout;

    await git(root, 'clone', '--branch', 'main', url, 'two');
    const two = join(root, 'two');
    assert.equal((await git(two, 'rev-parse', 'HEAD')).stdout, pushed);
    assert.equal(readFileSync(join(two, 'deployment.yaml'), 'utf8'), 'kind: Deployment\n');
    assert.equal((await git(two, 'log', '-1', '--format=%s')).stdout, 'Add a deployment');
  });
});
