import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import type { LoadError } from './manifest.ts';

// Reads every *.yaml / *.yml file under `paths` (relative to `root`, the checked-out revision), sorted by path;
// a path that is absolute, climbs out with `..`, or does not exist is reported as a load error, not thrown.
export async function readManifestFiles(root: string, paths: readonly string[]): Promise<{ files: Array<{ file: string; text: string }>; errors: LoadError[] }> {
  const files: Array<{ file: string; text: string }> = [];
  const errors: LoadError[] = [];
  for (const path of paths.length ? paths : ['.']) {
    const n = normalize(path);
    if (isAbsolute(path) || n === '..' || n.startsWith(`..${sep}`)) {
      errors.push({ file: path, message: 'a --git-path must be relative and inside the repository' });
      continue;
    }
    const start = join(root, n);
    if (!(await stat(start).then(() => true, () => false))) {
      errors.push({ file: path, message: 'path does not exist in this revision' });
      continue;
    }
    for (const file of await walk(start)) files.push({ file: relative(root, file), text: await readFile(file, 'utf8') });
  }
  const seen = new Set<string>();
  return { files: files.filter((f) => !seen.has(f.file) && seen.add(f.file)).sort((a, b) => (a.file < b.file ? -1 : 1)), errors };
}

async function walk(path: string): Promise<string[]> {
  const s = await stat(path);
  if (s.isFile()) return /\.ya?ml$/.test(path) ? [path] : [];
  const out: string[] = [];
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue; // .git, .flux.yaml-style files are not manifests
    out.push(...(await walk(join(path, entry.name))));
  }
  return out;
}
