import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { onlineReplicas, replicaWaiter } from '../../../src/helm/queue/replica-wait.ts';
import type { RedisClient } from '../../../src/redis/redis-client.ts';

const replica = (i: number, state: string) => `slave${i}:ip=127.0.0.1,port=${6380 + i},state=${state},offset=42,lag=0\r\n`;
const master = (states: string[]) => `# Replication\r\nrole:master\r\nconnected_slaves:${states.length}\r\n${states.map((s, i) => replica(i, s)).join('')}master_failover_state:no-failover\r\n`;

describe('onlineReplicas', () => {
  const rows: Array<[string, string, number]> = [
    ['a master with one replica online', master(['online']), 1],
    ['a master with two', master(['online', 'online']), 2],
    ['a master whose replica still loads the snapshot (connected, acknowledges nothing yet)', master(['wait_bgsave']), 0],
    ['one online, one receiving the snapshot', master(['send_bulk', 'online']), 1],
    ['a master alone', master([]), 0],
    ['a replica', '# Replication\r\nrole:slave\r\nmaster_host:127.0.0.1\r\nconnected_slaves:0\r\n', 0],
  ];
  for (const [name, info, want] of rows) it(`${name}: ${want}`, () => assert.equal(onlineReplicas(info), want));
});

// A connection whose INFO lists `online` replicas and whose WAIT answers `acks` (both changeable), recording calls;
// with `hold`, each WAIT answers only when the test calls the function it leaves in `pending`.
function fakeRedis(state: { online: number; acks: number; hold?: boolean }) {
  const calls: string[] = [];
  const pending: Array<() => void> = [];
  const redis = {
    info: async () => { calls.push('info'); return master(Array.from({ length: state.online }, () => 'online')); },
    wait: (n: number, timeout: number) => {
      calls.push(`wait ${n} ${timeout}`);
      const acks = state.acks;
      return state.hold ? new Promise<number>((resolve) => pending.push(() => resolve(acks))) : Promise.resolve(acks);
    },
  };
  return { redis: redis as unknown as RedisClient, calls, pending };
}

describe('replicaWaiter', () => {
  it('waits for one replica with the timeout when the master has replicas, asking INFO again only after 10 s', async () => {
    let t = 0;
    const state = { online: 1, acks: 1 };
    const { redis, calls } = fakeRedis(state);
    const waited = replicaWaiter(redis, 500, () => t);
    assert.equal(await waited(), true);
    assert.equal(await waited(), true);
    assert.deepEqual(calls, ['info', 'wait 1 500', 'wait 1 500']);
    state.online = 0;
    t = 10_001;
    await waited();
    assert.deepEqual(calls.slice(3), ['info'], 'no WAIT once the replicas are gone');
  });

  it('sends no WAIT to a Redis without replicas (it would block until the timeout), and answers true', async () => {
    const { redis, calls } = fakeRedis({ online: 0, acks: 0 });
    const waited = replicaWaiter(redis, 500, () => 0);
    assert.equal(await waited(), true);
    assert.equal(await waited(), true);
    assert.deepEqual(calls, ['info']);
  });

  it('answers false when no replica acknowledged, asks INFO again at once, and stays unsure for 10 s while the master has none', async () => {
    let t = 0;
    const state = { online: 1, acks: 1 };
    const { redis, calls } = fakeRedis(state);
    const waited = replicaWaiter(redis, 500, () => t);
    assert.equal(await waited(), true);
    state.acks = 0; // the replica was promoted: this master is about to be demoted, its writes thrown away
    assert.equal(await waited(), false, 'an expected replica did not acknowledge');
    state.online = 0;
    t = 1_000;
    assert.equal(await waited(), false, 'a master that just lost its replica is not trusted');
    assert.deepEqual(calls, ['info', 'wait 1 500', 'wait 1 500', 'info']);
    t = 9_000;
    assert.equal(await waited(), false);
    t = 11_000;
    assert.equal(await waited(), true, 'a master alone for 10 s is trusted: no replica can be promoted over it');
    assert.equal(await waited(), true);
  });

  it('trusts writes again as soon as a replica acknowledges', async () => {
    let t = 0;
    const state = { online: 1, acks: 0 };
    const { redis } = fakeRedis(state);
    const waited = replicaWaiter(redis, 500, () => t);
    assert.equal(await waited(), false);
    state.acks = 1;
    t = 100;
    assert.equal(await waited(), true);
  });

  it('a master whose replicas vanished between two INFO reads is unsure until 10 s later', async () => {
    let t = 0;
    const state = { online: 1, acks: 1 };
    const { redis } = fakeRedis(state);
    const waited = replicaWaiter(redis, 500, () => t);
    assert.equal(await waited(), true);
    state.online = 0;
    t = 10_001;
    assert.equal(await waited(), false);
    t = 20_002;
    assert.equal(await waited(), true);
  });

  it('has one WAIT at a time: callers that come while one runs share the next, so the heartbeat waits behind two at most', async () => {
    const state = { online: 1, acks: 1, hold: true };
    const { redis, calls, pending } = fakeRedis(state);
    const waited = replicaWaiter(redis, 500, () => 0);
    const first = waited();
    await new Promise((r) => setImmediate(r));
    const later = [waited(), waited(), waited()];
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(calls, ['info', 'wait 1 500'], 'the others wait for the first to answer');
    pending.shift()?.();
    assert.equal(await first, true);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(calls, ['info', 'wait 1 500', 'wait 1 500'], 'one more WAIT covers the writes of all three');
    pending.shift()?.();
    assert.deepEqual(await Promise.all(later), [true, true, true]);
  });
});
