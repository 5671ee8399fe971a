import { lstat, realpath, stat } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';

// The name fluxd looked for.
export const FLUX_YAML = '.flux.yaml';

// Where a sync path's .flux.yaml is: `file` relative to the checkout, and `dir`, the directory of the sync path
// (where its commands run and its patchFile lies), also relative.
export interface FoundFluxYaml { file: string; dir: string }

const within = (root: string, path: string): boolean => path === root || path.startsWith(`${root}${sep}`);

// The nearest .flux.yaml at the sync path `path` (relative, normalised, inside the checkout whose real path is
// `root`) or in a directory above it up to the checkout's top, as fluxd looked (never below). A path that is a
// file starts at its directory. A .flux.yaml that is a symbolic link out of the checkout, or not a file, is
// passed over as if absent. Undefined when there is none.
export async function findFluxYaml(root: string, path: string): Promise<FoundFluxYaml | undefined> {
  let dir = path === '' ? '.' : path;
  const s = await stat(join(root, dir)).catch(() => undefined);
  if (s && !s.isDirectory()) dir = dirname(dir);
  const start = dir;
  for (;;) {
    const file = dir === '.' ? FLUX_YAML : join(dir, FLUX_YAML);
    if (await usable(root, file)) return { file, dir: start };
    if (dir === '.') return undefined;
    dir = dirname(dir);
  }
}

async function usable(root: string, file: string): Promise<boolean> {
  const own = await lstat(join(root, file)).catch(() => undefined);
  if (!own) return false;
  const real = await realpath(join(root, file)).catch(() => undefined);
  if (!real || !within(root, real)) return false;
  return (await stat(real)).isFile();
}
