import { envName, type FlagName, FlagRole, type FlagSpec, flagsOf } from './flags.ts';

// What each role does, for --help.
export const ROLE_SUMMARY: Readonly<Record<FlagRole | 'run', string>> = {
  daemon: 'keeps the cluster equal to Git branches and automates images, as fluxd did',
  operator: 'watches HelmReleases and what they reference, and enqueues release jobs',
  worker: 'runs release jobs with helm; any number of them, sharing one Redis',
  run: 'every role in one process, behind one --listen',
};

// What an unset flag means: its default, or the table's words for a default worked out at start.
export function defaultOf(spec: FlagSpec): string | undefined {
  return spec.default ?? spec.unset;
}

// The variables a flag reads when it is not given, in order.
export function variablesOf(flag: FlagName, spec: FlagSpec): string[] {
  return spec.alsoReads ? [envName(flag), spec.alsoReads] : [envName(flag)];
}

const ROLE_COUNT = Object.keys(FlagRole).length;

function describe(flag: FlagName, spec: FlagSpec, withRoles: boolean): string[] {
  const value = spec.type === 'boolean' ? '' : ` ${spec.value ?? 'VALUE'}`;
  const facts = [
    ...(defaultOf(spec) ? [`default: ${defaultOf(spec)}`] : []),
    `env: ${variablesOf(flag, spec).join(', then ')}`,
    ...(withRoles ? [`roles: ${spec.roles.length === ROLE_COUNT ? 'every role' : spec.roles.join(', ')}`] : []),
  ];
  return [`  --${flag}${value}${spec.multiple ? ' (repeatable)' : ''}`, `      ${spec.meaning}`, `      ${facts.join('; ')}`];
}

// `capstan --help` (every role, every flag with the roles it serves) or `capstan ROLE --help` (that role's flags).
export function helpText(role: FlagRole | 'run' | undefined): string {
  const head = role
    ? [`capstan ${role}: ${ROLE_SUMMARY[role]}`, '', `Usage: capstan ${role} [--flag value | --flag=value]...`]
    : ['capstan: a GitOps operator for Kubernetes (Git sync, image automation, Helm releases)', '',
      'Usage: capstan ROLE [--flag value | --flag=value]...', '       capstan ROLE --help', '       capstan ctl COMMAND [flags]   (capstan ctl --help lists the commands)',
      '       capstan --version          (Capstan, helm and Node versions)', '', 'Roles:',
      ...Object.entries(ROLE_SUMMARY).map(([name, summary]) => `  ${name.padEnd(9)}${summary}`)];
  const flags = flagsOf(role ?? 'run').flatMap(([flag, spec]) => describe(flag, spec, role === undefined));
  return [...head, '', 'Flags (a flag wins over its environment variables; booleans also take =true or =false):', ...flags, ''].join('\n');
}
