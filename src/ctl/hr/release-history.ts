import { decodeStoredRelease } from '../../kube/helm-storage.ts';
import { formatTable } from '../output.ts';

// One revision of a Helm release as `history hr` shows it (helm history's columns). Capstan hands helm its
// reason for each install and upgrade as the revision's description.
export interface HistoryEntry { revision: number; updated: string; status: string; chart: string; appVersion: string; description: string }

interface StoredInfo { last_deployed?: string; status?: string; description?: string }
interface StoredChart { metadata?: { name?: string; version?: string; appVersion?: string } }

// The history from the storage Secrets' `data.release`, newest first; a Secret that cannot be read is a row
// saying so rather than a failure of the whole history.
export function historyOf(secrets: ReadonlyArray<{ name: string; release: string }>): HistoryEntry[] {
  return secrets.map((s): HistoryEntry => {
    const version = Number(/\.v(\d+)$/.exec(s.name)?.[1] ?? Number.NaN);
    try {
      const r = decodeStoredRelease(s.release, s.name);
      const info = (r.info ?? {}) as StoredInfo;
      const meta = (r.chart as StoredChart | undefined)?.metadata ?? {};
      return {
        revision: typeof r.version === 'number' ? r.version : version, updated: info.last_deployed ?? '', status: info.status ?? '',
        chart: meta.name ? `${meta.name}-${meta.version ?? ''}` : '', appVersion: meta.appVersion ?? '', description: info.description ?? '',
      };
    } catch (err) {
      return { revision: version, updated: '', status: 'unreadable', chart: '', appVersion: '', description: (err as Error).message };
    }
  }).sort((a, b) => b.revision - a.revision);
}

// `history hr` as a table, oldest first as helm history prints it.
export function historyTable(entries: readonly HistoryEntry[]): string {
  const rows = [...entries].reverse().map((e) => [String(e.revision), e.updated.replace(/\.\d+/, ''), e.status, e.chart, e.appVersion, e.description]);
  return formatTable(['REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION', 'DESCRIPTION'], rows);
}
