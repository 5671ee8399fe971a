import { redact, type Secret } from '../redact.ts';

// What a failed git command reports; `secrets` are removed from the command and stderr before they are kept.
export interface GitFailure {
  command: string;
  exitCode: number | undefined;
  stderr: string;
  timedOut: boolean;
  secrets?: readonly Secret[];
}

// git exited non-zero or timed out. Carries the command (no credentials: they travel in the environment), the
// exit code and stderr with secrets and URL credentials removed, so it can be logged and shown in status as is.
export class GitError extends Error {
  override name = 'GitError';
  readonly command: string;
  readonly exitCode: number | undefined;
  readonly stderr: string;
  readonly timedOut: boolean;
  constructor(failure: GitFailure) {
    const secrets = failure.secrets ?? [];
    const command = redact(failure.command, secrets);
    const stderr = redact(failure.stderr, secrets);
    const detail = detailOf(stderr);
    super(`${command}: ${failure.timedOut ? 'timed out' : `exit ${failure.exitCode ?? '?'}`}${detail ? `: ${detail}` : ''}`);
    this.command = command;
    this.exitCode = failure.exitCode;
    this.stderr = stderr;
    this.timedOut = failure.timedOut;
  }

  // What went wrong in one line: git's first `fatal:`/`error:` paragraph, else stderr's last line.
  get detail(): string {
    return detailOf(this.stderr);
  }
}

function detailOf(stderr: string): string {
  const lines = stderr.trim().split('\n').map((l) => l.trim());
  const first = lines.findIndex((l) => /^(?:fatal|error):/.test(l));
  if (first < 0) return lines.at(-1) ?? '';
  const end = lines.indexOf('', first);
  return lines.slice(first, end < 0 ? undefined : end).join(' ');
}
