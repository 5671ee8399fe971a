import { accessSync, constants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

// Where `helm-bin/build.sh` puts the pinned helm: $CAPSTAN_CACHE/bin/helm-<version>/helm.
export function pinnedHelmPath(env: NodeJS.ProcessEnv): string {
  const version = readFileSync(new URL('../../helm-bin/HELM_VERSION', import.meta.url), 'utf8').trim();
  const cache = env.CAPSTAN_CACHE ?? join(env.XDG_CACHE_HOME ?? join(env.HOME ?? homedir(), '.cache'), 'capstan');
  return join(cache, 'bin', `helm-${version}`, 'helm');
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// The helm Capstan runs: the one configured (flag/env) as given, else the pinned build, else `helm` on PATH.
// Returns undefined when none exists, so the caller can say which flag to set.
export function locateHelm(configured: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (configured) return configured;
  const pinned = pinnedHelmPath(env);
  if (isExecutable(pinned)) return pinned;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, 'helm'))) return join(dir, 'helm');
  }
  return undefined;
}
