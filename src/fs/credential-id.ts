import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

// Cache keys that tell credentials apart without holding them: an HMAC-SHA256 of the credentials (and whatever
// else scopes the entry, e.g. the URL), so an entry fetched with one set of credentials is never served to a
// caller holding other credentials or none, and a name seen in a path or a message does not let anyone test
// guesses of a password.

// The file in a cache directory that holds the random key of its on-disk names (mode 0600, 32 bytes).
export const CACHE_KEY_FILE = '.cache-key';

const processKey = randomBytes(32);
const dirKeys = new Map<string, Promise<Buffer>>();

function hmac(key: Buffer, parts: readonly string[]): string {
  return createHmac('sha256', key).update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

// For caches in memory: keyed by a random key of this process.
export function credentialId(parts: readonly string[]): string {
  return hmac(processKey, parts);
}

// The key in `<dir>/.cache-key`, created on first use (by link, so two processes sharing dir agree on one).
async function dirKey(dir: string): Promise<Buffer> {
  const path = join(dir, CACHE_KEY_FILE);
  const existing = await readFile(path).catch(() => undefined);
  if (existing?.length === 32) return existing;
  const temp = join(dir, `.cache-key-${randomUUID()}.tmp`);
  try {
    await writeFile(temp, randomBytes(32), { mode: 0o600 });
    await link(temp, path).catch(async (error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if ((await readFile(path)).length !== 32) await rm(path); // a torn key from a crash: the next call makes one
    });
  } finally {
    await rm(temp, { force: true });
  }
  const key = await readFile(path);
  if (key.length !== 32) throw new Error(`${path} is not a 32-byte key`);
  return key;
}

// For caches on disk, whose names must survive a restart: keyed by the random key kept in `<dir>/.cache-key`.
// `dir` must exist (and be private: see fs/private-dir.ts).
export async function persistentCredentialId(dir: string, parts: readonly string[]): Promise<string> {
  let key = dirKeys.get(dir);
  if (!key) {
    key = dirKey(dir);
    dirKeys.set(dir, key);
    key.catch(() => dirKeys.delete(dir));
  }
  return hmac(await key, parts);
}
