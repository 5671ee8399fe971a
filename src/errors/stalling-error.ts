// A failure a person must fix (bad spec, missing chart, budget spent): retrying cannot help, so the release is
// marked Stalled and its job is not retried (the worker turns it into BullMQ's UnrecoverableError).
// `field` names the spec field at fault, when there is one, e.g. "spec.chart.version".
export class StallingError extends Error {
  override name = 'StallingError';
  readonly reason: string;
  readonly field: string | undefined;
  constructor(reason: string, message: string, options?: ErrorOptions & { field?: string }) {
    super(options?.field ? `${options.field}: ${message}` : message, options);
    this.reason = reason;
    this.field = options?.field;
  }
}
