import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type OperationTarget, releaseImage, updatePolicies } from '../../../src/image/automation/operations.ts';
import { commit, git } from '../../git/git-fixtures.ts';

const app = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  template:
    spec:
      containers:
      - name: web
        image: r.io/web:1.0
`;
const LOCKED = app('commanded').replace('  name: commanded\n', '  name: commanded\n  annotations:\n    fluxcd.io/locked: "true"\n');
const PATCH_UPDATED = 'version: 1\npatchUpdated:\n  generators:\n    - command: cat app.yaml.in\n  patchFile: flux-patch.yaml\n';
const COMMAND_UPDATED = `version: 1
commandUpdated:
  generators:
    - command: cat app.yaml.in
  updaters:
    - containerImage:
        command: >-
          sed -i "s|image: .*|image: $FLUX_IMG:$FLUX_TAG|" app.yaml.in
      policy:
        command: printf '%s %s=%s\\n' "$FLUX_WORKLOAD" "$FLUX_POLICY" "\${FLUX_POLICY_VALUE-(unset)}" >> policies.log
`;

describe('manual operations on objects a .flux.yaml generates', () => {
  const root = mkdtempSync(join(tmpdir(), 'capstan-gen-ops-'));
  const bare = join(root, 'origin.git');
  let n = 0;
  const target = (): OperationTarget => ({
    write: { url: `file://${bare}`, branch: 'main', dir: join(root, `clone-${n++}`), committer: { name: 'Capstan', email: 'c@capstan.invalid' } },
    git: {}, paths: ['patched', 'commanded'], defaultNamespace: 'apps', manifestGeneration: true,
  });
  const show = async (file: string) => git(bare, 'show', `main:${file}`);
  const subject = async () => (await git(bare, 'log', '-1', '--format=%s', 'main')).trimEnd();
  before(async () => {
    const work = join(root, 'work');
    await git(root, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
    await git(root, 'init', '--quiet', '--initial-branch=main', work);
    await commit(work, {
      'patched/.flux.yaml': PATCH_UPDATED, 'patched/app.yaml.in': app('patched'),
      'commanded/.flux.yaml': COMMAND_UPDATED, 'commanded/app.yaml.in': LOCKED,
    }, 'Start');
    await git(work, 'push', '--quiet', bare, 'main');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('patchUpdated: a lock and a release are written to the patch file, created by the first', async () => {
    const locked = await updatePolicies(target(), [{ workload: 'apps:deployment/patched', lock: true }]);
    assert.deepEqual(locked.results, [{ workload: 'apps:deployment/patched', status: 'success' }]);
    assert.equal(await subject(), 'Locked: apps:deployment/patched');
    const released = await releaseImage(target(), { workloads: ['apps:deployment/patched'], image: 'r.io/web:2.0', force: true });
    assert.equal(released.results[0]?.status, 'success');
    assert.equal(await show('patched/flux-patch.yaml'), `apiVersion: apps/v1
kind: Deployment
metadata:
  name: patched
  namespace: apps
  annotations:
    fluxcd.io/locked: "true"
spec:
  template:
    spec:
      containers:
        - name: web
          image: r.io/web:2.0`);
    assert.equal(await show('patched/app.yaml.in'), app('patched').trimEnd(), 'the generator input is left alone');
  });

  it('commandUpdated: a release runs the containerImage updater, a policy change the policy updater', async () => {
    const released = await releaseImage(target(), { workloads: ['apps:deployment/commanded'], image: 'r.io/web:3.0', force: true });
    assert.equal(released.results[0]?.status, 'success');
    assert.equal(await subject(), 'Release r.io/web:3.0 to apps:deployment/commanded');
    assert.equal(await show('commanded/app.yaml.in'), LOCKED.replace('r.io/web:1.0', 'r.io/web:3.0').trimEnd());
    await updatePolicies(target(), [{ workload: 'apps:deployment/commanded', automate: true }]);
    await updatePolicies(target(), [{ workload: 'apps:deployment/commanded', lock: false }]);
    assert.equal(await subject(), 'Unlocked: apps:deployment/commanded');
    assert.equal(await show('commanded/policies.log'), 'apps:deployment/commanded fluxcd.io/automated=true\napps:deployment/commanded fluxcd.io/locked=(unset)');
  });
});
