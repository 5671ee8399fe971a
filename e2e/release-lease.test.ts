import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
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
    try {
      const leases = await Promise.all([1, 2, 3, 4].map((i) => held(w, uniqueName(`ns/many-${i}`))));
      const stats = async () => {
        const text = await own.cli('INFO', 'commandstats');
        const calls = (c: string) => Number(new RegExp(`cmdstat_${c}:calls=(\\d+)`).exec(text)?.[1] ?? 0);
        return { pexpire: calls('pexpire'), eval: calls('eval'), time: performance.now() };
      };
      const before = await stats();
      await new Promise((r) => setTimeout(r, 2_000)); // about 10 heartbeats of 200 ms
      const after = await stats();
      const beats = (after.time - before.time) / 200;
      assert.ok(after.pexpire - before.pexpire <= beats + 1, `${after.pexpire - before.pexpire} PEXPIRE in ${beats} heartbeats`);
      assert.ok(after.pexpire - before.pexpire >= 3, 'the worker beats');
      assert.equal(after.eval - before.eval, 0, 'no script per lease');
      await Promise.all(leases.map((l) => l.release()));
    } finally {
      w.disconnect();
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
    const live = await held(a, key);
    await lose(key); // Redis loses the lease; b claims it before a's next heartbeat
    const got = await acquireLease(b, key, fast);
    assert.ok('lease' in got);
    assert.equal(await got.lease.confirm(confirmWaitMs(fast)), false, 'the claimant may not act: the holder is alive');
    assert.equal(got.lease.lost.aborted, true);
    assert.equal(live.lost.aborted, false, 'the live holder goes on');
    assert.ok('held' in (await acquireLease(b, key, fast)));
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
});
