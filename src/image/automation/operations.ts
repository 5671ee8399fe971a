import { commitAndPush, type PushResult, type WriteTarget } from '../../git/working-clone.ts';
import type { GitOptions } from '../../git/run-git.ts';
import { loadManifests } from '../../manifests/load-manifests.ts';
import { id, metadataStrings, type Manifest } from '../../manifests/manifest.ts';
import { readManifestFiles } from '../../manifests/read-files.ts';
import { setAnnotation } from '../edit/set-annotation.ts';
import { setContainerImage } from '../edit/set-image.ts';
import { InvalidImageRef, parseImageRef, repositoryName } from '../image-ref.ts';
import { parseTagPattern } from '../policy/tag-pattern.ts';
import { policyKey, policyOf } from '../workload/policy.ts';
import { workloadOf } from '../workload/workload.ts';
import { rewriteFile } from './rewrite-file.ts';

// The manual operations fluxctl offered (release, automate, deautomate, lock, unlock, policy --tag), each made as
// one commit with fluxd's message through the same write-back as automation. The API and CLI expose them.

// Where the operations read and write: the Git source, as the daemon syncs it.
export interface OperationTarget { write: WriteTarget; git: GitOptions; paths: readonly string[]; defaultNamespace: string }

// One policy change on a workload (`ns:kind/name`).
export type PolicyChange =
  | { workload: string; automate: boolean }
  | { workload: string; lock: boolean; user?: string; message?: string }
  | { workload: string; container: string; tagFilter: string | undefined }; // undefined or `*` removes the filter

// What happened to each workload an operation named: fluxd's result statuses and reasons.
export interface WorkloadResult { workload: string; status: 'success' | 'skipped' | 'failed'; reason?: string }

export interface OperationResult extends PushResult { results: WorkloadResult[] }

export class InvalidOperation extends Error {
  override name = 'InvalidOperation';
}

// Applies policy changes (automate/deautomate, lock/unlock, tag filters) as one commit. fluxd's messages: the
// cause's message when given, else `Automated: ns:kind/name` (`Deautomated`, `Locked`, `Unlocked`, `Updated
// policies`) for one change, `Updated workload policies` with one line per change for several.
export async function updatePolicies(target: OperationTarget, changes: readonly PolicyChange[], cause: { message?: string } = {}): Promise<OperationResult> {
  for (const c of changes) {
    if ('tagFilter' in c && c.tagFilter !== undefined && c.tagFilter !== '*') {
      try {
        parseTagPattern(c.tagFilter);
      } catch (err) {
        throw new InvalidOperation(`${c.workload}: tag filter for container ${c.container}: ${(err as Error).message}`);
      }
    }
  }
  let results: WorkloadResult[] = [];
  const pushed = await commitAndPush(target.write, async (root) => {
    results = [];
    const events: string[] = [];
    const manifests = await load(root, target);
    for (const change of changes) {
      const m = manifests.get(change.workload);
      if (!m) {
        results.push({ workload: change.workload, status: 'failed', reason: 'not found in repository' });
        continue;
      }
      const annotations = metadataStrings(m.body, 'annotations');
      const edits: Array<[string, string | undefined]> = [];
      let event = 'Updated policies';
      if ('automate' in change) {
        edits.push([policyKey(annotations, 'automated'), change.automate ? 'true' : undefined]);
        event = change.automate ? 'Automated' : 'Deautomated';
      } else if ('lock' in change) {
        edits.push([policyKey(annotations, 'locked'), change.lock ? 'true' : undefined]);
        edits.push([policyKey(annotations, 'locked_user'), change.lock ? change.user : undefined]);
        edits.push([policyKey(annotations, 'locked_msg'), change.lock ? change.message : undefined]);
        event = change.lock ? 'Locked' : 'Unlocked';
      } else {
        const filter = change.tagFilter === '*' ? undefined : change.tagFilter;
        edits.push([policyKey(annotations, `tag.${change.container}`), filter]);
      }
      const changed = await rewriteFile(root, m.source.file, (text) => edits.reduce((t, [key, value]) =>
        (value === undefined && annotations[key] === undefined ? t : setAnnotation(t, m.source.file, target_(m), key, value, { defaultNamespace: target.defaultNamespace })), text));
      results.push(changed.error ? { workload: change.workload, status: 'failed', reason: changed.error }
        : { workload: change.workload, status: changed.changed ? 'success' : 'skipped', ...(changed.changed ? {} : { reason: 'no change' }) });
      if (changed.changed) events.push(`${event}: ${change.workload}`);
    }
    if (events.length === 0) return undefined;
    if (cause.message) return `${cause.message}\n\n${events.map((e) => `- ${e}`).join('\n')}\n`;
    return events.length === 1 ? `${events[0]}\n` : `Updated workload policies\n\n${events.map((e) => `- ${e}`).join('\n')}\n`;
  }, target.git);
  return { ...pushed, results };
}

// What to release (fluxctl release --workload/--all --update-image): the workloads (`ns:kind/name`, or 'all'),
// the image `repository:tag` to set on every container running that repository, and `force` to override locks.
export interface ReleaseSpec { workloads: readonly string[] | 'all'; image: string; force?: boolean; excludes?: readonly string[]; message?: string }

// Releases one image to workloads as one commit: `Release <image> to <ns:kind/name>, ...` (or the given message).
// A locked workload is skipped (`locked`) unless forced; tag filters do not apply to an explicit image, as in fluxd.
export async function releaseImage(target: OperationTarget, spec: ReleaseSpec): Promise<OperationResult> {
  let wanted: ReturnType<typeof parseImageRef>;
  try {
    wanted = parseImageRef(spec.image);
  } catch (err) {
    if (err instanceof InvalidImageRef) throw new InvalidOperation(`image: ${err.message}`);
    throw err;
  }
  if (!wanted.tag) throw new InvalidOperation(`image: "${spec.image}" names no tag`);
  const repository = repositoryName(wanted);
  let results: WorkloadResult[] = [];
  const pushed = await commitAndPush(target.write, async (root) => {
    results = [];
    const manifests = await load(root, target);
    const excluded = new Set(spec.excludes ?? []);
    const ids = spec.workloads === 'all' ? [...manifests.keys()].filter((k) => workloadOf(manifests.get(k) as Manifest)) : spec.workloads;
    const released: string[] = [];
    for (const wid of ids) {
      const m = manifests.get(wid);
      const w = m && workloadOf(m);
      if (excluded.has(wid)) results.push({ workload: wid, status: 'skipped', reason: 'excluded' });
      else if (!m || !w) results.push({ workload: wid, status: 'failed', reason: 'not found in repository' });
      else if (policyOf(w.annotations).locked && !spec.force) results.push({ workload: wid, status: 'skipped', reason: 'locked' });
      else {
        const containers = w.containers.filter((c) => {
          try {
            return repositoryName(parseImageRef(c.image)) === repository;
          } catch {
            return false;
          }
        });
        const outdated = containers.filter((c) => c.image !== spec.image);
        if (containers.length === 0) results.push({ workload: wid, status: 'skipped', reason: 'does not use image(s)' });
        else if (outdated.length === 0) results.push({ workload: wid, status: 'skipped', reason: 'image(s) up to date' });
        else {
          const changed = await rewriteFile(root, m.source.file, (text) => outdated.reduce((t, c) =>
            setContainerImage(t, m.source.file, target_(m), c.name, spec.image, { defaultNamespace: target.defaultNamespace }), text));
          results.push(changed.error ? { workload: wid, status: 'failed', reason: changed.error } : { workload: wid, status: 'success' });
          if (changed.changed) released.push(wid);
        }
      }
    }
    if (released.length === 0) return undefined;
    return `${spec.message ?? `Release ${spec.image} to ${spec.workloads === 'all' ? '<all>' : released.join(', ')}`}\n`;
  }, target.git);
  return { ...pushed, results };
}

const target_ = (m: Manifest) => ({ kind: m.kind, name: m.name, ...(m.namespace ? { namespace: m.namespace } : {}) });

// The objects at the checked-out head, by fluxd id.
async function load(root: string, target: OperationTarget): Promise<Map<string, Manifest>> {
  const read = await readManifestFiles(root, target.paths);
  const loaded = loadManifests(read.files, { defaultNamespace: target.defaultNamespace });
  return new Map(loaded.manifests.map((m) => [id(m), m]));
}
