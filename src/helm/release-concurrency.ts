// How many release jobs a worker with `--concurrency N` takes at once: N helm processes run at once (helm-slots.ts)
// and up to half as many more jobs read and write the cluster meanwhile: resolving the chart and values, the
// status, Events and annotations before and after their helm run, so that a finished helm run is followed by a
// prepared one at once. A job waiting for a slot waits at most one helm run.
export function releaseJobsAtOnce(helmSlots: number): number {
  const n = Math.max(1, Math.floor(helmSlots));
  return n + Math.ceil(n / 2);
}
