import type { Config } from '../config.ts';
import { ensurePrivateDir } from '../fs/private-dir.ts';

// Caches hold what credentials fetched: before any role starts, each is made a private directory (0700, ours),
// else a ConfigError naming the flag (exit 2). The operator keeps no cache.
export async function ensureCacheDirs(config: Pick<Config, 'role' | 'chartCacheDir' | 'helmCacheDir'>): Promise<void> {
  if (config.role === 'operator') return;
  await ensurePrivateDir(config.chartCacheDir, 'chart-cache-dir');
  if (config.helmCacheDir) await ensurePrivateDir(config.helmCacheDir, 'helm-cache-dir');
}
