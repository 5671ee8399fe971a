import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { execa } from 'execa';
import { StallingError } from '../../errors/stalling-error.ts';

// A path inside the chart, refused when it is absolute or climbs out with `..`.
export function safeChartPath(path: string, field: string): string {
  const n = normalize(path);
  if (!path || isAbsolute(path) || n === '..' || n.startsWith(`..${sep}`)) {
    throw new StallingError('ValuesInvalid', `"${path}" must be a relative path inside the chart`, { field });
  }
  return n;
}

// The chart's root directory: the directory itself, or an archive unpacked once beside it (`<archive>.d`).
async function chartRoot(chart: string): Promise<string> {
  if ((await stat(chart)).isDirectory()) return chart;
  const dir = `${chart}.d`;
  const exists = await stat(dir).then(() => true, () => false);
  if (!exists) {
    const tmp = `${dir}.${process.pid}.${Date.now()}`;
    await mkdir(tmp, { recursive: true });
    await execa('tar', ['-xzf', chart, '-C', tmp], { timeout: 60_000 });
    await rename(tmp, dir).catch(async () => rm(tmp, { recursive: true, force: true }));
  }
  const [top] = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory());
  return top ? join(dir, top.name) : dir;
}

// Reads valuesFrom.chartFileRef's file from a chart directory or archive; undefined when it is not there.
export async function readChartFile(chart: string, path: string, field: string): Promise<string | undefined> {
  const rel = safeChartPath(path, field);
  try {
    return await readFile(join(await chartRoot(chart), rel), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
