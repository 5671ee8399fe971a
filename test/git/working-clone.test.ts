import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { commitAndPush, type WriteTarget } from '../../src/git/working-clone.ts';
import { commit, git } from './git-fixtures.ts';

describe('commitAndPush: write-back commits to a branch', () => {
  const root = mkdtempSync(join(tmpdir(), 'capstan-write-'));
  const bare = join(root, 'origin.git');
  const work = join(root, 'human');
  let n = 0;
  const target = (extra: Partial<WriteTarget> = {}): WriteTarget => ({
    url: `file://${bare}`, branch: 'main', dir: join(root, `clone-${n++}`), committer: { name: 'Capstan Bot', email: 'bot@capstan.invalid' }, ...extra,
  });
  const bump = (from: string, to: string) => async (dir: string): Promise<string | undefined> => {
    const text = readFileSync(join(dir, 'app.yaml'), 'utf8');
    if (!text.includes(from)) return undefined;
    writeFileSync(join(dir, 'app.yaml'), text.replace(from, to));
    return `Auto-release app:${to}`;
  };
  const remoteFile = async (branch = 'main') => git(bare, 'show', `${branch}:app.yaml`);
  before(async () => {
    await git(root, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
    await git(root, 'clone', '--quiet', bare, work);
    await git(work, 'checkout', '--quiet', '-b', 'main');
    await commit(work, { 'app.yaml': '# the app\nimage: app:1.0 # pinned by automation\n', 'other.yaml': 'a: 1\n' }, 'First');
    await git(work, 'push', '--quiet', 'origin', 'main');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('commits the edit as the configured committer, with the ci-skip suffix, and pushes it', async () => {
    const result = await commitAndPush(target({ ciSkipMessage: '[ci skip]' }), bump('1.0', '1.1'), {});
    assert.equal(result.attempts, 1);
    assert.equal(await git(bare, 'rev-parse', 'main'), result.commit);
    assert.equal(await remoteFile(), '# the app\nimage: app:1.1 # pinned by automation');
    assert.equal(await git(bare, 'log', '-1', '--format=%cn <%ce>|%B', 'main'), 'Capstan Bot <bot@capstan.invalid>|Auto-release app:1.1\n\n[ci skip]\n');
  });

  it('makes no commit when the edit finds nothing to change', async () => {
    const before = await git(bare, 'rev-parse', 'main');
    const result = await commitAndPush(target(), bump('9.9', '10.0'), {});
    assert.equal(result.commit, undefined);
    assert.equal(await git(bare, 'rev-parse', 'main'), before);
  });

  it('when another push wins the race, fetches, re-applies the edit on the new head and pushes without forcing', async () => {
    await git(work, 'pull', '--quiet', 'origin', 'main');
    let calls = 0;
    const result = await commitAndPush(target(), async (dir, base) => {
      calls++;
      if (calls === 1) {
        // a human pushes between our fetch and our push
        await commit(work, { 'other.yaml': 'a: 2\n' }, 'Human change');
        await git(work, 'push', '--quiet', 'origin', 'main');
      }
      assert.match(base, /origin\/main$/);
      return bump('1.1', '1.2')(dir);
    }, { backoffMs: 10 });
    assert.equal(calls, 2);
    assert.equal(result.attempts, 2);
    assert.equal(await remoteFile(), '# the app\nimage: app:1.2 # pinned by automation');
    assert.equal(await git(bare, 'show', 'main:other.yaml'), 'a: 2', 'the human change is kept');
    assert.equal(await git(bare, 'log', '-1', '--format=%s', 'main~1'), 'Human change');
  });

  it('pushes to a separate branch, created from the synced branch, and builds on it afterwards', async () => {
    const first = await commitAndPush(target({ pushBranch: 'image-updates' }), bump('1.2', '1.3'), {});
    assert.ok(first.commit);
    assert.equal(await remoteFile('image-updates'), '# the app\nimage: app:1.3 # pinned by automation');
    assert.equal(await remoteFile('main'), '# the app\nimage: app:1.2 # pinned by automation', 'the synced branch is untouched');
    const second = await commitAndPush(target({ pushBranch: 'image-updates' }), bump('1.3', '1.4'), {});
    assert.equal(await git(bare, 'rev-parse', 'image-updates~1'), first.commit);
    assert.equal(await git(bare, 'rev-parse', 'image-updates'), second.commit);
  });

  it('gives up after maxAttempts when every push is rejected', async () => {
    await git(work, 'pull', '--quiet', 'origin', 'main');
    let calls = 0;
    await assert.rejects(commitAndPush(target(), async (dir) => {
      calls++;
      await commit(work, { 'other.yaml': `a: ${10 + calls}\n` }, `Human change ${calls}`);
      await git(work, 'push', '--quiet', 'origin', 'main');
      writeFileSync(join(dir, 'other.yaml'), `b: ${calls}\n`);
      return 'Always late';
    }, { maxAttempts: 3, backoffMs: 5 }), /rejected|fetch first/);
    assert.equal(calls, 3);
  });
});
