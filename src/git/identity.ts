import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

// Writes an SSH private key taken from a Secret (its `identity` key, as fluxd's flux-git-deploy) to a private
// file that git's ssh can use; returns the path.
export async function writeIdentity(privateKey: string, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'identity');
  await writeFile(path, privateKey.endsWith('\n') ? privateKey : `${privateKey}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return path;
}
