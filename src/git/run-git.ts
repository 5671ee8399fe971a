import { isAbsolute } from 'node:path';
import { execa } from 'execa';
import { GitError } from './git-error.ts';

// Basic credentials for an http(s) remote.
export interface GitAuth { username: string; password: string }

// How one git command runs; every field is optional.
export interface GitOptions {
  // Basic credentials for http(s) URLs, sent as an Authorization header set through the environment (never on
  // the command line nor in the stored remote). Ignored for other schemes. Default: user:password in the URL.
  auth?: GitAuth | undefined;
  // Limit for one git command. Default DEFAULT_GIT_TIMEOUT_MS.
  timeoutMs?: number | undefined;
  // The job's signal: git is stopped and the signal's reason thrown as is. Default: none.
  signal?: AbortSignal | undefined;
  // SSH remotes: the private key (a deploy key) and the known_hosts file. Without a known_hosts file the host key
  // is trusted on first use and remembered in `<keyFile>.known_hosts`. Default: ssh's own configuration.
  ssh?: { keyFile: string; knownHostsFile?: string | undefined } | undefined;
  // The remote comes from a HelmRelease author, not from Capstan's own configuration: without `ssh`, ssh offers
  // no identity at all (ANONYMOUS_SSH) rather than the worker's default keys or agent, and git follows no HTTP
  // redirect (it would dial a host nobody checked). Default false.
  untrustedRemote?: boolean | undefined;
}

const shellQuote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;

// GIT_SSH_COMMAND for a deploy key: only that key, no prompt, host keys checked against known_hosts.
export function sshCommand(ssh: NonNullable<GitOptions['ssh']>): string {
  const knownHosts = ssh.knownHostsFile ?? `${ssh.keyFile}.known_hosts`;
  const strict = ssh.knownHostsFile ? 'yes' : 'accept-new';
  return ['ssh', '-i', shellQuote(ssh.keyFile), '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', `StrictHostKeyChecking=${strict}`,
    '-o', `UserKnownHostsFile=${shellQuote(knownHosts)}`, '-F', '/dev/null'].join(' ');
}

// GIT_SSH_COMMAND for a remote that has no key of its own: no default key files, no agent, no ~/.ssh/config (so no
// ProxyCommand or IdentityFile from it), never a prompt; host keys from the default known_hosts only.
export const ANONYMOUS_SSH = ['ssh', '-F', '/dev/null', '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'IdentityFile=none',
  '-o', 'IdentityAgent=none'].join(' ');

// The default of GitOptions.timeoutMs.
export const DEFAULT_GIT_TIMEOUT_MS = 60_000;

// A remote as git is given it: the URL without user:password, the credentials to send (http(s) only) and the
// origin the Authorization header is configured for (`http.<origin>/.extraHeader`).
export interface Remote { url: string; auth: GitAuth | undefined; origin: string | undefined }

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function remoteOf(url: string, auth?: GitAuth): Remote {
  const parsed = /^https?:\/\//i.test(url) ? URL.parse(url) : null;
  if (!parsed) return { url, auth: undefined, origin: undefined };
  const inline = parsed.username || parsed.password ? { username: decoded(parsed.username), password: decoded(parsed.password) } : undefined;
  parsed.username = '';
  parsed.password = '';
  return { url: inline ? parsed.href : url, auth: auth ?? inline, origin: parsed.origin };
}

// No system or global config, no prompt, only these transports, English messages, and no GIT_DIR & co. inherited
// from a hook that happens to run us.
const BASE_ENV = {
  GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '',
  GIT_ALLOW_PROTOCOL: 'http:https:ssh:git:file', LC_ALL: 'C', GIT_CONFIG_COUNT: '0',
  GIT_WORK_TREE: undefined, GIT_INDEX_FILE: undefined, GIT_OBJECT_DIRECTORY: undefined,
  GIT_ALTERNATE_OBJECT_DIRECTORIES: undefined, GIT_COMMON_DIR: undefined, GIT_NAMESPACE: undefined,
};

export interface Command { args: string[]; gitDir?: string; cwd?: string; remote?: Remote; input?: string; env?: Record<string, string> }

// Runs one git command in its own process group, so that a timeout or an abort also stops the transport helper
// (git-remote-http, ssh) holding its pipes: SIGTERM first, which lets git remove its lock files, SIGKILL 5 s on.
// Credentials go in as an origin-scoped http.extraHeader through GIT_CONFIG_*; a failure becomes a GitError
// without them; an abort throws the signal's reason.
export async function git(cmd: Command, opts: GitOptions): Promise<string> {
  const auth = cmd.remote?.origin ? cmd.remote.auth : undefined;
  const token = auth && Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
  const header = token && cmd.remote?.origin
    ? { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: `http.${cmd.remote.origin}/.extraHeader`, GIT_CONFIG_VALUE_0: `Authorization: Basic ${token}` }
    : {};
  const limit = AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS);
  const stop = opts.signal ? AbortSignal.any([opts.signal, limit]) : limit;
  const ssh = opts.ssh ? sshCommand(opts.ssh) : opts.untrustedRemote ? ANONYMOUS_SSH : undefined;
  // git would send the header to wherever a redirect points for the rest of the command: credentials follow none
  const untrusted = opts.untrustedRemote || token ? ['-c', 'http.followRedirects=false'] : [];
  const child = execa('git', [...untrusted, ...cmd.args], {
    env: { ...BASE_ENV, GIT_DIR: cmd.gitDir, ...cmd.env, ...header, ...(ssh ? { GIT_SSH_COMMAND: ssh } : {}) },
    ...(cmd.cwd ? { cwd: cmd.cwd } : {}), input: cmd.input ?? '', reject: false, detached: true, cancelSignal: stop, forceKillAfterDelay: 5000,
  });
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch { /* the group is gone */ }
  };
  let killer: NodeJS.Timeout | undefined;
  const onStop = (): void => {
    signalGroup('SIGTERM');
    killer = setTimeout(() => signalGroup('SIGKILL'), 5000).unref();
  };
  stop.addEventListener('abort', onStop, { once: true });
  const r = await child;
  stop.removeEventListener('abort', onStop);
  clearTimeout(killer);
  if (opts.signal?.aborted) throw opts.signal.reason;
  if (!r.failed) return r.stdout;
  throw new GitError({
    command: ['git', ...cmd.args.filter((a) => !isAbsolute(a))].join(' '), exitCode: r.exitCode,
    stderr: r.stderr || (r.shortMessage ?? ''), timedOut: limit.aborted,
    secrets: auth ? [auth] : [],
  });
}

