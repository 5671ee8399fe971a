import type { LatestTags } from '../../image/automation/release-targets.ts';
import type { ImageCache } from '../../image/scan/image-cache.ts';

// The tags of a repository as the image scans last cached them, with creation times where read: what a
// `<all latest>` release chooses from, without asking the registry. Undefined when it was never scanned.
export function cachedTags(cache: ImageCache): LatestTags {
  return async (repository) => {
    const listed = await cache.tags(repository);
    if (!listed) return undefined;
    const images = await cache.images(repository);
    const tags = listed.tags.map((tag) => {
      const created = images.get(tag)?.created;
      return { tag, created: created === undefined ? undefined : new Date(created) };
    });
    return { tags, pending: new Set<string>() };
  };
}
