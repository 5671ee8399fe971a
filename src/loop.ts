// A background loop: `body` runs now, then again after the delay it returns. Runs never overlap: a trigger that
// arrives mid-run makes one more run right after it, so no trigger is lost. A run that throws is followed by
// the delay `onError` returns (its backoff), given the count of failures in a row.
export interface Loop {
  runNow(): void;
  // No new run starts; resolves when the current one has ended.
  stop(): Promise<void>;
}

export function startLoop(body: () => Promise<number>, onError: (err: Error, failures: number) => number): Loop {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let failures = 0;
  const schedule = (ms: number) => {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(() => void cycle(), ms);
  };
  const cycle = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    const run = (async () => {
      let next: number;
      try {
        next = await body();
        failures = 0;
      } catch (err) {
        if (stopped) return;
        failures++;
        next = onError(err as Error, failures);
      }
      const rerun = again;
      again = false;
      schedule(rerun ? 0 : next);
    })();
    // cleared after the assignment: a run that ends without awaiting must not leave `running` set forever
    running = run;
    void run.finally(() => {
      if (running === run) running = undefined;
    });
    return run;
  };
  schedule(0);
  return {
    runNow() {
      if (running) again = true;
      else schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
