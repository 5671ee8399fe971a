import { FlagRole } from './flags.ts';

// What the command line asks of the executable before any flag is parsed.
export type Command =
  | { readonly kind: 'help'; readonly role: FlagRole | 'run' | undefined }
  | { readonly kind: 'version' }
  | { readonly kind: 'start' };

const ROLES: ReadonlySet<string> = new Set([...Object.values(FlagRole), 'run']);

// `capstan --version`; `--help` or `-h` anywhere (help of the role named first, else of every role); else start.
export function commandOf(argv: readonly string[]): Command {
  const [first] = argv;
  if (first === '--version') return { kind: 'version' };
  if (!argv.includes('--help') && !argv.includes('-h')) return { kind: 'start' };
  return { kind: 'help', role: first !== undefined && ROLES.has(first) ? (first as FlagRole | 'run') : undefined };
}
