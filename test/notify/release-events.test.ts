import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HelmRelease } from '../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import type { EventRecord } from '../../src/kube/events/event-recorder.ts';
import type { Notice } from '../../src/notify/notice.ts';
import { withReleaseEvents } from '../../src/notify/release-events.ts';
import { FakeKube } from '../fakes/fake-kube.ts';

const hr = (ready?: 'True' | 'False'): HelmRelease => ({
  apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { namespace: 'team', name: 'web', uid: 'u1' }, spec: { chart: {} } as HelmRelease['spec'],
  ...(ready ? { status: { conditions: [{ type: 'Ready', status: ready, reason: 'x', message: '', lastTransitionTime: '' }] } } : {}),
} as HelmRelease);

describe('withReleaseEvents', () => {
  it('records every Event through the recorder and notifies only transitions', async () => {
    const recorded: EventRecord[] = [];
    const notices: Notice[] = [];
    const kube = withReleaseEvents(new FakeKube(), { record: async (e) => recorded.push(e), notify: (n) => notices.push(n), now: () => new Date(0) });
    await kube.event(hr(), 'Normal', 'Installing', 'install started');
    await kube.event(hr(), 'Warning', 'FailedReleaseSync', 'boom');
    await kube.event(hr('False'), 'Warning', 'FailedReleaseSync', 'boom again');
    await kube.event(hr('False'), 'Normal', 'ReleaseSynced', 'ok');
    assert.deepEqual(recorded.map((e) => `${e.object.kind} ${e.object.namespace}/${e.object.name} ${e.reason}`), [
      'HelmRelease team/web Installing', 'HelmRelease team/web FailedReleaseSync', 'HelmRelease team/web FailedReleaseSync', 'HelmRelease team/web ReleaseSynced',
    ]);
    assert.deepEqual(notices, [
      { kind: 'release-failed', object: { kind: 'HelmRelease', namespace: 'team', name: 'web' }, reason: 'FailedReleaseSync', message: 'boom', at: '1970-01-01T00:00:00.000Z' },
      { kind: 'release-recovered', object: { kind: 'HelmRelease', namespace: 'team', name: 'web' }, reason: 'ReleaseSynced', message: 'ok', at: '1970-01-01T00:00:00.000Z' },
    ]);
  });
});
