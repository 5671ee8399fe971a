import { execa } from 'execa';

// What a fluxctl run printed and how it ended.
export interface FluxctlResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

// The real fluxctl 1.25.4 built by e2e/tools/fluxctl.sh (exported as CAPSTAN_FLUXCTL by e2e/with-services.sh).
export function fluxctlBinary(): string {
  const bin = process.env.CAPSTAN_FLUXCTL;
  if (!bin) throw new Error('no fluxctl: run e2e/tools/fluxctl.sh and export CAPSTAN_FLUXCTL');
  return bin;
}

// Runs fluxctl against Capstan's fluxd API at `baseUrl` (e.g. http://127.0.0.1:PORT), as a user would:
// `fluxctl ARGS --url BASE/api/flux`, the token (if any) in FLUX_SERVICE_TOKEN, which fluxctl reads like `--token`,
// so it never shows in argv. Never throws on a non-zero exit.
export async function fluxctl(baseUrl: string, args: readonly string[], opts: { token?: string; timeoutMs?: number } = {}): Promise<FluxctlResult> {
  const url = `${baseUrl.replace(/\/$/, '')}/api/flux`;
  const r = await execa(fluxctlBinary(), [...args, '--url', url], {
    reject: false, timeout: opts.timeoutMs ?? 120_000,
    // --url is always given, so fluxctl never looks for a kubeconfig or port-forwards.
    env: { FLUX_SERVICE_TOKEN: opts.token ?? '', FLUX_CLOUD_TOKEN: '', KUBECONFIG: '/dev/null' },
  });
  return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), exitCode: r.exitCode ?? -1 };
}
