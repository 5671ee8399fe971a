import { createHash } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { redact } from '../../redact.ts';
import { unifiedDiff } from '../unified-diff.ts';

// Fields the API server writes, which an upgrade does not change: left out of both sides of a diff.
const SERVER_METADATA = ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp', 'selfLink'] as const;

const masked = (v: unknown) => `(sha256:${createHash('sha256').update(String(v)).digest('hex').slice(0, 12)})`;

// An object as a diff shows it: without server metadata and status, a Secret's values replaced by a short hash
// (as kubectl diff masks them: a change shows, the value does not), as YAML.
export function diffText(obj: KubernetesObject | undefined, secrets: readonly string[]): string {
  if (!obj) return '';
  const o = structuredClone(obj) as KubernetesObject & Record<string, unknown>;
  const meta = (o.metadata ?? {}) as Record<string, unknown>;
  for (const key of SERVER_METADATA) delete meta[key];
  delete o.status;
  if (o.kind === 'Secret' && o.apiVersion === 'v1') {
    for (const field of ['data', 'stringData']) {
      const data = o[field] as Record<string, unknown> | undefined;
      if (data) o[field] = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, masked(v)]));
    }
  }
  return redact(stringify(o, { sortMapEntries: true }), secrets);
}

// The name of an object in a diff header: `apps/v1 Deployment ns/web`.
export function objectName(o: KubernetesObject): string {
  const ns = o.metadata?.namespace ? `${o.metadata.namespace}/` : '';
  return `${o.apiVersion} ${o.kind} ${ns}${o.metadata?.name}`;
}

// The unified diff of one object from live to what the upgrade makes of it ('' when equal).
export function objectDiff(live: KubernetesObject | undefined, next: KubernetesObject | undefined, secrets: readonly string[]): string {
  const named = next ?? live;
  if (!named) return '';
  const name = objectName(named);
  return unifiedDiff({ name: live ? `live: ${name}` : '/dev/null', text: diffText(live, secrets) }, { name: next ? `upgrade: ${name}` : '/dev/null', text: diffText(next, secrets) });
}
