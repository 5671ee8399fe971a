import { InvalidImageRef, parseImageRef, repositoryName, withTag, type ImageRef } from '../image-ref.ts';
import { selectLatestTag } from '../policy/select-tag.ts';
import { InvalidTagPattern, parseTagPattern, type TagPattern } from '../policy/tag-pattern.ts';
import { policyOf } from '../workload/policy.ts';
import type { Workload } from '../workload/workload.ts';
import type { RepositoryScan } from './plan-updates.ts';

// One container's image change in a release: fluxd's ContainerUpdate.
export interface ContainerUpdate { container: string; current: string; target: string }

// What a release does to one workload: fluxd's result statuses and reasons (flux pkg/update/filter.go).
export interface ReleaseChoice { status: 'success' | 'skipped' | 'ignored' | 'failed'; reason?: string; containers: ContainerUpdate[] }

// A repository's tags as last scanned (from the scan cache), for `<all latest>` releases.
export type LatestTags = (repository: string) => Promise<RepositoryScan | undefined>;

// What is released: one image `repo:tag`, or each container's newest tag its filter admits ('latest'); `force`
// with `explicit` (workloads named, not <all>) passes over locks, ignore and, for one image, tag filters.
export interface ReleaseAsk { image: string; force: boolean; explicit: boolean; latest?: LatestTags | undefined }

const ALL: TagPattern = parseTagPattern('glob:*');
type Outcome = 'ignored' | 'skipped' | 'unknown';
const REASONS: Record<Outcome, { status: ReleaseChoice['status']; reason: string }> = {
  ignored: { status: 'ignored', reason: 'does not use image(s)' },
  skipped: { status: 'skipped', reason: 'image(s) up to date' },
  unknown: { status: 'skipped', reason: 'cannot find one or more images' },
};

// The tag to release to one container, or why not (the container's outcome as fluxd counted it).
async function targetTag(ref: ImageRef, pattern: TagPattern, ask: ReleaseAsk): Promise<string | Outcome> {
  if (ask.image !== 'latest') {
    const wanted = parseImageRef(ask.image);
    if (repositoryName(ref) !== repositoryName(wanted)) return 'ignored';
    return pattern.matches(wanted.tag ?? 'latest') ? (wanted.tag ?? 'latest') : 'unknown';
  }
  const scan = await ask.latest?.(repositoryName(ref));
  if (!scan || scan.error !== undefined) return 'unknown';
  return selectLatestTag(pattern, scan.tags).latest ?? 'ignored';
}

// Decides a release for one workload as fluxd's ReleaseImageSpec did: locked and ignored workloads are skipped
// unless named and forced; each container's tag filter applies (for one image, unless forced); a container
// already at the target is up to date; one running another repository does not use the image.
export async function chooseRelease(w: Workload, ask: ReleaseAsk): Promise<ReleaseChoice> {
  const policy = policyOf(w.annotations);
  if (!(ask.explicit && ask.force)) {
    if (policy.locked) return { status: 'skipped', reason: 'locked', containers: [] };
    if (policy.ignore) return { status: 'skipped', reason: 'ignore', containers: [] };
  }
  const useFilter = !ask.force || ask.image === 'latest';
  const containers: ContainerUpdate[] = [];
  let last: Outcome = 'ignored';
  for (const c of w.containers) {
    let ref: ImageRef;
    let pattern = ALL;
    try {
      ref = parseImageRef(c.image);
      const filter = policy.filters[c.name];
      if (useFilter && filter) pattern = parseTagPattern(filter);
    } catch (err) {
      if (!(err instanceof InvalidImageRef || err instanceof InvalidTagPattern)) throw err;
      return { status: 'failed', reason: `container ${c.name}: ${err.message}`, containers: [] };
    }
    const tag = await targetTag(ref, pattern, ask);
    if (tag === 'ignored' || tag === 'unknown') last = tag;
    else if (tag === (ref.tag ?? 'latest') && !ref.digest) last = 'skipped';
    else containers.push({ container: c.name, current: c.image, target: withTag(c.image, tag) });
  }
  return containers.length > 0 ? { status: 'success', containers } : { ...REASONS[last], containers };
}
