import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../config-error.ts';
import type { DecryptionConfig } from '../decryption-config.ts';
import { revealSecrets } from '../git/git-secret.ts';
import { importGpgKeys, keyFiles } from '../git/gpg-keys.ts';
import type { FileDecryptor } from './decrypt-files.ts';
import { type SecretReader, writeSecretEntry } from './secret-file.ts';
import { sopsDecryptor } from './sops.ts';

// What a sync does to a checkout before loading it: reveal git-secret files in it, decrypt SOPS files as read.
export interface Decryption {
  reveal?: ((root: string) => Promise<void>) | undefined;
  decrypt?: FileDecryptor | undefined;
  close(): Promise<void>; // stops gpg's agent and removes the imported keys
}

// Builds the daemon's decryption from --sops* and --git-secret/--git-gpg-key-*, once at start-up: keys from a
// Secret are written to private files under `keyDir` (the daemon's private cache) and GPG keys imported into a
// private GnuPG home. Anything missing fails start-up.
export async function startDecryption(config: DecryptionConfig | undefined, deps: { kube: SecretReader; keyDir: string; timeoutMs: number }): Promise<Decryption> {
  const sops = config?.sops;
  const ageKeyFile = sops?.ageKeySecret
    ? await writeSecretEntry(deps.kube, { flag: 'sops-age-key-secret', ref: sops.ageKeySecret, key: 'age.agekey' }, join(deps.keyDir, 'sops', 'age.agekey'))
    : sops?.ageKeyFile;
  if (sops?.ageKeyFile) await readable(sops.ageKeyFile, 'sops-age-key-file');
  const gs = config?.gitSecret;
  const fromSecret = gs?.keySecret
    ? [await writeSecretEntry(deps.kube, { flag: 'git-gpg-key-secret', ref: gs.keySecret, key: 'private.key' }, join(deps.keyDir, 'gpg', 'private.key'))]
    : [];
  for (const path of gs?.keyImports ?? []) await readable(path, 'git-gpg-key-import');
  const home = gs ? await importGpgKeys([...(await keyFiles(gs.keyImports)), ...fromSecret], deps.timeoutMs) : undefined;
  return {
    decrypt: sops ? sopsDecryptor({ binary: sops.binary, ageKeyFile, timeoutMs: deps.timeoutMs }) : undefined,
    reveal: home ? (root) => revealSecrets(root, { gnupgHome: home.dir, timeoutMs: deps.timeoutMs }) : undefined,
    close: async () => { await home?.close(); },
  };
}

// A key file or directory named by a flag must be there at start-up, else a ConfigError naming the flag (exit 2).
async function readable(path: string, flag: string): Promise<void> {
  await access(path).catch((err: NodeJS.ErrnoException) => {
    throw new ConfigError(flag, `cannot read ${path} (${err.code ?? err.message})`);
  });
}
