import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { git, type GitServer, startGitServer } from './support/git-server.ts';

describe('a bare Git repository served by `git daemon` on loopback', () => {
  let server: GitServer;
  let url = '';
  before(async () => {
    server = await startGitServer();
    url = await server.createRepo('demo');
  });
  after(async () => server?.close());

  it('is cloned, pushed to, and shows the pushed commit to a second clone', async () => {
    const one = await server.clone(url, 'one');
    writeFileSync(join(one, 'deployment.yaml'), 'kind: Deployment\n');
    await git(one, 'add', '.');
    await git(one, 'commit', '-m', 'Add a deployment');
    await git(one, 'push', 'origin', 'HEAD:main');
    const pushed = (await git(one, 'rev-parse', 'HEAD')).stdout;

    const two = await server.clone(url, 'two');
    assert.equal((await git(two, 'rev-parse', 'HEAD')).stdout, pushed);
    assert.equal(readFileSync(join(two, 'deployment.yaml'), 'utf8'), 'kind: Deployment\n');
    assert.equal((await git(two, 'log', '-1', '--format=%s')).stdout, 'Add a deployment');
  });
});
