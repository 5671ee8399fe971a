// A condition that will pass by itself (a dependency not ready, a lease held by another worker, a repository
// that did not answer): the job is retried after `retryAfterMs`, without counting as a failure of the release.
export class WaitingError extends Error {
  override name = 'WaitingError';
  readonly reason: string;
  readonly retryAfterMs: number;
  constructor(reason: string, message: string, retryAfterMs: number, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
    this.retryAfterMs = retryAfterMs;
  }
}
