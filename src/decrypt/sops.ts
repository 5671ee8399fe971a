import { execa } from 'execa';
import { MAX_MANIFEST_FILE_BYTES } from '../manifests/read-files.ts';
import type { FileDecryptor } from './decrypt-files.ts';
import { SopsError } from './sops-error.ts';

// How sops runs: which binary, with which age keys, for how long.
export interface SopsOptions {
  binary: string; // --sops-binary; default `sops` on PATH
  ageKeyFile?: string | undefined; // handed to sops as SOPS_AGE_KEY_FILE; default none (only sops's own lookups)
  timeoutMs: number; // the bound on one decryption
}

// The only place that runs sops: `sops decrypt` with no file name reads the YAML from stdin, and the plaintext is
// read from stdout (neither touches the disk nor argv). sops gets a clean environment (PATH, HOME and the age key
// file: no other credential of Capstan's); a failure is a SopsError with sops's first line of complaint.
export function sopsDecryptor(opts: SopsOptions): FileDecryptor {
  return async (_file, text) => {
    const r = await execa(opts.binary, ['decrypt', '--input-type', 'yaml', '--output-type', 'yaml'], {
      input: text, reject: false, extendEnv: false, timeout: opts.timeoutMs, maxBuffer: MAX_MANIFEST_FILE_BYTES, stripFinalNewline: false,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...(process.env.HOME ? { HOME: process.env.HOME } : {}), ...(opts.ageKeyFile ? { SOPS_AGE_KEY_FILE: opts.ageKeyFile } : {}) },
    });
    if (!r.failed) return r.stdout;
    if (r.timedOut) throw new SopsError(`sops did not finish within ${opts.timeoutMs} ms`, undefined);
    if (r.code === 'ENOENT') throw new SopsError(`cannot run sops (${opts.binary}): not found; set --sops-binary`, undefined);
    throw new SopsError(firstComplaint(r.stderr) || `sops exited with code ${r.exitCode}`, r.exitCode);
  };
}

// The first non-empty line of sops's stderr, at most 300 characters.
function firstComplaint(stderr: string): string {
  const line = stderr.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
