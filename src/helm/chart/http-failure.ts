import { Phase } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../errors/stalling-error.ts';
import { WaitingError } from '../../errors/waiting-error.ts';
import { redactUrl } from '../../redact.ts';

// How long to wait after a busy or failing repository that does not say (no Retry-After).
export const DEFAULT_RETRY_AFTER_MS = 30_000;
// The longest Retry-After honoured, so a repository cannot park a release for days.
export const MAX_RETRY_AFTER_MS = 3_600_000;

// Retry-After (delay-seconds or an HTTP date) in milliseconds, clamped to [0, 1h]; 30s when absent or unreadable.
export function retryAfterMs(header: string | null, now: number): number {
  const value = header?.trim() ?? '';
  let ms = Number.NaN;
  if (/^\d+$/.test(value)) ms = Number(value) * 1000;
  else if (value) ms = Date.parse(value) - now;
  if (Number.isNaN(ms)) return DEFAULT_RETRY_AFTER_MS;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

// What the repository answered, for the error that tells the worker what to do next.
export interface FailedAnswer {
  status: number;
  retryAfter: string | null;
  // The index or a chart tarball.
  subject: 'index' | 'chart';
  url: URL;
  now: number;
}

// A non-2xx answer sorted by what must happen: 5xx and 429 wait (Retry-After honoured); 401/403 (credentials),
// 404 (nothing there) and other 4xx stall on spec.chart.repository; anything else waits.
export function failureForStatus(answer: FailedAnswer): StallingError | WaitingError {
  const { status, subject, url } = answer;
  const where = `HTTP ${status} from ${redactUrl(url)}`;
  const field = 'spec.chart.repository';
  if (status === 401) {
    return new StallingError(Phase.ChartFetchFailed,
      `${where}: authentication required, and the credentials were missing or refused (they come from spec.chart.chartPullSecret, or an entry for this URL in a repositories.yaml of --helm-repository-import)`, { field });
  }
  if (status === 403) {
    return new StallingError(Phase.ChartFetchFailed, `${where}: access denied with the credentials given`, { field });
  }
  if (status === 404) {
    const what = subject === 'index' ? 'no Helm repository index (index.yaml) at this URL' : 'the chart tarball listed in the index is missing';
    return new StallingError(Phase.ChartFetchFailed, `${where}: not found, ${what}`, { field });
  }
  if (status >= 400 && status < 500 && status !== 429) {
    return new StallingError(Phase.ChartFetchFailed, `${where}: the repository refused the request`, { field });
  }
  const delay = retryAfterMs(answer.retryAfter, answer.now);
  return new WaitingError(Phase.ChartFetchFailed, `${where}; retrying in ${Math.ceil(delay / 1000)}s`, delay);
}
