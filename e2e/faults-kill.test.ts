import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { killScenario, RECOVERY_LIMIT_MS } from './faults/kill-scenario.ts';
import { failuresOf } from './faults/report.ts';

// The small version of the Faults suite's SIGKILL scenario (npm run test:faults: 5 times per verb, recovery within
// RECOVERY_LIMIT_MS). Here the other test files load the machine, so recovery is given half as long again.
const LIMIT_MS = RECOVERY_LIMIT_MS * 1.5;

describe('faults: a worker SIGKILLed mid-release', () => {
  it(`recovers a release killed during install, upgrade, rollback and test within ${LIMIT_MS / 1000} s, with a second worker or a restarted one`, async () => {
    const reports = await killScenario(1, (line) => console.log(line), undefined, LIMIT_MS);
    for (const report of reports) {
      assert.equal(report.runs.length, 1, report.scenario);
      assert.equal(report.runs.filter((r) => r.ok).length, 1, `${report.scenario}:\n${failuresOf(report)}`);
    }
  });
});
