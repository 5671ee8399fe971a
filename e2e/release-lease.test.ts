import assert from 'node:assert/strict';
import { loadavg } from 'node:os';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { WaitingError } from '../src/errors/waiting-error.ts';
import { LEASE_PREFIX } from '../src/helm/queue/lease-scripts.ts';
import { acquireLease, confirmWaitMs, type Lease, type LeaseOptions } from '../src/helm/queue/release-lease.ts';
import { redisOptions } from '../src/redis-connection.ts';
import { eventually, uniqueName } from './support/cluster.ts';
import { startOwnRedis } from './support/redis-server.ts';

// The per-release lease on the real Redis (keys of this test only: the shared Redis is never flushed). Each Redis
// connection stands for one worker process, with its own liveness and heartbeat.
describe('the release lease', () => {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set: run the e2e tests through `npm test`');
  const connections: Redis[] = [];
  const worker = () => {
    const r = new Redis(redisOptions(url));
    connections.push(r);
    return r;
  };
  const [a, b, admin] = [worker(), worker(), worker()];
  after(async () => { await Promise.all(connections.map((r) => r.quit().catch(() => undefined))); });
  const fast: LeaseOptions = { heartbeatMs: 200 };
  // Redis losing what a worker holds, as a flush or an empty restart does: the lease and the worker's liveness key
  // (only this test's keys: other tests share this Redis)
  const lose = async (key: string) => {
    const worker = (await admin.get(LEASE_PREFIX + key))?.replace(/^\?/, '').split(' ')[1];
    await admin.del(LEASE_PREFIX + key, `capstan:{lease}:worker:${worker}`);
  };
  const held = async (redis: Redis, key: string, opts: LeaseOptions = fast): Promise<Lease> => {
    const got = await acquireLease(redis, key, opts);
    assert.ok('lease' in got, 'the lease was free');
    assert.equal(await got.lease.confirm(0), true);
    return got.lease;
  };

  it('has one holder at a time; the other learns who holds it', async () => {
    const key = uniqueName('ns/one');
    const lease = await held(a, key, { ...fast, holder: 'host-a/1:job-7' });
    const second = await acquireLease(b, key, { ...fast, holder: 'host-b/2:job-8' });
    assert.ok('held' in second);
    assert.equal(second.held.holder, 'host-a/1:job-7');
    assert.ok(second.held.expiresInMs > 0 && second.held.expiresInMs <= 600, String(second.held.expiresInMs));
    await lease.release();
    const third = await acquireLease(b, key, fast);
    assert.ok('lease' in third);
    await third.lease.release();
  });

  it('is free once its worker stops beating (a dead worker), within 3 heartbeats', async () => {
    const key = uniqueName('ns/dead');
    const doomed = worker();
    await held(doomed, key);
    doomed.disconnect(); // its heartbeats fail from now on, as a killed process's would
    const t0 = Date.now();
    const got = await eventually('the lease to be free', async () => {
      const r = await acquireLease(b, key, fast);
      return 'lease' in r ? r.lease : undefined;
    }, 5_000);
    assert.ok(Date.now() - t0 < 1_500, `free after ${Date.now() - t0} ms`);
    await got.release();
  });

  it('costs one PEXPIRE per heartbeat per worker, however many leases it holds', async () => {
    const own = await startOwnRedis(); // a Redis of its own, so the counts are this worker's alone
    const w = new Redis(redisOptions(own.url));
    const probe = new Redis(redisOptions(own.url)); // INFO over a connection, not a redis-cli started on a loaded machine
    try {
      const leases = await Promise.all([1, 2, 3, 4].map((i) => held(w, uniqueName(`ns/many-${i}`))));
      const stats = async () => {
        const start = performance.now();
        const text = await probe.info('commandstats');
        const calls = (c: string) => Number(new RegExp(`cmdstat_${c}:calls=(\\d+)`).exec(text)?.[1] ?? 0);
        return { pexpire: calls('pexpire'), eval: calls('eval'), start, end: performance.now() };
      };
      const before = await stats();
      await new Promise((r) => setTimeout(r, 2_000)); // about 10 heartbeats of 200 ms
      const after = await stats();
      const beats = (after.end - before.start) / 200; // at most this many between the two counts
      const counted = `${after.pexpire - before.pexpire} PEXPIRE, ${after.eval - before.eval} EVAL in at most ${beats.toFixed(1)} heartbeats`;
      assert.ok(after.pexpire - before.pexpire <= beats + 1, counted);
      assert.ok(after.pexpire - before.pexpire >= 3, `the worker beats: ${counted}`);
      // no script per lease: only the check of all its leases every 24 heartbeats
      assert.ok(after.eval - before.eval <= Math.floor(beats / 24) + 1, counted);
      await Promise.all(leases.map((l) => l.release()));
    } finally {
      w.disconnect();
      probe.disconnect();
      await own.close();
    }
  });

  it('is re-created by its live worker when Redis lost it (restart, flush), and not reported lost', async () => {
    const key = uniqueName('ns/vanished');
    const lease = await held(a, key);
    await lose(key);
    await eventually('the lease re-created', async () => ((await admin.exists(LEASE_PREFIX + key)) === 1 || undefined), 5_000);
    assert.equal(lease.lost.aborted, false);
    assert.ok('held' in (await acquireLease(b, key, fast)));
    await lease.release();
  });

  it('lets a live worker take back its lease when Redis lost it and another worker claimed it meanwhile', async () => {
    const key = uniqueName('ns/flushed');
    // The holder's first heartbeat comes 2 s after it took the lease: the claim below is made long before (with
    // 200 ms heartbeats the claim and the take-back had 100 ms to spare, too little on a loaded machine); the
    // claimant waits 3 s, the take-back has 1 s to spare.
    const slow: LeaseOptions = { heartbeatMs: 2_000 };
    const t0 = performance.now();
    const ms = () => `${Math.round(performance.now() - t0)} ms`;
    const live = await held(worker(), key, slow);
    await lose(key); // Redis loses the lease; b claims it before the holder's next heartbeat
    const got = await acquireLease(b, key, slow);
    const claimedAt = ms();
    assert.ok('lease' in got, `the claim came at ${claimedAt}, after the holder's first heartbeat re-created the lease`);
    const confirmed = await got.lease.confirm(confirmWaitMs(slow));
    const why = `claimed at ${claimedAt}, confirm answered at ${ms()} (heartbeat ${slow.heartbeatMs} ms, wait ${confirmWaitMs(slow)} ms, load ${loadavg()[0]?.toFixed(1)}); the lease is now ${await admin.get(LEASE_PREFIX + key)}`;
    assert.equal(confirmed, false, `the claimant may not act: the holder is alive; ${why}`);
    assert.equal(got.lease.lost.aborted, true, why);
    assert.equal(live.lost.aborted, false, `the live holder goes on; ${why}`);
    assert.ok('held' in (await acquireLease(b, key, slow)));
    await got.lease.release();
    assert.equal(await admin.exists(LEASE_PREFIX + key), 1, "the claimant's release leaves the holder's lease");
    await live.release();
  });

  it('confirms a claim nobody takes back, after the wait', async () => {
    const key = uniqueName('ns/claimed');
    const got = await acquireLease(b, key, fast);
    assert.ok('lease' in got);
    assert.ok((await admin.get(LEASE_PREFIX + key))?.startsWith('?'), 'a new lease is a claim');
    assert.equal(await got.lease.confirm(confirmWaitMs(fast)), true);
    assert.ok(!(await admin.get(LEASE_PREFIX + key))?.startsWith('?'), 'confirmed');
    await got.lease.release();
    assert.equal(await admin.exists(LEASE_PREFIX + key), 0);
  });

  it('reports itself lost when another holder confirmed it (its worker paused too long), and releases only its own', async () => {
    const key = uniqueName('ns/taken');
    const lease = await held(a, key);
    await lose(key); // a's liveness ran out (it paused), and another worker took and confirmed the lease
    await admin.set(LEASE_PREFIX + key, 'another-token host-z/9/abcd someone-else', 'PX', 5_000);
    await eventually('the lease reported lost', async () => lease.lost.aborted || undefined, 5_000);
    await lease.release();
    assert.equal(await admin.get(LEASE_PREFIX + key), 'another-token host-z/9/abcd someone-else');
    await admin.del(LEASE_PREFIX + key);
  });
  it('is checked right after a reconnect: a lease Redis lost while its worker\'s liveness survived (a failover) is re-created', async () => {
    const key = uniqueName('ns/failover');
    const w = worker();
    // the first heartbeat comes after 10 s and finds the liveness key there: only the reconnect can bring the lease back
    const lease = await held(w, key, { heartbeatMs: 10_000 });
    await admin.del(LEASE_PREFIX + key); // the promoted replica lacked the last write: the lease, not the liveness key
    await admin.client('KILL', 'ID', String(await w.client('ID'))); // the connection moves, as on a failover
    await eventually('the lease re-created after the reconnect', async () => ((await admin.exists(LEASE_PREFIX + key)) === 1 || undefined), 8_000);
    assert.ok('held' in (await acquireLease(b, key, fast)), 'another worker is kept out');
    assert.equal(lease.lost.aborted, false);
    await lease.release();
  });

  it('takes over a lease of its own worker that it does not hold (one released that a failover brought back, an ACQUIRE sent twice)', async () => {
    const key = uniqueName('ns/orphan');
    const keep = await held(a, uniqueName('ns/keep')); // a keeps beating: its worker is alive throughout
    const first = await held(a, key);
    const stale = (await admin.get(LEASE_PREFIX + key)) ?? '';
    await first.release();
    await admin.set(LEASE_PREFIX + key, stale, 'PX', 600_000); // the failover's replica still had it
    assert.ok('held' in (await acquireLease(b, key, fast)), 'another worker is kept out: the lease names a live worker');
    const again = await acquireLease(a, key, fast);
    assert.ok('lease' in again, `its own worker takes it over (the lease was ${stale})`);
    assert.equal(await again.lease.confirm(0), true);
    await again.lease.release();
    assert.equal(await admin.exists(LEASE_PREFIX + key), 0);
    await keep.release();
  });

  it('is not confirmed when Redis has a replica and none acknowledged the confirmation (its replica was just promoted); such a release is sent again after the reconnect', async () => {
    const [primary, replica] = await Promise.all([startOwnRedis(), startOwnRedis()]);
    const w = new Redis(redisOptions(primary.url));
    try {
      await replica.cli('REPLICAOF', '127.0.0.1', String(primary.port));
      await eventually('the replica online', async () => (/state=online/.test(await primary.cli('INFO', 'replication')) || undefined), 30_000);
      const opts: LeaseOptions = { heartbeatMs: 1_000 };
      // confirmed once the replica has it (asked again if the replica, on a loaded machine, took over 200 ms)
      const first = await eventually('a confirmation the replica acknowledged', async () => {
        const got = await acquireLease(w, uniqueName('ns/replicated'), opts);
        assert.ok('lease' in got);
        if (await got.lease.confirm(0).catch((err) => (err instanceof WaitingError ? false : Promise.reject(err)))) return got.lease;
        await got.lease.release();
        return undefined;
      }, 30_000);
      await replica.cli('REPLICAOF', 'NO', 'ONE'); // a failover promotes the replica; this master's writes are lost
      const key = uniqueName('ns/unreplicated');
      const second = await acquireLease(w, key, opts);
      assert.ok('lease' in second);
      await assert.rejects(second.lease.confirm(0), (err) => err instanceof WaitingError && err.reason === 'LeaseUnreplicated');
      await first.release();
      // its release is not acknowledged either: when the failover brings the lease back, it is released again
      const stale = (await w.get(LEASE_PREFIX + key)) ?? '';
      await second.lease.release();
      await w.set(LEASE_PREFIX + key, stale, 'PX', 600_000);
      await primary.cli('CLIENT', 'KILL', 'ID', String(await w.client('ID'))); // the connection moves, as on a failover
      await eventually('the release sent again after the reconnect', async () => ((await w.exists(LEASE_PREFIX + key)) === 0 || undefined), 10_000);
    } finally {
      w.disconnect();
      await Promise.all([primary.close(), replica.close()]);
    }
  });
});
