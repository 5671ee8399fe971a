import { stringify } from 'yaml';
import { asRecord } from '../records.ts';
import { readYamlDocuments } from '../yaml/read-yaml.ts';
import { strategicMerge } from './strategic-merge.ts';

// Which object a patch (or a generated object) is about: kind, namespace (the default one when it names none)
// and name, as fluxd matched patches to generated objects.
export interface PatchTarget { apiVersion?: string; kind: string; namespace?: string | undefined; name: string }

const keyOf = (t: { kind: string; namespace?: string | undefined; name: string }, defaultNamespace: string): string =>
  `${t.namespace || defaultNamespace}:${t.kind}/${t.name}`;

function targetOf(value: unknown): PatchTarget | undefined {
  const object = asRecord(value);
  const metadata = asRecord(object?.metadata);
  if (typeof object?.kind !== 'string' || typeof metadata?.name !== 'string') return undefined;
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
  return { kind: object.kind, name: metadata.name, namespace };
}

// The documents of a patch file (empty for none); throws a YamlError for bad YAML, and an Error naming the
// document for one that names no kind or name.
export function readPatches(text: string): Array<Record<string, unknown>> {
  const docs = readYamlDocuments(text, { uniqueKeys: true }).map((d) => d.value).filter((v) => v !== null && v !== undefined);
  return docs.map((doc, i) => {
    const record = asRecord(doc);
    if (!record || !targetOf(record)) throw new Error(`document ${i + 1} is not a patch naming a kind and metadata.name`);
    return record;
  });
}

// The generated YAML stream with each patch merged into the object it names (strategicMerge); a patch that names
// no generated object is left out (fluxd kept stale patches too: fluxcd/flux#2428). Without patches the stream is
// returned as it is; with patches every document is written back (as YAML, in the same order).
export function applyPatches(generated: string, patches: ReadonlyArray<Record<string, unknown>>, defaultNamespace: string): string {
  if (patches.length === 0) return generated;
  const byKey = new Map<string, Record<string, unknown>>();
  for (const p of patches) {
    const t = targetOf(p);
    if (t) byKey.set(keyOf(t, defaultNamespace), p);
  }
  const docs = readYamlDocuments(generated, { uniqueKeys: true }).map((d) => d.value).filter((v) => v !== null && v !== undefined);
  return docs.map((doc) => {
    const t = targetOf(doc);
    const patch = t ? byKey.get(keyOf(t, defaultNamespace)) : undefined;
    return stringify(patch ? strategicMerge(doc, patch) : doc);
  }).join('---\n');
}

// The patch file's text with `edit` applied to the patch for `target` (created, with apiVersion, kind and
// metadata, when there is none yet). Other patches are kept as they were read.
export function editPatch(text: string, target: PatchTarget, defaultNamespace: string, edit: (patch: Record<string, unknown>) => void): string {
  const patches = readPatches(text);
  const key = keyOf(target, defaultNamespace);
  let patch = patches.find((p) => {
    const t = targetOf(p);
    return t !== undefined && keyOf(t, defaultNamespace) === key;
  });
  if (!patch) {
    patch = { apiVersion: target.apiVersion, kind: target.kind, metadata: { name: target.name, ...(target.namespace ? { namespace: target.namespace } : {}) } };
    patches.push(patch);
  }
  edit(patch);
  return patches.map((p) => stringify(p)).join('---\n');
}

// Sets `image` on container `container` in a patch, under the pod spec at `podSpec` (e.g. spec.template.spec).
export function setPatchImage(patch: Record<string, unknown>, podSpec: readonly string[], container: string, image: string): void {
  let at = patch;
  for (const key of podSpec) {
    const next = asRecord(at[key]) ?? {};
    at[key] = next;
    at = next;
  }
  const containers = Array.isArray(at.containers) ? at.containers : [];
  at.containers = containers;
  const item = containers.map(asRecord).find((c) => c?.name === container);
  if (item) item.image = image;
  else containers.push({ name: container, image });
}

// Sets (or, with undefined, removes: a null in the patch) annotation `key` in a patch.
export function setPatchAnnotation(patch: Record<string, unknown>, key: string, value: string | undefined): void {
  const metadata = asRecord(patch.metadata) ?? {};
  patch.metadata = metadata;
  const annotations = asRecord(metadata.annotations) ?? {};
  metadata.annotations = annotations;
  annotations[key] = value ?? null;
}
