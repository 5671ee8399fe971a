import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EnqueueReason, jobDelayMs, refreshesChartSource } from '../../../src/helm/queue/release-job.ts';

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

describe('jobDelayMs', () => {
  const table: [string, number][] = [
    [EnqueueReason.Created, 0], // nothing to coalesce yet: a new release starts at once
    [EnqueueReason.Startup, 0],
    [EnqueueReason.DependencyReady, 0],
    [EnqueueReason.Deleted, 0],
    [EnqueueReason.Requested, 0], // capstan ctl reconcile: now
    [EnqueueReason.SpecChanged, 1_000], // edits come in bursts
    [EnqueueReason.ValuesSourceChanged, 1_000],
    [EnqueueReason.ChartChanged, 1_000],
    [EnqueueReason.Resync, 1_000],
  ];
  for (const [reason, expected] of table) it(`${reason}: ${expected} ms`, () => assert.equal(jobDelayMs(reason, 1_000), expected));
});
