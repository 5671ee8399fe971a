// SSH deploy keys made and described with ssh-keygen, as fluxd did (flux pkg/ssh/keygen.go).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

// A key's fingerprint as fluxd reported it: the hash without its `MD5:`/`SHA256:` prefix, and ssh-keygen's art.
export interface Fingerprint { hash: string; randomart: string }

// A public key as `fluxctl identity` reads it: the authorized_keys line (with its newline) and its fingerprints.
export interface PublicSSHKey { key: string; fingerprints: Record<'md5' | 'sha256', Fingerprint> }

const TIMEOUT_MS = 15_000;
const FINGERPRINT_LINE = /^(\d+) ([^:]+):(\S+) (.*?) \(([^)]+)\)$/;

// A new ed25519 private key in OpenSSH format, made in a private temporary directory removed at once. The key is
// returned, never logged or passed in argv.
export async function generateDeployKey(comment = 'capstan'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'capstan-keygen-'));
  try {
    const file = join(dir, 'identity');
    const r = await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], { timeout: TIMEOUT_MS, reject: false, stdin: 'ignore' });
    if (r.exitCode !== 0) throw new Error(`ssh-keygen could not make a key: exit ${r.exitCode}`);
    return await readFile(file, 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function fingerprint(keyFile: string, hash: 'md5' | 'sha256'): Promise<Fingerprint> {
  const r = await execa('ssh-keygen', ['-l', '-v', '-E', hash, '-f', keyFile], { timeout: TIMEOUT_MS, reject: false, stdin: 'ignore' });
  const [first = '', ...art] = String(r.stdout).split('\n');
  const m = FINGERPRINT_LINE.exec(first);
  if (r.exitCode !== 0 || !m) throw new Error(`ssh-keygen could not fingerprint ${keyFile}: exit ${r.exitCode}`);
  return { hash: m[3] ?? '', randomart: art.length ? `${art.join('\n')}\n` : '' };
}

// The public half of a private key file and its md5 and sha256 fingerprints.
export async function publicSSHKey(keyFile: string): Promise<PublicSSHKey> {
  const r = await execa('ssh-keygen', ['-y', '-f', keyFile], { timeout: TIMEOUT_MS, reject: false, stdin: 'ignore' });
  if (r.exitCode !== 0) throw new Error(`cannot read the public key of ${keyFile}: ssh-keygen exit ${r.exitCode}`);
  const [md5, sha256] = await Promise.all([fingerprint(keyFile, 'md5'), fingerprint(keyFile, 'sha256')]);
  return { key: `${String(r.stdout).trim()}\n`, fingerprints: { md5, sha256 } };
}
