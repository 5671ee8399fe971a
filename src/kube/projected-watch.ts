import * as k8s from '@kubernetes/client-node';

// client-node's Watch whose every object passes through `project` before the informer sees (and caches) it;
// ERROR events (410 Gone and the like) pass as they are, so the informer still relists when it must.
export class ProjectedWatch<T extends k8s.KubernetesObject> extends k8s.Watch {
  readonly #project: (obj: T) => T;
  constructor(kc: k8s.KubeConfig, project: (obj: T) => T) {
    super(kc);
    this.#project = project;
  }
  override watch(
    path: string, query: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, obj: k8s.KubernetesObject, raw?: unknown) => void, done: (err: unknown) => void,
  ): Promise<AbortController> {
    // the raw event would keep the whole object alive wherever the informer passes it on: it is not handed on
    return super.watch(path, query, (phase, obj) => callback(phase, phase === 'ERROR' ? obj : this.#project(obj as T)), done);
  }
}

// The annotation kubectl apply leaves: the whole object as last applied, spec and inline values included.
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

// An object without what no Capstan cache reads: metadata.managedFields (often larger than the spec) and kubectl's
// last-applied-configuration annotation (a second copy of it). Other fields are shared with `obj`, not copied.
export function withoutBookkeeping<T extends k8s.KubernetesObject>(obj: T): T {
  const meta = obj.metadata;
  if (!meta || (meta.managedFields === undefined && meta.annotations?.[LAST_APPLIED] === undefined)) return obj;
  const { managedFields: _managed, annotations, ...rest } = meta;
  const kept = annotations && Object.fromEntries(Object.entries(annotations).filter(([k]) => k !== LAST_APPLIED));
  return { ...obj, metadata: { ...rest, ...(kept && Object.keys(kept).length > 0 ? { annotations: kept } : {}) } };
}
