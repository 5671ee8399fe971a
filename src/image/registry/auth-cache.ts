import { credentialId } from '../../fs/credential-id.ts';
import type { RegistryCredentials } from '../../docker-config.ts';

// What registry clients remember about logins, shared between the clients of successive scans so that a scan
// with nothing new asks each repository once instead of being challenged (401) again: bearer tokens until they
// expire, and the hosts that want Basic credentials up front. Kept in memory only.
export interface AuthCache {
  // The unexpired token for this host, scope and login (none: anonymous), if one is cached.
  token(key: TokenKey, now: number): string | undefined;
  putToken(key: TokenKey, token: { value: string; expiresAt: number }): void;
  dropToken(key: TokenKey): void;
  // Whether the host answered a request with a Basic challenge before.
  wantsBasic(domain: string): boolean;
  markBasic(domain: string): void;
}

// Whose token for what: a token is used only by a request holding the same login it was fetched with.
export interface TokenKey { domain: string; scope: string; login: RegistryCredentials | undefined }

// The most tokens kept; past it, the least recently fetched is dropped (an expired one is dropped when read).
const MAX_TOKENS = 10_000;

// The cache: tokens by an HMAC of host, scope and login (the key never holds the password).
export function createAuthCache(maxTokens = MAX_TOKENS): AuthCache {
  const tokens = new Map<string, { value: string; expiresAt: number }>();
  const basicHosts = new Set<string>();
  const id = (k: TokenKey) => credentialId([k.domain, k.scope, k.login?.username ?? '', k.login?.password ?? '']);
  return {
    token(key, now) {
      const entry = tokens.get(id(key));
      if (entry && entry.expiresAt > now) return entry.value;
      if (entry) tokens.delete(id(key));
      return undefined;
    },
    putToken(key, token) {
      const k = id(key);
      tokens.delete(k); // re-inserted last: the Map's order is the order of writes
      for (const old of tokens.keys()) {
        if (tokens.size < maxTokens) break;
        tokens.delete(old);
      }
      tokens.set(k, token);
    },
    dropToken: (key) => void tokens.delete(id(key)),
    wantsBasic: (domain) => basicHosts.has(domain.toLowerCase()),
    markBasic: (domain) => void basicHosts.add(domain.toLowerCase()),
  };
}
