// The SSH deploy key of the sync: from the Secret, from --git-ssh-key, or generated like fluxd did when an ssh://
// source has none, so `fluxctl identity` always has a key to show.
import type { Logger } from 'pino';
import { writeIdentity } from '../git/identity.ts';
import { FluxApiError, FluxErrorType } from './jobs/api-error.ts';
import type { KeyStore } from './key-store.ts';
import { generateDeployKey } from './ssh-key.ts';

// Where the key came from: `store` (the Secret, read or generated into it), `file` (--git-ssh-key: the user's, never
// replaced).
export const KeyOrigin = { store: 'store', file: 'file' } as const;
export type KeyOrigin = (typeof KeyOrigin)[keyof typeof KeyOrigin];

// The deploy key in use: the private key file git's ssh reads, and `regenerate`, which replaces the key in its
// file (read again by the next fetch) and its Secret.
export interface DeployKey {
  readonly keyFile: string;
  readonly origin: KeyOrigin;
  regenerate(): Promise<void>;
}

// What choosing the key needs: the Secret (unless --k8s-secret-name is unset), --git-ssh-key, whether some source
// clones over ssh with no key of its own, where to write the key file, and the `generate` port (ssh-keygen).
export interface DeployKeyOptions {
  store: KeyStore | undefined;
  configuredKeyFile: string | undefined;
  needsKey: boolean;
  dir: string;
  log: Logger;
  generate?: () => Promise<string>;
}

// Whether a Git URL is cloned over ssh: ssh://... or scp-like user@host:path.
export function isSshUrl(url: string | undefined): boolean {
  if (!url) return false;
  return /^ssh:\/\//i.test(url) || /^[^/:@\s]+@[^/:\s]+:(?!\/\/)/.test(url);
}

// The key in use, or undefined when none is configured and none is generated. The Secret's key wins over
// --git-ssh-key (as before); with neither, and a source cloning over ssh, a key is generated into the Secret. With
// no --k8s-secret-name nothing is generated: ssh then uses its own keys (~/.ssh), as before.
export async function loadDeployKey(opts: DeployKeyOptions): Promise<DeployKey | undefined> {
  const generate = opts.generate ?? (() => generateDeployKey());
  const kept = await opts.store?.read();
  let origin: KeyOrigin;
  let key: string | undefined = kept;
  if (kept) origin = KeyOrigin.store;
  else if (opts.configuredKeyFile) return { keyFile: opts.configuredKeyFile, origin: KeyOrigin.file, regenerate: refuseRegenerate };
  else if (!opts.needsKey || !opts.store) return undefined;
  else {
    key = await generate();
    origin = KeyOrigin.store;
    await opts.store.write(key);
    opts.log.info({ where: opts.store.describe }, 'no SSH key for an ssh source: generated a deploy key; add its public half (fluxctl identity) to the repository');
  }
  const keyFile = await writeIdentity(key ?? '', opts.dir);
  return {
    keyFile, origin,
    async regenerate() {
      const fresh = await generate();
      await opts.store?.write(fresh);
      await writeIdentity(fresh, opts.dir);
      opts.log.info({ where: opts.store?.describe }, 'deploy key regenerated; add the new public half to the repository');
    },
  };
}

async function refuseRegenerate(): Promise<void> {
  throw new FluxApiError(FluxErrorType.user, 'the SSH key is the file --git-ssh-key names; Capstan does not replace it', { field: 'regenerate' });
}
