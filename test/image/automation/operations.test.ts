import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InvalidOperation, type OperationTarget, releaseImage, updatePolicies } from '../../../src/image/automation/operations.ts';
import { commit, git } from '../../git/git-fixtures.ts';

const APP = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app   # the app
  annotations:
    flux.weave.works/automated: "true"
spec:
  template:
    spec:
      containers:
      - name: web
        image: r.io/web:1.0
      - name: side
        image: r.io/side:2.0
`;
const DB = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  template:
    spec:
      containers:
      - name: db
        image: r.io/web:0.9
`;

describe('manual operations: one commit each, with fluxd\'s messages', () => {
  const root = mkdtempSync(join(tmpdir(), 'capstan-ops-'));
  const bare = join(root, 'origin.git');
  let n = 0;
  const target = (): OperationTarget => ({
    write: { url: `file://${bare}`, branch: 'main', dir: join(root, `clone-${n++}`), committer: { name: 'Capstan', email: 'c@capstan.invalid' } },
    git: {}, paths: [], defaultNamespace: 'default',
  });
  const show = async (file: string) => `${await git(bare, 'show', `main:${file}`)}\n`;
  const subject = async () => (await git(bare, 'log', '-1', '--format=%B', 'main')).trimEnd();
  before(async () => {
    const work = join(root, 'work');
    await git(root, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
    await git(root, 'init', '--quiet', '--initial-branch=main', work);
    await commit(work, { 'app.yaml': APP, 'db.yaml': DB }, 'Start');
    await git(work, 'push', '--quiet', bare, 'main');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('locks a workload with user and message; a second lock changes nothing and makes no commit', async () => {
    const r = await updatePolicies(target(), [{ workload: 'default:deployment/app', lock: true, user: 'ann', message: 'incident 42' }]);
    assert.deepEqual(r.results, [{ workload: 'default:deployment/app', status: 'success' }]);
    assert.equal(await subject(), 'Locked: default:deployment/app');
    // an existing key keeps its legacy prefix; new keys use fluxcd.io/
    assert.equal(await show('app.yaml'), APP.replace('    flux.weave.works/automated: "true"\n',
      '    flux.weave.works/automated: "true"\n    fluxcd.io/locked: "true"\n    fluxcd.io/locked_user: "ann"\n    fluxcd.io/locked_msg: "incident 42"\n'));
    const again = await updatePolicies(target(), [{ workload: 'default:deployment/app', lock: true, user: 'ann', message: 'incident 42' }]);
    assert.equal(again.commit, undefined);
  });

  it('a locked workload is skipped by a release unless forced', async () => {
    const skipped = await releaseImage(target(), { workloads: ['default:deployment/app'], image: 'r.io/web:1.1' });
    assert.deepEqual(skipped.results, [{ workload: 'default:deployment/app', status: 'skipped', reason: 'locked', containers: [] }]);
    assert.equal(skipped.commit, undefined);
    const forced = await releaseImage(target(), { workloads: ['default:deployment/app'], image: 'r.io/web:1.1', force: true });
    assert.ok(forced.commit);
    assert.equal(await subject(), 'Release r.io/web:1.1 to default:deployment/app');
  });

  it('unlocks and deautomates several workloads in one commit; sets and clears a tag filter', async () => {
    const r = await updatePolicies(target(), [
      { workload: 'default:deployment/app', lock: false }, { workload: 'default:deployment/app', automate: false },
      { workload: 'default:statefulset/db', container: 'db', tagFilter: 'semver:~0.9' },
    ]);
    assert.equal(r.results.filter((x) => x.status === 'success').length, 3);
    assert.equal(await subject(), 'Updated workload policies\n\n- Unlocked: default:deployment/app\n- Deautomated: default:deployment/app\n- Updated policies: default:statefulset/db');
    assert.equal(await show('app.yaml'), APP.replace('r.io/web:1.0', 'r.io/web:1.1').replace('  annotations:\n    flux.weave.works/automated: "true"\n', ''));
    assert.match(await show('db.yaml'), /annotations:\n {4}fluxcd\.io\/tag\.db: "semver:~0\.9"\n/);
    await assert.rejects(updatePolicies(target(), [{ workload: 'default:statefulset/db', container: 'db', tagFilter: 'semver:nope' }]), InvalidOperation);
  });

  it('releases an image to every workload running its repository whose filter admits it, and names the ones it cannot', async () => {
    const r = await releaseImage(target(), { workloads: 'all', image: 'r.io/web:2.0' });
    assert.deepEqual(r.results.map((x) => `${x.workload} ${x.status} ${x.reason ?? ''}`).sort(),
      ['default:deployment/app success ', 'default:statefulset/db skipped cannot find one or more images']);
    assert.deepEqual(r.results.find((x) => x.status === 'success')?.containers, [{ container: 'web', current: 'r.io/web:1.1', target: 'r.io/web:2.0' }]);
    assert.equal(await subject(), 'Release r.io/web:2.0 to all');
    const none = await releaseImage(target(), { workloads: ['default:deployment/gone', 'default:deployment/app'], image: 'r.io/other:1' });
    assert.deepEqual(none.results, [
      { workload: 'default:deployment/gone', status: 'skipped', reason: 'not found in repository' },
      { workload: 'default:deployment/app', status: 'ignored', reason: 'does not use image(s)', containers: [] },
    ]);
    assert.equal(none.commit, undefined);
  });

  it('forced, a named workload gets an image its filter refuses; a dry run reports it and commits nothing', async () => {
    const before = await git(bare, 'rev-parse', 'main');
    const plan = await releaseImage(target(), { workloads: ['default:statefulset/db'], image: 'r.io/web:2.0', force: true, dryRun: true });
    assert.deepEqual(plan.results, [{ workload: 'default:statefulset/db', status: 'success', containers: [{ container: 'db', current: 'r.io/web:0.9', target: 'r.io/web:2.0' }] }]);
    assert.equal(plan.commit, undefined);
    assert.equal(await git(bare, 'rev-parse', 'main'), before);
    const done = await releaseImage(target(), { workloads: ['default:statefulset/db'], image: 'r.io/web:2.0', force: true, message: 'Hotfix' });
    assert.ok(done.commit);
    assert.equal(await subject(), 'Hotfix');
  });

  it('releases each container\'s newest allowed tag (<all latest>) from the scanned tags', async () => {
    const at = (n: number) => new Date(Date.UTC(2026, 0, n));
    const scans = new Map([
      ['r.io/web', { tags: [{ tag: '0.9.5', created: at(1) }, { tag: '2.1', created: at(2) }, { tag: '3.0', created: at(3) }], pending: new Set<string>() }],
      ['r.io/side', { tags: [{ tag: '2.0', created: at(1) }], pending: new Set<string>() }],
    ]);
    const r = await releaseImage(target(), { workloads: 'all', image: 'latest', latest: async (repo) => scans.get(repo) });
    assert.deepEqual(r.results.map((x) => `${x.workload} ${x.status} ${x.containers?.map((c) => c.target).join(',') ?? ''}`).sort(), [
      'default:deployment/app success r.io/web:3.0', 'default:statefulset/db success r.io/web:0.9.5']);
    assert.equal(await subject(), 'Release all latest to all');
  });

  it('applies fluxd policy updates (add and remove) with its grouped messages', async () => {
    const r = await updatePolicies(target(), [{ workload: 'default:deployment/app', add: { locked: 'true', locked_user: 'bo', 'tag.web': 'glob:3.*' }, remove: [] }]);
    assert.equal(r.results[0]?.status, 'success');
    assert.equal(await subject(), 'Updated workload policies\n\n- Locked: default:deployment/app\n- Updated policies: default:deployment/app');
    // as fluxd: removing locked_user and locked_msg is a policy update of its own
    await updatePolicies(target(), [{ workload: 'default:deployment/app', add: {}, remove: ['locked', 'locked_user', 'locked_msg'] }]);
    assert.equal(await subject(), 'Updated workload policies\n\n- Unlocked: default:deployment/app\n- Updated policies: default:deployment/app');
    await updatePolicies(target(), [{ workload: 'default:deployment/app', add: {}, remove: ['tag.web'] }]);
    assert.equal(await subject(), 'Updated policies: default:deployment/app');
    assert.doesNotMatch(await show('app.yaml'), /locked/);
  });
});
