import { isAbsolute, join } from 'node:path';
import { readYaml } from '../../yaml/read-yaml.ts';

// One entry of a Helm `repositories.yaml` as written: credentials inline, TLS files as paths (resolved against
// the file's own folder when relative, so a mounted Secret's files can name each other).
export interface RepositoryFileEntry {
  name: string;
  url: string;
  username?: string;
  password?: string;
  certFile?: string;
  keyFile?: string;
  caFile?: string;
}

// A repositories.yaml that cannot be used; the message names the file and the entry's field, never a value
// that could be a credential.
export class RepositoriesFileError extends Error {
  override name = 'RepositoriesFileError';
}

const STRING_FIELDS = ['name', 'url', 'username', 'password', 'certFile', 'keyFile', 'caFile'] as const;
const PATH_FIELDS = ['certFile', 'keyFile', 'caFile'] as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// One entry, or an error naming `where` and the field. Empty strings (helm writes `caFile: ""`) mean unset;
// fields Capstan does not use (insecure_skip_tls_verify, pass_credentials_all) are ignored.
function readEntry(raw: unknown, where: string, dir: string): RepositoryFileEntry {
  if (!isRecord(raw)) throw new RepositoriesFileError(`${where}: expected a mapping`);
  const out: Record<string, string> = {};
  for (const field of STRING_FIELDS) {
    const value = raw[field];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') throw new RepositoriesFileError(`${where}.${field}: expected a string`);
    out[field] = value;
  }
  if (!out.url) throw new RepositoriesFileError(`${where}.url: is required`);
  if (!URL.canParse(out.url)) throw new RepositoriesFileError(`${where}.url: is not a URL`);
  if ((out.username === undefined) !== (out.password === undefined)) {
    throw new RepositoriesFileError(`${where}: username and password go together`);
  }
  if ((out.certFile === undefined) !== (out.keyFile === undefined)) {
    throw new RepositoriesFileError(`${where}: certFile and keyFile go together`);
  }
  for (const field of PATH_FIELDS) {
    const path = out[field];
    if (path !== undefined && !isAbsolute(path)) out[field] = join(dir, path);
  }
  return { ...out, name: out.name ?? '', url: out.url } as RepositoryFileEntry;
}

// The entries of a Helm repositories.yaml (`repositories: [{name, url, username, password, certFile, keyFile,
// caFile}]`), as `helm repo add` writes it. `file` names the file in errors; relative paths are against `dir`.
export function parseRepositoriesFile(text: string, file: string, dir: string): RepositoryFileEntry[] {
  let doc: unknown;
  try {
    doc = readYaml(text);
  } catch (err) {
    throw new RepositoriesFileError(`${file}: ${(err as Error).message}`, { cause: err });
  }
  if (doc === null) return [];
  if (!isRecord(doc)) throw new RepositoriesFileError(`${file}: expected a mapping with a repositories list`);
  const list = doc.repositories ?? [];
  if (!Array.isArray(list)) throw new RepositoriesFileError(`${file}: repositories: expected a list`);
  return list.map((raw, i) => readEntry(raw, `${file}: repositories[${i}]`, dir));
}
