import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, normalize, sep } from 'node:path';
import { StallingError } from '../../errors/stalling-error.ts';
import { gunzipped, inspectChartArchive } from './archive-check.ts';
import { entrySegments, resolveInArchive } from './archive-tree.ts';
import { CHART_LIMITS } from './chart-limits.ts';
import { resolveInside } from './contained-tree.ts';
import { TarType, tarEntries } from './tar-entries.ts';

// A path inside the chart, refused when it is absolute or climbs out with `..`.
export function safeChartPath(path: string, field?: string): string {
  const n = normalize(path);
  if (!path || isAbsolute(path) || n === '..' || n.startsWith(`..${sep}`)) {
    throw new StallingError('ValuesInvalid', `"${path}" must be a relative path inside the chart`, field ? { field } : {});
  }
  return n;
}

// What the readers below answer when they refuse to read a path, and why (said after the path).
interface Refused { refused: string }
const OUTSIDE: Refused = { refused: 'leads outside the chart (through a symbolic link); it is not read' };

// Whether a raw tar entry name is the normalised `name`.
function named(raw: string, name: string): boolean {
  const segments = entrySegments(raw);
  return typeof segments !== 'string' && segments.join('/') === name;
}

// The file `rel` of a chart archive, read without unpacking: links inside the archive are followed as an
// unpacker would; undefined when there is no such file, Refused when the archive is unsafe or a link leads out.
async function readFromArchive(archive: string, rel: string): Promise<string | Refused | undefined> {
  const { tree, problem } = await inspectChartArchive(archive);
  if (problem) return { refused: `is not read: the chart archive is unsafe (${problem.path ? `"${problem.path}" ` : ''}${problem.problem})` };
  const top = [...tree.keys()][0]?.split('/')[0];
  if (top === undefined) return undefined;
  const to = resolveInArchive(tree, [top], rel.split(sep).join('/'));
  if (!('path' in to) || to.path[0] !== top) return OUTSIDE;
  const name = to.path.join('/');
  if (tree.get(name)?.type !== TarType.File) return undefined;
  const stream = gunzipped(archive);
  try {
    for await (const entry of tarEntries(stream, { keep: (e) => named(e.name, name), maxKeep: CHART_LIMITS.maxBytes })) {
      if (named(entry.name, name)) return (entry.data ?? Buffer.alloc(0)).toString('utf8');
    }
    return undefined;
  } finally {
    await stream.return(undefined);
  }
}

// The file `rel` of a chart directory, through links that stay inside it; OUTSIDE when one leads out.
async function readFromDirectory(dir: string, rel: string): Promise<string | Refused | undefined> {
  const real = await resolveInside(dir, rel);
  if (real === 'outside') return OUTSIDE;
  if (real === undefined) return undefined;
  try {
    return await readFile(real, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EISDIR') return undefined;
    throw err;
  }
}

// Reads valuesFrom.chartFileRef's file from a chart directory or archive; undefined when it is not there. The
// path, and every link on the way, must stay inside the chart; otherwise it stalls (ValuesInvalid), naming
// `field` when given (composeValues names the valuesFrom entry otherwise).
export async function readChartFile(chart: string, path: string, field?: string): Promise<string | undefined> {
  const rel = safeChartPath(path, field);
  const found = (await stat(chart)).isDirectory() ? await readFromDirectory(chart, rel) : await readFromArchive(chart, rel);
  if (typeof found === 'object') throw new StallingError('ValuesInvalid', `"${path}" ${found.refused}`, field ? { field } : {});
  return found;
}
