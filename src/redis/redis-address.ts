import { ConfigError } from '../config-error.ts';

// One Redis or Sentinel address.
export interface RedisAddress { readonly host: string; readonly port: number }

// Parses "host[:port],[v6]:port,…" (the port defaults to `defaultPort`); a bad entry is a ConfigError naming `flag`.
export function parseAddressList(flag: string, text: string, defaultPort: number): RedisAddress[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.length === 0 || items.some((s) => s === '')) throw new ConfigError(flag, `expected host:port[,host:port…], got "${text}"`);
  return items.map((item) => {
    const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]/@]+))(?::(\d{1,5}))?$/.exec(item);
    const port = m?.[3] === undefined ? defaultPort : Number(m[3]);
    if (!m || port < 1 || port > 65535) throw new ConfigError(flag, `expected host:port, got "${item}"`);
    return Object.freeze({ host: m[1] ?? m[2] ?? '', port });
  });
}
