import { ConfigError } from '../config-error.ts';
import type { FlagName } from './flags.ts';
import type { FlagReader } from './read-flags.ts';
import { parseBool } from './values.ts';
import type { DecryptionConfig, SecretRef } from '../decryption-config.ts';

// NAMESPACE/NAME, else a ConfigError naming the flag.
export function secretRef(flag: FlagName, value: string | undefined): SecretRef | undefined {
  if (value === undefined) return undefined;
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-.a-z0-9]*[a-z0-9])?)$/.exec(value);
  if (!m?.[1] || !m[3]) throw new ConfigError(flag, `expected NAMESPACE/NAME of a Secret, got "${value}"`);
  return Object.freeze({ namespace: m[1], name: m[3] });
}

// --sops* and --git-secret/--git-gpg-key-* into a DecryptionConfig; a key flag without its feature, or a feature
// with no key, fails start-up.
export function decryptionConfig(flags: FlagReader): DecryptionConfig {
  const sops = parseBool('sops', flags.value('sops') ?? 'false');
  const ageKeyFile = flags.given('sops-age-key-file');
  const ageKeySecret = secretRef('sops-age-key-secret', flags.given('sops-age-key-secret'));
  if (!sops && (ageKeyFile || ageKeySecret)) throw new ConfigError(ageKeyFile ? 'sops-age-key-file' : 'sops-age-key-secret', 'needs --sops');
  const gitSecret = parseBool('git-secret', flags.value('git-secret') ?? 'false');
  const keyImports = flags.list('git-gpg-key-import');
  const keySecret = secretRef('git-gpg-key-secret', flags.given('git-gpg-key-secret'));
  if (!gitSecret && (keyImports.length || keySecret)) throw new ConfigError(keySecret ? 'git-gpg-key-secret' : 'git-gpg-key-import', 'needs --git-secret');
  if (gitSecret && !keyImports.length && !keySecret) throw new ConfigError('git-secret', 'needs the private key: --git-gpg-key-import or --git-gpg-key-secret');
  return Object.freeze({
    sops: sops ? Object.freeze({ binary: flags.given('sops-binary') ?? 'sops', ageKeyFile, ageKeySecret }) : undefined,
    gitSecret: gitSecret ? Object.freeze({ keyImports: Object.freeze(keyImports), keySecret }) : undefined,
  });
}
