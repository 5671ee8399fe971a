import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { overlappingRuns, parseRuns } from '../../e2e/faults/helm-log.ts';

// The fault suite's proof that no release ever had two helm runs at once rests on these two functions.
describe('helm run log', () => {
  const log = [
    'start 10 100 1000 upgrade r1 /tmp/chart.tgz --values /tmp/v.json --namespace ns',
    'start 11 100 1100 get manifest r1 --namespace ns',
    'end 11 100 1150 get manifest r1 --namespace ns',
    'start 12 200 1500 install --values /tmp/v.json -- r2 /tmp/chart.tgz',
    'end 10 100 2000 upgrade r1 /tmp/chart.tgz --values /tmp/v.json --namespace ns',
    'start 13 200 2500 rollback r1 1 --namespace ns',
  ].join('\n');

  it('pairs starts and ends per wrapper pid, names the release (after `--` when there is one), skips reads', () => {
    assert.deepEqual(parseRuns(log), [
      { verb: 'upgrade', release: 'r1', worker: 100, start: 1000, end: 2000 },
      { verb: 'install', release: 'r2', worker: 200, start: 1500 },
      { verb: 'rollback', release: 'r1', worker: 200, start: 2500 },
    ]);
  });
  it('finds runs on one release that overlap, a killed run lasting until its kill', () => {
    const runs = parseRuns(log);
    assert.deepEqual(overlappingRuns(runs, new Map()), []);
    const early = parseRuns(log.replace('start 13 200 2500', 'start 13 200 1900'));
    assert.deepEqual(overlappingRuns(early, new Map()).map(([a, b]) => [a.verb, b.verb]), [['upgrade', 'rollback']]);
    const unended = parseRuns(`${log}\nstart 14 300 2600 upgrade r2 x`);
    assert.deepEqual(overlappingRuns(unended, new Map()).map(([a, b]) => [a.verb, b.verb]), [['install', 'upgrade']]);
    assert.deepEqual(overlappingRuns(unended, new Map([[200, 1600]])), []);
  });
  it('sees a long run that spans two later ones', () => {
    const runs = parseRuns(['start 1 1 0 upgrade r x', 'start 2 2 10 test r', 'end 2 2 20 test r', 'start 3 3 30 test r', 'end 1 1 100 upgrade r x', 'end 3 3 110 test r'].join('\n'));
    assert.equal(overlappingRuns(runs, new Map()).length, 2);
  });
});
