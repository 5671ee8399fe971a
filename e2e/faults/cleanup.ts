// What a scenario started, undone in reverse order whatever happens, so a failed set-up leaves nothing running
// (a server left open would keep the test process alive).
export interface Cleanup {
  // Registers how to undo `value` and returns it.
  add<T>(value: T, undo: (value: T) => Promise<unknown> | unknown): T;
  run(): Promise<void>;
}

export function cleanup(): Cleanup {
  const undos: Array<() => Promise<unknown> | unknown> = [];
  return {
    add(value, undo) {
      undos.push(() => undo(value));
      return value;
    },
    async run() {
      for (const undo of undos.reverse()) await Promise.resolve().then(undo).catch(() => undefined);
      undos.length = 0;
    },
  };
}
