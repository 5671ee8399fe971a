import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gitOutageScenario } from './faults/git-scenario.ts';
import { failuresOf } from './faults/report.ts';

// The small version of the Faults suite's Git outage scenario (npm run test:faults runs 5 outages).
describe('faults: the Git server gone for a while', () => {
  it('deletes nothing, shows the failure in the sync status and metrics, and catches up when Git is back', async () => {
    const report = await gitOutageScenario(1, (line) => console.log(line));
    assert.equal(report.runs.length, 1);
    assert.ok(report.runs.every((r) => r.ok), failuresOf(report));
  });
});
