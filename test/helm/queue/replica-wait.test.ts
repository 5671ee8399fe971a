import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectedReplicas, replicaWaiter } from '../../../src/helm/queue/replica-wait.ts';
import type { RedisClient } from '../../../src/redis/redis-client.ts';

const master = (n: number) => `# Replication\r\nrole:master\r\nconnected_slaves:${n}\r\nslave0:ip=127.0.0.1,port=6380,state=online\r\n`;

describe('connectedReplicas', () => {
  const rows: Array<[string, string, number]> = [
    ['a master with one replica', master(1), 1],
    ['a master with two', master(2), 2],
    ['a master alone', master(0), 0],
    ['a replica', '# Replication\r\nrole:slave\r\nmaster_host:127.0.0.1\r\nconnected_slaves:0\r\n', 0],
    ['an answer without the field', '# Replication\r\nrole:master\r\n', 0],
  ];
  for (const [name, info, want] of rows) it(`${name}: ${want}`, () => assert.equal(connectedReplicas(info), want));
});

// A connection that answers INFO with `replicas` (changeable) and records its WAITs.
function fakeRedis(replicas: { n: number }) {
  const calls: string[] = [];
  const redis = {
    info: async () => { calls.push('info'); return master(replicas.n); },
    wait: async (n: number, timeout: number) => { calls.push(`wait ${n} ${timeout}`); return replicas.n; },
  };
  return { redis: redis as unknown as RedisClient, calls };
}

describe('replicaWaiter', () => {
  it('waits for one replica with the timeout when the master has replicas, asking INFO again only after 10 s', async () => {
    let t = 0;
    const replicas = { n: 1 };
    const { redis, calls } = fakeRedis(replicas);
    const waited = replicaWaiter(redis, 1_250, () => t);
    await waited();
    await waited();
    assert.deepEqual(calls, ['info', 'wait 1 1250', 'wait 1 1250']);
    replicas.n = 0;
    t = 10_001;
    await waited();
    await waited();
    assert.deepEqual(calls.slice(3), ['info'], 'no WAIT once the replicas are gone');
  });

  it('sends no WAIT to a Redis without replicas (it would block until the timeout)', async () => {
    const { redis, calls } = fakeRedis({ n: 0 });
    const waited = replicaWaiter(redis, 1_250, () => 0);
    await waited();
    await waited();
    assert.deepEqual(calls, ['info']);
  });
});
