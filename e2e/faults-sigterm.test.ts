import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failuresOf } from './faults/report.ts';
import { sigtermScenario, TERMINATION_GRACE_MS } from './faults/sigterm-scenario.ts';

// The small version of the Faults suite's SIGTERM scenario (npm run test:faults runs each way 5 times).
describe('faults: SIGTERM to a worker mid-helm', () => {
  it(`finishes the helm run or hands the job back within ${TERMINATION_GRACE_MS / 1000} s, and the release ends Ready`, async () => {
    const reports = await sigtermScenario(1, (line) => console.log(line));
    for (const report of reports) {
      assert.equal(report.runs.length, 1, report.scenario);
      assert.ok(report.runs.every((r) => r.ok), `${report.scenario}:\n${failuresOf(report)}`);
    }
  });
});
