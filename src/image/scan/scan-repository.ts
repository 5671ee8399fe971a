import { mapLimit } from '../../map-limit.ts';
import type { ImageRef } from '../image-ref.ts';
import type { TagInfo } from '../policy/select-tag.ts';
import { RegistryError, type RegistryClient } from '../registry/client.ts';
import type { RepositoryScan } from '../automation/plan-updates.ts';
import type { CachedImage, ImageCache } from './image-cache.ts';

// fluxd's adaptive refresh of a tag's metadata: first after an hour, then twice as long while the digest stays
// the same (up to a week), half as long when it changed (down to 5 minutes); an image the registry says is not
// there (or has no entry for our platform) is asked about again after a day.
export const REFRESH = { firstMs: 3_600_000, minMs: 300_000, maxMs: 7 * 24 * 3_600_000, missingMs: 24 * 3_600_000 } as const;

// The next refresh interval after a successful read, given what was cached before.
export function nextRefresh(previous: CachedImage | undefined, digest: string): number {
  if (!previous || previous.digest === undefined) return REFRESH.firstMs;
  return previous.digest === digest ? Math.min(previous.refreshMs * 2, REFRESH.maxMs) : Math.max(previous.refreshMs / 2, REFRESH.minMs);
}

// What scanning one repository needs.
export interface ScanDeps {
  client: RegistryClient;
  cache: ImageCache;
  now: () => number;
  listEveryMs: number; // a cached tag list younger than this is used as is: one list per repository per interval
  burst: number; // metadata reads at once
  relist?: boolean; // read the tag list even when the cached one is young (a registry said it changed)
  signal?: AbortSignal;
}

// A repository scanned: its tags with creation times, which of them still lack metadata, and the tags that
// appeared since the cached list.
export interface ScannedRepository extends RepositoryScan { newTags: string[]; warnings: string[] }

const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err));

// Scans one repository politely: the tag list at most once per listEveryMs (else from the cache), and image
// metadata only for the tags `needsTime` asks for (those a time-ordered filter admits) whose cached entry is
// missing or due (a due entry whose digest has not changed costs one HEAD). A 429 stops this repository's reads at once (the limiter has slowed the host down); what was
// not read stays pending and is read in a later scan. A tag list that cannot be read falls back to the cached
// one, if any.
export async function scanRepository(ref: ImageRef, repository: string, needsTime: (tag: string) => boolean, deps: ScanDeps): Promise<ScannedRepository> {
  const warnings: string[] = [];
  const cached = await deps.cache.tags(repository);
  let tags: string[];
  if (cached && !deps.relist && deps.now() - cached.fetchedAt < deps.listEveryMs) {
    tags = cached.tags;
  } else {
    try {
      tags = await deps.client.listTags(ref, deps.signal);
      await deps.cache.putTags(repository, { tags, fetchedAt: deps.now() });
    } catch (err) {
      if (!(err instanceof RegistryError) || !cached) return { tags: [], pending: new Set(), error: describe(err), newTags: [], warnings };
      warnings.push(`tag list: ${err.message}; using the list read ${Math.round((deps.now() - cached.fetchedAt) / 1000)} s ago`);
      tags = cached.tags;
    }
  }
  const known = new Set(cached?.tags ?? []);
  const newTags = cached ? tags.filter((t) => !known.has(t)) : [];
  const images = await deps.cache.images(repository);
  const due = tags.filter((t) => {
    if (!needsTime(t)) return false;
    const entry = images.get(t);
    return !entry || deps.now() >= entry.fetchedAt + entry.refreshMs;
  });
  const fresh = new Map<string, CachedImage>();
  let stopped: string | undefined;
  await mapLimit(due, deps.burst, async (tag) => {
    if (stopped !== undefined) return;
    try {
      const previous = images.get(tag);
      // a refresh asks for the digest first: unchanged, the cached created time still holds (one HEAD, not 2-3 GETs)
      if (previous?.digest !== undefined && (await deps.client.digest(ref, tag, deps.signal)) === previous.digest) {
        fresh.set(tag, { ...previous, fetchedAt: deps.now(), refreshMs: nextRefresh(previous, previous.digest) });
        return;
      }
      const info = await deps.client.imageInfo(ref, tag, deps.signal);
      fresh.set(tag, { digest: info.digest, ...(info.created ? { created: info.created.getTime() } : {}), fetchedAt: deps.now(), refreshMs: nextRefresh(previous, info.digest) });
    } catch (err) {
      if (!(err instanceof RegistryError)) throw err;
      if (err.kind === 'rate-limited') stopped ??= err.message;
      else if (err.kind === 'not-found') fresh.set(tag, { error: err.message, fetchedAt: deps.now(), refreshMs: REFRESH.missingMs });
      else warnings.push(`${tag}: ${err.message}`);
    }
  });
  await deps.cache.putImages(repository, fresh);
  if (stopped) warnings.push(`stopped reading image metadata: ${stopped}`);
  for (const [t, e] of fresh) images.set(t, e);
  const pending = new Set<string>();
  const infos: TagInfo[] = tags.map((tag) => {
    const entry = images.get(tag);
    if (needsTime(tag) && (!entry || (entry.error === undefined && entry.digest === undefined))) pending.add(tag);
    return { tag, created: entry?.created !== undefined ? new Date(entry.created) : undefined };
  });
  return { tags: infos, pending, newTags, warnings };
}
