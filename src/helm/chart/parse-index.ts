import { Phase } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../errors/stalling-error.ts';
import { readYaml } from '../../yaml/read-yaml.ts';
import { YamlError, YamlProblem } from '../../yaml/yaml-error.ts';

// One chart version as a repository index lists it (only the fields Capstan reads).
export interface ChartVersion {
  name: string;
  version: string;
  // Where the tarball is: absolute, or relative to the repository URL. Never empty.
  urls: string[];
  // sha256 hex of the tarball, when the index gives it.
  digest?: string;
  created?: string;
}

// A Helm repository's index.yaml: chart name → its versions, in the order the index lists them.
export interface RepositoryIndex {
  apiVersion: 'v1';
  entries: ReadonlyMap<string, readonly ChartVersion[]>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// A listed version Capstan can use, or undefined for one Helm too would skip (no version, no URL).
function toChartVersion(name: string, raw: unknown): ChartVersion | undefined {
  if (!isRecord(raw) || typeof raw.version !== 'string' || raw.version === '') return undefined;
  const urls = Array.isArray(raw.urls) ? raw.urls.filter((u): u is string => typeof u === 'string' && u !== '') : [];
  if (urls.length === 0) return undefined;
  const entry: ChartVersion = { name, version: raw.version, urls };
  if (typeof raw.digest === 'string' && raw.digest !== '') entry.digest = raw.digest;
  if (typeof raw.created === 'string') entry.created = raw.created;
  return entry;
}

// Parses index.yaml text; `source` names it in messages (pass it redacted). A document that is not an index
// (bad YAML, apiVersion other than v1, no `entries` mapping) stalls on spec.chart.repository; single malformed
// versions are skipped, as Helm skips them.
export function parseRepositoryIndex(text: string, source: string): RepositoryIndex {
  const invalid = (why: string): StallingError => new StallingError(Phase.ChartFetchFailed,
    `${source} is not a Helm repository index: ${why}`, { field: 'spec.chart.repository' });
  let doc: unknown;
  try {
    doc = readYaml(text); // as helm reads an index, within the default limits (an alias bomb is refused)
  } catch (error) {
    if (error instanceof YamlError && error.problem === YamlProblem.Limit) {
      throw new StallingError(Phase.ChartFetchFailed, `the index ${source}: ${error.message}`, { field: 'spec.chart.repository' });
    }
    throw invalid(`invalid YAML (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isRecord(doc)) throw invalid('not a YAML mapping');
  if (doc.apiVersion !== 'v1') throw invalid(`apiVersion is ${JSON.stringify(doc.apiVersion) ?? 'missing'}, not "v1"`);
  if (!isRecord(doc.entries)) throw invalid('no `entries` mapping');
  const entries = new Map<string, ChartVersion[]>();
  for (const [name, versions] of Object.entries(doc.entries)) {
    if (!Array.isArray(versions)) continue;
    const usable = versions.map((v) => toChartVersion(name, v)).filter((v) => v !== undefined);
    if (usable.length > 0) entries.set(name, usable);
  }
  return { apiVersion: 'v1', entries };
}
