// fluxd's ignore policy, read from annotations in Git and on the live object.

// What `fluxcd.io/ignore` asks: nothing, never touch (no apply, no garbage collection), or apply but never delete.
export const IgnorePolicy = { none: 'none', ignore: 'ignore', syncOnly: 'sync_only' } as const;
export type IgnorePolicy = (typeof IgnorePolicy)[keyof typeof IgnorePolicy];

// The keys read, current prefix first; fluxd read the legacy `flux.weave.works/` prefix too.
export const IGNORE_ANNOTATIONS = ['fluxcd.io/ignore', 'flux.weave.works/ignore'] as const;

const STRICTNESS: Record<IgnorePolicy, number> = { none: 0, sync_only: 1, ignore: 2 };

// The policy the annotations ask for: `"true"` → ignore, `"sync_only"` → sync_only, anything else → none.
// Given several annotation sets (Git's and the live object's) or both prefixes, the strictest one wins, so a
// keep-this-object request anywhere is honoured. An unquoted YAML `true` counts as "true".
export function ignorePolicy(...annotationSets: ReadonlyArray<Readonly<Record<string, unknown>> | undefined>): IgnorePolicy {
  let policy: IgnorePolicy = IgnorePolicy.none;
  for (const annotations of annotationSets) {
    for (const key of IGNORE_ANNOTATIONS) {
      const found = policyOfValue(annotations?.[key]);
      if (STRICTNESS[found] > STRICTNESS[policy]) policy = found;
    }
  }
  return policy;
}

// Whether the sync applies an object with this policy.
export function applied(policy: IgnorePolicy): boolean {
  return policy !== IgnorePolicy.ignore;
}

// Whether garbage collection may delete an object with this policy.
export function collectable(policy: IgnorePolicy): boolean {
  return policy === IgnorePolicy.none;
}

function policyOfValue(value: unknown): IgnorePolicy {
  if (value === true || value === 'true') return IgnorePolicy.ignore;
  if (value === 'sync_only') return IgnorePolicy.syncOnly;
  return IgnorePolicy.none;
}
