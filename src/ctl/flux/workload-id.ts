import { CtlError, ExitCode } from '../exit.ts';

// A workload ID as fluxd names it, `namespace:kind/name`, from `-w`: a full ID as it is, `kind/name` in the
// namespace of `-n` (default "default"), as fluxctl reads it.
export function workloadId(arg: string, namespace: string | undefined): string {
  const full = /^[^:/\s]+:[^:/\s]+\/[^:/\s]+$/;
  if (full.test(arg)) return arg;
  if (/^[^:/\s]+\/[^:/\s]+$/.test(arg)) return `${namespace || 'default'}:${arg}`;
  throw new CtlError(`--workload: "${arg}" is not a workload ID (namespace:kind/name, or kind/name with -n)`, ExitCode.usage);
}

// fluxd's image filter pattern: `glob:`, `semver:`, `regexp:` or `regex:` as given, anything else a glob.
export function tagPattern(text: string): string {
  return /^(glob|semver|regexp|regex):/.test(text) ? text : `glob:${text}`;
}
