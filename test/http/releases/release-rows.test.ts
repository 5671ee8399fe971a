import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HelmRelease } from '../../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { releaseRows, type JobView } from '../../../src/http/releases/release-rows.ts';

const hr = (name: string, over: Partial<HelmRelease> = {}): HelmRelease => ({
  apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { namespace: 'team', name },
  spec: { chart: { repository: 'https://user:hunter2@charts.example/', name: 'podinfo', version: '6.0.0' }, values: { password: 'hunter2' } } as HelmRelease['spec'],
  ...over,
});
const job = (over: Partial<JobView>): JobView => ({ id: '1', state: 'completed', namespace: 'team', name: 'web', reason: 'resync', attemptsMade: 0, timestamp: 0, ...over });
const opts = { dashboardJob: (id: string) => `/dashboard/queue/q/${id}` };

describe('releaseRows', () => {
  it('a release never reconciled: Pending, Ready Unknown, no run, idle', () => {
    const [row] = releaseRows([hr('web')], [], opts);
    assert.deepEqual(row, { namespace: 'team', name: 'web', phase: 'Pending', ready: { status: 'Unknown', reason: '', message: '' }, revision: '', chart: 'podinfo', version: '6.0.0', jobs: [] });
  });
  it('shows phase, Ready, revision, the last finished run with its duration, the queued job and links', () => {
    const released = hr('web', { status: { phase: 'Deployed', revision: '6.0.0', conditions: [{ type: 'Ready', status: 'True', reason: 'Succeeded', message: 'ok' }] } } as Partial<HelmRelease>);
    const jobs = [
      job({ id: '7', state: 'completed', reason: 'created', timestamp: 1000, processedOn: 2000, finishedOn: 5500, outcome: 'released' }),
      job({ id: '8', state: 'delayed', reason: 'resync', timestamp: 9000, attemptsMade: 2 }),
      job({ id: '9', name: 'other' }),
    ];
    const [row] = releaseRows([released], jobs, opts);
    assert.equal(row?.phase, 'Deployed');
    assert.equal(row?.ready.status, 'True');
    assert.equal(row?.revision, '6.0.0');
    assert.deepEqual(row?.lastRun, { reason: 'created', outcome: 'released', seconds: 3.5, at: new Date(5500).toISOString() });
    assert.deepEqual(row?.queue, { state: 'delayed', attempt: 3 });
    assert.deepEqual(row?.jobs, [{ id: '8', state: 'delayed', link: '/dashboard/queue/q/8' }, { id: '7', state: 'completed', link: '/dashboard/queue/q/7' }]);
  });
  it('the last failure is the newest of the Ready=False message and a job error', () => {
    const failing = hr('web', { status: { phase: 'DeployFailed', conditions: [{ type: 'Ready', status: 'False', reason: 'InstallFailed', message: 'status says boom', lastTransitionTime: '2026-01-01T00:00:10Z' }] } } as Partial<HelmRelease>);
    const older = job({ state: 'delayed', failedReason: 'job says boom', processedOn: Date.parse('2026-01-01T00:00:05Z') });
    assert.deepEqual(releaseRows([failing], [older], opts)[0]?.lastFailure, { message: 'status says boom', at: '2026-01-01T00:00:10Z' });
    const newer = job({ state: 'failed', failedReason: 'job says boom', finishedOn: Date.parse('2026-01-01T00:00:20Z') });
    assert.deepEqual(releaseRows([failing], [newer], opts)[0]?.lastFailure, { message: 'job says boom', at: '2026-01-01T00:00:20.000Z' });
  });
  it('a Git chart shows its path and ref; rows are sorted; nothing of values or the repository URL', () => {
    const git = hr('a', { spec: { chart: { git: 'https://tok@git.example/charts.git', path: 'charts/app', ref: 'main' } } as HelmRelease['spec'] });
    const rows = releaseRows([hr('web'), git], [], opts);
    assert.deepEqual(rows.map((r) => `${r.name} ${r.chart} ${r.version}`), ['a charts/app main', 'web podinfo 6.0.0']);
    assert.doesNotMatch(JSON.stringify(rows), /hunter2|tok@|charts\.example/);
  });
});
