import type { RedisOptions } from 'ioredis';
import { ioredisOptions } from './redis/redis-client.ts';
import { redisTarget } from './redis/redis-target.ts';

// ioredis options from a Redis URL (redis://, rediss://, redis+sentinel://), for the tests and benchmarks that reach
// Capstan's Redis directly; Capstan itself builds its connections from config.redis (redis/redis-client.ts).
export function redisOptions(url: string): Omit<RedisOptions, 'retryStrategy'> {
  return ioredisOptions(redisTarget({ url }));
}
