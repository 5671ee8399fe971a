import { isAbsolute, normalize, sep } from 'node:path';
import { asRecord } from '../records.ts';
import { readYaml } from '../yaml/read-yaml.ts';
import { YamlError } from '../yaml/yaml-error.ts';

// One command of a .flux.yaml: a shell command line and its time limit (fluxd's default: one minute).
export interface FluxCommand { command: string; timeoutMs: number }

// An updater of a commandUpdated config: what sets a container's image, what sets a policy (either may be absent).
export interface FluxUpdater { containerImage?: FluxCommand; policy?: FluxCommand }

// The three kinds of .flux.yaml fluxd knew, as `as const` names.
export const FluxConfigKind = { commandUpdated: 'commandUpdated', patchUpdated: 'patchUpdated', scanForFiles: 'scanForFiles' } as const;
export type FluxConfigKind = (typeof FluxConfigKind)[keyof typeof FluxConfigKind];

// A validated .flux.yaml (version 1).
export type FluxConfig =
  | { kind: 'commandUpdated'; generators: FluxCommand[]; updaters: FluxUpdater[] }
  | { kind: 'patchUpdated'; generators: FluxCommand[]; patchFile: string }
  | { kind: 'scanForFiles' };

// fluxd ran a command for at most this long unless its `timeout` said otherwise.
export const DEFAULT_COMMAND_TIMEOUT_MS = 60_000;
// The longest `timeout` a command may ask for (a sync must end).
export const MAX_COMMAND_TIMEOUT_MS = 10 * 60_000;

// A .flux.yaml that cannot be used: `field` is the path of the offending key (`commandUpdated.generators[0].command`).
export class FluxYamlError extends Error {
  override name = 'FluxYamlError';
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super(field ? `${field}: ${message}` : message);
    this.field = field || undefined;
  }
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

// A Go duration (`30s`, `1m30s`, `500ms`) in milliseconds, or undefined when it is not one.
function goDuration(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * (UNITS[p[2] ?? 's'] ?? 1000), 0);
}

function only(record: Record<string, unknown>, keys: readonly string[], field: string): void {
  const extra = Object.keys(record).filter((k) => !keys.includes(k));
  if (extra.length) throw new FluxYamlError(`unknown key${extra.length > 1 ? 's' : ''} ${extra.map((k) => `"${k}"`).join(', ')} (expected ${keys.join(', ')})`, field || undefined);
}

function mapping(value: unknown, field: string): Record<string, unknown> {
  const record = asRecord(value);
  if (!record) throw new FluxYamlError('expected a mapping', field);
  return record;
}

function command(value: unknown, field: string): FluxCommand {
  const record = mapping(value, field);
  only(record, ['command', 'timeout'], field);
  if (typeof record.command !== 'string' || record.command.trim() === '') throw new FluxYamlError('expected a non-empty command', `${field}.command`);
  let timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS;
  if (record.timeout !== undefined) {
    const ms = typeof record.timeout === 'string' ? goDuration(record.timeout) : undefined;
    if (ms === undefined || ms <= 0 || ms > MAX_COMMAND_TIMEOUT_MS) {
      throw new FluxYamlError(`expected a duration such as 30s or 2m, at most ${MAX_COMMAND_TIMEOUT_MS / 60_000}m`, `${field}.timeout`);
    }
    timeoutMs = ms;
  }
  return { command: record.command, timeoutMs };
}

function list(value: unknown, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new FluxYamlError('expected a list', field);
  return value;
}

function generators(record: Record<string, unknown>, field: string): FluxCommand[] {
  const out = list(record.generators, `${field}.generators`).map((g, i) => command(g, `${field}.generators[${i}]`));
  if (out.length === 0) throw new FluxYamlError('expected at least one generator', `${field}.generators`);
  return out;
}

function updater(value: unknown, field: string): FluxUpdater {
  const record = mapping(value, field);
  only(record, ['containerImage', 'policy'], field);
  return {
    ...(record.containerImage !== undefined ? { containerImage: command(record.containerImage, `${field}.containerImage`) } : {}),
    ...(record.policy !== undefined ? { policy: command(record.policy, `${field}.policy`) } : {}),
  };
}

// A patch file path: relative, inside the target directory's repository (no `..` out of it), not a dot-dir path.
function patchFile(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new FluxYamlError('expected a file path', field);
  const n = normalize(value);
  if (isAbsolute(value) || n === '..' || n.startsWith(`..${sep}`)) throw new FluxYamlError('must be a relative path below the directory of the sync path', field);
  return n;
}

// Reads and checks the text of a .flux.yaml: `version: 1` and exactly one of commandUpdated, patchUpdated or
// scanForFiles, every command a non-empty string with an optional Go-duration `timeout`. Throws FluxYamlError
// naming the field at fault.
export function parseFluxYaml(text: string): FluxConfig {
  let doc: unknown;
  try {
    doc = readYaml(text, { uniqueKeys: true });
  } catch (err) {
    if (err instanceof YamlError) throw new FluxYamlError(`not valid YAML: ${err.message}`);
    throw err;
  }
  const root = mapping(doc, '');
  if (root.version !== 1) throw new FluxYamlError(`expected 1, got ${JSON.stringify(root.version ?? null)}`, 'version');
  const kinds = Object.values(FluxConfigKind).filter((k) => root[k] !== undefined);
  only(root, ['version', ...Object.values(FluxConfigKind)], '');
  if (kinds.length !== 1) {
    throw new FluxYamlError(`expected exactly one of ${Object.values(FluxConfigKind).join(', ')}, found ${kinds.length ? kinds.join(' and ') : 'none'}`);
  }
  const kind = kinds[0] as FluxConfigKind;
  if (kind === FluxConfigKind.scanForFiles) return { kind };
  const body = mapping(root[kind], kind);
  if (kind === FluxConfigKind.commandUpdated) {
    only(body, ['generators', 'updaters'], kind);
    return { kind, generators: generators(body, kind), updaters: list(body.updaters, `${kind}.updaters`).map((u, i) => updater(u, `${kind}.updaters[${i}]`)) };
  }
  only(body, ['generators', 'patchFile'], kind);
  return { kind, generators: generators(body, kind), patchFile: patchFile(body.patchFile, `${kind}.patchFile`) };
}
