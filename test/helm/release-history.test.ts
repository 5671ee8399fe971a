import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StepOutcome } from '../../src/helm/actions/outcome.ts';
import { historyAfter, mayBeMidAction, rollbackTarget } from '../../src/helm/release-history.ts';
import type { HelmRevision } from '../../src/helm/release-state.ts';

const rev = (version: number, status: string): HelmRevision => ({ version, status, chart: '' });
const statuses = (h: readonly HelmRevision[] | undefined) => h?.map((r) => `${r.version}:${r.status}`);
const boom = new Error('helm failed');

describe('historyAfter: Helm history updated from an outcome, as helm writes it', () => {
  const before = [rev(3, 'failed'), rev(2, 'deployed'), rev(1, 'superseded')];
  // [case, outcome, history after (undefined: unknown, read again)]
  const table: Array<[string, StepOutcome, string[] | undefined]> = [
    ['an upgrade writes the revision helm reported, the deployed one superseded', { action: 'upgrade', revision: 4 }, ['4:deployed', '3:failed', '2:superseded', '1:superseded']],
    ['an install without a reported revision takes the next number', { action: 'install' }, ['4:deployed', '3:failed', '2:superseded', '1:superseded']],
    ['a rollback writes a new revision', { action: 'rollback', target: 2 }, ['4:deployed', '3:failed', '2:superseded', '1:superseded']],
    ['tests write no revision, passed or failed', { action: 'test', error: boom }, ['3:failed', '2:deployed', '1:superseded']],
    ['an uninstall removes the history', { action: 'uninstall' }, []],
    ['a failed upgrade leaves it unknown', { action: 'upgrade', error: boom }, undefined],
    ['a failed install leaves it unknown', { action: 'install', error: boom }, undefined],
    ['a failed rollback leaves it unknown', { action: 'rollback', target: 2, error: boom }, undefined],
    ['a failed uninstall leaves it unknown', { action: 'uninstall', error: boom }, undefined],
  ];
  for (const [name, outcome, after] of table) {
    it(name, () => assert.deepEqual(statuses(historyAfter(before, outcome)), after));
  }

  it('an unlock marks the pending revision failed', () => {
    const locked = [rev(3, 'pending-upgrade'), rev(2, 'deployed')];
    assert.deepEqual(statuses(historyAfter(locked, { action: 'unlock', revision: 3, left: 'pending-upgrade' })), ['3:failed', '2:deployed']);
  });
});

describe('rollbackTarget', () => {
  it('is the newest deployed or superseded revision older than the newest', () => {
    assert.equal(rollbackTarget([rev(4, 'failed'), rev(3, 'failed'), rev(2, 'superseded'), rev(1, 'superseded')])?.version, 2);
    assert.equal(rollbackTarget([rev(1, 'failed')]), undefined);
    assert.equal(rollbackTarget([]), undefined);
  });
});

describe('mayBeMidAction: whether another worker may be running helm on the release', () => {
  // [newest revision, status phase, may be mid-action]
  const table: Array<[string | undefined, string | undefined, boolean]> = [
    ['pending-install', 'Failed', true],
    ['pending-upgrade', undefined, true],
    ['pending-rollback', 'RollingBack', true],
    ['uninstalling', 'Deployed', true],
    ['deployed', 'Upgrading', true],
    ['deployed', 'Testing', true],
    [undefined, 'Installing', true],
    ['deployed', 'Succeeded', false],
    ['failed', 'Failed', false],
    ['deployed', 'RolledBack', false],
    [undefined, undefined, false],
  ];
  for (const [latest, phase, mid] of table) {
    it(`${latest ?? 'no revision'}, phase ${phase ?? 'none'} → ${mid}`, () => {
      assert.equal(mayBeMidAction(latest ? [rev(2, latest), rev(1, 'superseded')] : [], phase), mid);
    });
  }
});
