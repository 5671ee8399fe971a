import { CtlError, ExitCode } from '../exit.ts';
import { tagPattern } from './workload-id.ts';

// What `policy` (and automate, deautomate, lock, unlock) asks: fluxctl's flags.
export interface PolicyFlags {
  automate?: boolean; deautomate?: boolean; lock?: boolean; unlock?: boolean;
  tagAll?: string; tag?: readonly string[]; message?: string; user?: string;
}

// fluxd's policy update of one workload: policies to add (with values) and to remove, as fluxctl 1.25.4
// computes them (a tag pattern "*" removes the filter; lock records the message and user; unlock removes them).
export function policyUpdate(f: PolicyFlags): { add: Record<string, string>; remove: Record<string, string> } {
  if (f.automate && f.deautomate) throw new CtlError('--automate and --deautomate both given', ExitCode.usage);
  if (f.lock && f.unlock) throw new CtlError('--lock and --unlock both given', ExitCode.usage);
  const add: Record<string, string> = {};
  const remove: Record<string, string> = {};
  if (f.automate) add.automated = 'true';
  if (f.deautomate) remove.automated = 'true';
  if (f.lock) {
    add.locked = 'true';
    if (f.message) add.locked_msg = f.message;
    if (f.user) add.locked_user = f.user;
  }
  if (f.unlock) Object.assign(remove, { locked: 'true', locked_msg: 'true', locked_user: 'true' });
  if (f.tagAll !== undefined) {
    if (f.tagAll === '*') remove.tag_all = 'true';
    else add.tag_all = tagPattern(f.tagAll);
  }
  for (const pair of f.tag ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0 || at === pair.length - 1) throw new CtlError(`--tag: "${pair}" is not CONTAINER=PATTERN`, ExitCode.usage);
    const [container, pattern] = [pair.slice(0, at), pair.slice(at + 1)];
    if (pattern === '*') remove[`tag.${container}`] = 'true';
    else add[`tag.${container}`] = tagPattern(pattern);
  }
  if (Object.keys(add).length + Object.keys(remove).length === 0) throw new CtlError('no policy change given', ExitCode.usage);
  return { add, remove };
}
