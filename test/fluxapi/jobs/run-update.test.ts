import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { JobRefused, type JobSource, runUpdate } from '../../../src/fluxapi/jobs/run-update.ts';
import { commit, git } from '../../git/git-fixtures.ts';

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: app
        image: r.io/web:1.0
`;
const cause = { message: '', user: '' };
const spec = { type: 'x', cause: { Message: '', User: '' }, spec: {} };

describe('running fluxd jobs on the daemon\'s sources', () => {
  const root = mkdtempSync(join(tmpdir(), 'capstan-jobs-'));
  const bare = join(root, 'origin.git');
  const synced: string[] = [];
  let n = 0;
  const source = (name: string, readonly = false): JobSource => ({
    name, readonly, syncNow: () => void synced.push(name), head: async () => git(bare, 'rev-parse', 'main'), redact: (t) => t.replaceAll('s3cret', '***'),
    target: { write: { url: `file://${bare}`, branch: 'main', dir: join(root, `clone-${n++}`), committer: { name: 'Capstan', email: 'c@capstan.invalid' } }, git: {}, paths: [], defaultNamespace: 'default' },
  });
  before(async () => {
    const work = join(root, 'work');
    await git(root, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
    await git(root, 'init', '--quiet', '--initial-branch=main', work);
    await commit(work, { 'web.yaml': WEB }, 'Start');
    await git(work, 'push', '--quiet', bare, 'main');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('a sync starts every source\'s sync and answers the branch head', async () => {
    synced.length = 0;
    const r = await runUpdate({ type: 'sync', cause }, spec, { sources: [source('a'), source('b', true)] });
    assert.equal(r.revision, await git(bare, 'rev-parse', 'main'));
    assert.deepEqual(synced, ['a', 'b']);
  });

  it('a policy change is one commit, then a sync, and automating nudges image automation', async () => {
    synced.length = 0;
    let nudged = 0;
    const r = await runUpdate({ type: 'policy', cause, policies: [{ workload: 'default:deployment/web', add: { automated: 'true' }, remove: [] }] }, spec,
      { sources: [source('a')], onAutomated: () => void nudged++ });
    assert.equal(r.revision, await git(bare, 'rev-parse', 'main'));
    assert.deepEqual(r.result, { 'default:deployment/web': { Status: 'success', PerContainer: null } });
    assert.deepEqual(r.spec, spec);
    assert.deepEqual(synced, ['a']);
    assert.equal(nudged, 1);
  });

  it('a dry-run release commits nothing and reports the change', async () => {
    const head = await git(bare, 'rev-parse', 'main');
    const r = await runUpdate({ type: 'image', cause, release: { workloads: 'all', image: 'r.io/web:2.0', kind: 'plan', excludes: [], force: false } }, spec, { sources: [source('a')] });
    assert.equal(r.revision, undefined);
    assert.deepEqual(r.result?.['default:deployment/web']?.PerContainer, [{ Container: 'app', Current: 'r.io/web:1.0', Target: 'r.io/web:2.0' }]);
    assert.equal(await git(bare, 'rev-parse', 'main'), head);
  });

  it('refuses to write when every source is read-only', async () => {
    await assert.rejects(runUpdate({ type: 'policy', cause, policies: [{ workload: 'default:deployment/web', add: { locked: 'true' }, remove: [] }] }, spec,
      { sources: [source('a', true)] }), JobRefused);
  });
});
