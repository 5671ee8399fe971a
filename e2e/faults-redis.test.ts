import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redisScenario } from './faults/redis-scenario.ts';
import { failuresOf } from './faults/report.ts';

// The small version of the Faults suite's Redis scenarios (npm run test:faults: waves of 50, 3 times each).
describe('faults: Redis lost in the middle of a wave of releases', () => {
  for (const fault of ['restart', 'flush'] as const) {
    it(`forgets no release when Redis is ${fault === 'flush' ? 'flushed' : 'restarted empty'} mid-wave`, async () => {
      const report = await redisScenario(fault, 1, 10, (line) => console.log(line));
      assert.equal(report.runs.length, 1);
      assert.ok(report.runs.every((r) => r.ok), failuresOf(report));
    });
  }
});
