import { FlagRole } from './flags.ts';

// What the command line asks of the executable before any flag is parsed.
export type Command =
  | { readonly kind: 'help'; readonly role: FlagRole | 'run' | undefined }
  | { readonly kind: 'version' }
  | { readonly kind: 'ctl'; readonly argv: readonly string[] }
  | { readonly kind: 'start' };

const ROLES: ReadonlySet<string> = new Set([...Object.values(FlagRole), 'run']);
const VERSION: ReadonlySet<string> = new Set(['--version', '-v', 'version']);

const roleOf = (word: string | undefined): FlagRole | 'run' | undefined => (word !== undefined && ROLES.has(word) ? (word as FlagRole | 'run') : undefined);

// Nothing, `help [ROLE]`, or `--help`/`-h` anywhere: help (of the role named, else of every role);
// `--version`, `-v` or `version` first: the versions; `ctl …`: the client (it parses its own flags); else start.
export function commandOf(argv: readonly string[]): Command {
  const [first, second] = argv;
  if (first === undefined) return { kind: 'help', role: undefined };
  if (first === 'ctl') return { kind: 'ctl', argv: argv.slice(1) };
  if (VERSION.has(first)) return { kind: 'version' };
  if (first === 'help') return { kind: 'help', role: roleOf(second) };
  if (!argv.includes('--help') && !argv.includes('-h')) return { kind: 'start' };
  return { kind: 'help', role: roleOf(first) };
}
