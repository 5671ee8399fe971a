// A workload's fluxd policies, read from its annotations (flux:pkg/cluster/kubernetes/resource/resource.go).

// The prefix Capstan writes new policy annotations under.
export const POLICY_PREFIX = 'fluxcd.io/';
// The prefix of older manifests, still read and kept when rewriting.
export const LEGACY_POLICY_PREFIX = 'flux.weave.works/';
// `filter.fluxcd.io/<container>`: the same as `fluxcd.io/tag.<container>`.
export const FILTER_PREFIX = 'filter.fluxcd.io/';

// What image automation honours on a workload.
export interface WorkloadPolicy {
  automated: boolean;
  locked: boolean;
  // `ignore: "true"` only; `sync_only` still lets images be updated.
  ignore: boolean;
  // container -> raw filter value (`semver:~1.2`, `glob:master-*`, ...); absent means every tag (`*`, `glob:*`).
  filters: Record<string, string>;
}

// The keys a policy may be written under, in the order fluxd looked for them.
function candidateKeys(policy: string): string[] {
  const keys = [`${POLICY_PREFIX}${policy}`, `${LEGACY_POLICY_PREFIX}${policy}`];
  if (policy.startsWith('tag.')) keys.push(`${FILTER_PREFIX}${policy.slice('tag.'.length)}`);
  return keys;
}

// The annotation key to write a policy (`automated`, `locked`, `tag.<container>`, ...) under: the key already
// holding it, so its prefix is kept; a new one under `fluxcd.io/`.
export function policyKey(annotations: Record<string, string>, policy: string): string {
  return candidateKeys(policy).find((key) => Object.hasOwn(annotations, key)) ?? `${POLICY_PREFIX}${policy}`;
}

// The policies of a workload. The boolean ones hold only for the string "true"; when a policy is written under
// more than one prefix, `fluxcd.io/` wins over `flux.weave.works/`, which wins over `filter.fluxcd.io/`.
export function policyOf(annotations: Record<string, string>): WorkloadPolicy {
  const value = (policy: string): string | undefined => annotations[policyKey(annotations, policy)];
  const filters: Record<string, string> = {};
  for (const container of filteredContainers(annotations)) {
    const filter = value(`tag.${container}`);
    if (filter !== undefined && filter !== '*' && filter !== 'glob:*') filters[container] = filter;
  }
  return { automated: value('automated') === 'true', locked: value('locked') === 'true', ignore: value('ignore') === 'true', filters };
}

// Every container some tag-filter annotation names, under any prefix.
function filteredContainers(annotations: Record<string, string>): Set<string> {
  const containers = new Set<string>();
  for (const key of Object.keys(annotations)) {
    for (const prefix of [`${POLICY_PREFIX}tag.`, `${LEGACY_POLICY_PREFIX}tag.`, FILTER_PREFIX]) {
      if (key.startsWith(prefix) && key.length > prefix.length) containers.add(key.slice(prefix.length));
    }
  }
  return containers;
}
