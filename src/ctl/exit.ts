// The exit codes of `capstan ctl`, which scripts can rely on.
export const ExitCode = {
  ok: 0,
  // `diff hr` found a difference; `reconcile hr` ended in a failed release; a fluxd job failed
  failed: 1,
  // bad command line: unknown command or flag, missing argument, bad value
  usage: 2,
  // the object was not found, or the Kubernetes API or the fluxd API could not be reached
  unreachable: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

// An error `capstan ctl` ends with: its message on stderr (`capstan ctl: …`) and its exit code.
export class CtlError extends Error {
  override name = 'CtlError';
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode, options?: ErrorOptions) {
    super(message, options);
    this.exitCode = exitCode;
  }
}
