// One container's images as fluxd's `GET /v10/images` answered them (flux pkg/api/v6/container.go NewContainer),
// from what the registry scan cached: no registry request.
import { withTag } from '../image/image-ref.ts';
import { PatternKind, type TagPattern, tagVersion } from '../image/policy/tag-pattern.ts';
import type { CachedImage } from '../image/scan/image-cache.ts';
import type { FluxContainer, ImageInfo } from './flux-types.ts';

// fluxd's registry.ErrNoImageData: what fluxctl shows for a repository not scanned (yet).
export const NO_IMAGE_DATA = 'image data not available';

// Every field of a container, in fluxd's order: what `containerFields` may pick from.
export const CONTAINER_FIELDS = ['Name', 'Current', 'LatestFiltered', 'Available', 'AvailableError', 'AvailableImagesCount',
  'NewAvailableImagesCount', 'FilteredImagesCount', 'NewFilteredImagesCount'] as const;

// What the scan cached for the container's repository: its tag list (undefined when never read) and the image
// metadata read so far, by tag.
export interface CachedRepository { tags: readonly string[] | undefined; images: ReadonlyMap<string, CachedImage> }

interface Candidate { info: ImageInfo; tag: string; created: number }

// fluxd's order for a pattern: semver by version (a tag without one after those with), equal versions the longer
// ref first; glob and regex by creation time, newest first (unknown times last, by version), ties by ref.
export function newerFor(pattern: TagPattern): (a: Candidate, b: Candidate) => number {
  if (pattern.kind === PatternKind.semver) {
    return (a, b) => {
      const va = tagVersion(a.tag);
      const vb = tagVersion(b.tag);
      if (!va && !vb) return a.info.ID < b.info.ID ? -1 : a.info.ID > b.info.ID ? 1 : 0;
      if (!va || !vb) return va ? -1 : 1;
      return vb.compare(va) || (a.info.ID > b.info.ID ? -1 : a.info.ID < b.info.ID ? 1 : 0);
    };
  }
  return (a, b) => b.created - a.created || (a.created === 0 ? byVersion(a, b) : 0) || (a.info.ID < b.info.ID ? -1 : a.info.ID > b.info.ID ? 1 : 0);
}

// Tags the scan has no creation time for (it reads times only for automated time-ordered filters): the higher
// version first, as the best guess of newest (fluxd, which read every tag's time, never needed one).
function byVersion(a: Candidate, b: Candidate): number {
  const va = tagVersion(a.tag);
  const vb = tagVersion(b.tag);
  if (!va || !vb) return va ? -1 : vb ? 1 : 0;
  return vb.compare(va);
}

function candidate(written: string, tag: string, cached: CachedImage | undefined): Candidate | undefined {
  let id: string;
  try {
    id = withTag(written, tag);
  } catch {
    return undefined; // a tag docker would refuse: never offered
  }
  const info: ImageInfo = { ID: id };
  if (cached?.digest) info.Digest = cached.digest;
  if (cached?.created) info.CreatedAt = new Date(cached.created).toISOString();
  if (cached?.fetchedAt && !cached.error) info.LastFetched = new Date(cached.fetchedAt).toISOString();
  return { info, tag, created: cached?.created ?? 0 };
}

// The container's entry: Current (with what is known of it), every tag sorted newest first by the container's
// filter (Available), the newest the filter admits (LatestFiltered), and the counts; only `fields` when given.
export function imageContainer(c: { name: string; image: string; tag: string | undefined }, pattern: TagPattern, repo: CachedRepository, fields: readonly string[] = []): FluxContainer {
  const order = newerFor(pattern);
  const sorted = (repo.tags ?? []).flatMap((t) => candidate(c.image, t, repo.images.get(t)) ?? []).sort(order);
  const filtered = sorted.filter((x) => pattern.matches(x.tag));
  const current = (c.tag !== undefined ? candidate(c.image, c.tag, repo.images.get(c.tag)) : undefined) ?? { info: { ID: c.image }, tag: c.tag ?? '', created: 0 };
  const newer = (list: Candidate[]) => {
    const at = list.findIndex((x) => order(x, current) >= 0);
    return at < 0 ? list.length : at;
  };
  const all: Required<FluxContainer> = {
    Name: c.name, Current: current.info, LatestFiltered: filtered[0]?.info ?? { ID: '' },
    Available: sorted.length ? sorted.map((x) => x.info) : null,
    AvailableError: repo.tags === undefined ? NO_IMAGE_DATA : '',
    AvailableImagesCount: sorted.length, NewAvailableImagesCount: newer(sorted),
    FilteredImagesCount: filtered.length, NewFilteredImagesCount: newer(filtered),
  };
  const out: FluxContainer = {};
  for (const f of fields.length ? fields : CONTAINER_FIELDS) {
    if (!(CONTAINER_FIELDS as readonly string[]).includes(f)) continue;
    const key = f as keyof FluxContainer;
    const value = all[key];
    // Go's omitempty: zero numbers, empty strings and null lists are left out (structs never are)
    if (value === 0 || value === '' || value === null) continue;
    (out as Record<string, unknown>)[key] = value;
  }
  return out;
}
