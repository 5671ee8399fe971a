import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionEvent, outcomeEvents } from '../../src/helm/actions/outcome-events.ts';
import type { StepOutcome } from '../../src/helm/actions/outcome.ts';

const ctx = { releaseName: 'web', targetNamespace: 'team' };
const boom = new Error('boom');

describe('outcomeEvents: an Event for each action and outcome', () => {
  const table: Array<[StepOutcome, string]> = [
    [{ action: 'install', revision: 1 }, 'Normal InstallSucceeded'],
    [{ action: 'install', error: boom }, 'Warning InstallFailed'],
    [{ action: 'upgrade', revision: 2 }, 'Normal UpgradeSucceeded'],
    [{ action: 'upgrade', error: boom }, 'Warning UpgradeFailed'],
    [{ action: 'test' }, 'Normal TestSucceeded'],
    [{ action: 'test', error: boom }, 'Warning TestFailed'],
    [{ action: 'rollback', target: 1 }, 'Normal RolledBack'],
    [{ action: 'rollback', target: 1, error: boom }, 'Warning RollbackFailed'],
    [{ action: 'uninstall' }, 'Normal Uninstalled'],
    [{ action: 'uninstall', error: boom }, 'Warning UninstallFailed'],
    [{ action: 'unlock', revision: 3, left: 'pending-upgrade' }, 'Warning Unlock'],
    [{ action: 'adopt', adopted: true, reason: 'same' }, ''],
  ];
  for (const [outcome, want] of table) {
    it(`${outcome.action}${outcome.error ? ' failed' : ''} → ${want || 'none'}`, () => {
      const events = outcomeEvents(outcome, ctx);
      assert.equal(events.map((e) => `${e.type} ${e.reason}`).join(), want);
      if (outcome.error) assert.match(events[0]?.message ?? '', /boom/);
    });
  }
});

describe('actionEvent', () => {
  const table: Array<[string, string | undefined]> = [
    ['install', 'Installing'], ['upgrade', 'Upgrading'], ['test', 'Testing'], ['rollback', 'RollingBack'],
    ['uninstall', 'Uninstalling'], ['unlock', 'Unlocking'], ['adopt', undefined],
  ];
  for (const [action, reason] of table) it(`${action} → ${reason ?? 'none'}`, () => assert.equal(actionEvent(action, ctx)?.reason, reason));
  it('names the release, never values', () => assert.equal(actionEvent('install', ctx)?.message, "install of Helm release 'web' in 'team' started"));
});
