import { lstat, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { CHART_LIMITS, type ChartLimits, type ChartProblem, isWithin, sizeText } from './chart-limits.ts';

// Why the symbolic link at `rel` (under the resolved root `realRoot`) is refused, or undefined when it resolves
// inside the root. A link that cannot be resolved (dangling) is judged by where it points, so a target that
// appears later cannot lead out; a link to a directory that contains it is a loop.
async function linkProblem(realRoot: string, rel: string): Promise<string | undefined> {
  const full = join(realRoot, rel);
  const target = await readlink(full);
  let real: string;
  try {
    real = await realpath(full);
  } catch (err) {
    if (!isWithin(realRoot, resolve(dirname(full), target))) return `is a symbolic link to "${target}", outside the chart`;
    return (err as NodeJS.ErrnoException).code === 'ELOOP' ? `is a symbolic link loop ("${target}")` : undefined;
  }
  if (!isWithin(realRoot, real)) return `is a symbolic link to "${target}", outside the chart`;
  if (isWithin(real, dirname(full)) && (await stat(real)).isDirectory()) return `is a symbolic link to "${target}", a directory that contains it (a loop)`;
  return undefined;
}

// Walks the directory `root` without following links and finds the first thing helm must not read: a symbolic
// link that resolves outside root (or loops), a special file (FIFO, socket, device), more than limits.maxEntries
// entries or more than limits.maxBytes of files. Paths in the answer are relative to root, with `/`.
export async function findTreeProblem(root: string, limits: ChartLimits = CHART_LIMITS): Promise<ChartProblem | undefined> {
  const realRoot = await realpath(root);
  const seen = { entries: 0, bytes: 0 };
  const visit = async (dir: string): Promise<ChartProblem | undefined> => {
    const entries = await readdir(join(realRoot, dir), { withFileTypes: true });
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (++seen.entries > limits.maxEntries) return { path: rel, problem: `makes the chart hold more than ${limits.maxEntries} entries` };
      let problem: ChartProblem | undefined;
      if (entry.isSymbolicLink()) {
        const why = await linkProblem(realRoot, rel);
        problem = why ? { path: rel, problem: why } : undefined;
      } else if (entry.isDirectory()) {
        problem = await visit(rel);
      } else if (entry.isFile()) {
        seen.bytes += (await lstat(join(realRoot, rel))).size;
        if (seen.bytes > limits.maxBytes) problem = { path: rel, problem: `makes the chart larger than ${sizeText(limits.maxBytes)}` };
      } else {
        problem = { path: rel, problem: 'is not a file, directory or symbolic link' };
      }
      if (problem) return problem;
    }
    return undefined;
  };
  return visit('');
}

// Where the chart file `rel` (relative, already free of `..`) really is: its real path when it resolves inside
// root, 'outside' when it, or a link on the way, leads out of root, undefined when there is no such file.
export async function resolveInside(root: string, rel: string): Promise<string | 'outside' | undefined> {
  const realRoot = await realpath(root);
  try {
    const real = await realpath(join(realRoot, rel));
    return isWithin(realRoot, real) ? real : 'outside';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return undefined;
  }
}
