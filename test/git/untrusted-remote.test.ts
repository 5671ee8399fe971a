import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GitError } from '../../src/git/git-error.ts';
import { lsRemote } from '../../src/git/mirror.ts';
import { startRepoServer } from '../helm/chart/repo-server.ts';

// git over ssh and http for remotes a HelmRelease author names (untrustedRemote), seen through a fixture `ssh`
// that records how it was called, and two HTTP servers on 127.0.0.1.
describe('git with an untrusted remote', () => {
  const root = mkdtempSync(join(tmpdir(), 'capstan-untrusted-remote-'));
  const log = join(root, 'ssh-calls');
  const path = process.env.PATH;
  before(() => {
    writeFileSync(join(root, 'ssh'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\necho 'fixture ssh: no server' >&2\nexit 255\n`);
    chmodSync(join(root, 'ssh'), 0o755);
    process.env.PATH = `${root}:${path}`;
  });
  after(() => {
    process.env.PATH = path;
    rmSync(root, { recursive: true, force: true });
  });
  const sshCall = async (untrustedRemote: boolean): Promise<string> => {
    writeFileSync(log, '');
    await assert.rejects(lsRemote('ssh://git@charts.example.com/org/charts.git', 'main', { untrustedRemote, timeoutMs: 10_000 }), GitError);
    return readFileSync(log, 'utf8');
  };

  it('offers no identity over ssh: no default key file, no agent, no ~/.ssh/config, never a prompt', async () => {
    const call = await sshCall(true);
    for (const option of ['-F /dev/null', '-o BatchMode=yes', '-o IdentitiesOnly=yes', '-o IdentityFile=none', '-o IdentityAgent=none']) {
      assert.ok(call.includes(option), `ssh was called without ${option}: ${call}`);
    }
    assert.match(call, /git@charts\.example\.com/);
  });

  it("leaves ssh's own configuration to Capstan's own remotes (the daemon's --git-url)", async () => {
    const call = await sshCall(false);
    assert.doesNotMatch(call, /IdentityFile=none/);
    assert.match(call, /git@charts\.example\.com/);
  });

  it('follows no HTTP redirect, so a public remote cannot point git at an internal host', async () => {
    const internal = await startRepoServer((_req, res) => void res.writeHead(404).end());
    const redirecting = await startRepoServer((req, res) => void res.writeHead(302, { location: `${internal.origin}${req.url}` }).end());
    try {
      await assert.rejects(lsRemote(`${redirecting.origin}/charts.git`, 'main', { untrustedRemote: true, timeoutMs: 10_000 }), GitError);
      assert.equal(redirecting.requests.length, 1);
      assert.deepEqual(internal.requests, [], 'the redirect target was never asked');
      await assert.rejects(lsRemote(`${redirecting.origin}/charts.git`, 'main', { timeoutMs: 10_000 }), GitError);
      assert.ok(internal.requests.length > 0, 'without untrustedRemote git follows it (what the option prevents)');
    } finally {
      await internal.close();
      await redirecting.close();
    }
  });
});
