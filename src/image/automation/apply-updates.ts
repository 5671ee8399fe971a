import { setContainerImage } from '../edit/set-image.ts';
import type { PlannedUpdate, Skipped } from './plan-updates.ts';
import { rewriteFile } from './rewrite-file.ts';

// Writes the planned images into the files of the checkout at `root` (only the image values change); an update
// whose workload or container is no longer where the plan saw it, or whose file is a symbolic link (never written
// through), is added to `skipped` with why. Returns the updates written.
export async function applyUpdates(root: string, updates: readonly PlannedUpdate[], skipped: Skipped[], defaultNamespace: string): Promise<PlannedUpdate[]> {
  const done: PlannedUpdate[] = [];
  for (const u of updates) {
    const target = { kind: u.workload.kind, name: u.workload.name, namespace: u.workload.namespace };
    const result = await rewriteFile(root, u.file, (text) => setContainerImage(text, u.file, target, u.container, u.image, { defaultNamespace }));
    if (result.error) skipped.push({ workload: u.workload.id, container: u.container, reason: result.error });
    else if (result.changed) done.push(u);
  }
  return done;
}
