// One live workload as fluxd's `GET /v6/services` answered it (flux pkg/daemon/daemon.go ListServicesWithOptions).
import { CHECKSUM_ANNOTATION } from '../sync/checksum.ts';
import { metadataStrings } from '../manifests/manifest.ts';
import { asRecord } from '../records.ts';
import { policyOf } from '../image/workload/policy.ts';
import { workloadOf } from '../image/workload/workload.ts';
import { type ControllerStatus, ReadOnlyReason } from './flux-types.ts';
import { rolloutOf } from './rollout.ts';

// fluxd's annotation naming the HelmRelease an object was installed by (`namespace:helmrelease/name`).
export const ANTECEDENT_ANNOTATION = 'helm.fluxcd.io/antecedent';

const POLICY_PREFIXES = [['fluxcd.io/', ''], ['flux.weave.works/', ''], ['filter.fluxcd.io/', 'tag.']] as const;
// the fluxcd.io/ annotation Capstan (and fluxd) stamp on synced objects, which is no policy
const NOT_POLICIES: ReadonlySet<string> = new Set([CHECKSUM_ANNOTATION]);

// A workload's policies as fluxd's policy.Set.ToStringMap: `automated`/`locked`/`ignore` as "true", others
// (`tag.<container>`, `locked_msg`, ...) with their values; `filter.fluxcd.io/<c>` read as `tag.<c>`.
export function policiesOf(annotations: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  // the legacy prefixes first, so `fluxcd.io/` wins when a policy is written twice
  for (const [prefix, as] of [...POLICY_PREFIXES].reverse()) {
    for (const [key, value] of Object.entries(annotations)) {
      if (key.startsWith(prefix) && key.length > prefix.length && !NOT_POLICIES.has(key)) out[`${as}${key.slice(prefix.length)}`] = value;
    }
  }
  return out;
}

// What the caller knows of the workload's source: the message of its last failed apply, and whether the source is
// read-only (--git-readonly: nothing can be changed through Git).
export interface StatusContext { syncError?: string | undefined; readOnly?: boolean }

// The ControllerStatus of one live object of a workload kind, or undefined for any other object. Containers and
// their current images, rollout and labels come from the live object; policies from its annotations, which are
// the ones Git gave it.
export function controllerStatus(live: Record<string, unknown>, ctx: StatusContext = {}): ControllerStatus | undefined {
  const meta = asRecord(live.metadata) ?? {};
  const apiVersion = typeof live.apiVersion === 'string' ? live.apiVersion : '';
  const kind = typeof live.kind === 'string' ? live.kind : '';
  const name = typeof meta.name === 'string' ? meta.name : '';
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : undefined;
  const workload = workloadOf({ apiVersion, kind, name, ...(namespace !== undefined && { namespace }), body: live, source: { file: '', line: 0 } });
  if (!workload || !name) return undefined;
  const annotations = metadataStrings(live, 'annotations');
  const labels = metadataStrings(live, 'labels');
  const policy = policyOf(annotations);
  const { status, rollout } = rolloutOf(live);
  return {
    ID: workload.id,
    Containers: workload.containers.length ? workload.containers.map((c) => ({ Name: c.name, Current: { ID: c.image } })) : null,
    ReadOnly: ctx.readOnly ? ReadOnlyReason.readOnlyMode : ReadOnlyReason.ok,
    Status: status,
    Rollout: rollout,
    SyncError: ctx.syncError ?? '',
    Antecedent: annotations[ANTECEDENT_ANNOTATION] ?? '',
    Labels: Object.keys(labels).length ? labels : null,
    Automated: policy.automated,
    Locked: policy.locked,
    Ignore: policy.ignore,
    Policies: policiesOf(annotations),
  };
}
