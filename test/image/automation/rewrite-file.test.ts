import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyUpdates } from '../../../src/image/automation/apply-updates.ts';
import { releaseImage } from '../../../src/image/automation/operations.ts';
import type { PlannedUpdate, Skipped } from '../../../src/image/automation/plan-updates.ts';
import { rewriteFile } from '../../../src/image/automation/rewrite-file.ts';
import { commit, git } from '../../git/git-fixtures.ts';

const deployment = (name: string, image: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: apps
spec:
  template:
    spec:
      containers:
      - name: web
        image: ${image}
`;

describe('write-back never writes through a symbolic link', () => {
  const root = mkdtempSync(join(tmpdir(), 'capstan-rewrite-'));
  const outside = join(root, 'outside.yaml');
  const checkout = join(root, 'checkout');
  const upper = (text: string) => text.toUpperCase();
  before(() => {
    mkdirSync(join(checkout, 'real'), { recursive: true });
    writeFileSync(outside, deployment('outside', 'r.io/web:1.0'));
    writeFileSync(join(checkout, 'app.yaml'), deployment('app', 'r.io/web:1.0'));
    writeFileSync(join(checkout, 'real/inner.yaml'), deployment('inner', 'r.io/web:1.0'));
    symlinkSync(outside, join(checkout, 'leak.yaml'));
    symlinkSync('app.yaml', join(checkout, 'alias.yaml'));
    symlinkSync('real', join(checkout, 'linked'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('refuses a file that is a link (out of the repository or not) or lies under one, and leaves the target unchanged', async () => {
    assert.deepEqual(await rewriteFile(checkout, 'leak.yaml', upper),
      { changed: false, error: 'leak.yaml is a symbolic link; Capstan does not write through links' });
    assert.deepEqual(await rewriteFile(checkout, 'alias.yaml', upper),
      { changed: false, error: 'alias.yaml is a symbolic link; Capstan does not write through links' });
    assert.deepEqual(await rewriteFile(checkout, 'linked/inner.yaml', upper),
      { changed: false, error: 'linked/inner.yaml lies under a symbolic link; Capstan does not write through links' });
    assert.equal(readFileSync(outside, 'utf8'), deployment('outside', 'r.io/web:1.0'));
    assert.equal(readFileSync(join(checkout, 'app.yaml'), 'utf8'), deployment('app', 'r.io/web:1.0'));
    assert.equal(readFileSync(join(checkout, 'real/inner.yaml'), 'utf8'), deployment('inner', 'r.io/web:1.0'));
    assert.deepEqual(await rewriteFile(checkout, 'app.yaml', upper), { changed: true });
    assert.equal(readFileSync(join(checkout, 'app.yaml'), 'utf8'), deployment('app', 'r.io/web:1.0').toUpperCase());
  });

  it('automation skips an update to a linked manifest with the reason', async () => {
    const update = (file: string, name: string): PlannedUpdate => ({
      workload: { id: `apps:deployment/${name}`, kind: 'Deployment', name, namespace: 'apps', annotations: {}, containers: [], imagePullSecrets: [] },
      container: 'web', file, current: 'r.io/web:1.0', image: 'r.io/web:2.0', repository: 'r.io/web', tag: '2.0',
    });
    const skipped: Skipped[] = [];
    const done = await applyUpdates(checkout, [update('leak.yaml', 'outside'), update('real/inner.yaml', 'inner')], skipped, 'default');
    assert.deepEqual(done.map((u) => u.file), ['real/inner.yaml']);
    assert.deepEqual(skipped, [{ workload: 'apps:deployment/outside', container: 'web', reason: 'leak.yaml is a symbolic link; Capstan does not write through links' }]);
    assert.equal(readFileSync(outside, 'utf8'), deployment('outside', 'r.io/web:1.0'));
  });
});

describe('a manual release to a workload whose manifest is a symbolic link', () => {
  const root = mkdtempSync(join(tmpdir(), 'capstan-rewrite-ops-'));
  const bare = join(root, 'origin.git');
  after(() => rmSync(root, { recursive: true, force: true }));

  it('fails for that workload with the reason, commits nothing, and leaves the link\'s target unchanged', async () => {
    const work = join(root, 'work');
    await git(root, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
    await git(root, 'init', '--quiet', '--initial-branch=main', work);
    mkdirSync(join(work, 'deploy'));
    symlinkSync('../shared/web.yml', join(work, 'deploy/web.yaml'));
    await commit(work, { 'shared/web.yml': deployment('web', 'r.io/web:1.0') }, 'A manifest reached through a link');
    await git(work, 'push', '--quiet', bare, 'main');
    const head = await git(bare, 'rev-parse', 'main');
    const result = await releaseImage({
      write: { url: `file://${bare}`, branch: 'main', dir: join(root, 'clone'), committer: { name: 'Capstan', email: 'c@capstan.invalid' } },
      git: {}, paths: ['deploy'], defaultNamespace: 'default',
    }, { workloads: ['apps:deployment/web'], image: 'r.io/web:2.0' });
    assert.deepEqual(result.results, [{ workload: 'apps:deployment/web', status: 'failed', reason: 'deploy/web.yaml is a symbolic link; Capstan does not write through links' }]);
    assert.equal(result.commit, undefined);
    assert.equal(await git(bare, 'rev-parse', 'main'), head);
    assert.equal(await git(bare, 'show', 'main:shared/web.yml'), deployment('web', 'r.io/web:1.0').trimEnd());
  });
});
