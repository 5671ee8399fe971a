import assert from 'node:assert/strict';
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GitError } from '../../src/git/git-error.ts';
import { exportTree, fetchMirror, lsRemote, mirrorDir, resolveRef, treeHash } from '../../src/git/mirror.ts';
import { type Handler, type RepoServer, startRepoServer } from '../helm/chart/repo-server.ts';
import { commit, git, HELLO_CHART_DIR } from './git-fixtures.ts';

const HELLO = HELLO_CHART_DIR;
const AUTH = { username: 'reader', password: 'hunter2-s3cret' };


// Serves a bare repository over Git's "dumb" HTTP protocol (plain files), only to these Basic credentials.
function serveRepo(bare: string, auth: { username: string; password: string }): Handler {
  const expected = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  return (req, res) => {
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' }).end('unauthorized');
      return;
    }
    const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/repo\.git\//, '');
    const file = join(bare, path);
    if (relative(bare, file).startsWith('..') || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(file));
  };
}

describe('the Git mirror', () => {
  const root = mkdtempSync(join(tmpdir(), 'capstan-mirror-'));
  const work = join(root, 'work');
  const url = `file://${work}`;
  const commits: Record<string, string> = {};
  const cacheDir = (): string => mkdtempSync(join(root, 'cache-'));
  before(async () => {
    await git(root, 'init', '--quiet', '--initial-branch=main', work);
    cpSync(HELLO, join(work, 'charts/hello'), { recursive: true });
    symlinkSync('values.yaml', join(work, 'charts/hello/defaults.yaml'));
    writeFileSync(join(work, 'charts/hello/run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    commits.first = await commit(work, { 'README.md': 'one\n' }, 'Add the hello chart');
    await git(work, 'tag', 'light');
    await git(work, 'tag', '--annotate', '--message', 'Version 1', 'v1.0.0');
    commits.second = await commit(work, { 'README.md': 'two\n' }, 'Touch the README only');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('clones a bare mirror under <cacheDir>/git/<16 hex> and resolves branches, tags and commit ids', async () => {
    const cache = cacheDir();
    const dir = await fetchMirror(url, { cacheDir: cache });
    assert.equal(dir, mirrorDir(cache, url));
    assert.match(relative(cache, dir), /^git\/[0-9a-f]{16}$/);
    assert.equal(await git(dir, 'rev-parse', '--is-bare-repository'), 'true');
    assert.deepEqual(readdirSync(join(cache, 'git')), [relative(join(cache, 'git'), dir)], 'no temp clone left behind');
    assert.equal(await resolveRef(dir, 'main'), commits.second);
    assert.equal(await resolveRef(dir, 'light'), commits.first);
    assert.equal(await resolveRef(dir, 'v1.0.0'), commits.first, 'an annotated tag is peeled to its commit');
    assert.equal(await resolveRef(dir, commits.first ?? ''), commits.first);
    assert.equal(await resolveRef(dir, (commits.first ?? '').slice(0, 10)), commits.first);
    assert.equal(await resolveRef(dir, 'refs/heads/main'), commits.second);
    for (const unknown of ['nope', '', 'main\nv1.0.0', '0000000000000000000000000000000000000000']) {
      assert.equal(await resolveRef(dir, unknown), undefined, JSON.stringify(unknown));
    }
  });

  it('reuses a fetch younger than minIntervalMs, and fetches (pruning) when it is older', async () => {
    const cache = cacheDir();
    await git(work, 'branch', 'doomed');
    const dir = await fetchMirror(url, { cacheDir: cache });
    const third = await commit(work, { 'README.md': 'three\n' }, 'Third');
    await git(work, 'branch', '--delete', 'doomed');
    await fetchMirror(url, { cacheDir: cache });
    assert.equal(await resolveRef(dir, 'main'), commits.second, 'fetched again within 5 s');
    await fetchMirror(url, { cacheDir: cache, minIntervalMs: 0 });
    assert.equal(await resolveRef(dir, 'main'), third);
    assert.equal(await resolveRef(dir, 'doomed'), undefined, 'a deleted branch is pruned');
    await git(work, 'reset', '--quiet', '--hard', commits.second ?? '');
  });

  it('runs concurrent fetches of one mirror one after another', async () => {
    const cache = cacheDir();
    const dirs = await Promise.all(Array.from({ length: 6 }, async () => fetchMirror(url, { cacheDir: cache, minIntervalMs: 0 })));
    assert.equal(new Set(dirs).size, 1);
    assert.equal(readdirSync(join(cache, 'git')).length, 1);
    assert.equal(await resolveRef(dirs[0] ?? '', 'main'), commits.second);
  });

  it('keeps mirrors of different scopes apart', () => {
    assert.notEqual(mirrorDir('/c', url, 'ns/secret'), mirrorDir('/c', url));
    assert.notEqual(mirrorDir('/c', url, 'ns/secret'), mirrorDir('/c', url, 'other/secret'));
    assert.equal(mirrorDir('/c', 'https://u:p@example.com/r.git'), mirrorDir('/c', 'https://example.com/r.git'));
  });

  it('gives the tree id of a directory, the same after a commit elsewhere, and none for a missing path or a file', async () => {
    const dir = await fetchMirror(url, { cacheDir: cacheDir() });
    const tree = await treeHash(dir, commits.first ?? '', 'charts/hello');
    assert.match(tree ?? '', /^[0-9a-f]{40}$/);
    assert.equal(await treeHash(dir, commits.second ?? '', './charts/hello/'), tree);
    assert.equal(await treeHash(dir, commits.second ?? '', 'charts/nope'), undefined);
    assert.equal(await treeHash(dir, commits.second ?? '', 'charts/hello/Chart.yaml'), undefined);
    assert.equal(await treeHash(dir, commits.second ?? '', 'charts/../charts/hello'), undefined);
    assert.equal(await treeHash(dir, commits.second ?? '', ''), await git(dir, 'rev-parse', `${commits.second}^{tree}`));
  });

  it('exports a directory of a commit with its modes and symlinks, whole, and reuses an existing export', async () => {
    const cache = cacheDir();
    const dir = await fetchMirror(url, { cacheDir: cache });
    const dest = join(cache, 'charts', 'hello');
    assert.equal(await exportTree(dir, { sha: commits.first ?? '', path: 'charts/hello', dest }), dest);
    assert.equal(readFileSync(join(dest, 'Chart.yaml'), 'utf8'), readFileSync(join(HELLO, 'Chart.yaml'), 'utf8'));
    assert.ok(existsSync(join(dest, 'templates/tests/test-connection.yaml')));
    assert.equal(readlinkSync(join(dest, 'defaults.yaml')), 'values.yaml');
    assert.ok(lstatSync(join(dest, 'run.sh')).mode & 0o100, 'the executable bit is kept');
    assert.deepEqual(readdirSync(join(cache, 'charts')), ['hello'], 'no temp directory or index left behind');
    writeFileSync(join(dest, 'marker'), '');
    await exportTree(dir, { sha: commits.second ?? '', path: 'charts/hello', dest });
    assert.ok(existsSync(join(dest, 'marker')), 'an existing export is reused as it is');
    await assert.rejects(exportTree(dir, { sha: commits.first ?? '', path: 'nope', dest: join(cache, 'nope') }), /no directory "nope"/);
  });

  it('asks the remote which commit a branch or tag names, without fetching', async () => {
    assert.equal(await lsRemote(url, 'main'), commits.second);
    assert.equal(await lsRemote(url, 'v1.0.0'), commits.first, 'an annotated tag is peeled');
    assert.equal(await lsRemote(url, 'light'), commits.first);
    assert.equal(await lsRemote(url, 'refs/heads/main'), commits.second);
    assert.equal(await lsRemote(url, 'nope'), undefined);
    assert.equal(await lsRemote(url, commits.first ?? ''), commits.first);
  });

  it('fails with a GitError for a path that is no repository, and throws the abort reason when aborted', async () => {
    const error = await fetchMirror(`file://${root}/missing.git`, { cacheDir: cacheDir() }).catch((e: unknown) => e);
    assert.ok(error instanceof GitError, String(error));
    assert.equal(error.exitCode, 128);
    assert.match(error.detail, /does not appear to be a git repository/);
    assert.match(error.command, /^git clone --mirror --quiet -- file:\/\//);
    const reason = new Error('job cancelled');
    await assert.rejects(fetchMirror(url, { cacheDir: cacheDir(), signal: AbortSignal.abort(reason) }), (e) => e === reason);
  });

  it('stops git and its transport helper on a timeout or an abort, even when the server never answers', async () => {
    let onRequest = (): void => {}; // never answers
    const server = await startRepoServer(() => onRequest());
    try {
      const started = Date.now();
      const error = await fetchMirror(`${server.origin}/slow.git`, { cacheDir: cacheDir(), timeoutMs: 300 }).catch((e: unknown) => e);
      assert.ok(error instanceof GitError && error.timedOut, String(error));
      assert.match(error.message, /^git clone --mirror --quiet -- http:\/\/127\.0\.0\.1:\d+\/slow\.git: timed out/);
      const controller = new AbortController();
      const reason = new Error('job cancelled');
      onRequest = () => controller.abort(reason); // once git's request is in flight
      await assert.rejects(lsRemote(`${server.origin}/slow.git`, 'main', { signal: controller.signal }), (e) => e === reason);
      assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    } finally {
      await server.close();
    }
  });

  describe('over HTTP with Basic credentials', () => {
    let server: RepoServer;
    let httpUrl = '';
    const bare = join(root, 'served.git');
    before(async () => {
      await git(root, 'clone', '--quiet', '--bare', work, bare);
      await git(bare, 'update-server-info');
      server = await startRepoServer(serveRepo(bare, AUTH));
      httpUrl = `${server.origin}/repo.git`;
    });
    after(async () => server.close());
    const token = Buffer.from(`${AUTH.username}:${AUTH.password}`).toString('base64');
    const secretFree = (text: string): void => {
      assert.doesNotMatch(text, /hunter2/);
      assert.ok(!text.includes(token), 'no Basic token');
    };

    it('sends them in a header and never stores them in the mirror', async () => {
      const cache = cacheDir();
      const dir = await fetchMirror(httpUrl, { cacheDir: cache, auth: AUTH });
      assert.equal(await resolveRef(dir, 'main'), commits.second);
      assert.ok(server.requests.length > 0 && server.requests.every((r) => r.headers.authorization === `Basic ${token}`));
      await fetchMirror(httpUrl, { cacheDir: cache, auth: AUTH, minIntervalMs: 0 });
      assert.equal(await git(dir, 'config', 'remote.origin.url'), httpUrl);
      secretFree(readFileSync(join(dir, 'config'), 'utf8'));
      assert.equal(await lsRemote(httpUrl, 'main', { auth: AUTH }), commits.second);
    });

    it('lets concurrent callers share one fetch: the later ones find it fresh', async () => {
      const refsAsked = (): number => server.requests.filter((r) => r.path.startsWith('/repo.git/info/refs')).length;
      const before = refsAsked();
      const cache = cacheDir();
      const dirs = await Promise.all(Array.from({ length: 4 }, async () => fetchMirror(httpUrl, { cacheDir: cache, auth: AUTH })));
      assert.equal(new Set(dirs).size, 1);
      assert.equal(refsAsked() - before, 1, 'one clone, no other request for refs');
    });

    it('moves user:password out of the URL into the header', async () => {
      const inline = httpUrl.replace('http://', `http://${AUTH.username}:${AUTH.password}@`);
      const dir = await fetchMirror(inline, { cacheDir: cacheDir() });
      assert.equal(await git(dir, 'config', 'remote.origin.url'), httpUrl);
      assert.equal(await resolveRef(dir, 'v1.0.0'), commits.first);
    });

    it('never lets a caller without the credentials, or with others, read a mirror they fetched', async () => {
      const cache = cacheDir();
      const inline = httpUrl.replace('http://', `http://${AUTH.username}:${AUTH.password}@`);
      const withAuth = await fetchMirror(httpUrl, { cacheDir: cache, auth: AUTH });
      assert.equal(await fetchMirror(inline, { cacheDir: cache }), withAuth, 'the same credentials share one mirror');
      // right after that fetch (younger than minIntervalMs), so the mirror would be handed out without a fetch
      for (const other of [{}, { auth: { ...AUTH, password: 'guess' } }, { auth: { username: 'nobody', password: AUTH.password } }]) {
        const error = await fetchMirror(httpUrl, { cacheDir: cache, minIntervalMs: 60_000, ...other }).catch((e: unknown) => e);
        assert.ok(error instanceof GitError, `served without the credentials: ${String(error)}`);
      }
      const mirrors = readdirSync(join(cache, 'git')).filter((name) => !name.includes('.tmp-'));
      assert.deepEqual(mirrors, [relative(join(cache, 'git'), withAuth)], 'no mirror was made for the refused callers');
      secretFree(mirrors.join('\n'));
    });

    it('fails without printing the password when the server refuses it', async () => {
      const wrong = { username: 'reader', password: 'hunter2-wrong' };
      for (const attempt of [
        async () => fetchMirror(httpUrl, { cacheDir: cacheDir(), auth: wrong }),
        async () => fetchMirror(httpUrl.replace('http://', 'http://reader:hunter2-wrong@'), { cacheDir: cacheDir() }),
        async () => lsRemote(httpUrl, 'main', { auth: wrong }),
      ]) {
        const error = await attempt().catch((e: unknown) => e);
        assert.ok(error instanceof GitError, String(error));
        assert.match(error.detail, /could not read Username|Authentication failed/i);
        for (const text of [error.message, error.stderr, error.command, String(error.stack)]) {
          assert.doesNotMatch(text, /hunter2/);
          assert.ok(!text.includes(Buffer.from('reader:hunter2-wrong').toString('base64')));
        }
      }
    });
  });
});
