import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { commitsBetween } from '../../src/git/commits-between.ts';
import { commit, git } from './git-fixtures.ts';

describe('commitsBetween: what fluxd answered to GET /v6/sync', () => {
  const root = mkdtempSync(join(tmpdir(), 'capstan-between-'));
  const work = join(root, 'work');
  let first = '';
  let second = '';
  let third = '';
  before(async () => {
    await git(root, 'init', '--quiet', '--initial-branch=main', work);
    first = await commit(work, { 'apps/a.yaml': 'a: 1\n' }, 'one');
    second = await commit(work, { 'docs/readme.md': 'hi\n' }, 'two (outside the synced path)');
    third = await commit(work, { 'apps/a.yaml': 'a: 2\n' }, 'three');
  });
  after(() => rmSync(root, { recursive: true, force: true }));
  const dir = () => join(work, '.git');

  it('lists the commits of ref past what was applied, newest first; [] once applied or past', async () => {
    assert.deepEqual(await commitsBetween(dir(), first, third, []), [third, second]);
    assert.deepEqual(await commitsBetween(dir(), third, third, []), []);
    assert.deepEqual(await commitsBetween(dir(), third, first.slice(0, 12), []), []);
  });

  it('only commits touching the synced paths count; nothing applied means every commit up to ref', async () => {
    assert.deepEqual(await commitsBetween(dir(), first, third, ['apps']), [third]);
    assert.deepEqual(await commitsBetween(dir(), first, second, ['apps']), []);
    assert.deepEqual(await commitsBetween(dir(), undefined, second, []), [second, first]);
  });

  it('is undefined when the mirror lacks the ref or the applied revision (a fetch is due)', async () => {
    assert.equal(await commitsBetween(dir(), first, 'f'.repeat(40), []), undefined);
    assert.equal(await commitsBetween(dir(), 'e'.repeat(40), third, []), undefined);
  });
});
