import type { WaitingError } from '../../errors/waiting-error.ts';

// What the worker hands BullMQ for a WaitingError: BullMQ treats any error *named* 'WaitingError' as a job it
// must leave alone (its own manual-move signal), which would strand the job in `active`. This carries the same
// delay under a name BullMQ does not special-case, for the backoff strategy to read.
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
  readonly retryAfterMs: number;
  readonly reason: string;
  constructor(cause: WaitingError) {
    super(cause.message, { cause });
    this.retryAfterMs = cause.retryAfterMs;
    this.reason = cause.reason;
  }
}
