import { type Command, Option } from 'commander';
import { CtlError, ExitCode } from './exit.ts';
import { OutputFormat } from './output.ts';
import type { Progress } from './progress.ts';

// What every command is handed: where its result goes (stdout), its progress line (stderr), the environment it
// reads its variables from, and fetch (a fake in tests).
export interface CtlContext {
  out: (text: string) => void;
  progress: () => Progress;
  env: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  // How often a wait polls (default 1 s).
  pollMs?: number;
}

// Collects a repeatable flag (`-w a -w b`, or `-w a,b`).
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

// `-o`/`--output`: table (fluxctl's `tab` too), json or yaml.
export function outputOption(flags = '-o, --output <format>'): Option {
  return new Option(flags, 'output format').choices(['table', 'tab', 'json', 'yaml']).default('table');
}

// The format asked for, `tab` read as table.
export function formatOf(value: unknown): OutputFormat {
  return value === 'json' || value === 'yaml' ? value : OutputFormat.table;
}

// A duration flag (`60s`, `5m`, `1h`, or seconds) in ms; a bad one is a usage error naming the flag.
export function durationMs(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new CtlError(`--${flag}: "${text}" is not a duration (e.g. 30s, 5m)`, ExitCode.usage);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000;
  return Number(m[1]) * unit;
}

// The options of a command as commander parsed them.
export function optsOf<T>(command: Command): T {
  return command.opts() as T;
}
