import { formatTable } from '../output.ts';

// The parts of fluxd's answers that the tables show (names as the API spells them).
export interface Workload {
  ID: string; Status?: string; Automated?: boolean; Locked?: boolean; Ignore?: boolean; SyncError?: string;
  Rollout?: { Desired?: number; Ready?: number; Updated?: number };
  Containers?: Array<{ Name: string; Current?: { ID?: string } }>;
}
export interface ImageStatus {
  ID: string;
  Containers?: Array<{ Name: string; Current?: { ID?: string; CreatedAt?: string }; Available?: Array<{ ID?: string; CreatedAt?: string }> | null }>;
}
export interface JobResult { Result?: Record<string, { Status?: string; Error?: string; PerContainer?: Array<{ Container?: string; Current?: string; Target?: string }> | null }> | null }

function release(w: Workload): string {
  const r = w.Rollout;
  const rollout = r?.Desired ? ` (${r.Ready ?? 0}/${r.Desired})` : '';
  return `${w.Status ?? ''}${rollout}`;
}

function policies(w: Workload): string {
  return [w.Automated && 'automated', w.Locked && 'locked', w.Ignore && 'ignore'].filter(Boolean).join(',');
}

// `list-workloads` as fluxctl prints it: one row per container, the workload's columns on its first.
export function workloadsTable(workloads: readonly Workload[], noHeaders = false): string {
  const rows = [...workloads].sort((a, b) => a.ID.localeCompare(b.ID)).flatMap((w) => {
    const containers = w.Containers?.length ? w.Containers : [{ Name: '', Current: { ID: '' } }];
    return containers.map((c, i) => (i === 0 ? [w.ID, c.Name, c.Current?.ID ?? '', release(w), policies(w)] : ['', c.Name, c.Current?.ID ?? '', '', '']));
  });
  const text = formatTable(['WORKLOAD', 'CONTAINER', 'IMAGE', 'RELEASE', 'POLICY'], rows);
  return noHeaders ? text.slice(text.indexOf('\n') + 1) : text;
}

const repositoryOf = (id: string) => id.replace(/(@sha256:[0-9a-f]+|:[^:/]+)$/, '');
const tagOf = (id: string) => id.slice(repositoryOf(id).length + 1);

// `list-images` as fluxctl prints it: per container the repository, then up to `limit` available tags newest
// first with their creation time, `->` marking the one running (added below the list when older).
export function imagesTable(images: readonly ImageStatus[], limit: number, noHeaders = false): string {
  const rows: string[][] = [];
  for (const w of [...images].sort((a, b) => a.ID.localeCompare(b.ID))) {
    (w.Containers ?? []).forEach((c, i) => {
      const current = c.Current?.ID ?? '';
      rows.push([i === 0 ? w.ID : '', c.Name, repositoryOf(current), '']);
      const available = c.Available ?? [];
      const shown = limit > 0 ? available.slice(0, limit) : available;
      for (const a of shown) rows.push(['', '', `${a.ID === current ? '->' : '  '} ${tagOf(a.ID ?? '')}`, a.CreatedAt ?? '']);
      if (current && !shown.some((a) => a.ID === current)) rows.push(['', '', `-> ${tagOf(current)}`, c.Current?.CreatedAt ?? '']);
    });
  }
  const text = formatTable(['WORKLOAD', 'CONTAINER', 'IMAGE', 'CREATED'], rows);
  return noHeaders ? text.slice(text.indexOf('\n') + 1) : text;
}

// The result of a release or policy job: per workload its status and the image updates.
export function jobResultTable(result: JobResult['Result']): string {
  const rows = Object.entries(result ?? {}).sort(([a], [b]) => a.localeCompare(b)).flatMap(([id, r]) => {
    const updates = (r.PerContainer ?? []).map((u) => `${u.Container}: ${u.Current} -> ${u.Target}`);
    return [[id, r.Status ?? '', r.Error || updates[0] || ''], ...updates.slice(1).map((u) => ['', '', u])];
  });
  return formatTable(['WORKLOAD', 'STATUS', 'UPDATES'], rows);
}
