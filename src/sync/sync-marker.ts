// Where the last fully synced commit is recorded (fluxd's --sync-state): the sync tag in Git, or an annotation
// on a Secret for read-only repositories. `dir` is the source's mirror.
export interface SyncMarker {
  read(dir: string): Promise<string | undefined>;
  write(dir: string, sha: string): Promise<void>;
}

// Keeps the marker in memory only (--git-readonly with --sync-state git).
export function memoryMarker(): SyncMarker {
  let sha: string | undefined;
  return {
    read: async () => sha,
    write: async (_dir, next) => {
      sha = next;
    },
  };
}
