import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { GitError } from '../../src/git/git-error.ts';
import { fetchMirror } from '../../src/git/mirror.ts';
import { startRepoServer, type RepoServer } from '../helm/chart/repo-server.ts';
import { commit, git } from './git-fixtures.ts';

const AUTH = { username: 'deploy', password: 'redirect-s3cret-91b2' };
const pkt = (line: string): string => `${(line.length + 4).toString(16).padStart(4, '0')}${line}`;

// git sends an http.extraHeader to every request of a command, also to the host a first redirect moved it to
// (the POST of upload-pack): credentials must follow no redirect, even for Capstan's own remotes.
describe('Git credentials never follow a redirect to another origin', () => {
  const root = mkdtempSync(join(tmpdir(), 'capstan-credential-redirect-'));
  let elsewhere: RepoServer;
  let redirecting: RepoServer;
  before(async () => {
    const work = join(root, 'work');
    await git(root, 'init', '--quiet', '--initial-branch=main', work);
    await commit(work, { 'README.md': 'x\n' }, 'One commit');
    const adv = (await execa('git', ['upload-pack', '--stateless-rpc', '--advertise-refs', work], { encoding: 'buffer' })).stdout;
    // a working smart-HTTP advertisement, so that git would go on to POST here after following a redirect
    elsewhere = await startRepoServer((req, res) => {
      if (req.url?.includes('/info/refs')) {
        res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-advertisement' });
        res.end(Buffer.concat([Buffer.from(`${pkt('# service=git-upload-pack\n')}0000`), adv]));
        return;
      }
      req.resume();
      req.on('end', () => void res.writeHead(500).end());
    });
    redirecting = await startRepoServer((req, res) => void res.writeHead(301, { location: `${elsewhere.origin}${req.url}` }).end());
  });
  after(async () => {
    await elsewhere.close();
    await redirecting.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('the first origin gets the Authorization header; the origin it redirects to never does', async () => {
    await assert.rejects(fetchMirror(`${redirecting.origin}/charts.git`, { cacheDir: join(root, 'cache'), auth: AUTH, timeoutMs: 20_000 }), GitError);
    const basic = `Basic ${Buffer.from(`${AUTH.username}:${AUTH.password}`).toString('base64')}`;
    assert.equal(redirecting.requests[0]?.headers.authorization, basic, 'sent to the origin it was given for');
    assert.deepEqual(elsewhere.requests.filter((r) => r.headers.authorization !== undefined), [], 'sent to the redirect target');
  });
});
