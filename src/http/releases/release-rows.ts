import type { HelmRelease } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';

// What the releases page needs of a BullMQ job of the release queue (releases-page.ts reads them).
export interface JobView {
  id: string;
  state: 'active' | 'waiting' | 'delayed' | 'prioritized' | 'completed' | 'failed' | string;
  namespace: string;
  name: string;
  reason: string;
  attemptsMade: number;
  timestamp: number; // enqueued
  processedOn?: number | undefined;
  finishedOn?: number | undefined;
  failedReason?: string | undefined;
  outcome?: string | undefined; // the reconcile's outcome (the job's return value)
}

// One line of the releases page. Nothing secret: no values, no repository URL (it may hold credentials), only
// names, versions, conditions and the reasons and errors already shown in the status and Events.
export interface ReleaseRow {
  namespace: string;
  name: string;
  phase: string;
  ready: { status: string; reason: string; message: string };
  revision: string;
  chart: string;
  version: string;
  lastRun?: { reason: string; outcome: string; seconds: number; at: string };
  lastFailure?: { message: string; at: string };
  queue?: { state: string; attempt: number };
  jobs: Array<{ id: string; state: string; link: string }>;
}

const QUEUED = ['active', 'waiting', 'prioritized', 'delayed'];
const iso = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString());

// The last failure a user should see: the newest of a failed job's error and a Ready=False condition's message.
function lastFailure(hr: HelmRelease, jobs: readonly JobView[]): ReleaseRow['lastFailure'] {
  const ready = hr.status?.conditions?.find((c) => c.type === 'Ready');
  const fromStatus = ready?.status === 'False' && ready.message ? { message: ready.message, at: ready.lastTransitionTime ?? '' } : undefined;
  const failed = jobs.filter((j) => j.failedReason).sort((a, b) => (b.finishedOn ?? b.processedOn ?? 0) - (a.finishedOn ?? a.processedOn ?? 0))[0];
  const fromJob = failed?.failedReason ? { message: failed.failedReason, at: iso(failed.finishedOn ?? failed.processedOn) } : undefined;
  if (!fromStatus) return fromJob;
  if (!fromJob) return fromStatus;
  return Date.parse(fromJob.at) > Date.parse(fromStatus.at) ? fromJob : fromStatus;
}

// The rows of the releases page, sorted by namespace and name: each HelmRelease the operator watches, with the
// jobs of the queue that are its own (newest first, at most `maxJobs` links).
export function releaseRows(releases: readonly HelmRelease[], jobs: readonly JobView[], opts: { dashboardJob: (id: string) => string; maxJobs?: number }): ReleaseRow[] {
  const byRelease = new Map<string, JobView[]>();
  for (const j of jobs) {
    const key = `${j.namespace}/${j.name}`;
    byRelease.set(key, [...(byRelease.get(key) ?? []), j]);
  }
  const rows = releases.map((hr): ReleaseRow => {
    const mine = (byRelease.get(`${hr.metadata.namespace}/${hr.metadata.name}`) ?? []).sort((a, b) => b.timestamp - a.timestamp);
    const ready = hr.status?.conditions?.find((c) => c.type === 'Ready');
    const finished = mine.filter((j) => j.state === 'completed' && j.finishedOn !== undefined).sort((a, b) => (b.finishedOn ?? 0) - (a.finishedOn ?? 0))[0];
    const queued = mine.find((j) => QUEUED.includes(j.state));
    const chart = hr.spec.chart ?? {};
    const row: ReleaseRow = {
      namespace: hr.metadata.namespace, name: hr.metadata.name,
      phase: hr.status?.phase ?? 'Pending',
      ready: { status: ready?.status ?? 'Unknown', reason: ready?.reason ?? '', message: ready?.message ?? '' },
      revision: hr.status?.revision ?? '',
      chart: chart.git ? (chart.path ?? '') : (chart.name ?? ''),
      version: chart.git ? (chart.ref ?? '') : (chart.version ?? ''),
      jobs: mine.slice(0, opts.maxJobs ?? 5).map((j) => ({ id: j.id, state: j.state, link: opts.dashboardJob(j.id) })),
    };
    if (finished?.processedOn !== undefined && finished.finishedOn !== undefined) {
      row.lastRun = { reason: finished.reason, outcome: finished.outcome ?? '', seconds: (finished.finishedOn - finished.processedOn) / 1000, at: iso(finished.finishedOn) };
    }
    const failure = lastFailure(hr, mine);
    if (failure) row.lastFailure = failure;
    if (queued) row.queue = { state: queued.state, attempt: queued.attemptsMade + 1 };
    return row;
  });
  return rows.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}
