import { commitAndPush, type PushResult, type WriteTarget } from '../../git/working-clone.ts';
import type { GitOptions } from '../../git/run-git.ts';
import { loadManifests } from '../../manifests/load-manifests.ts';
import { id, metadataStrings, type Manifest } from '../../manifests/manifest.ts';
import { readSourceFiles } from '../../manifests/read-sources.ts';
import { setAnnotation } from '../edit/set-annotation.ts';
import { setContainerImage } from '../edit/set-image.ts';
import { InvalidImageRef, parseImageRef } from '../image-ref.ts';
import { parseTagPattern } from '../policy/tag-pattern.ts';
import { policyKey } from '../workload/policy.ts';
import { workloadOf } from '../workload/workload.ts';
import { chooseRelease, type ContainerUpdate, type LatestTags } from './release-targets.ts';
import { rewriteFile } from './rewrite-file.ts';
import { type GeneratedWrites, generatedPathOf, setGeneratedImages, setGeneratedPolicies } from './update-generated.ts';

// The manual operations fluxctl offered (release, automate, deautomate, lock, unlock, policy --tag), each made as
// one commit with fluxd's message through the same write-back as automation. The API and CLI expose them.

// Where the operations read and write: the Git source, as the daemon syncs it (with --manifest-generation, objects
// a .flux.yaml generates are changed through its patchFile or updaters).
export interface OperationTarget { write: WriteTarget; git: GitOptions; paths: readonly string[]; defaultNamespace: string; manifestGeneration?: boolean | undefined }

// One policy change on a workload (`ns:kind/name`).
export type PolicyChange =
  | { workload: string; automate: boolean }
  | { workload: string; lock: boolean; user?: string; message?: string }
  | { workload: string; container: string; tagFilter: string | undefined } // undefined or `*` removes the filter
  // fluxd's policy update as fluxctl sends it: policies (`automated`, `locked_msg`, `tag.<container>`, ...) to set
  // and to remove
  | { workload: string; add: Readonly<Record<string, string>>; remove: readonly string[] };

// The event a policy edit is reported as, in fluxd's commit messages.
function policyEvents(change: PolicyChange): string[] {
  if ('automate' in change) return [change.automate ? 'Automated' : 'Deautomated'];
  if ('lock' in change) return [change.lock ? 'Locked' : 'Unlocked'];
  if (!('add' in change)) return ['Updated policies'];
  const events = new Set<string>();
  for (const p of Object.keys(change.add)) events.add(p === 'automated' ? 'Automated' : p === 'locked' ? 'Locked' : 'Updated policies');
  for (const p of change.remove) events.add(p === 'automated' ? 'Deautomated' : p === 'locked' ? 'Unlocked' : 'Updated policies');
  return [...events];
}

// The annotation edits of a change: key → value, undefined to remove.
function policyEdits(change: PolicyChange, annotations: Record<string, string>): Array<[string, string | undefined]> {
  const key = (policy: string) => policyKey(annotations, policy);
  if ('automate' in change) return [[key('automated'), change.automate ? 'true' : undefined]];
  if ('lock' in change) {
    return [[key('locked'), change.lock ? 'true' : undefined], [key('locked_user'), change.lock ? change.user : undefined],
      [key('locked_msg'), change.lock ? change.message : undefined]];
  }
  if ('add' in change) {
    return [...change.remove.filter((p) => !Object.hasOwn(change.add, p)).map((p): [string, undefined] => [key(p), undefined]),
      ...Object.entries(change.add).map(([p, v]): [string, string] => [key(p), v])];
  }
  return [[key(`tag.${change.container}`), change.tagFilter === '*' ? undefined : change.tagFilter]];
}

// What happened to each workload an operation named: fluxd's result statuses and reasons.
export interface WorkloadResult { workload: string; status: 'success' | 'skipped' | 'ignored' | 'failed'; reason?: string; containers?: ContainerUpdate[] }

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
    const events = new Map<string, string[]>(); // fluxd's event → the workloads it names
    const { manifests, writes } = await load(root, target);
    for (const change of changes) {
      const m = manifests.get(change.workload);
      if (!m) {
        results.push({ workload: change.workload, status: 'failed', reason: 'not found in repository' });
        continue;
      }
      const annotations = metadataStrings(m.body, 'annotations');
      const edits = policyEdits(change, annotations);
      const generated = generatedPathOf(writes, m.source.file);
      const changed = generated ? await setGeneratedPolicies(root, generated, { id: change.workload, kind: m.kind, name: m.name, namespace: m.namespace ?? target.defaultNamespace },
        edits.filter(([key, value]) => value !== undefined || annotations[key] !== undefined), writes)
        : await rewriteFile(root, m.source.file, (text) => edits.reduce((t, [key, value]) =>
        (value === undefined && annotations[key] === undefined ? t : setAnnotation(t, m.source.file, target_(m), key, value, { defaultNamespace: target.defaultNamespace })), text));
      results.push(changed.error ? { workload: change.workload, status: 'failed', reason: changed.error }
        : { workload: change.workload, status: changed.changed ? 'success' : 'skipped', ...(changed.changed ? {} : { reason: 'no change' }) });
      if (changed.changed) for (const e of policyEvents(change)) events.set(e, [...(events.get(e) ?? []), change.workload]);
    }
    if (events.size === 0) return undefined;
    const lines = [...events].map(([e, ids]) => `${e}: ${[...new Set(ids)].join(', ')}`);
    if (cause.message) return `${cause.message}\n\n${lines.map((e) => `- ${e}`).join('\n')}\n`;
    return lines.length === 1 ? `${lines[0]}\n` : `Updated workload policies\n\n${lines.map((e) => `- ${e}`).join('\n')}\n`;
  }, target.git);
  return { ...pushed, results };
}

// What to release (fluxctl release --workload/--all --update-image/--update-all-images): the workloads
// (`ns:kind/name`, or 'all'), the image `repository:tag` (or 'latest': each container's newest allowed tag, read
// through `latest`), `force` to override locks and filters of named workloads, workloads to exclude, the commit
// message (default fluxd's), and `dryRun` to report what would change without committing (fluxctl --dry-run).
export interface ReleaseSpec {
  workloads: readonly string[] | 'all'; image: string; force?: boolean; excludes?: readonly string[]; message?: string;
  dryRun?: boolean; latest?: LatestTags;
}

// Releases an image (or the newest allowed tags) to workloads as one commit with fluxd's message, `Release <image>
// to <ns:kind/name>, ...` (`Release all latest to all` for --all --update-all-images), or the given message; the
// results say per workload what happened, with each container's change (see release-targets.ts).
export async function releaseImage(target: OperationTarget, spec: ReleaseSpec): Promise<OperationResult> {
  if (spec.image !== 'latest') {
    try {
      if (!parseImageRef(spec.image).tag) throw new InvalidImageRef(`"${spec.image}" names no tag`);
    } catch (err) {
      if (err instanceof InvalidImageRef) throw new InvalidOperation(`image: ${err.message}`);
      throw err;
    }
  }
  let results: WorkloadResult[] = [];
  const pushed = await commitAndPush(target.write, async (root) => {
    results = [];
    const { manifests, writes } = await load(root, target);
    const excluded = new Set(spec.excludes ?? []);
    const ids = spec.workloads === 'all' ? [...manifests.keys()].filter((k) => workloadOf(manifests.get(k) as Manifest)) : spec.workloads;
    const ask = { image: spec.image, force: spec.force ?? false, explicit: spec.workloads !== 'all', latest: spec.latest };
    let released = 0;
    for (const wid of ids) {
      const m = manifests.get(wid);
      const w = m && workloadOf(m);
      if (excluded.has(wid)) results.push({ workload: wid, status: 'ignored', reason: 'excluded' });
      else if (!m || !w) results.push({ workload: wid, status: 'skipped', reason: 'not found in repository' });
      else {
        const choice = await chooseRelease(w, ask);
        const { status, reason, containers } = choice;
        if (status !== 'success' || spec.dryRun) {
          results.push({ workload: wid, status, ...(reason ? { reason } : {}), containers });
          continue;
        }
        const generated = generatedPathOf(writes, m.source.file);
        const changed = generated ? await setGeneratedImages(root, generated, w, containers.map((c) => ({ container: c.container, image: c.target, tag: parseImageRef(c.target).tag ?? 'latest' })), writes)
          : await rewriteFile(root, m.source.file, (text) => containers.reduce((t, c) =>
          setContainerImage(t, m.source.file, target_(m), c.container, c.target, { defaultNamespace: target.defaultNamespace }), text));
        results.push(changed.error ? { workload: wid, status: 'failed', reason: changed.error } : { workload: wid, status: 'success', containers });
        if (changed.changed) released++;
      }
    }
    if (released === 0 || spec.dryRun) return undefined;
    const image = spec.image === 'latest' ? 'all latest' : spec.image;
    return `${spec.message || `Release ${image} to ${spec.workloads === 'all' ? 'all' : spec.workloads.join(', ')}`}\n`;
  }, target.git);
  return { ...pushed, results };
}

const target_ = (m: Manifest) => ({ kind: m.kind, name: m.name, ...(m.namespace ? { namespace: m.namespace } : {}) });

// The objects at the checked-out head, by fluxd id, and what writing to generated ones needs.
async function load(root: string, target: OperationTarget): Promise<{ manifests: Map<string, Manifest>; writes: GeneratedWrites }> {
  const read = await readSourceFiles(root, target.paths, { manifestGeneration: target.manifestGeneration, defaultNamespace: target.defaultNamespace });
  const loaded = loadManifests(read.files, { defaultNamespace: target.defaultNamespace });
  const writes = { generated: read.generated, manifests: loaded.manifests, defaultNamespace: target.defaultNamespace, git: target.git };
  return { manifests: new Map(loaded.manifests.map((m) => [id(m), m])), writes };
}
