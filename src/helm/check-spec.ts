import { StallingError } from '../errors/stalling-error.ts';

// The shape of a HelmRelease spec as the CRD's schema gives it, plus the ranges Capstan accepts, checked before
// anything runs: a cluster with an older or looser CRD (or none of its validation) can hand the worker any JSON,
// and a negative timeout or a 2,000-character version must stop with the field named, not reach helm.

// Why a value is refused, or undefined when it is fine.
type Check = (value: unknown) => string | undefined;
// A field's check, or the fields of a nested object.
type Shape = Check | { readonly [field: string]: Shape };

// The longest timeout (seconds) of install, upgrade, rollback or test: a day.
export const MAX_TIMEOUT_SECONDS = 86_400;
// The most revisions (maxHistory) or upgrade retries (rollback.maxRetries) asked for; 0 means unlimited.
export const MAX_COUNT = 10_000;

const kindOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a map' : `a ${typeof v}`);
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const string = (max: number): Check => (v) => (typeof v !== 'string' ? `must be a string, not ${kindOf(v)}`
  : v.length > max ? `is ${v.length} characters long; at most ${max} are accepted` : undefined);
const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : `must be true or false, not ${kindOf(v)}`);
const integer = (min: number, max: number, unit: string): Check => (v) => (typeof v !== 'number' || !Number.isSafeInteger(v)
  ? `must be a whole number, not ${typeof v === 'number' ? v : kindOf(v)}`
  : v < min || v > max ? `must be from ${min} to ${max}${unit}, not ${v}` : undefined);
const map: Check = (v) => (isMap(v) ? undefined : `must be a map, not ${kindOf(v)}`);
const listOf = (item: Shape) => ({ list: item }) as const;

const NAME = string(253);
const URL_TEXT = string(2048);
const PATH = string(4096);
const TIMEOUT = integer(1, MAX_TIMEOUT_SECONDS, ' seconds');
const COUNT = integer(0, MAX_COUNT, ' (0 means unlimited)');
const KEY_REF = { name: NAME, namespace: NAME, key: NAME, optional: boolean };

const SPEC = {
  helmVersion: string(16),
  chart: {
    repository: URL_TEXT, name: NAME, version: string(256), chartPullSecret: { name: NAME },
    git: URL_TEXT, ref: string(1024), path: PATH, secretRef: { name: NAME, namespace: NAME }, skipDepUpdate: boolean,
  },
  releaseName: NAME, targetNamespace: NAME, timeout: TIMEOUT, resetValues: boolean, skipCRDs: boolean, wait: boolean,
  forceUpgrade: boolean, maxHistory: COUNT, disableOpenAPIValidation: boolean, suspend: boolean, values: map,
  rollback: { enable: boolean, retry: boolean, maxRetries: COUNT, timeout: TIMEOUT, wait: boolean, disableHooks: boolean, recreate: boolean, force: boolean },
  test: { enable: boolean, ignoreFailures: boolean, timeout: TIMEOUT, cleanup: boolean },
  driftDetection: { mode: string(16) }, // which modes: helm/drift/drift-mode.ts
} as const;
const LISTS: Record<string, ReturnType<typeof listOf>> = {
  valueFileSecrets: listOf({ name: NAME }),
  valuesFrom: listOf({
    configMapKeyRef: KEY_REF, secretKeyRef: KEY_REF, externalSourceRef: { url: URL_TEXT, optional: boolean },
    chartFileRef: { path: PATH, optional: boolean },
  }),
  dependsOn: listOf({ name: NAME, namespace: NAME }),
};

function check(value: unknown, shape: Shape, field: string): { field: string; problem: string } | undefined {
  if (typeof shape === 'function') {
    const problem = shape(value);
    return problem ? { field, problem } : undefined;
  }
  if (!isMap(value)) return { field, problem: `must be a map, not ${kindOf(value)}` };
  for (const [key, inner] of Object.entries(shape)) {
    if (value[key] === undefined || value[key] === null) continue; // null reads as unset, as Go's decoder did
    const found = check(value[key], inner, `${field}.${key}`);
    if (found) return found;
  }
  return undefined;
}

// The first field of `spec` whose type or range is wrong, with why; undefined when every field Capstan reads is
// of its type and in range (unknown fields are kept and ignored, as the CRD keeps them). `chart` is required.
export function specProblem(spec: unknown): { field: string; problem: string } | undefined {
  if (!isMap(spec)) return { field: 'spec', problem: `must be a map, not ${kindOf(spec)}` };
  if (spec.chart === undefined || spec.chart === null) return { field: 'spec.chart', problem: 'is required' };
  const found = check(spec, SPEC, 'spec');
  if (found) return found;
  for (const [key, { list }] of Object.entries(LISTS)) {
    const items = spec[key];
    if (items === undefined || items === null) continue;
    if (!Array.isArray(items)) return { field: `spec.${key}`, problem: `must be a list, not ${kindOf(items)}` };
    for (const [i, item] of items.entries()) {
      const bad = check(item, list, `spec.${key}[${i}]`);
      if (bad) return bad;
    }
  }
  return undefined;
}

// Stalls a release whose spec has a field of the wrong type or out of range, naming the field.
export function assertSpecShape(spec: unknown): void {
  const found = specProblem(spec);
  if (found) throw new StallingError('InvalidSpec', found.problem, { field: found.field });
}
