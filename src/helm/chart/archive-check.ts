import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { Phase } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../errors/stalling-error.ts';
import { type ArchiveTree, entrySegments, linkedParent, linkProblem } from './archive-tree.ts';
import { CHART_LIMITS, type ChartLimits, type ChartProblem, sizeText } from './chart-limits.ts';
import { type TarEntry, TarFormatError, TarType, tarEntries } from './tar-entries.ts';

// What inspecting an archive found: its entries by normalised path, and the first problem, if any.
export interface ArchiveInspection { tree: ArchiveTree; problem?: ChartProblem }

class TooLarge extends Error {}

// The gunzipped bytes of `file`, refused past `max` (default: no limit): the tar stream itself is bounded, not
// only the sizes its headers declare.
export async function* gunzipped(file: string, max = Number.POSITIVE_INFINITY): AsyncGenerator<Buffer> {
  const raw = createReadStream(file);
  const gunzip = createGunzip();
  raw.on('error', (err) => gunzip.destroy(err));
  let total = 0;
  try {
    for await (const chunk of raw.pipe(gunzip) as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > max) throw new TooLarge();
      yield chunk;
    }
  } finally {
    raw.destroy();
    gunzip.destroy();
  }
}

// Why one entry is refused on its own (name, kind, running totals), or undefined.
function entryProblem(entry: TarEntry, segments: string[] | string, tree: ArchiveTree, limits: ChartLimits, seen: { entries: number; bytes: number }): string | undefined {
  if (typeof segments === 'string') return segments;
  if (entry.type === TarType.Other) return `is a tar entry of type "${entry.flag}", which a chart never holds`;
  if (segments.length === 0 && entry.type !== TarType.Directory) return 'has an empty name';
  if (seen.entries > limits.maxEntries) return `makes the chart hold more than ${limits.maxEntries} entries`;
  if (seen.bytes > limits.maxBytes) return `makes the chart larger than ${sizeText(limits.maxBytes)} unpacked`;
  const before = tree.get(segments.join('/'));
  if (before && (before.type !== TarType.Directory || entry.type !== TarType.Directory)) return 'appears twice in the archive';
  return undefined;
}

// Reads the gzip-compressed tar at `file` without unpacking it and finds the first thing helm or an unpacker must
// not see: an absolute or `..` name, a device or other special entry, a symbolic or hard link that leads out of
// its chart (or a loop), an entry placed through a link, more than limits.maxEntries entries or more than
// limits.maxBytes of files. A file that is not a gzip-compressed tar is a problem too (path '').
export async function inspectChartArchive(file: string, limits: ChartLimits = CHART_LIMITS): Promise<ArchiveInspection> {
  const tree: ArchiveTree = new Map();
  const seen = { entries: 0, bytes: 0 };
  const stream = gunzipped(file, limits.maxBytes + limits.maxEntries * 1024);
  try {
    for await (const entry of tarEntries(stream)) {
      const segments = entrySegments(entry.name);
      seen.entries++;
      if (entry.type === TarType.File) seen.bytes += entry.size;
      const problem = entryProblem(entry, segments, tree, limits, seen);
      if (problem) return { tree, problem: { path: entry.name, problem } };
      if (typeof segments !== 'string' && segments.length > 0) tree.set(segments.join('/'), { ...entry, name: segments.join('/') });
    }
  } catch (err) {
    if (err instanceof TooLarge) return { tree, problem: { path: '', problem: `unpacks to more than ${sizeText(limits.maxBytes)}` } };
    if (err instanceof TarFormatError) return { tree, problem: { path: '', problem: `is not a valid tar archive: ${err.message}` } };
    if ((err as { code?: string }).code?.startsWith('Z_')) return { tree, problem: { path: '', problem: `is not a valid gzip file: ${(err as Error).message}` } };
    throw err;
  } finally {
    await stream.return(undefined);
  }
  for (const [name, entry] of tree) {
    const segments = name.split('/');
    const parent = linkedParent(tree, segments);
    const problem = parent ? `lies inside "${parent}", a symbolic link` : linkProblem(tree, segments, entry);
    if (problem) return { tree, problem: { path: name, problem } };
  }
  return { tree };
}

const safeArchives = new Set<string>();

// Stalls (ChartFetchFailed, spec.chart.name) when inspectChartArchive finds a problem in the archive; `from`
// says where it came from. With `remember`, an archive that passed (a content-addressed cache file) is not read
// again in this process.
export async function assertSafeChartArchive(file: string, from: string, opts: { remember?: boolean } = {}): Promise<void> {
  if (safeArchives.has(file)) return;
  const { problem } = await inspectChartArchive(file);
  if (problem) {
    const what = problem.path ? `its entry "${problem.path}" ${problem.problem}` : `it ${problem.problem}`;
    throw new StallingError(Phase.ChartFetchFailed, `refusing the chart archive from ${from}: ${what}`, { field: 'spec.chart.name' });
  }
  if (opts.remember) safeArchives.add(file);
}
