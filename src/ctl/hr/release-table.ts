import type { HelmRelease } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { lastActionMs } from '../../helm/status/last-action.ts';
import { formatDuration, formatTable } from '../output.ts';

const condition = (hr: HelmRelease, type: string) => hr.status?.conditions?.find((c) => c.type === type);

// The last action as a cell: `upgrade succeeded`, `install failed`, `test running`.
export function lastActionCell(hr: HelmRelease): string {
  const last = hr.status?.lastAction;
  if (!last) return '';
  return `${last.action} ${last.finishedAt === undefined ? 'running' : last.succeeded ? 'succeeded' : 'failed'}`;
}

// The age of an object as kubectl prints it, from its creation to `now`.
export function ageOf(created: string | undefined, now: Date): string {
  const ms = created ? now.getTime() - Date.parse(created) : Number.NaN;
  return Number.isFinite(ms) ? formatDuration(Math.max(0, ms)).replace(/^(\d+[dhm])\d+[hms]$/, '$1') : '<unknown>';
}

// One row of `get hr`: the CRD's printer columns (Release, Phase, ReleaseStatus, Message, Age, Ready), then
// whether it is suspended and the last action with its duration (so far, while it runs).
export function releaseRow(hr: HelmRelease, now: Date): string[] {
  const s = hr.status;
  return [
    hr.metadata.name, s?.releaseName ?? '', s?.phase ?? '', s?.releaseStatus ?? '', condition(hr, 'Released')?.message ?? '',
    ageOf((hr.metadata as { creationTimestamp?: string }).creationTimestamp, now), condition(hr, 'Ready')?.status ?? 'Unknown',
    hr.spec.suspend === true ? 'True' : 'False', lastActionCell(hr), formatDuration(lastActionMs(s?.lastAction, now)),
  ];
}

const HEADERS = ['NAME', 'RELEASE', 'PHASE', 'RELEASESTATUS', 'MESSAGE', 'AGE', 'READY', 'SUSPENDED', 'LAST ACTION', 'DURATION'];

// `get hr` as a table, sorted by namespace and name; with the NAMESPACE column when listing every namespace.
export function releasesTable(hrs: readonly HelmRelease[], now: Date, allNamespaces: boolean): string {
  const sorted = [...hrs].sort((a, b) => a.metadata.namespace.localeCompare(b.metadata.namespace) || a.metadata.name.localeCompare(b.metadata.name));
  const rows = sorted.map((hr) => (allNamespaces ? [hr.metadata.namespace, ...releaseRow(hr, now)] : releaseRow(hr, now)));
  return formatTable(allNamespaces ? ['NAMESPACE', ...HEADERS] : HEADERS, rows);
}
