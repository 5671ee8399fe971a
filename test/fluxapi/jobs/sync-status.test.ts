import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FluxApiError } from '../../../src/fluxapi/jobs/api-error.ts';
import { pendingCommits } from '../../../src/fluxapi/jobs/sync-status.ts';
import { git } from '../../git/git-fixtures.ts';

describe('GET /v6/sync?ref=: the commits still to apply', () => {
  it('refuses a missing or malformed ref as a user error naming ref', async () => {
    for (const ref of [null, '', '-x', 'a..b', 'a b']) {
      await assert.rejects(pendingCommits(ref, []), (err: unknown) => err instanceof FluxApiError && err.type === 'user' && err.field === 'ref');
    }
  });

  it('asks the mirrors again after a fetch before calling a ref unknown (missing)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'capstan-sync-status-'));
    await git(root, 'init', '--quiet', '--bare', 'mirror.git');
    const fetched: boolean[] = [];
    const source = { name: 'default', paths: [], synced: async () => undefined, mirror: async (now: boolean) => { fetched.push(now); return join(root, 'mirror.git'); } };
    await assert.rejects(pendingCommits('abc123', [source]), (err: unknown) => err instanceof FluxApiError && err.type === 'missing');
    assert.deepEqual(fetched, [false, true]);
    rmSync(root, { recursive: true, force: true });
  });
});
