import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Phase, type HelmReleaseStatus } from '../../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { statusForPhase, statusForStall, statusForWait } from '../../../src/helm/status/phase-status.ts';

const T0 = new Date('2026-01-01T00:00:00Z');
const T1 = new Date('2026-01-01T00:01:00Z');
const cond = (s: HelmReleaseStatus, type: string) => s.conditions?.find((c) => c.type === type);
const walk = (phases: Phase[], start: HelmReleaseStatus = {}, now = T0) =>
  phases.reduce((s, p) => statusForPhase(s, p, `${p} message`, { now }), start);

describe('statusForPhase', () => {
  // [phases in order, expected Ready, expected Released]
  const table: Array<[Phase[], string, string | undefined]> = [
    [[Phase.Installing], 'Unknown', undefined],
    [[Phase.Installing, Phase.Deployed], 'Unknown', undefined],
    [[Phase.Installing, Phase.Deployed, Phase.Succeeded], 'True', 'True'],
    // an upgrade of a released release is not Ready until it succeeds
    [[Phase.Succeeded, Phase.Upgrading, Phase.Deployed], 'Unknown', 'True'],
    [[Phase.Succeeded, Phase.Upgrading, Phase.Deployed, Phase.Testing, Phase.Tested], 'Unknown', 'True'],
    [[Phase.Succeeded, Phase.Upgrading, Phase.DeployFailed], 'False', 'False'],
    [[Phase.Succeeded, Phase.Upgrading, Phase.DeployFailed, Phase.RollingBack, Phase.RolledBack], 'False', 'False'],
    [[Phase.Succeeded, Phase.Testing, Phase.TestFailed], 'False', 'False'],
    [[Phase.ChartFetchFailed], 'False', 'False'],
  ];
  for (const [phases, ready, released] of table) {
    it(`${phases.join(' → ')}: Ready ${ready}`, () => {
      const s = walk(phases);
      assert.equal(cond(s, 'Ready')?.status, ready);
      assert.equal(cond(s, 'Released')?.status, released);
      assert.equal(s.phase, phases.at(-1));
    });
  }

  it('uses the phase as the reason of the conditions it sets, as the Helm Operator did', () => {
    const s = walk([Phase.Installing, Phase.Deployed]);
    assert.equal(cond(s, 'Deployed')?.reason, 'Deployed');
  });

  it('counts rollbacks, and a success resets the count and drops RolledBack', () => {
    const rolled = walk([Phase.RolledBack, Phase.RolledBack]);
    assert.equal(rolled.rollbackCount, 2);
    const ok = walk([Phase.Succeeded], rolled);
    assert.equal(ok.rollbackCount, 0);
    assert.equal(cond(ok, 'RolledBack'), undefined);
  });

  it('moves lastTransitionTime only when a status really changes', () => {
    const first = walk([Phase.Succeeded], {}, T0);
    const again = statusForPhase(first, Phase.Succeeded, 'again', { now: T1 });
    assert.equal(cond(again, 'Released')?.lastTransitionTime, T0.toISOString());
    assert.equal(cond(again, 'Released')?.lastUpdateTime, T1.toISOString());
    const failed = statusForPhase(again, Phase.Failed, 'broke', { now: T1 });
    assert.equal(cond(failed, 'Released')?.lastTransitionTime, T1.toISOString());
  });

  it('a stall makes Ready False with its cause, and new work clears it', () => {
    const stalled = statusForStall(walk([Phase.Failed]), 'RetriesExceeded', 'upgrade failed 5 time(s)', T0);
    assert.equal(cond(stalled, 'Ready')?.status, 'False');
    assert.equal(cond(stalled, 'Ready')?.message, 'upgrade failed 5 time(s)');
    const working = walk([Phase.Upgrading], stalled);
    assert.equal(cond(working, 'Stalled'), undefined);
  });
});

describe('statusForWait', () => {
  it('Ready False naming what the release waits for, through summarize; Released and the phase kept', () => {
    const released = walk([Phase.Succeeded]);
    const waiting = statusForWait(released, 'DependencyNotReady', "dependency 'apps/base' is not Ready", T1);
    assert.equal(cond(waiting, 'Ready')?.status, 'False');
    assert.equal(cond(waiting, 'Ready')?.reason, 'DependencyNotReady');
    assert.equal(cond(waiting, 'Released')?.status, 'True');
    assert.equal(waiting.phase, Phase.Succeeded);
    // the wait is of this reconcile only: the next phase entered derives Ready from the conditions again
    assert.equal(cond(walk([Phase.Succeeded], waiting), 'Ready')?.status, 'True');
  });
});
