import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { uniqueName } from './support/cluster.ts';

describe('BullMQ on the real Redis', () => {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set: run the e2e tests through `npm test`');
  // Connection options rather than shared clients: BullMQ then owns its connections and closes them.
  const { hostname: host, port } = new URL(url);
  const connection = { host, port: Number(port), maxRetriesPerRequest: null };
  const name = uniqueName('roundtrip');
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection });
  after(async () => {
    await queue.obliterate({ force: true });
    await Promise.all([queue.close(), events.close()]);
  });

  it('takes a job from a producer to a worker and returns its result', async () => {
    const seen: Array<{ id?: string; data: unknown }> = [];
    const worker = new Worker<{ n: number }, { doubled: number }>(
      name,
      async (job) => {
        seen.push({ id: job.id, data: job.data });
        return { doubled: job.data.n * 2 };
      },
      { connection },
    );
    try {
      await events.waitUntilReady();
      const job = await queue.add('double', { n: 21 }, { jobId: 'ns/release' });
      assert.deepEqual(await job.waitUntilFinished(events, 10_000), { doubled: 42 });
      assert.deepEqual(seen, [{ id: 'ns/release', data: { n: 21 } }]);
      assert.equal(await queue.getJobState('ns/release'), 'completed');
    } finally {
      await worker.close();
    }
  });
});
