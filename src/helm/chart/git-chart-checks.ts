import { readFile, realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Phase } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../errors/stalling-error.ts';
import { readYaml } from '../../yaml/read-yaml.ts';
import { isWithin } from './chart-limits.ts';
import { findTreeProblem } from './contained-tree.ts';

// What a Git chart exported to disk must satisfy before helm reads it: no symbolic link out of the chart, and
// no `file://` dependency from outside it. Both stall on spec.chart.path, naming the path inside the chart.

const stall = (message: string): StallingError => new StallingError(Phase.ChartFetchFailed, message, { field: 'spec.chart.path' });
const contained = new Set<string>();

// Stalls when the exported chart at `dir` holds a symbolic link that resolves outside it (or loops), a special
// file, or more than the chart limits. A directory that passed is not walked again: it is named by its tree id.
export async function assertContainedChart(dir: string, chartPath: string): Promise<void> {
  if (contained.has(dir)) return;
  const found = await findTreeProblem(dir);
  if (found) throw stall(`"${join(chartPath, found.path)}" ${found.problem}; helm would read it`);
  contained.add(dir);
}

// The dependencies a chart file lists (Chart.yaml, or requirements.yaml, which helm also reads), as written.
async function listedDependencies(dir: string, file: string, chartPath: string): Promise<unknown[]> {
  const text = await readFile(join(dir, file), 'utf8').catch(() => undefined);
  let doc: unknown;
  try {
    doc = text === undefined ? undefined : readYaml(text);
  } catch (err) {
    // what helm would make of a file this reader refuses cannot be checked, so it is not built
    throw stall(`"${join(chartPath, file)}" cannot be read to check its dependencies: ${(err as Error).message}`);
  }
  const deps = typeof doc === 'object' && doc !== null ? (doc as { dependencies?: unknown }).dependencies : undefined;
  return Array.isArray(deps) ? deps : [];
}

// Stalls when a dependency of the chart at `dir` has a `file://` repository that resolves (as helm resolves it:
// absolute, or relative to the chart) outside the chart: `helm dependency build` would package that directory.
export async function assertLocalDependenciesInside(dir: string, chartPath: string): Promise<void> {
  const root = await realpath(dir);
  for (const file of ['Chart.yaml', 'requirements.yaml']) {
    for (const dep of await listedDependencies(dir, file, chartPath)) {
      const repository = typeof dep === 'object' && dep !== null ? (dep as { repository?: unknown }).repository : undefined;
      if (typeof repository !== 'string' || !repository.startsWith('file://')) continue;
      const local = repository.slice('file://'.length);
      const lexical = local.startsWith('/') ? resolve(local) : resolve(root, local);
      const real = await realpath(lexical).catch(() => lexical);
      if (!isWithin(root, real) || !isWithin(root, lexical)) {
        throw stall(`"${join(chartPath, file)}" lists a dependency from "${repository}", outside the chart; helm dependency build would package it`);
      }
    }
  }
}
