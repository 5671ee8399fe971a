import type { LoadError } from '../manifests/manifest.ts';
import { isSopsEncrypted } from './sops-encrypted.ts';

// Turns one SOPS-encrypted file's text into its plaintext; throws when it cannot (a key missing, a MAC mismatch).
// `file` is for messages only: the text goes in whole, never read again from disk.
export type FileDecryptor = (file: string, text: string) => Promise<string>;

// A read file, as the manifest loader takes it.
export interface ReadFile { file: string; text: string }

// The files with each SOPS-encrypted one replaced by its plaintext, in memory (nothing decrypted is written). A file
// that fails to decrypt is left out whole and reported by name, so none of its objects is applied and, the plan
// being incomplete, garbage collection deletes nothing; the other files go on. The message names the file and
// what sops said, never the data.
export async function decryptFiles(files: readonly ReadFile[], decrypt: FileDecryptor): Promise<{ files: ReadFile[]; errors: LoadError[] }> {
  const out: ReadFile[] = [];
  const errors: LoadError[] = [];
  for (const f of files) {
    if (!isSopsEncrypted(f.text)) {
      out.push(f);
      continue;
    }
    try {
      out.push({ file: f.file, text: await decrypt(f.file, f.text) });
    } catch (err) {
      errors.push({ file: f.file, message: `SOPS decryption failed: ${(err as Error).message}; the whole file is skipped` });
    }
  }
  return { files: out, errors };
}
