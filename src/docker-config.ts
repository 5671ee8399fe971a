import { isRecord } from './records.ts';

// A registry login, from a docker config file or an image pull secret.
export interface RegistryCredentials { username: string; password: string }

const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

// The host[:port] a docker config key stands for, as ImageRef.domain spells it: scheme and path dropped, lowercase,
// Docker Hub's many names (`https://index.docker.io/v1/`, `registry-1.docker.io`) read as `docker.io`.
export function registryHost(key: string): string {
  const host = key.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/')[0]?.toLowerCase() ?? '';
  return DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}

// One auths entry; undefined when it holds no login (docker writes `{}` for hosts kept in a credential helper).
// Errors name the entry, never its content.
function readEntry(entry: unknown, where: string, key: string): RegistryCredentials | undefined {
  const fail = (why: string) => new Error(`${where}: the login for "${key}" ${why}`);
  if (!isRecord(entry)) throw fail('is not an object');
  const { auth, username, password } = entry;
  if (typeof auth === 'string' && auth.trim() !== '') {
    const text = auth.trim();
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw fail('has an "auth" that is not base64');
    const decoded = Buffer.from(text, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw fail('has an "auth" that is not base64 of username:password');
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (auth !== undefined && typeof auth !== 'string') throw fail('has an "auth" that is not a string');
  if (username === undefined && password === undefined) return undefined;
  if (typeof username !== 'string' || username === '' || typeof password !== 'string') {
    throw fail('needs both "username" and "password" as strings');
  }
  return { username, password };
}

// The auths map of either format: `{"auths": {...}}` (config.json) or the map itself (legacy .dockercfg, where
// every value is an object). A config.json without `auths` (only credsStore, say) has no logins.
function authsOf(config: Record<string, unknown>, where: string): Record<string, unknown> {
  if ('auths' in config) {
    if (!isRecord(config.auths)) throw new Error(`${where}: "auths" is not an object`);
    return config.auths;
  }
  const legacy = Object.values(config).every(isRecord) && !('credHelpers' in config);
  return legacy ? config : {};
}

// Reads registry logins from a docker config (`~/.docker/config.json`, or `.dockerconfigjson` /
// `.dockercfg` of a pull secret), keyed by bare host[:port]. `where` names the source in errors.
export function parseDockerConfig(json: string, where: string): Map<string, RegistryCredentials> {
  let config: unknown;
  try {
    config = JSON.parse(json);
  } catch {
    // the parser's message may quote the text, and the text holds passwords
    throw new Error(`${where}: not valid JSON`);
  }
  if (!isRecord(config)) throw new Error(`${where}: not a JSON object`);
  const logins = new Map<string, RegistryCredentials>();
  for (const [key, entry] of Object.entries(authsOf(config, where))) {
    const host = registryHost(key);
    if (host === '') throw new Error(`${where}: the login key "${key}" names no registry host`);
    const credentials = readEntry(entry, where, key);
    if (credentials && !logins.has(host)) logins.set(host, credentials);
  }
  return logins;
}

// One map of logins from several sources, the earlier source winning for a host.
export function mergeCredentials(...maps: Array<Map<string, RegistryCredentials>>): Map<string, RegistryCredentials> {
  const merged = new Map<string, RegistryCredentials>();
  for (const map of maps) {
    for (const [host, credentials] of map) if (!merged.has(host)) merged.set(host, credentials);
  }
  return merged;
}
