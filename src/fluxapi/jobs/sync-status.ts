import { commitsBetween } from '../../git/commits-between.ts';
import { FluxApiError, FluxErrorType, userError } from './api-error.ts';

// One source as `GET /v6/sync` sees it: a fresh enough mirror of it, its paths, and the revision it last synced
// (from Redis, so that any replica answers).
export interface SyncedSource { name: string; mirror(fetchNow: boolean): Promise<string>; paths: readonly string[]; synced(): Promise<string | undefined> }

// A revision as fluxctl passes it: a commit id (fluxctl sync sends 12 hex digits) or a ref name.
const REF = /^[0-9A-Za-z][0-9A-Za-z._/-]{0,254}$/;

// fluxd's SyncStatus: the commits between what the sync daemon last applied and `ref` (touching the synced
// paths), in the first source that knows `ref`; `[]` once it is applied. An unknown ref is a `missing` error.
export async function pendingCommits(ref: string | null, sources: readonly SyncedSource[]): Promise<string[]> {
  if (!ref || !REF.test(ref) || ref.includes('..')) throw userError('ref', 'must be a commit id or a branch name');
  // a recent mirror first; a ref it lacks (pushed a moment ago by another replica) is looked for after a fetch
  for (const fetchNow of [false, true]) {
    for (const s of sources) {
      const pending = await commitsBetween(await s.mirror(fetchNow), await s.synced(), ref, s.paths);
      if (pending) return pending;
    }
  }
  throw new FluxApiError(FluxErrorType.missing, `revision ${ref} is not in the Git source`);
}
