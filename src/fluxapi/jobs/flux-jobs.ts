import { randomUUID } from 'node:crypto';
import { Job, Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import { startLoop } from '../../loop.ts';
import { type FluxJobResult, type FluxJobStatus, type FluxSpec, statusOfState } from './job-result.ts';
import type { UpdateRequest } from './parse-update.ts';

// What a job carries in Redis: the checked request and the spec as sent (no secrets: workload ids, images,
// policies, the cause's message and user).
export interface FluxJobData { request: UpdateRequest; spec: FluxSpec }

// The options of the fluxd job queue; `leads()` says whether this process may run jobs now (it holds every
// writable source's Lease), checked every `gateEveryMs` (default 2 s).
export interface FluxJobsOptions {
  queueName: string; // the release queue's name; the jobs use `<queueName>-flux-jobs`
  connection: ConnectionOptions;
  prefix: string;
  log: Logger;
  leads: () => boolean;
  run: (data: FluxJobData) => Promise<FluxJobResult>;
  onJob?: (type: string, outcome: 'succeeded' | 'failed') => void;
  onWorker?: (active: boolean) => void;
  gateEveryMs?: number;
}

// The fluxd jobs of a daemon: any replica enqueues and answers status (both read Redis); only the replica
// leading the sources runs them, one at a time, as fluxd did.
export interface FluxJobs {
  enqueue(data: FluxJobData): Promise<string>;
  // undefined: no such job (never made, or removed a day after it ended)
  status(id: string): Promise<FluxJobStatus | undefined>;
  stop(): Promise<void>;
}

const KEEP = { age: 24 * 3600, count: 1000 };

// Starts the queue, and a loop that runs a BullMQ worker while `leads()` holds and closes it when it stops.
export function startFluxJobs(opts: FluxJobsOptions): FluxJobs {
  const name = `${opts.queueName}-flux-jobs`;
  const queue = new Queue<FluxJobData, FluxJobResult>(name, { connection: opts.connection, prefix: opts.prefix });
  queue.on('error', (err) => opts.log.debug({ err: err.message }, 'flux job queue: redis error'));
  let worker: Worker<FluxJobData, FluxJobResult> | undefined;
  const startWorker = () => {
    const w = new Worker<FluxJobData, FluxJobResult>(name, async (job) => opts.run(job.data), {
      connection: opts.connection, prefix: opts.prefix, concurrency: 1,
    });
    w.on('error', (err) => opts.log.debug({ err: err.message }, 'flux job worker: redis error'));
    w.on('completed', (job) => {
      opts.onJob?.(job.data.request.type, 'succeeded');
      opts.log.info({ job: job.id, type: job.data.request.type, revision: job.returnvalue?.revision }, 'flux job done');
    });
    w.on('failed', (job, err) => {
      opts.onJob?.(job?.data.request.type ?? 'unknown', 'failed');
      opts.log.warn({ job: job?.id, type: job?.data.request.type, err: err.message }, 'flux job failed');
    });
    return w;
  };
  // a bounded check every gateEveryMs; a failure to close backs off up to 30 s
  const gate = startLoop(async () => {
    const leads = opts.leads();
    if (leads && !worker) {
      worker = startWorker();
      opts.onWorker?.(true);
    } else if (!leads && worker) {
      const w = worker;
      worker = undefined;
      opts.onWorker?.(false);
      await w.close();
    }
    return opts.gateEveryMs ?? 2_000;
  }, (err, failures) => {
    opts.log.warn({ err: err.message }, 'flux job worker: cannot start or stop');
    return Math.min(30_000, 1_000 * 2 ** failures);
  });
  return {
    async enqueue(data) {
      const id = randomUUID();
      await queue.add(data.request.type, data, { jobId: id, attempts: 1, removeOnComplete: KEEP, removeOnFail: KEEP });
      return id;
    },
    async status(id) {
      // the state first: a job read before it is (a job that ends between the two reads would lack its result)
      const bullState = await queue.getJobState(id);
      const job = bullState === 'unknown' ? undefined : await Job.fromId<FluxJobData, FluxJobResult>(queue, id);
      if (!job) return undefined;
      const state = statusOfState(bullState);
      return { Result: state === 'succeeded' ? (job.returnvalue ?? {}) : {}, Err: state === 'failed' ? (job.failedReason ?? 'failed') : '', StatusString: state };
    },
    async stop() {
      await gate.stop();
      await worker?.close();
      await queue.close();
    },
  };
}
