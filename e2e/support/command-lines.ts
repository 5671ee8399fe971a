import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// The argument lists of every process on the machine, sampled from /proc/*/cmdline every `intervalMs` until
// `stop`: what any user of the machine can read (`ps`), so a secret must never be there.
export function watchCommandLines(intervalMs = 25): { stop(): string[] } {
  const seen = new Set<string>();
  const sample = () => {
    let pids: string[];
    try {
      pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
    } catch {
      return;
    }
    for (const pid of pids) {
      try {
        const line = readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ').trim();
        if (line) seen.add(line);
      } catch { /* the process is gone */ }
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return [...seen];
    },
  };
}

// Wrappers around the programs Capstan runs (git, ssh through GIT_SSH_COMMAND, and helm) that append each argument
// list they get to a log and then exec the real program: a complete record of the command lines Capstan hands its
// children, which sampling /proc can miss when a command is short. Put `bin` first on Capstan's PATH and pass
// `helm` as --helm-binary.
export function commandLineLog(dir: string, programs: { git: string; ssh: string; helm: string }): { bin: string; helm: string; lines(): string[] } {
  const bin = join(dir, 'bin');
  const log = join(dir, 'command-lines.log');
  mkdirSync(bin, { recursive: true });
  writeFileSync(log, '');
  const wrap = (file: string, real: string) => {
    writeFileSync(file, `#!/bin/sh\nprintf '%s\\n' "$0 $*" >> '${log}'\nexec '${real}' "$@"\n`);
    chmodSync(file, 0o755);
  };
  wrap(join(bin, 'git'), programs.git);
  wrap(join(bin, 'ssh'), programs.ssh);
  wrap(join(dir, 'helm'), programs.helm);
  return { bin, helm: join(dir, 'helm'), lines: () => readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}
