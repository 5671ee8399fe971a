import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config-error.ts';
import { envName, FLAGS, type FlagName, type FlagSpec } from './flags.ts';

// What argv and the environment say about each flag: a flag wins over CAPSTAN_<FLAG>, which wins over the
// standard variable the table names (KUBECONFIG, ...), which wins over the table's default.
export interface FlagReader {
  // The flag's value (the last given) or its variables', else undefined: for "was it set?".
  given(flag: FlagName): string | undefined;
  // given(flag), else the table's default.
  value(flag: FlagName): string | undefined;
  // A repeatable flag's values, each split at commas, or its variable's list; else the table's default.
  list(flag: FlagName): string[];
}

const SPECS: Record<string, FlagSpec> = FLAGS;
const PARSE_OPTIONS = Object.fromEntries(Object.entries(SPECS).map(([name, s]) => [name, { type: s.type, multiple: s.multiple ?? false }]));
const BOOLEANS = Object.entries(SPECS).filter(([, s]) => s.type === 'boolean').map(([name]) => `--${name}`);

// fluxd's boolean flags are written `--flag`, `--flag=true` or `--flag=false`; parseArgs takes only the first.
function normalizeBooleans(args: readonly string[]): string[] {
  return args.flatMap((a) => {
    const [flag, value] = a.split('=', 2);
    if (!flag || !BOOLEANS.includes(flag) || value === undefined) return [a];
    if (value === 'true') return [flag];
    if (value === 'false') return [];
    throw new ConfigError(flag.slice(2), `expected true or false, got "${value}"`);
  });
}

// Parses the flags after the role (every flag of every role is accepted); an unknown or malformed flag is a
// ConfigError naming it.
export function readFlags(args: readonly string[], env: NodeJS.ProcessEnv): FlagReader {
  let values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  const normalized = normalizeBooleans(args);
  try {
    values = parseArgs({ args: normalized, options: PARSE_OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    const flag = /'(--[^']+)'/.exec(String(err))?.[1]?.replace(/^--/, '') ?? 'args';
    throw new ConfigError(flag, (err as Error).message, { cause: err });
  }
  const fromEnv = (flag: FlagName): string | undefined => {
    const also = SPECS[flag]?.alsoReads;
    return env[envName(flag)] || (also ? env[also] || undefined : undefined);
  };
  const given = (flag: FlagName): string | undefined => {
    const v = values[flag];
    if (typeof v === 'boolean') return String(v);
    const last = Array.isArray(v) ? v.at(-1) : v;
    return (last === undefined ? undefined : String(last)) ?? fromEnv(flag);
  };
  const list = (flag: FlagName): string[] => {
    const v = values[flag];
    const items = Array.isArray(v) ? v.flatMap((x) => String(x).split(',')) : typeof v === 'boolean' ? [] : (fromEnv(flag) ?? '').split(',');
    const set = items.filter(Boolean);
    return set.length > 0 ? set : (SPECS[flag]?.default?.split(',') ?? []);
  };
  return { given, value: (flag) => given(flag) ?? SPECS[flag]?.default, list };
}

// A secret flag's value: --NAME or CAPSTAN_NAME, else the contents of --NAME-file (trailing newline trimmed), so
// a secret need never be in the process list. An unreadable or empty file is a bad flag.
export function secretFlag(flag: 'dashboard-token' | 'api-token' | 'webhook-secret' | 'notify-url' | 'slack-url', flags: FlagReader): string | undefined {
  const direct = flags.given(flag);
  const file = flags.given(`${flag}-file`);
  if (direct !== undefined && file !== undefined) throw new ConfigError(`${flag}-file`, `give --${flag} or --${flag}-file, not both`);
  if (file === undefined) return direct;
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new ConfigError(`${flag}-file`, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (!text) throw new ConfigError(`${flag}-file`, `${file} is empty`);
  return text;
}
