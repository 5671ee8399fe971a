import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

// Writes an SSH private key taken from a Secret (its `identity` key, as fluxd's flux-git-deploy) to a private
// file that git's ssh can use; returns the path.
export async function writeIdentity(privateKey: string, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'identity');
  await writeFile(path, privateKey.endsWith('\n') ? privateKey : `${privateKey}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return path;
}

// The public half of a private key file (`ssh-keygen -y`), to add as a deploy key: what `fluxctl identity` shows.
export async function publicKeyOf(keyFile: string): Promise<string> {
  const r = await execa('ssh-keygen', ['-y', '-f', keyFile], { timeout: 10_000, reject: false });
  if (r.exitCode !== 0) throw new Error(`cannot read the public key of ${keyFile}: ssh-keygen exit ${r.exitCode}`);
  return r.stdout.trim();
}
