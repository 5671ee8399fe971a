import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rolloutOf } from '../../src/fluxapi/rollout.ts';

const dep = (status: Record<string, unknown>, generation = 3) => ({ kind: 'Deployment', metadata: { generation }, spec: { replicas: 3 }, status });

describe('rolloutOf (fluxd status words)', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['a Deployment whose controller has not seen the spec', dep({ observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }), 'started'],
    ['a Deployment rolling out', dep({ observedGeneration: 3, replicas: 4, updatedReplicas: 1, availableReplicas: 3 }), 'updating'],
    ['a Deployment rolled out', dep({ observedGeneration: 3, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 }), 'ready'],
    ['a Deployment past its progress deadline', dep({ observedGeneration: 3, replicas: 3, updatedReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', message: 'deadline exceeded' }] }), 'error'],
    ['a DaemonSet rolled out', { kind: 'DaemonSet', metadata: { generation: 1 }, status: { observedGeneration: 1, desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2, currentNumberScheduled: 2 } }, 'ready'],
    ['a StatefulSet rolling out', { kind: 'StatefulSet', metadata: { generation: 1 }, spec: { replicas: 2 }, status: { observedGeneration: 1, replicas: 2, readyReplicas: 2, currentRevision: 'a', updateRevision: 'b', updatedReplicas: 1 } }, 'updating'],
    ['a StatefulSet rolled out', { kind: 'StatefulSet', metadata: { generation: 1 }, spec: { replicas: 2 }, status: { observedGeneration: 1, replicas: 2, readyReplicas: 2, currentReplicas: 2, currentRevision: 'a', updateRevision: 'a' } }, 'ready'],
    ['a CronJob', { kind: 'CronJob', metadata: {} }, 'ready'],
    ['a HelmRelease (its releaseStatus)', { kind: 'HelmRelease', metadata: {}, status: { releaseStatus: 'deployed' } }, 'deployed'],
  ];
  for (const [name, live, status] of cases) it(`${name}: ${status}`, () => assert.equal(rolloutOf(live).status, status));

  it('counts replicas as fluxd did, with the failure messages', () => {
    const r = rolloutOf(dep({ observedGeneration: 3, replicas: 4, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2, conditions: [{ type: 'ReplicaFailure', status: 'True', message: 'quota' }] })).rollout;
    assert.deepEqual(r, { Desired: 3, Updated: 1, Ready: 2, Available: 2, Outdated: 3, Messages: ['quota'] });
  });
});
