import { Phase } from '../../apis/helm.fluxcd.io/v1/helmrelease.ts';
import { StallingError } from '../../errors/stalling-error.ts';
import { WaitingError } from '../../errors/waiting-error.ts';
import { AddressRefusedError, type NetworkAccess, networkAccess, resolveChecked } from '../../net/network-access.ts';
import { redactUrl } from '../../redact.ts';
import type { SecurityConfig } from '../../security-config.ts';

// How long a release waits when the host of its chart source does not resolve (DNS may come back).
const RESOLVE_RETRY_MS = 30_000;

// Where a Git URL connects: `file` for the worker's own disk, else the host and port git's transport dials.
export function gitRemoteEndpoint(url: string): { file: true } | { file: false; host: string; port: number } | undefined {
  const scp = /^[\w.~-]+@([\w.-]+):/.exec(url);
  if (scp && !url.includes('://')) return { file: false, host: scp[1] as string, port: 22 };
  const parsed = URL.parse(url);
  if (!parsed) return undefined;
  const ports: Record<string, number> = { 'http:': 80, 'https:': 443, 'ssh:': 22, 'git:': 9418 };
  if (parsed.protocol === 'file:') return { file: true };
  const port = ports[parsed.protocol];
  if (port === undefined || !parsed.hostname) return undefined;
  return { file: false, host: parsed.hostname, port: Number(parsed.port) || port };
}

// Resolves `host` and checks every address, as the tool (git, helm) about to dial it will see them: a refused
// address stalls on `field`, a name that does not resolve waits. The tool resolves the name again itself, so a
// DNS answer that changes within that moment is not caught (the HTTP fetches of Capstan pin the address).
// `about` prefixes the refusal, e.g. the dependency whose repository it is.
export async function checkHost(host: string, port: number, access: NetworkAccess, field: string, about = ''): Promise<void> {
  try {
    await resolveChecked(host, port, access);
  } catch (error) {
    if (error instanceof AddressRefusedError) throw new StallingError(Phase.ChartFetchFailed, `${about}${error.message}`, { field, cause: error });
    const code = (error as { code?: unknown }).code;
    throw new WaitingError(Phase.ChartFetchFailed, `cannot resolve ${host}: ${typeof code === 'string' ? code : (error as Error).message}`,
      RESOLVE_RETRY_MS, { cause: error });
  }
}

// Checks spec.chart.git before git runs: file:// (the worker's own disk) only with --allow-file-urls, and the
// host of an http(s)://, ssh://, git:// or scp-style URL through the address policy (--allow-private-networks).
// `access` defaults to networkAccess(security); with --allow-private-networks and no `access`, nothing resolves.
export async function checkGitChartUrl(url: string, security: SecurityConfig, access?: NetworkAccess): Promise<void> {
  const field = 'spec.chart.git';
  const endpoint = gitRemoteEndpoint(url);
  if (!endpoint) throw new StallingError(Phase.ChartFetchFailed, `"${redactUrl(url)}" names no host to fetch from`, { field });
  if (endpoint.file) {
    if (security.allowFileUrls) return;
    throw new StallingError(Phase.ChartFetchFailed,
      `refused: ${redactUrl(url)} is a file:// URL, which reads the worker's own disk; Capstan fetches Git charts from file:// URLs only when started with --allow-file-urls`,
      { field });
  }
  if (access || !security.allowPrivateNetworks) await checkHost(endpoint.host, endpoint.port, access ?? networkAccess(security), field);
}

// Checks the registry of an oci:// chart (spec.chart.repository) through the address policy before helm pulls
// from it. Default port 443, as helm dials it.
export async function checkOciRegistry(repository: string, security: SecurityConfig, access?: NetworkAccess): Promise<void> {
  const field = 'spec.chart.repository';
  const parsed = URL.parse(repository);
  if (!parsed?.hostname) throw new StallingError(Phase.ChartFetchFailed, `"${redactUrl(repository)}" names no registry host`, { field });
  if (access || !security.allowPrivateNetworks) await checkHost(parsed.hostname, Number(parsed.port) || 443, access ?? networkAccess(security), field);
}
