// ioredis options from a redis:// URL, as BullMQ wants them (it opens and closes its own connections).
export interface RedisConnection {
  host: string; port: number; username?: string; password?: string; db?: number; tls?: object; maxRetriesPerRequest: null;
}

export function redisOptions(url: string): RedisConnection {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}
