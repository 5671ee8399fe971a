import semver from 'semver';
import { Phase } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../errors/stalling-error.ts';
import { newestSatisfying, parseVersionConstraint } from '../../semver-constraint.ts';
import type { ChartVersion, RepositoryIndex } from './parse-index.ts';

// How many versions a "no version matches" message lists, newest first.
const LISTED_VERSIONS = 5;

// The newest versions of a chart, for a message: semver order first, then any that are not semver.
function newestVersions(versions: readonly ChartVersion[]): string[] {
  const all = [...new Set(versions.map((v) => v.version))];
  const valid = all.filter((v) => semver.valid(v) !== null).sort(semver.rcompare);
  return [...valid, ...all.filter((v) => semver.valid(v) === null)].slice(0, LISTED_VERSIONS);
}

// The index entry for chart `name` at `versionSpec`: the entry with exactly that version, else the newest entry
// inside the semver range (Masterminds syntax, as helm: `>=1.0.0, <2.0.0`, `!=1.5.0`, `||`; pre-releases only when the range names one, as semver does). Stalls naming
// spec.chart.name when the chart is not in the index, spec.chart.version when nothing matches or the range is
// not a range.
export function selectChartVersion(index: RepositoryIndex, name: string, versionSpec: string): ChartVersion {
  const versions = index.entries.get(name);
  if (!versions || versions.length === 0) {
    throw new StallingError(Phase.ChartFetchFailed, `chart "${name}" is not in the repository index`, { field: 'spec.chart.name' });
  }
  const spec = versionSpec.trim();
  const exact = versions.find((v) => v.version === spec);
  if (exact) return exact;
  const constraint = parseVersionConstraint(spec);
  if (constraint === undefined) {
    throw new StallingError(Phase.ChartFetchFailed,
      `"${spec}" is neither a version of chart "${name}" nor a semver range`, { field: 'spec.chart.version' });
  }
  const valid = versions.filter((v) => semver.valid(v.version) !== null);
  const best = newestSatisfying(valid.map((v) => v.version), constraint) ?? null;
  const match = best === null ? undefined : valid.find((v) => v.version === best);
  if (!match) {
    throw new StallingError(Phase.ChartFetchFailed,
      `no version of chart "${name}" matches "${spec}"; newest available: ${newestVersions(versions).join(', ')}`,
      { field: 'spec.chart.version' });
  }
  return match;
}
