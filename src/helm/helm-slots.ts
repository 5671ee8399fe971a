import type { HelmRunner } from './runner.ts';

// A counting semaphore whose waiters leave on abort: `acquire` resolves with a release function once one of
// `slots` is free, first come first served, or rejects with the signal's reason.
export function semaphore(slots: number) {
  let free = Math.max(1, slots);
  const waiting: Array<() => void> = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  return {
    acquire(signal?: AbortSignal): Promise<() => void> {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (free > 0) {
        free--;
        return Promise.resolve(once(release));
      }
      return new Promise((resolve, reject) => {
        const grant = () => {
          signal?.removeEventListener('abort', abort);
          resolve(once(release));
        };
        const abort = () => {
          const i = waiting.indexOf(grant);
          if (i >= 0) waiting.splice(i, 1);
          reject(signal?.reason);
        };
        waiting.push(grant);
        signal?.addEventListener('abort', abort, { once: true });
      });
    },
    // Slots in use and callers waiting, for tests and gauges.
    state: () => ({ free, waiting: waiting.length }),
  };
}

const once = (fn: () => void) => {
  let done = false;
  return () => {
    if (!done) fn();
    done = true;
  };
};

// A HelmRunner that runs at most `slots` helm processes at once; a call waits for a slot (leaving if its signal
// aborts). The worker takes a few more jobs than slots (release-concurrency.ts), so the Kubernetes reads and writes
// before and after helm overlap other releases' helm runs instead of leaving a slot idle.
export function slottedRunner(runner: HelmRunner, slots: number): HelmRunner {
  const sem = semaphore(slots);
  const limited = { ...runner };
  for (const key of Object.keys(runner) as Array<keyof HelmRunner>) {
    const call = runner[key] as (opts: { signal?: AbortSignal }) => Promise<unknown>;
    if (typeof call !== 'function') continue;
    (limited as Record<string, unknown>)[key] = async (opts: { signal?: AbortSignal }) => {
      const release = await sem.acquire(opts?.signal);
      try {
        return await call.call(runner, opts);
      } finally {
        release();
      }
    };
  }
  return limited;
}
