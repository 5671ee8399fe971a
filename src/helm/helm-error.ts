// helm exited non-zero. Carries the command (never values: they go through a file), the exit code and stderr
// with secrets and URL credentials removed, so it can be logged and shown in status as it is.
export class HelmError extends Error {
  override name = 'HelmError';
  readonly command: string;
  readonly exitCode: number | undefined;
  readonly stderr: string;
  readonly timedOut: boolean;
  constructor(opts: { command: string; exitCode: number | undefined; stderr: string; timedOut: boolean }) {
    const last = opts.stderr.trim().split('\n').at(-1) ?? '';
    super(`${opts.command}: ${opts.timedOut ? 'timed out' : `exit ${opts.exitCode ?? '?'}`}${last ? `: ${last}` : ''}`);
    this.command = opts.command;
    this.exitCode = opts.exitCode;
    this.stderr = opts.stderr;
    this.timedOut = opts.timedOut;
  }
}

