// A Git source as the fluxd API sees it: its settings, its identity in GC marks, and its last sync.
import type { SyncConfig } from '../config.ts';
import { resourceId } from '../manifests/manifest.ts';
import { metadataStrings } from '../manifests/manifest.ts';
import { asRecord } from '../records.ts';
import { fluxSyncSetName, gcMark, GC_MARK_LABEL } from '../sync/checksum.ts';
import type { SyncFailing } from '../sync/daemon.ts';
import { sourceIdUrl } from '../sync/source-id-url.ts';
import type { SyncRecord } from '../sync/sync-source.ts';

// The settings of a source the answers use.
export type FluxSourceConfig = Pick<SyncConfig, 'name' | 'gitUrl' | 'gitBranch' | 'gitPaths' | 'readonly'> & Partial<Pick<SyncConfig, 'auth' | 'ssh'>>;

// One synced source; `last` and `failing` are its sync loop's (undefined before the first cycle ends).
export interface FluxSource {
  readonly config: FluxSourceConfig;
  readonly sourceId: string;
  last(): SyncRecord | undefined;
  failing(): SyncFailing | undefined;
}

// A FluxSource of a sync loop, its id computed as the loop computes it (fluxd's sync-set name).
export function fluxSource(config: FluxSourceConfig, loop: { last(): SyncRecord | undefined; failing(): SyncFailing | undefined }): FluxSource {
  const sourceId = fluxSyncSetName({ safeUrl: sourceIdUrl(config.gitUrl ?? ''), branch: config.gitBranch, paths: config.gitPaths });
  return { config, sourceId, last: () => loop.last(), failing: () => loop.failing() };
}

// The fluxd id of a live object (its kind and namespace as listed).
export function liveId(live: Record<string, unknown>): string {
  const meta = asRecord(live.metadata) ?? {};
  return resourceId({
    kind: typeof live.kind === 'string' ? live.kind : '', name: typeof meta.name === 'string' ? meta.name : '',
    ...(typeof meta.namespace === 'string' && { namespace: meta.namespace }),
  });
}

// The source that synced a live object: the one whose GC mark it carries (bound to its id, so a copied label
// never matches). Undefined for objects no source of this process synced.
export function sourceOf(live: Record<string, unknown>, sources: readonly FluxSource[]): FluxSource | undefined {
  const mark = metadataStrings(live, 'labels')[GC_MARK_LABEL];
  if (!mark) return undefined;
  const id = liveId(live);
  return sources.find((s) => gcMark(s.sourceId, id) === mark);
}

// The message of the object's failed apply in its source's last sync, if it failed.
export function syncErrorOf(source: FluxSource, id: string): string | undefined {
  return source.last()?.failed.find((f) => f.id === id)?.message;
}
