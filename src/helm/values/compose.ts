import type { HelmRelease, ValuesFromSource } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../errors/stalling-error.ts';
import { WaitingError } from '../../errors/waiting-error.ts';
import { readYaml } from '../../yaml/read-yaml.ts';
import { YamlError, YamlProblem } from '../../yaml/yaml-error.ts';
import { deepMerge, isMap } from './deep-merge.ts';
import { assertValuesSize, MAX_VALUES_BYTES } from './values-size.ts';

// Where valuesFrom entries are read from; the worker hands in the real ones (Kubernetes API, HTTP, chart dir).
export interface ValuesSources {
  configMapKey(namespace: string, name: string, key: string): Promise<string | undefined>;
  secretKey(namespace: string, name: string, key: string): Promise<string | undefined>;
  external(url: string): Promise<string | undefined>; // undefined: 404/410, the one answer an optional entry skips
  chartFile(path: string): Promise<string | undefined>;
}

// The values of one release and the strings that must never be shown (Secret contents), for redaction.
export interface ComposedValues { values: Record<string, unknown>; secrets: string[] }

interface Entry { field: string; optional: boolean; read: () => Promise<string | undefined>; secret: boolean; what: string }

function entries(hr: HelmRelease, sources: ValuesSources): Entry[] {
  const ns = hr.metadata.namespace;
  // valueFileSecrets (deprecated) come first, as secretKeyRefs with the default key.
  const from: ValuesFromSource[] = [
    ...(hr.spec.valueFileSecrets ?? []).map((s) => ({ secretKeyRef: { name: s.name } })),
    ...(hr.spec.valuesFrom ?? []),
  ];
  const offset = hr.spec.valueFileSecrets?.length ?? 0;
  return from.map((src, i): Entry => {
    const field = i < offset ? `spec.valueFileSecrets[${i}]` : `spec.valuesFrom[${i - offset}]`;
    if (src.configMapKeyRef) {
      const r = src.configMapKeyRef; const key = r.key ?? 'values.yaml';
      return { field: `${field}.configMapKeyRef`, optional: r.optional === true, secret: false, what: `ConfigMap ${r.namespace || ns}/${r.name} key ${key}`,
        read: () => sources.configMapKey(r.namespace || ns, r.name, key) };
    }
    if (src.secretKeyRef) {
      const r = src.secretKeyRef; const key = r.key ?? 'values.yaml';
      return { field: `${field}.secretKeyRef`, optional: r.optional === true, secret: true, what: `Secret ${r.namespace || ns}/${r.name} key ${key}`,
        read: () => sources.secretKey(r.namespace || ns, r.name, key) };
    }
    if (src.externalSourceRef) {
      const r = src.externalSourceRef;
      return { field: `${field}.externalSourceRef.url`, optional: r.optional === true, secret: false, what: `external source`,
        read: () => sources.external(r.url) };
    }
    if (src.chartFileRef) {
      const r = src.chartFileRef;
      return { field: `${field}.chartFileRef.path`, optional: r.optional === true, secret: false, what: `chart file ${r.path}`,
        read: () => sources.chartFile(r.path) };
    }
    return { field, optional: false, secret: false, what: 'an empty source', read: async () => {
      throw new StallingError('ValuesInvalid', 'names no source: set configMapKeyRef, secretKeyRef, externalSourceRef or chartFileRef');
    } };
  });
}

// One source's values, read as helm reads a values file; a bomb or a text too large stalls naming the source
// (a Secret's YAML errors are not quoted, they may quote its content).
function parse(text: string, entry: Entry): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = readYaml(text, { maxExpandedBytes: MAX_VALUES_BYTES });
  } catch (err) {
    if (!(err instanceof YamlError)) throw err;
    const shown = !entry.secret || err.problem === YamlProblem.Limit ? err.message : 'not valid YAML';
    throw new StallingError('ValuesInvalid', `${entry.what}: ${shown}`, { cause: entry.secret ? undefined : err });
  }
  if (doc === undefined || doc === null) return {};
  if (!isMap(doc)) throw new Error(`${entry.what} is not a YAML map`);
  return doc;
}

// Reads one entry. What a person must fix stalls naming the field; anything else (an API server or network
// hiccup) waits and retries, for a required entry and an optional one alike: skipping an optional entry on a
// hiccup would change the values and so upgrade the release.
async function readEntry(entry: Entry): Promise<string | undefined> {
  try {
    return await entry.read();
  } catch (err) {
    if (err instanceof StallingError) throw err.field ? err : new StallingError(err.reason, err.message, { field: entry.field, cause: err });
    if ((err as Error).name === 'WaitingError') throw err;
    const why = (err as Error).message.split('\n')[0];
    throw new WaitingError('ValuesUnavailable', `${entry.field}: cannot read ${entry.what}: ${why}`, VALUES_RETRY_MS, { cause: err });
  }
}

// How long a release waits after a values source could not be read for a reason that may pass.
const VALUES_RETRY_MS = 10_000;

// Composes values exactly as the Helm Operator did: each valuesFrom entry in order, deep-merged, then spec.values
// on top. Only a source that is not there (object or key missing, HTTP 404) is skipped when optional; one that
// cannot be read now is waited for (readEntry), one that is there but invalid stalls the release with the field
// named, optional or not. Errors of a Secret entry never quote its content.
export async function composeValues(hr: HelmRelease, sources: ValuesSources): Promise<ComposedValues> {
  let values: Record<string, unknown> = {};
  const secrets: string[] = [];
  for (const entry of entries(hr, sources)) {
    const text = await readEntry(entry);
    if (text === undefined) {
      if (entry.optional) continue;
      throw new StallingError('ValuesInvalid', `${entry.what} not found`, { field: entry.field });
    }
    let parsed: Record<string, unknown>;
    try {
      parsed = parse(text, entry);
    } catch (err) {
      if (err instanceof StallingError && err.field) throw err;
      if (err instanceof StallingError) throw new StallingError(err.reason, err.message, { field: entry.field, cause: err });
      if ((err as Error).name === 'WaitingError') throw err;
      const message = entry.secret ? `${entry.what}: cannot be read or is not valid YAML` : (err as Error).message.split('\n')[0];
      throw new StallingError('ValuesInvalid', message ?? 'invalid', { field: entry.field, cause: entry.secret ? undefined : err });
    }
    if (entry.secret) secrets.push(...secretStrings(parsed));
    values = deepMerge(values, parsed);
    assertValuesSize(values, entry.field);
  }
  if (hr.spec.values !== undefined) {
    if (!isMap(hr.spec.values)) throw new StallingError('ValuesInvalid', 'must be a map', { field: 'spec.values' });
    values = deepMerge(values, hr.spec.values);
    assertValuesSize(values, 'spec.values');
  }
  return { values, secrets };
}

// Every scalar in a values tree from a Secret, long enough to be worth redacting from helm's output.
function secretStrings(tree: unknown): string[] {
  if (isMap(tree)) return Object.values(tree).flatMap(secretStrings);
  if (Array.isArray(tree)) return tree.flatMap(secretStrings);
  const s = tree === null || tree === undefined ? '' : String(tree);
  return s.length >= 4 ? [s] : [];
}
