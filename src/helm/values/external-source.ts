import { StallingError } from '../../errors/stalling-error.ts';
import { WaitingError } from '../../errors/waiting-error.ts';
import { guardedFetch } from '../../net/guarded-fetch.ts';
import { AddressRefusedError, type NetworkAccess, networkAccess } from '../../net/network-access.ts';
import { SECURE_DEFAULTS } from '../../security-config.ts';

// Limits for valuesFrom.externalSourceRef; defaults: 1 MiB, 10 s, public addresses only (the worker passes
// networkAccess(config.security)).
export interface ExternalSourceOptions { maxBytes?: number; timeoutMs?: number; signal?: AbortSignal; network?: NetworkAccess }

// Reads an externalSourceRef URL: http(s) only (never file:// or other schemes), through guardedFetch (every
// redirect hop resolved and checked, so loopback, link-local and private addresses are refused unless
// --allow-private-networks), 200 only as the Helm Operator did (404/410: undefined, not there), with a size cap and a timeout. Errors name the
// URL without credentials or query.
export async function fetchExternalValues(url: string, opts: ExternalSourceOptions = {}): Promise<string | undefined> {
  const maxBytes = opts.maxBytes ?? 1 << 20;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StallingError('ValuesInvalid', `"${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new StallingError('ValuesInvalid', `scheme ${parsed.protocol} is not allowed: only http and https`);
  }
  const shown = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  const signals = [AbortSignal.timeout(opts.timeoutMs ?? 10_000), ...(opts.signal ? [opts.signal] : [])];
  let res: Response;
  try {
    res = await guardedFetch(parsed, { signal: AbortSignal.any(signals), access: opts.network ?? networkAccess(SECURE_DEFAULTS) });
  } catch (err) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    if (err instanceof AddressRefusedError) throw new StallingError('ValuesInvalid', `${shown}: ${err.message}`, { cause: err });
    const why = err instanceof Error && err.cause instanceof Error ? err.cause.message : (err as Error).message;
    throw new WaitingError('ValuesUnavailable', `${shown}: ${why}`, 30_000, { cause: err });
  }
  if (res.status >= 500 || res.status === 429) throw new WaitingError('ValuesUnavailable', `${shown}: HTTP ${res.status}`, 30_000);
  if (res.status === 404 || res.status === 410) return undefined; // not there: an optional source is skipped
  if (res.status !== 200) throw new StallingError('ValuesInvalid', `${shown}: HTTP ${res.status}`);
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw new StallingError('ValuesInvalid', `${shown}: larger than ${maxBytes} bytes`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new StallingError('ValuesInvalid', `${shown}: larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
