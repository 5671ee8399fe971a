import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SecretRef } from '../decryption-config.ts';

// Reads one entry of a Secret (the Kubernetes client's secretKey), the only cluster call decryption makes.
export interface SecretReader { secretKey(namespace: string, name: string, key: string): Promise<string | undefined> }

// Writes one entry of a Secret (private keys) to `path`, a file only Capstan's user may read (0600, in a 0700
// directory), for a tool that takes keys from a file; returns the path. A missing Secret or entry throws, naming
// the flag, the Secret and the entry, never the data.
export async function writeSecretEntry(kube: SecretReader, from: { flag: string; ref: SecretRef; key: string }, path: string): Promise<string> {
  const value = await kube.secretKey(from.ref.namespace, from.ref.name, from.key);
  if (!value) throw new Error(`--${from.flag}: the Secret ${from.ref.namespace}/${from.ref.name} has no entry "${from.key}"`);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, value.endsWith('\n') ? value : `${value}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return path;
}
