import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { ConfigError } from '../config-error.ts';
import type { Config } from '../config.ts';
import { parseDockerConfig, type RegistryCredentials } from '../docker-config.ts';
import { createRateLimiter } from '../image/registry/rate-limiter.ts';
import { redisImageCache } from '../image/scan/image-cache.ts';
import { connectRedis } from '../redis/redis-client.ts';

// The --docker-config credentials; an unreadable or invalid file is a ConfigError naming the flag.
function readDockerConfig(path: string | undefined): Map<string, RegistryCredentials> {
  if (!path) return new Map();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('docker-config', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    return parseDockerConfig(text, path);
  } catch (err) {
    throw new ConfigError('docker-config', (err as Error).message);
  }
}

// The registry parts the daemon's sources share: the Redis tag cache, one rate limiter per registry host (with the
// hosts it has seen, for the rate gauge), and the --docker-config credentials; undefined with --registry-disable-scanning.
export function imageParts(config: Config, log: Logger) {
  if (config.image.disabled) {
    log.info('--registry-disable-scanning: no image scanning or automation');
    return undefined;
  }
  const dockerConfig = readDockerConfig(config.image.dockerConfig);
  // commands fail after a few retries instead of queueing forever: a cycle without Redis fails and backs off
  const redis = connectRedis(config.redis, { maxRetriesPerRequest: 2 });
  redis.on('error', (err) => log.debug({ err: err.message }, 'image cache: redis error'));
  const seen = new Set<string>();
  const limiter = createRateLimiter({ rps: config.image.rps, burst: config.image.burst });
  return {
    cache: redisImageCache(redis), dockerConfig,
    limiter: { ...limiter, acquire: (host: string, signal?: AbortSignal) => { seen.add(host); return limiter.acquire(host, signal); } },
    hosts: () => [...seen],
    close: async () => { await redis.quit().catch(() => undefined); },
  };
}
export type ImageParts = NonNullable<ReturnType<typeof imageParts>>;
