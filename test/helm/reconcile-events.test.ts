import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WaitingError } from '../../src/errors/waiting-error.ts';
import { releaseFixture } from './release-fixture.ts';

describe('reconcile: the Events a release cannot be prepared for', () => {
  it('a release refused before the loop (helmVersion v2) records one FailedReleaseSync with the reason', async () => {
    const t = releaseFixture({ helmVersion: 'v2' });
    await assert.rejects(t.run());
    assert.deepEqual(t.kube.events.map((e) => `${e.type} ${e.reason}`), ['Warning FailedReleaseSync']);
    assert.match(t.kube.events[0]?.message ?? '', /helmVersion|Helm 3/);
  });
  it('a chart that cannot be fetched records FailedReleaseSync', async () => {
    const t = releaseFixture();
    t.deps.chartSources = { git: async () => { throw new Error('no such ref'); } };
    await assert.rejects(t.run());
    assert.ok(t.kube.events.some((e) => e.reason === 'FailedReleaseSync' && /no such ref/.test(e.message)));
  });
  it('waiting (here for the chart source) records nothing', async () => {
    const t = releaseFixture();
    t.deps.chartSources = { git: async () => { throw new WaitingError('SourceBusy', 'try later', 1000); } };
    await assert.rejects(t.run(), WaitingError);
    assert.deepEqual(t.kube.events, []);
  });
  it('a release that installs records its steps, and no failure', async () => {
    const t = releaseFixture();
    await t.run();
    assert.deepEqual(t.kube.events.map((e) => e.reason), ['Installing', 'InstallSucceeded', 'ReleaseSynced']);
  });
});
