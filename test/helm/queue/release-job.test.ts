import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EnqueueReason, refreshesChartSource } from '../../../src/helm/queue/release-job.ts';

describe('refreshesChartSource', () => {
  const table: [string | undefined, boolean][] = [
    [EnqueueReason.ChartChanged, true], // the poller saw a new commit
    [EnqueueReason.SpecChanged, true],
    [EnqueueReason.Created, true],
    [EnqueueReason.Resync, false], // a routine resync fetches nothing
    [EnqueueReason.Startup, false],
    [EnqueueReason.ValuesSourceChanged, false],
    [EnqueueReason.DependencyReady, false],
    [undefined, false],
  ];
  for (const [reason, expected] of table) {
    it(`${reason ?? 'no reason'}: ${expected ? 'fetches' : 'reuses the mirror'}`, () => assert.equal(refreshesChartSource(reason), expected));
  }
});
