import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createSecureContext } from 'node:tls';
import type { ImportedRepository } from '../../config.ts';
import type { ClientTls } from '../../net/pinned-request.ts';
import { type RepositoryFileEntry, RepositoriesFileError, parseRepositoriesFile } from './repositories-file.ts';

// A chart repository of --helm-repository-import (its type lives with the Config that holds it).
export type { ImportedRepository };

function readPem(path: string, where: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new RepositoriesFileError(`${where}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { cause: err });
  }
}

function imported(entry: RepositoryFileEntry, where: string): ImportedRepository {
  const tls: ClientTls = {};
  if (entry.caFile) tls.ca = readPem(entry.caFile, `${where}.caFile`);
  if (entry.certFile) tls.cert = readPem(entry.certFile, `${where}.certFile`);
  if (entry.keyFile) tls.key = readPem(entry.keyFile, `${where}.keyFile`);
  try {
    createSecureContext(tls); // a key that is not the certificate's, or text that is not PEM, fails here, at start
  } catch (err) {
    throw new RepositoriesFileError(`${where}: the TLS files cannot be used: ${(err as Error).message}`, { cause: err });
  }
  return {
    name: entry.name, url: entry.url,
    ...(entry.username !== undefined && { auth: { username: entry.username, password: entry.password ?? '' } }),
    ...(Object.keys(tls).length > 0 && { tls }),
  };
}

// Reads the files --helm-repository-import lists (each optionally prefixed `v3:` or `v2:`, as the Helm
// Operator's flag took them; the format is the same) and the TLS files their entries name, once, at start.
// Throws a RepositoriesFileError naming the file and entry; the first entry for a URL wins, in the order given.
export function loadImportedRepositories(specs: readonly string[]): ImportedRepository[] {
  const out: ImportedRepository[] = [];
  for (const spec of specs) {
    const file = spec.replace(/^v[23]:/, '');
    if (!file) continue;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new RepositoriesFileError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { cause: err });
    }
    parseRepositoriesFile(text, file, dirname(file)).forEach((entry, i) => {
      out.push(imported(entry, `${file}: repositories[${i}]${entry.name ? ` (${entry.name})` : ''}`));
    });
  }
  return out;
}
