import type { RedisClient as Redis } from '../../redis/redis-client.ts';

// A repository's tag list as last read, and when.
export interface CachedTags { tags: string[]; fetchedAt: number }

// One tag's image metadata as last read (or the error that stopped it), and when to read it again.
export interface CachedImage { digest?: string; created?: number; error?: string; fetchedAt: number; refreshMs: number }

// Where scans keep what registries answered, shared by every daemon replica (Redis) so a restart or a second
// replica does not ask again. Losing it costs only requests.
export interface ImageCache {
  tags(repository: string): Promise<CachedTags | undefined>;
  putTags(repository: string, entry: CachedTags): Promise<void>;
  images(repository: string): Promise<Map<string, CachedImage>>;
  putImages(repository: string, entries: ReadonlyMap<string, CachedImage>): Promise<void>;
}

// Entries live a week after their last write, as fluxd's repository entries did.
const TTL_SECONDS = 7 * 24 * 3600;

// The cache in Redis: the tag list as one JSON string, image metadata as one hash per repository (one HGETALL
// per scan of a repository).
export function redisImageCache(redis: Redis, prefix = 'capstan:image'): ImageCache {
  const tagsKey = (repo: string) => `${prefix}:tags:${repo}`;
  const imagesKey = (repo: string) => `${prefix}:images:${repo}`;
  return {
    async tags(repo) {
      const raw = await redis.get(tagsKey(repo));
      return raw ? (JSON.parse(raw) as CachedTags) : undefined;
    },
    async putTags(repo, entry) {
      await redis.set(tagsKey(repo), JSON.stringify(entry), 'EX', TTL_SECONDS);
    },
    async images(repo) {
      const all = await redis.hgetall(imagesKey(repo));
      return new Map(Object.entries(all).map(([tag, raw]) => [tag, JSON.parse(raw) as CachedImage]));
    },
    async putImages(repo, entries) {
      if (entries.size === 0) return;
      await redis.multi().hset(imagesKey(repo), Object.fromEntries([...entries].map(([t, e]) => [t, JSON.stringify(e)])))
        .expire(imagesKey(repo), TTL_SECONDS).exec();
    },
  };
}

// The cache in memory, for unit tests and for a daemon run without Redis.
export function memoryImageCache(): ImageCache {
  const tags = new Map<string, CachedTags>();
  const images = new Map<string, Map<string, CachedImage>>();
  return {
    tags: async (repo) => tags.get(repo),
    putTags: async (repo, entry) => void tags.set(repo, entry),
    images: async (repo) => new Map(images.get(repo) ?? []),
    putImages: async (repo, entries) => {
      const map = images.get(repo) ?? new Map<string, CachedImage>();
      for (const [t, e] of entries) map.set(t, e);
      images.set(repo, map);
    },
  };
}
