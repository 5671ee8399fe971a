import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionFinished, actionStarted, lastActionMs } from '../../../src/helm/status/last-action.ts';

const t0 = new Date('2026-12-01T10:00:00.000Z');
const t1 = new Date('2026-12-01T10:00:12.500Z');

describe('lastAction in the status', () => {
  it('an action started is recorded with its start and no end', () => {
    assert.deepEqual(actionStarted({ phase: 'Succeeded' }, 'upgrade', t0), { phase: 'Succeeded', lastAction: { action: 'upgrade', startedAt: t0.toISOString() } });
  });

  it('a finished action gets its end and whether it succeeded; the next one replaces it', () => {
    const done = actionFinished(actionStarted({}, 'install', t0), false, t1);
    assert.deepEqual(done.lastAction, { action: 'install', startedAt: t0.toISOString(), finishedAt: t1.toISOString(), succeeded: false });
    assert.deepEqual(actionStarted(done, 'rollback', t1).lastAction, { action: 'rollback', startedAt: t1.toISOString() });
  });

  it('finishing without a started action, or twice, changes nothing', () => {
    assert.deepEqual(actionFinished({ phase: 'Failed' }, true, t1), { phase: 'Failed' });
    const done = actionFinished(actionStarted({}, 'test', t0), true, t1);
    assert.equal(actionFinished(done, false, new Date(t1.getTime() + 1000)), done);
  });

  const durations: Array<[string, Parameters<typeof lastActionMs>[0], number | undefined]> = [
    ['none', undefined, undefined],
    ['finished', { action: 'upgrade', startedAt: t0.toISOString(), finishedAt: t1.toISOString(), succeeded: true }, 12_500],
    ['running: so far', { action: 'upgrade', startedAt: t0.toISOString() }, 20_000],
    ['unreadable times', { action: 'upgrade', startedAt: 'yesterday' }, undefined],
  ];
  for (const [name, last, ms] of durations) {
    it(`its duration: ${name}`, () => assert.equal(lastActionMs(last, new Date(t0.getTime() + 20_000)), ms));
  }
});
