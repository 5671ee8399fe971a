import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiServerScenario } from './faults/apiserver-scenario.ts';
import { failuresOf } from './faults/report.ts';

// The small version of the Faults suite's API server scenario (npm run test:faults restarts it 5 times each way).
describe('faults: the API server restarted', () => {
  it('finishes a sync and the releases that were running, and deletes nothing', async () => {
    const reports = await apiServerScenario(1, (line) => console.log(line));
    for (const report of reports) {
      assert.equal(report.runs.length, 1, report.scenario);
      assert.ok(report.runs.every((r) => r.ok), `${report.scenario}:\n${failuresOf(report)}`);
    }
  });
});
