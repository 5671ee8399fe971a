import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { redact } from '../redact.ts';
import { parseMetadataOutput, parseValuesOutput, type DeployedMetadata } from './deployed-release.ts';
import { HelmError } from './helm-error.ts';
import { parseReleaseOutput, type ReleaseInfo } from './release-output.ts';

// Options every release action takes. `secrets` are redacted from anything helm prints.
export interface ReleaseTarget { release: string; namespace: string; signal?: AbortSignal; secrets?: readonly string[] }

export interface InstallOptions extends ReleaseTarget {
  chart: string; // a local chart directory or .tgz, or an oci:// reference
  version?: string; // only for oci:// references
  plainHttp?: boolean; // only for oci:// references: the registry speaks plain HTTP (helm --plain-http)
  values: Record<string, unknown>;
  timeoutSec: number;
  wait: boolean;
  skipCRDs?: boolean;
  disableOpenAPIValidation?: boolean;
  force?: boolean; // upgrade only
  resetValues?: boolean; // upgrade only: false means --reuse-values
  maxHistory?: number; // upgrade only
  description?: string; // Helm's history records it instead of "Install complete"/"Upgrade complete" (why it ran)
  replace?: boolean; // install only: re-use the name of a release uninstalled with its history kept (helm needs --replace)
}

export interface RollbackOptions extends ReleaseTarget {
  version: number; timeoutSec: number; wait?: boolean; disableHooks?: boolean; recreate?: boolean; force?: boolean;
}

// The only port through which Capstan runs helm. Install and upgrade report the release they made (revision,
// manifest), so no `helm get manifest` or history read has to follow them.
export interface HelmRunner {
  install(opts: InstallOptions): Promise<ReleaseInfo>;
  upgrade(opts: InstallOptions): Promise<ReleaseInfo>;
  rollback(opts: RollbackOptions): Promise<void>;
  test(opts: ReleaseTarget & { timeoutSec: number }): Promise<void>;
  uninstall(opts: ReleaseTarget & { timeoutSec: number }): Promise<void>;
  manifest(opts: ReleaseTarget): Promise<string>;
  // `helm get metadata` and `helm get values` of the newest revision: what a release Capstan never recorded (taken
  // over from the Helm Operator) is compared with before it is adopted unchanged (adopt.ts); undefined if unreadable.
  metadata(opts: ReleaseTarget): Promise<DeployedMetadata | undefined>;
  values(opts: ReleaseTarget): Promise<Record<string, unknown> | undefined>;
  // `helm dependency build` in a chart directory (Git charts, unless chart.skipDepUpdate).
  dependencyBuild(opts: { chartDir: string; signal?: AbortSignal; timeoutSec?: number }): Promise<void>;
}

// One helm command line: its flags, then its positional arguments (after `--`).
interface Argv { flags: string[]; positional: string[] }

// How the real runner is set up; `onRun` observes every helm invocation (for metrics and tests).
export interface ExecHelmOptions {
  binary: string;
  kubeconfig?: string;
  helmHome?: string; // HELM_CACHE_HOME/CONFIG_HOME/DATA_HOME under it; default helm's own
  onRun?: (verb: string, release: string) => void;
}

// Runs the real helm binary: an argument array (no shell), values in a private temp file (never on the command
// line), a timeout of the helm timeout plus a grace period, and the job's abort signal.
export function execHelmRunner(cfg: ExecHelmOptions): HelmRunner {
  const env: Record<string, string> = cfg.helmHome
    ? { HELM_CACHE_HOME: join(cfg.helmHome, 'cache'), HELM_CONFIG_HOME: join(cfg.helmHome, 'config'), HELM_DATA_HOME: join(cfg.helmHome, 'data') }
    : {};
  // `helm <verb...> <flags> -- <positionals>`: after `--` nothing (a release name, a chart path) is read as a flag.
  const run = async (verb: string[], t: ReleaseTarget | undefined, cmd: Argv, timeoutSec = 60, signal = t?.signal): Promise<string> => {
    cfg.onRun?.(verb[0] ?? '', t ? `${t.namespace}/${t.release}` : '');
    const flags = [...cmd.flags, ...(t ? [`--namespace=${t.namespace}`] : []), ...(cfg.kubeconfig ? ['--kubeconfig', cfg.kubeconfig] : [])];
    const r = await execa(cfg.binary, [...verb, ...flags, '--', ...cmd.positional], {
      env, reject: false, timeout: (timeoutSec + 30) * 1000, forceKillAfterDelay: 10_000,
      ...(signal ? { cancelSignal: signal } : {}),
    });
    if (r.exitCode !== 0 || r.failed) {
      const command = `helm ${[...verb, ...cmd.positional, ...cmd.flags].filter((a) => !a.startsWith('/')).join(' ')}`;
      const secrets = t?.secrets ?? [];
      throw new HelmError({ command: redact(command, secrets), exitCode: r.exitCode, stderr: redact(String(r.stderr ?? r.message), secrets), timedOut: r.timedOut });
    }
    return String(r.stdout);
  };
  const withValues = async <T>(values: Record<string, unknown>, fn: (file: string) => Promise<T>): Promise<T> => {
    const dir = await mkdtemp(join(tmpdir(), 'capstan-values-'));
    try {
      const file = join(dir, 'values.json');
      await writeFile(file, JSON.stringify(values), { mode: 0o600 });
      return await fn(file);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  const common = (o: InstallOptions, file: string): Argv => ({
    positional: [o.release, o.chart],
    flags: [
      '--values', file, '--timeout', `${o.timeoutSec}s`, '--output', 'json',
      ...(o.version ? [`--version=${o.version}`] : []), // one argument: a value never reads as a flag
      ...(o.plainHttp ? ['--plain-http'] : []),
      ...(o.wait ? ['--wait'] : []),
      ...(o.disableOpenAPIValidation ? ['--disable-openapi-validation'] : []),
      ...(o.skipCRDs ? ['--skip-crds'] : []),
    ],
  });
  return {
    install: (o) => withValues(o.values, async (f) => {
      const argv = common(o, f);
      if (o.replace) argv.flags.push('--replace');
      if (o.description) argv.flags.push(`--description=${o.description}`); // one argument: never read as a flag
      return parseReleaseOutput(await run(['install'], o, argv, o.timeoutSec));
    }),
    upgrade: (o) => withValues(o.values, async (f) => {
      const argv = common(o, f);
      argv.flags.push(...(o.force ? ['--force'] : []), o.resetValues === false ? '--reuse-values' : '--reset-values', '--history-max', String(o.maxHistory ?? 10));
      if (o.description) argv.flags.push(`--description=${o.description}`); // one argument: never read as a flag
      return parseReleaseOutput(await run(['upgrade'], o, argv, o.timeoutSec));
    }),
    rollback: async (o) => void (await run(['rollback'], o, {
      positional: [o.release, String(o.version)],
      flags: ['--timeout', `${o.timeoutSec}s`, ...(o.wait ? ['--wait'] : []), ...(o.disableHooks ? ['--no-hooks'] : []),
        ...(o.recreate ? ['--recreate-pods'] : []), ...(o.force ? ['--force'] : [])],
    }, o.timeoutSec)),
    test: async (o) => void (await run(['test'], o, { positional: [o.release], flags: ['--timeout', `${o.timeoutSec}s`] }, o.timeoutSec)),
    uninstall: async (o) => void (await run(['uninstall'], o, { positional: [o.release], flags: ['--timeout', `${o.timeoutSec}s`, '--wait'] }, o.timeoutSec)),
    manifest: (o) => run(['get', 'manifest'], o, { positional: [o.release], flags: [] }),
    metadata: async (o) => parseMetadataOutput(await run(['get', 'metadata'], o, { positional: [o.release], flags: ['--output', 'json'] })),
    values: async (o) => parseValuesOutput(await run(['get', 'values'], o, { positional: [o.release], flags: ['--output', 'json'] })),
    dependencyBuild: async (o) => void (await run(['dependency', 'build'], undefined, { positional: [o.chartDir], flags: [] }, o.timeoutSec ?? 120, o.signal)),
  };
}
