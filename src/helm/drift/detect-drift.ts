import type { Logger } from 'pino';
import type { DriftProbe } from '../../kube/drift-probe.ts';
import { mapLimit } from '../../map-limit.ts';
import { objectDrift, type DriftedObject } from './compare-objects.ts';
import { releaseObjects } from './release-objects.ts';

export type { DriftProbe } from '../../kube/drift-probe.ts';

// What one drift check found: the drifted objects, how many objects were compared, and how many could not be
// (an API error, a body the API server refused): those are never reported as drift.
export interface DriftReport { drifted: DriftedObject[]; checked: number; unreadable: number }

// Objects compared at once: each costs a GET and a dry-run PATCH.
const CONCURRENCY = 4;

// Compares every object of the deployed revision's manifest with the cluster (a GET and a server-side apply dry
// run each); undefined when the manifest cannot be read (the check is skipped, tried again on the next resync).
export async function detectDrift(
  probe: DriftProbe,
  target: { namespace: string; release: string; version: number; signal?: AbortSignal; log: Logger },
): Promise<DriftReport | undefined> {
  const { namespace, release, version, signal, log } = target;
  let manifest: string | undefined;
  try {
    manifest = await probe.releaseManifest(namespace, release, version);
  } catch (err) {
    log.warn({ err: (err as Error).message, version }, 'drift check skipped: cannot read the release manifest');
    return undefined;
  }
  if (manifest === undefined) return undefined;
  const objects = releaseObjects(manifest);
  let unreadable = 0;
  const found = await mapLimit(objects, CONCURRENCY, async ({ ref, body }) => {
    try {
      const { live, applied } = await probe.probe(body, namespace, signal);
      return objectDrift(ref, live, applied);
    } catch (err) {
      unreadable++;
      log.warn({ kind: ref.kind, object: ref.name, err: (err as Error).message }, 'drift check could not compare an object');
      return undefined;
    }
  });
  const drifted = found.filter((d): d is DriftedObject => d !== undefined);
  return { drifted, checked: objects.length, unreadable };
}
