import { ConfigError } from '../config-error.ts';
import type { FlagName } from './flags.ts';

// Parses `host:port` or `:port` (all interfaces, as fluxd's --listen).
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[?([^\]]*)\]?)?:(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new ConfigError('listen', `expected [host]:port, got "${value}"`);
  return { host: m[1] || '0.0.0.0', port };
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

// Parses a Go-style duration such as 500ms, 30s, 3m, 1h30m into milliseconds.
export function parseDuration(flag: string, value: string): number {
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value) {
    throw new ConfigError(flag, `expected a duration such as 30s, 3m or 1h, got "${value}"`);
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * (UNITS[p[2] ?? 's'] ?? 1000), 0);
}

// `true` or `false`, nothing else.
export function parseBool(flag: FlagName, value: string): boolean {
  if (value === 'true' || value === 'false') return value === 'true';
  throw new ConfigError(flag, `expected true or false, got "${value}"`);
}

// An integer of at least 1.
export function positiveInt(flag: FlagName, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(flag, `expected a positive integer, got "${value}"`);
  return n;
}
