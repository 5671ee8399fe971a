import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EditError } from '../edit/locate.ts';
import { setContainerImage } from '../edit/set-image.ts';
import type { PlannedUpdate, Skipped } from './plan-updates.ts';

// Rewrites the file at `path` with `edit` (written only when it changed); an EditError becomes `error` (it names
// the file, object and field), anything else is thrown.
export async function rewriteFile(path: string, edit: (text: string) => string): Promise<{ changed: boolean; error?: string }> {
  const text = await readFile(path, 'utf8');
  try {
    const edited = edit(text);
    if (edited === text) return { changed: false };
    await writeFile(path, edited);
    return { changed: true };
  } catch (err) {
    if (err instanceof EditError) return { changed: false, error: err.message };
    throw err;
  }
}

// Writes the planned images into the files of the checkout at `root` (only the image values change); an update
// whose workload or container is no longer where the plan saw it is added to `skipped` with why. Returns the
// updates written.
export async function applyUpdates(root: string, updates: readonly PlannedUpdate[], skipped: Skipped[], defaultNamespace: string): Promise<PlannedUpdate[]> {
  const done: PlannedUpdate[] = [];
  for (const u of updates) {
    const target = { kind: u.workload.kind, name: u.workload.name, namespace: u.workload.namespace };
    const result = await rewriteFile(join(root, u.file), (text) => setContainerImage(text, u.file, target, u.container, u.image, { defaultNamespace }));
    if (result.error) skipped.push({ workload: u.workload.id, container: u.container, reason: result.error });
    else if (result.changed) done.push(u);
  }
  return done;
}
