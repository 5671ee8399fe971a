import type { Logger } from 'pino';
import type { PullCredentials } from '../../kube/pull-secrets.ts';
import { mapLimit } from '../../map-limit.ts';
import { InvalidImageRef, parseImageRef, repositoryName, type ImageRef } from '../image-ref.ts';
import { createRegistryClient, type Platform, type RequestEvent } from '../registry/client.ts';
import { mergeCredentials, type RegistryCredentials } from '../../docker-config.ts';
import type { AuthCache } from '../registry/auth-cache.ts';
import type { HostRateLimiter } from '../registry/rate-limiter.ts';
import type { ImageCache } from '../scan/image-cache.ts';
import { scanRepository, type ScannedRepository } from '../scan/scan-repository.ts';
import type { Workload } from '../workload/workload.ts';

// What scanning the workloads' repositories needs.
export interface ScanWorkloadsDeps {
  cache: ImageCache;
  limiter: HostRateLimiter;
  platform: Platform;
  insecureHosts: readonly string[];
  dockerConfig: ReadonlyMap<string, RegistryCredentials>;
  pullCredentials?: PullCredentials | undefined; // one lookup session for this scan
  scanned: (written: string, ref: ImageRef) => boolean; // the include/exclude globs
  listEveryMs: number;
  burst: number;
  relist: ReadonlySet<string> | 'all'; // repositories whose cached tag list is not to be trusted
  log: Logger;
  onRequest?: ((event: RequestEvent) => void) | undefined;
  authCache?: AuthCache | undefined; // logins learnt in earlier scans: no new 401 per repository and scan
  signal?: AbortSignal;
}

const SCAN_CONCURRENCY = 4;

// Scans every repository the workloads run (the include/exclude globs applied), four at a time, each with the
// credentials of the pods that run it (their imagePullSecrets and their ServiceAccount's, then --docker-config);
// image metadata only for the tags `timeFilters` (time-ordered filters of automated containers) admit. What
// could not be read is added to `warnings`.
export async function scanWorkloads(workloads: readonly Workload[], timeFilters: ReadonlyMap<string, Array<(tag: string) => boolean>>, warnings: string[], deps: ScanWorkloadsDeps): Promise<Map<string, ScannedRepository>> {
  const repos = new Map<string, { ref: ImageRef; users: Workload[] }>();
  for (const workload of workloads) {
    for (const c of workload.containers) {
      let ref: ImageRef;
      try {
        ref = parseImageRef(c.image);
      } catch (err) {
        if (err instanceof InvalidImageRef) continue; // reported for automated workloads by automatedContainers
        throw err;
      }
      if (!deps.scanned(c.image, ref)) continue;
      const name = repositoryName(ref);
      const entry = repos.get(name) ?? { ref: { domain: ref.domain, path: ref.path }, users: [] };
      entry.users.push(workload);
      repos.set(name, entry);
    }
  }
  const results = new Map<string, ScannedRepository>();
  await mapLimit([...repos], SCAN_CONCURRENCY, async ([name, { ref, users }]) => {
    const lookup = deps.pullCredentials;
    const fromPods = lookup ? await Promise.all(users.map((w) => lookup(w.namespace, w.imagePullSecrets, w.serviceAccountName))) : [];
    const creds = mergeCredentials(...fromPods, new Map(deps.dockerConfig));
    const client = createRegistryClient({
      credentials: (domain) => creds.get(domain), insecureHosts: deps.insecureHosts, platform: deps.platform, limiter: deps.limiter,
      ...(deps.onRequest ? { onRequest: deps.onRequest } : {}), ...(deps.authCache ? { authCache: deps.authCache } : {}),
    });
    const filters = timeFilters.get(name) ?? [];
    const scan = await scanRepository(ref, name, (tag) => filters.some((f) => f(tag)), {
      client, cache: deps.cache, now: Date.now, listEveryMs: deps.listEveryMs, burst: deps.burst,
      relist: deps.relist === 'all' || deps.relist.has(name), ...(deps.signal ? { signal: deps.signal } : {}),
    });
    for (const w of scan.warnings) warnings.push(`${name}: ${w}`);
    if (scan.error) warnings.push(`${name}: ${scan.error}`);
    if (scan.newTags.length) deps.log.info({ repository: name, tags: scan.newTags.slice(0, 20), count: scan.newTags.length }, 'new tags');
    results.set(name, scan);
  });
  return results;
}
