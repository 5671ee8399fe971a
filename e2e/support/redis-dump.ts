import { gunzipSync } from 'node:zlib';
import { Redis } from 'ioredis';

// One key of a Redis as text: its name, its type, and everything it holds (a gzip value also unpacked).
export interface RedisEntry { key: string; type: string; text: string }

const unpacked = (value: Buffer): string => {
  if (value[0] !== 0x1f || value[1] !== 0x8b) return value.toString('latin1');
  try {
    return `${value.toString('latin1')}\n${gunzipSync(value).toString('latin1')}`;
  } catch {
    return value.toString('latin1');
  }
};

async function read(redis: Redis, key: Buffer, type: string): Promise<Buffer[]> {
  switch (type) {
    case 'string': return [(await redis.getBuffer(key)) ?? Buffer.alloc(0)];
    case 'hash': return Object.entries(await redis.hgetallBuffer(key)).flatMap(([k, v]) => [Buffer.from(k), v]);
    case 'list': return redis.lrangeBuffer(key, 0, -1);
    case 'set': return redis.smembersBuffer(key);
    case 'zset': return redis.zrangeBuffer(key, '0', '-1', 'WITHSCORES');
    case 'stream': return (await redis.xrangeBuffer(key, '-', '+')).flatMap(([id, fields]) => [id, ...fields]);
    case 'none': return []; // expired between SCAN and TYPE
    default: throw new Error(`Redis key ${key.toString()} has type ${type}, which this scan cannot read`);
  }
}

// Every key of the whole keyspace of the URL's database (SCAN) with its values as text, read by type:
// string, hash, list, set, sorted set (members and scores), stream (ids, fields and values).
export async function dumpRedis(url: string): Promise<RedisEntry[]> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  try {
    const out: RedisEntry[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scanBuffer(cursor, 'COUNT', 1000);
      cursor = next.toString();
      for (const key of keys) {
        const type = await redis.type(key);
        const values = await read(redis, key, type);
        out.push({ key: key.toString('latin1'), type, text: values.map(unpacked).join('\n') });
      }
    } while (cursor !== '0');
    return out;
  } finally {
    redis.disconnect();
  }
}

// Runs `use` on a connection to the Redis at `url`, closed afterwards.
export async function withRedis<T>(url: string, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  try {
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}
