// When a restarted watch retries: exponential backoff that a *healthy* connection resets, not a mere connect.
// client-node emits CONNECT before each list and watch, so resetting on it made an outage retry every 1–2 s;
// a connection counts as healthy once it has stayed up HEALTHY_MS (as client-go's backoff manager resets).

export const MIN_DELAY_MS = 1000;
export const MAX_DELAY_MS = 60_000;
export const HEALTHY_MS = 30_000;

// Where the backoff is: the delay of the next retry, and when the current connection was made (if any).
export interface WatchBackoff { delayMs: number; connectedAt: number | undefined }

export const initialBackoff = (): WatchBackoff => ({ delayMs: MIN_DELAY_MS, connectedAt: undefined });

// A connection was made (CONNECT); the backoff is not reset yet.
export function connected(state: WatchBackoff, now: number): WatchBackoff {
  return { ...state, connectedAt: now };
}

// The watch failed: how long to wait before restarting it, and the state after. Pure.
export function failed(state: WatchBackoff, now: number): { waitMs: number; next: WatchBackoff } {
  const healthy = state.connectedAt !== undefined && now - state.connectedAt >= HEALTHY_MS;
  const waitMs = healthy ? MIN_DELAY_MS : state.delayMs;
  return { waitMs, next: { delayMs: Math.min(waitMs * 2, MAX_DELAY_MS), connectedAt: undefined } };
}
