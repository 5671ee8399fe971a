// sops could not decrypt a file: the exit code and the first line of what it said (sops names the key or MAC that
// failed, never the plaintext, since it has none), bounded in length.
export class SopsError extends Error {
  readonly exitCode: number | undefined;
  constructor(message: string, exitCode: number | undefined) {
    super(message);
    this.name = 'SopsError';
    this.exitCode = exitCode;
  }
}
