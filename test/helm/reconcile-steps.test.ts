import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WaitingError } from '../../src/errors/waiting-error.ts';
import { releaseFixture } from './release-fixture.ts';

describe('reconcileRelease, step by step', () => {
  it('tests of a fresh install that fail uninstall it, count the failure and are retried', async () => {
    const t = releaseFixture({ test: { enable: true } });
    t.helm.fail.add('test');
    await assert.rejects(t.run(), /test failed/);
    assert.deepEqual(t.verbs(), ['install', 'test', 'uninstall']);
    assert.deepEqual(t.history(), []);
    assert.equal(t.status()?.failures, 1);
    assert.equal(t.status()?.phase, 'Failed');
    assert.equal(t.condition('Tested')?.status, 'False');
    assert.equal(t.condition('Ready')?.status, 'False');
    assert.ok(t.kube.events.some((e) => e.reason === 'TestFailed'));
    assert.ok(t.kube.events.some((e) => e.reason === 'FailedReleaseSync'));
  });

  it('tests that fail with ignoreFailures leave the release Ready, Tested False', async () => {
    const t = releaseFixture({ test: { enable: true, ignoreFailures: true } });
    t.helm.fail.add('test');
    assert.equal(await t.run(), 'released');
    assert.deepEqual(t.verbs(), ['install', 'test']);
    assert.equal(t.condition('Tested')?.status, 'False');
    assert.equal(t.condition('Ready')?.status, 'True');
  });

  it('tests of an upgrade that fail roll it back (rollback.enable or not) and stall once the budget is spent', async () => {
    const t = releaseFixture({ test: { enable: true }, rollback: { maxRetries: 1 } });
    await t.run();
    t.helm.fail.add('test');
    t.bump({ values: { testFail: true } });
    assert.equal(await t.run(), 'stalled');
    assert.deepEqual(t.verbs(), ['install', 'test', 'upgrade', 'test', 'rollback']);
    assert.equal(t.history()[0]?.status, 'deployed');
    assert.equal(t.status()?.phase, 'RolledBack');
    assert.equal(t.condition('RolledBack')?.status, 'True');
    assert.equal(t.condition('Stalled')?.reason, 'RetriesExceeded');
    assert.match(t.condition('Stalled')?.message ?? '', /failed 1 time\(s\).*last error: test failed/);
  });

  it('a failed upgrade rolled back without rollback.retry stalls in the same reconcile, phase RolledBack', async () => {
    const t = releaseFixture({ rollback: { enable: true } });
    await t.run();
    t.helm.fail.add('upgrade');
    t.bump({ values: { fail: true } });
    assert.equal(await t.run(), 'stalled');
    assert.equal(t.status()?.phase, 'RolledBack');
    assert.equal(t.status()?.rollbackCount, 1);
    assert.equal(t.condition('Released')?.status, 'False');
    assert.match(t.condition('Stalled')?.message ?? '', /rolled back/);
    assert.deepEqual(t.history().map((r) => r.status), ['deployed', 'failed', 'superseded']);
    // new inputs: a new attempt, which succeeds and forgets the rollback
    t.helm.fail.clear();
    t.bump({ values: { fail: false } });
    assert.equal(await t.run(), 'released');
    assert.equal(t.status()?.rollbackCount, 0);
    assert.equal(t.condition('RolledBack'), undefined);
    assert.equal(t.condition('Stalled'), undefined);
  });

  it('a pending-install is unlocked, uninstalled and installed again', async () => {
    const t = releaseFixture();
    t.kube.storage.set('apps/web', [{ version: 1, status: 'pending-install', chart: 'hello' }]);
    assert.equal(await t.run(), 'released');
    assert.deepEqual(t.verbs(), ['uninstall', 'install']);
    assert.deepEqual(t.history().map((r) => r.status), ['deployed']);
    assert.ok(t.kube.events.some((e) => e.reason === 'Unlock' && /pending-install/.test(e.message)));
  });

  it('a release left uninstalling is uninstalled, not marked, then installed', async () => {
    const t = releaseFixture();
    t.kube.storage.set('apps/web', [{ version: 2, status: 'uninstalling', chart: 'hello' }, { version: 1, status: 'superseded', chart: 'hello' }]);
    assert.equal(await t.run(), 'released');
    assert.deepEqual(t.verbs(), ['uninstall', 'install']);
  });

  it('the rollback after an unlock replaces the objects (--force); a rollback of a failed upgrade patches them', async () => {
    const t = releaseFixture({ rollback: { enable: true } });
    await t.run();
    t.history().unshift({ version: 2, status: 'pending-rollback', chart: 'hello' });
    assert.equal(await t.run(), 'released');
    assert.deepEqual(t.helm.calls.filter((c) => c.verb === 'rollback').map((c) => c.force), [true]);
    t.helm.fail.add('upgrade');
    t.bump({ values: { fail: true } });
    await t.run();
    assert.deepEqual(t.helm.calls.filter((c) => c.verb === 'rollback').map((c) => c.force), [true, false]);
  });

  it('a rollback that fails after an unlock keeps what runs (no uninstall) and is tried again, then recovers', async () => {
    const t = releaseFixture();
    await t.run();
    t.history().unshift({ version: 2, status: 'pending-upgrade', chart: 'hello' });
    t.helm.fail.add('rollback');
    await assert.rejects(t.run(), /rollback/);
    assert.deepEqual(t.verbs(), ['install', 'rollback']);
    assert.ok(t.kube.events.some((e) => e.reason === 'RollbackFailed'));
    assert.equal(t.condition('Ready')?.status, 'False');
    t.helm.fail.clear();
    assert.equal(await t.run(), 'released');
    assert.ok(!t.verbs().includes('uninstall'), t.verbs().join(','));
    assert.equal(t.history()[0]?.status, 'deployed');
  });

  it('waiting for a dependency: Ready False naming it, derived by summarize; the other conditions kept', async () => {
    const t = releaseFixture({ dependsOn: [{ name: 'base' }] });
    await assert.rejects(t.run(), WaitingError);
    assert.equal(t.condition('Ready')?.reason, 'DependencyNotReady');
    assert.match(t.condition('Ready')?.message ?? '', /apps\/base/);
    assert.deepEqual(t.verbs(), []);
  });

  it('confirms the lease before the first helm call, asking to wait for a live holder when a revision is pending', async () => {
    const t = releaseFixture();
    const asked: boolean[] = [];
    t.deps.confirmLease = async (mayBeMidAction) => { asked.push(mayBeMidAction); };
    await t.run();
    t.history().unshift({ version: 2, status: 'pending-upgrade', chart: 'hello' });
    await t.run();
    assert.deepEqual(asked, [false, true], 'once per reconcile that acts');
  });

  it('does nothing when another worker turns out to be running helm on the release (Redis lost its lease)', async () => {
    const t = releaseFixture();
    t.kube.storage.set('apps/web', [{ version: 1, status: 'pending-install', chart: 'hello' }]);
    t.deps.confirmLease = async () => { throw new WaitingError('LeaseHeld', 'release apps/web is being reconciled by a worker that is still running', 5_000); };
    await assert.rejects(t.run(), WaitingError);
    assert.deepEqual(t.verbs(), [], 'neither unlocked nor uninstalled');
    assert.deepEqual(t.history().map((r) => r.status), ['pending-install']);
  });
});
