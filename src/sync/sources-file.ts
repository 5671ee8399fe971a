import { readFileSync } from 'node:fs';
import { ConfigError } from '../config-error.ts';
import type { GitAuth } from '../git/run-git.ts';
import { readYaml } from '../yaml/read-yaml.ts';

// One repository of `capstan daemon --config FILE`, with what it does not set taken from the flags.
export interface SourceEntry {
  name: string;
  gitUrl: string;
  gitBranch?: string;
  pushBranch?: string;
  gitPaths?: string[];
  syncTag?: string;
  readonly?: boolean;
  defaultNamespace?: string;
  garbageCollection?: boolean;
  garbageCollectionDry?: boolean;
  manifestGeneration?: boolean; // --manifest-generation for this source
  auth?: GitAuth;
  ssh?: { keyFile: string; knownHostsFile?: string };
}

type Check = (value: unknown) => boolean;
const isString: Check = (v) => typeof v === 'string' && v.length > 0;
const isBool: Check = (v) => typeof v === 'boolean';
const isStrings: Check = (v) => Array.isArray(v) && v.every(isString);
const FIELDS: Record<string, Check> = {
  name: isString, gitUrl: isString, gitBranch: isString, pushBranch: isString, gitPaths: isStrings, syncTag: isString, readonly: isBool,
  defaultNamespace: isString, garbageCollection: isBool, garbageCollectionDry: isBool, manifestGeneration: isBool,
  usernameFile: isString, passwordFile: isString, sshKeyFile: isString, knownHostsFile: isString,
};

function readSecretFile(path: string, where: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new ConfigError('config', `${where}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

// Reads the repositories of a daemon config file (fluxd's most requested feature: several repos in one daemon):
//   sources:
//   - {name: apps, gitUrl: https://git.example/apps.git, gitBranch: main, gitPaths: [deploy],
//      usernameFile: /etc/capstan/apps/username, passwordFile: /etc/capstan/apps/token}
// Credentials come from files (mounted Secrets), never from the file itself: usernameFile + passwordFile for
// http(s), sshKeyFile (+ knownHostsFile) for ssh. Errors name the entry and field.
export function readSourcesFile(path: string): SourceEntry[] {
  let doc: unknown;
  try {
    doc = readYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError('config', `${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  const sources = (doc as { sources?: unknown } | null)?.sources;
  if (!Array.isArray(sources) || sources.length === 0) throw new ConfigError('config', `${path}: expected a non-empty "sources" list`);
  const names = new Set<string>();
  return sources.map((raw: unknown, i): SourceEntry => {
    const where = `${path}: sources[${i}]`;
    if (typeof raw !== 'object' || raw === null) throw new ConfigError('config', `${where}: expected a map`);
    const entry = raw as Record<string, unknown>;
    for (const [key, value] of Object.entries(entry)) {
      const check = FIELDS[key];
      if (!check) throw new ConfigError('config', `${where}.${key}: unknown field`);
      if (!check(value)) throw new ConfigError('config', `${where}.${key}: invalid value`);
    }
    for (const key of ['name', 'gitUrl']) if (entry[key] === undefined) throw new ConfigError('config', `${where}.${key}: required`);
    const name = entry.name as string;
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) throw new ConfigError('config', `${where}.name: use lower-case letters, digits and -`);
    if (names.has(name)) throw new ConfigError('config', `${where}.name: "${name}" is used twice`);
    names.add(name);
    const { usernameFile, passwordFile, sshKeyFile, knownHostsFile, ...rest } = entry;
    if (knownHostsFile !== undefined && sshKeyFile === undefined) throw new ConfigError('config', `${where}.knownHostsFile: needs sshKeyFile`);
    const ssh = sshKeyFile ? { keyFile: sshKeyFile as string, ...(knownHostsFile ? { knownHostsFile: knownHostsFile as string } : {}) } : undefined;
    if ((usernameFile === undefined) !== (passwordFile === undefined)) {
      throw new ConfigError('config', `${where}: usernameFile and passwordFile go together`);
    }
    const auth = usernameFile && passwordFile
      ? { username: readSecretFile(usernameFile as string, where), password: readSecretFile(passwordFile as string, where) }
      : undefined;
    return { ...(rest as Omit<SourceEntry, 'auth' | 'ssh'>), ...(auth ? { auth } : {}), ...(ssh ? { ssh } : {}) };
  });
}
