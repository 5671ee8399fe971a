import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EditError } from '../edit/locate.ts';
import { setContainerImage } from '../edit/set-image.ts';
import type { PlannedUpdate, Skipped } from './plan-updates.ts';

// Writes the planned images into the files of the checkout at `root` (only the image values change); an update
// whose workload or container is no longer where the plan saw it is added to `skipped` with why. Returns the
// updates written.
export async function applyUpdates(root: string, updates: readonly PlannedUpdate[], skipped: Skipped[], defaultNamespace: string): Promise<PlannedUpdate[]> {
  const done: PlannedUpdate[] = [];
  for (const u of updates) {
    const path = join(root, u.file);
    try {
      const text = await readFile(path, 'utf8');
      const target = { kind: u.workload.kind, name: u.workload.name, namespace: u.workload.namespace };
      const edited = setContainerImage(text, u.file, target, u.container, u.image, { defaultNamespace });
      if (edited !== text) {
        await writeFile(path, edited);
        done.push(u);
      }
    } catch (err) {
      if (!(err instanceof EditError)) throw err;
      skipped.push({ workload: u.workload.id, container: u.container, reason: err.message });
    }
  }
  return done;
}
