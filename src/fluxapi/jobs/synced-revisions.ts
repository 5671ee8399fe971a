import type { RedisClient } from '../../redis/redis-client.ts';

// The revision each source last synced, kept in Redis by the replica that syncs it, so that `GET /v6/sync`
// answers alike on every replica. Entries expire a week after their last write.
export interface SyncedRevisions {
  record(source: string, revision: string): Promise<void>;
  get(source: string): Promise<string | undefined>;
}

// Under `<prefix>:<queueName>-flux-jobs:synced:<source>`.
export function syncedRevisions(redis: Pick<RedisClient, 'get' | 'set'>, keyPrefix: string): SyncedRevisions {
  const key = (source: string) => `${keyPrefix}:synced:${source}`;
  return {
    async record(source, revision) {
      await redis.set(key(source), revision, 'EX', 7 * 24 * 3600);
    },
    async get(source) {
      return (await redis.get(key(source))) ?? undefined;
    },
  };
}
