import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { acquireLease, confirmWaitMs, type Lease } from '../src/helm/queue/release-lease.ts';
import { redisOptions } from '../src/redis-connection.ts';
import { eventually, uniqueName } from './support/cluster.ts';

// The per-release lease on the real Redis (keys of this test only: the shared Redis is never flushed).
describe('the release lease', () => {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set: run the e2e tests through `npm test`');
  const redis = new Redis(redisOptions(url));
  const other = new Redis(redisOptions(url));
  after(async () => { await Promise.all([redis.quit(), other.quit()]); });
  const held = async (key: string, opts: Parameters<typeof acquireLease>[2]): Promise<Lease> => {
    const got = await acquireLease(redis, key, opts);
    assert.ok('lease' in got, 'the lease was free');
    assert.equal(await got.lease.confirm(0), true);
    return got.lease;
  };

  it('has one holder at a time; the other learns who holds it and when it expires', async () => {
    const key = uniqueName('ns/one');
    const lease = await held(key, { ttlMs: 10_000, holder: 'host-a/1:job-7' });
    const second = await acquireLease(other, key, { ttlMs: 10_000, holder: 'host-b/2:job-8' });
    assert.ok('held' in second);
    assert.equal(second.held.holder, 'host-a/1:job-7');
    assert.ok(second.held.expiresInMs > 8_000 && second.held.expiresInMs <= 10_000, String(second.held.expiresInMs));
    await lease.release();
    assert.ok('lease' in (await acquireLease(other, key, { ttlMs: 10_000 })));
  });

  it('is free within one ttl once its holder stops renewing (a dead worker)', async () => {
    const key = uniqueName('ns/dead');
    const doomed = new Redis(redisOptions(url));
    const got = await acquireLease(doomed, key, { ttlMs: 600 });
    assert.ok('lease' in got);
    doomed.disconnect(); // its renewals fail from now on, as a killed process's would
    const t0 = Date.now();
    await eventually('the lease to be free', async () => ('lease' in (await acquireLease(other, key, { ttlMs: 10_000 })) ? true : undefined), 5_000);
    assert.ok(Date.now() - t0 < 1_500, `free after ${Date.now() - t0} ms`);
  });

  it('is re-created by its holder when Redis lost it (restart, flush), and not reported lost', async () => {
    const key = uniqueName('ns/vanished');
    const lease = await held(key, { ttlMs: 2_000, renewEveryMs: 100 });
    await other.del(`capstan:lease:${key}`);
    await eventually('the lease re-created', async () => ((await other.exists(`capstan:lease:${key}`)) === 1 || undefined), 5_000);
    assert.equal(lease.lost.aborted, false);
    assert.ok('held' in (await acquireLease(other, key, { ttlMs: 2_000 })));
    await lease.release();
  });

  it('reports itself lost when another holder has it, and then releases only its own', async () => {
    const key = uniqueName('ns/taken');
    const lease = await held(key, { ttlMs: 2_000, renewEveryMs: 100 });
    await other.set(`capstan:lease:${key}`, 'another-token someone-else', 'PX', 5_000);
    await eventually('the lease reported lost', async () => lease.lost.aborted || undefined, 5_000);
    await lease.release();
    assert.equal(await other.get(`capstan:lease:${key}`), 'another-token someone-else');
    await other.del(`capstan:lease:${key}`);
  });

  it('lets a live holder take back its lease when Redis lost it and another worker claimed it meanwhile', async () => {
    const key = uniqueName('ns/flushed');
    const opts = { ttlMs: 2_000, renewEveryMs: 200 };
    const live = await held(key, opts);
    let claim: Lease | undefined;
    while (!claim) { // Redis loses the lease; another worker claims it before the holder's next renewal
      await other.del(`capstan:lease:${key}`);
      const got = await acquireLease(other, key, opts);
      if ('lease' in got) claim = got.lease;
    }
    assert.equal(await claim.confirm(confirmWaitMs(opts)), false, 'the claimant may not act: the holder is alive');
    assert.equal(claim.lost.aborted, true);
    assert.equal(live.lost.aborted, false, 'the live holder goes on');
    assert.ok('held' in (await acquireLease(other, key, opts)));
    await claim.release();
    assert.ok((await other.exists(`capstan:lease:${key}`)) === 1, "the claimant's release leaves the holder's lease");
    await live.release();
  });

  it('confirms a claim nobody takes back, after the wait', async () => {
    const key = uniqueName('ns/claimed');
    const got = await acquireLease(other, key, { ttlMs: 2_000, renewEveryMs: 200 });
    assert.ok('lease' in got);
    assert.ok((await other.get(`capstan:lease:${key}`))?.startsWith('?'), 'a new lease is a claim');
    assert.equal(await got.lease.confirm(confirmWaitMs({ ttlMs: 2_000, renewEveryMs: 200 })), true);
    assert.ok(!(await other.get(`capstan:lease:${key}`))?.startsWith('?'), 'confirmed');
    await got.lease.release();
    assert.equal(await other.exists(`capstan:lease:${key}`), 0);
  });
});
