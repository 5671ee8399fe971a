const queues = new Map<string, Promise<void>>();

// Runs fn after every earlier call with the same key has settled (whether it succeeded or not): one at a time per
// key in this process, e.g. one git process per mirror or working clone.
export function serialised<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const run = (queues.get(key) ?? Promise.resolve()).then(fn);
  const settled = run.then(() => {}, () => {});
  queues.set(key, settled);
  void settled.then(() => (queues.get(key) === settled ? void queues.delete(key) : undefined));
  return run;
}
