import type { Command } from 'commander';
import { type CtlContext, durationMs } from '../ctl-context.ts';
import { CtlError, ExitCode } from '../exit.ts';
import { type FluxClient, fluxClient } from './client.ts';

// fluxctl's global flags, on each of its verbs: the API's URL and token (also from fluxctl's variables) and the
// bound on one request and on a wait.
export function withFluxOptions(cmd: Command): Command {
  return cmd
    .option('-u, --url <url>', 'base URL of the fluxd API, e.g. http://127.0.0.1:3030/api/flux (env: FLUX_URL)')
    .option('-t, --token <token>', 'API token, sent as Scope-Probe token=… (env: FLUX_SERVICE_TOKEN; prefer the variable)')
    .option('--timeout <duration>', 'how long to wait for the API and for jobs', '60s');
}

interface FluxFlags { url?: string; token?: string; timeout: string }

// The client the flags (else FLUX_URL, FLUX_SERVICE_TOKEN) name, and the wait bound. Capstan has no port-forward:
// without a URL this is a usage error.
export function fluxOf(flags: FluxFlags, ctx: CtlContext): { flux: FluxClient; timeoutMs: number } {
  const url = flags.url ?? ctx.env.FLUX_URL;
  if (!url) throw new CtlError('--url or FLUX_URL is required: the base URL of the API, e.g. http://127.0.0.1:3030/api/flux', ExitCode.usage);
  if (!/^https?:\/\//.test(url)) throw new CtlError(`--url: "${url}" is not an http:// or https:// URL`, ExitCode.usage);
  const timeoutMs = durationMs('timeout', flags.timeout);
  const token = flags.token ?? ctx.env.FLUX_SERVICE_TOKEN;
  return { flux: fluxClient({ url, timeoutMs, ...(token ? { token } : {}) }, ctx.fetch), timeoutMs };
}
