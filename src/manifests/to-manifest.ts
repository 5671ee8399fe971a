import { asRecord } from '../records.ts';
import { defaultClusterScoped, type LoadError, type LoadOptions, type Manifest } from './manifest.ts';

// Whether a document is a list to flatten: `kind: List`, or a `*List` kind with `items` and no name of its own
// (so a custom resource whose kind merely ends in "List" is not mistaken for one, as fluxd did).
export function isList(value: Record<string, unknown>): boolean {
  const kind = value.kind;
  if (typeof kind !== 'string' || !Array.isArray(value.items)) return kind === 'List';
  return kind === 'List' || (kind.endsWith('List') && asRecord(value.metadata)?.name === undefined);
}

// Checks one object and completes it (default namespace); anything missing is a LoadError naming it.
export function toManifest(value: unknown, source: { file: string; line: number }, opts: LoadOptions): Manifest | LoadError {
  const fail = (message: string): LoadError => ({ file: source.file, line: source.line, message });
  const object = asRecord(value);
  if (!object) return fail('not a Kubernetes object (the document is not a mapping)');
  const metadata = asRecord(object.metadata);
  const { apiVersion, kind } = object;
  const name = metadata?.name;
  if (!nonEmpty(apiVersion) || !nonEmpty(kind) || !nonEmpty(name)) {
    return fail(`not a Kubernetes object: ${fieldProblems({ apiVersion, kind, 'metadata.name': name })}`);
  }
  const given = metadata?.namespace;
  if (given !== undefined && given !== null && typeof given !== 'string') return fail('metadata.namespace is not a string');
  if ((opts.clusterScoped ?? defaultClusterScoped)(kind, apiVersion)) {
    return { apiVersion, kind, name, body: object, source };
  }
  const namespace = given || opts.defaultNamespace;
  const body = { ...object, metadata: { ...metadata, namespace } };
  return { apiVersion, kind, namespace, name, body, source };
}

// Tells a LoadError from a Manifest.
export function isLoadError(value: Manifest | LoadError): value is LoadError {
  return !('body' in value);
}

// "missing apiVersion, kind; metadata.name not a string (quote it)": YAML 1.1 reads `name: yes` as a boolean.
function fieldProblems(fields: Record<string, unknown>): string {
  const absent = (v: unknown): boolean => v === undefined || v === null || v === '';
  const missing = Object.keys(fields).filter((k) => absent(fields[k]));
  const notString = Object.keys(fields).filter((k) => !absent(fields[k]) && typeof fields[k] !== 'string');
  const parts = [missing.length > 0 && `missing ${missing.join(', ')}`, notString.length > 0 && `${notString.join(', ')} not a string (quote it)`];
  return parts.filter(Boolean).join('; ');
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}
