// `GET /v10/images` (and fluxd's older `/v6/images`): each synced workload's containers with the tags the scan
// cached (fluxctl list-images). Read from the scan cache only: a call never sends a registry request.
import type { Route } from '../http/http-server.ts';
import { InvalidImageRef, parseImageRef, repositoryName } from '../image/image-ref.ts';
import { parseTagPattern, type TagPattern } from '../image/policy/tag-pattern.ts';
import type { ImageCache } from '../image/scan/image-cache.ts';
import { policyOf } from '../image/workload/policy.ts';
import { workloadOf } from '../image/workload/workload.ts';
import { metadataStrings } from '../manifests/manifest.ts';
import { asRecord } from '../records.ts';
import type { ImageStatus } from './flux-types.ts';
import { fluxRoute } from './flux-route.ts';
import { liveId } from './flux-source.ts';
import { CONTAINER_FIELDS, type CachedRepository, imageContainer } from './image-container.ts';
import { userError } from './jobs/api-error.ts';
import { syncedWorkloads, workloadFilter, type WorkloadsDeps } from './services.ts';

// What listing images needs: the workloads' deps and the scan cache (undefined with --registry-disable-scanning).
export interface ImagesDeps extends WorkloadsDeps {
  cache: ImageCache | undefined;
}

// A container's tag filter; a filter that does not parse admits every tag, as an absent one does (image
// automation reports it on the workload).
function patternOf(filter: string | undefined): TagPattern {
  try {
    return parseTagPattern(filter ?? '*');
  } catch {
    return parseTagPattern('*');
  }
}

// The ImageStatus of every synced workload the query asks for: `service=<all>` (with `namespace=`, "" for all) or
// one workload id; `containerFields=a,b` picks the container fields.
export async function listImages(deps: ImagesDeps, query: URLSearchParams): Promise<ImageStatus[]> {
  const service = query.get('service') ?? '<all>';
  const fields = (query.get('containerFields') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const f of fields) if (!(CONTAINER_FIELDS as readonly string[]).includes(f)) throw userError('containerFields', `${f} is an invalid field`);
  const params = new URLSearchParams(query);
  params.set('services', service === '<all>' ? '' : service);
  const workloads = await syncedWorkloads(deps, workloadFilter(params, 'services'));
  const repos = new Map<string, Promise<CachedRepository>>();
  const cached = (repo: string): Promise<CachedRepository> => {
    let entry = repos.get(repo);
    if (!entry) {
      const cache = deps.cache;
      entry = cache ? Promise.all([cache.tags(repo), cache.images(repo)]).then(([t, images]) => ({ tags: t?.tags, images })) : Promise.resolve({ tags: undefined, images: new Map() });
      repos.set(repo, entry);
    }
    return entry;
  };
  return Promise.all(workloads.map(async ({ live }) => {
    const meta = asRecord(live.metadata) ?? {};
    const w = workloadOf({
      apiVersion: String(live.apiVersion), kind: String(live.kind), name: String(meta.name ?? ''),
      ...(typeof meta.namespace === 'string' && { namespace: meta.namespace }), body: live, source: { file: '', line: 0 },
    });
    const policy = policyOf(metadataStrings(live, 'annotations'));
    const containers = await Promise.all((w?.containers ?? []).map(async (c) => {
      let repo: CachedRepository = { tags: undefined, images: new Map() };
      let tag: string | undefined;
      try {
        const ref = parseImageRef(c.image);
        tag = ref.tag;
        repo = await cached(repositoryName(ref));
      } catch (err) {
        if (!(err instanceof InvalidImageRef)) throw err;
      }
      return imageContainer({ name: c.name, image: c.image, tag }, patternOf(policy.filters[c.name]), repo, fields);
    }));
    return { ID: liveId(live), Containers: containers.length ? containers : null };
  }));
}

// The routes fluxctl list-images calls (v10) and fluxd's older v6 one.
export function imagesRoute(deps: ImagesDeps, onError?: (err: unknown) => void): Route {
  return fluxRoute('GET', ['/v10/images', '/v6/images'], async ({ query }) => listImages(deps, query), onError);
}
