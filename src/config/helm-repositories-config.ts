import { ConfigError } from '../config-error.ts';
import { type ImportedRepository, loadImportedRepositories } from '../helm/chart/imported-repositories.ts';
import { RepositoriesFileError } from '../helm/chart/repositories-file.ts';
import type { FlagReader } from './read-flags.ts';

// --helm-repository-import: the repositories.yaml files and the TLS files they name, read and checked at start;
// a file that cannot be used stops Capstan with a message naming the flag, the file and the entry.
export function helmRepositoriesConfig(flags: FlagReader): readonly ImportedRepository[] {
  try {
    return Object.freeze(loadImportedRepositories(flags.list('helm-repository-import')));
  } catch (err) {
    if (err instanceof RepositoriesFileError) throw new ConfigError('helm-repository-import', err.message, { cause: err });
    throw err;
  }
}
