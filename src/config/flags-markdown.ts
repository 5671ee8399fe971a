import { type FlagName, FlagRole, type FlagSpec, flagsOf } from './flags.ts';
import { variablesOf } from './help.ts';

// A README table: `common` holds the flags of every role, `helm` the other flags of the operator and the worker,
// `daemon` the other flags of the daemon.
export const FlagSection = { common: 'common', helm: 'helm', daemon: 'daemon' } as const;
export type FlagSection = (typeof FlagSection)[keyof typeof FlagSection];

const SCOPE: Readonly<Record<FlagSection, readonly FlagRole[]>> = {
  common: Object.values(FlagRole),
  helm: [FlagRole.operator, FlagRole.worker],
  daemon: [FlagRole.daemon],
};

const isCommon = (spec: FlagSpec): boolean => SCOPE.common.every((role) => spec.roles.includes(role));

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

// One row; where a table spans two roles, a flag of only one of them says which.
function row(flag: FlagName, spec: FlagSpec, scope: readonly FlagRole[]): string {
  const name = `\`--${flag}\`${spec.multiple ? ' (repeatable)' : ''}`;
  const fallback = spec.default !== undefined ? `\`${spec.default}\`` : (spec.unset ?? '');
  const variables = variablesOf(flag, spec).map((v) => `\`${v}\``).join(', ');
  const serves = scope.filter((role) => spec.roles.includes(role));
  const onlyHere = spec.roles.every((role) => scope.includes(role));
  const prefix = onlyHere && serves.length < scope.length ? `${serves.join(', ')}: ` : '';
  return `| ${name} | ${cell(fallback)} | ${variables} | ${cell(prefix + spec.meaning)} |`;
}

// The markdown table of one section, generated from config/flags.ts.
export function flagTable(section: FlagSection): string {
  const scope = SCOPE[section];
  const rows = flagsOf('run').filter(([, spec]) => (section === 'common') === isCommon(spec) && scope.some((role) => spec.roles.includes(role)));
  return ['| flag | default | environment | meaning |', '|---|---|---|---|', ...rows.map(([flag, spec]) => row(flag, spec, scope))].join('\n');
}

const BLOCK = /(<!-- flags:(common|helm|daemon) -->\n)[\s\S]*?(<!-- \/flags -->)/g;

// The text with every `<!-- flags:SECTION -->…<!-- /flags -->` block replaced by its generated table.
export function withFlagTables(text: string): string {
  return text.replace(BLOCK, (_all, open: string, section: FlagSection, close: string) => `${open}${flagTable(section)}\n${close}`);
}
