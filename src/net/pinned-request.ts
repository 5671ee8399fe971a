import { type IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { pipeline, Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { AddressRefusedError, type NetworkAccess, type ResolvedAddress, resolveChecked } from './network-access.ts';

// One GET, made by requestPinned.
export interface PinnedRequest {
  url: URL;
  headers: Record<string, string>;
  signal?: AbortSignal | undefined;
  access: NetworkAccess;
  // The redirect that led here, as messages may show it; for the refusal message only.
  redirectedTo?: string | undefined;
  // For https://: the CA bundle the server's certificate must chain to (instead of the system's), and a client
  // certificate and key to present. Default: the system's CAs, no client certificate.
  tls?: ClientTls | undefined;
}

// TLS material for one https:// request, PEM text (a chart repository's caFile, certFile, keyFile).
export interface ClientTls { ca?: string; cert?: string; key?: string }

// A lookup that answers only the addresses already checked, so the connection goes where the check looked.
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const usable = addresses.filter((a) => !options.family || a.family === options.family);
    const first = usable[0];
    process.nextTick(() => {
      if (!first) callback(Object.assign(new Error('no address of the requested family'), { code: 'ENOTFOUND' }), '', 0);
      else if (options.all) callback(null, usable);
      else callback(null, first.address, first.family);
    });
  };
}

const DECODERS: Record<string, () => Transform> = { gzip: createGunzip, 'x-gzip': createGunzip, deflate: createInflate, br: createBrotliDecompress };

// The answer as a fetch Response: headers kept, the body decoded as fetch decodes it (gzip, deflate, br).
function toResponse(res: IncomingMessage): Response {
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 599) {
    res.destroy();
    throw new TypeError('fetch failed', { cause: new Error(`invalid HTTP status ${status}`) });
  }
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    try {
      headers.append(res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string);
    } catch { /* a header fetch would not accept either */ }
  }
  if (status === 204 || status === 205 || status === 304) {
    res.resume();
    return new Response(null, { status, headers });
  }
  const decoder = DECODERS[headers.get('content-encoding')?.trim().toLowerCase() ?? ''];
  const body = decoder ? pipeline(res, decoder(), () => {}) : res;
  return new Response(Readable.toWeb(body) as ReadableStream<Uint8Array>, { status, headers });
}

// One GET without following redirects: resolve the host and check every address (AddressRefusedError before any
// packet), then connect only to those addresses. Network failures reject as fetch does (TypeError 'fetch
// failed' with the cause), an abort with the signal's reason.
export async function requestPinned(req: PinnedRequest): Promise<Response> {
  const https = req.url.protocol === 'https:';
  const port = Number(req.url.port) || (https ? 443 : 80);
  let addresses: ResolvedAddress[];
  try {
    addresses = await resolveChecked(req.url.hostname, port, req.access, req.redirectedTo);
  } catch (error) {
    if (error instanceof AddressRefusedError) throw error;
    throw new TypeError('fetch failed', { cause: error });
  }
  req.signal?.throwIfAborted();
  const host = req.url.hostname.replace(/^\[(.*)\]$/, '$1');
  return new Promise<Response>((resolve, reject) => {
    let incoming: IncomingMessage | undefined;
    // as fetch: an abort stops the request, or errors the body with the signal's reason once headers are in
    const onAbort = (): void => {
      client.destroy(req.signal?.reason);
      incoming?.destroy(req.signal?.reason);
    };
    const client = (https ? httpsRequest : httpRequest)({
      host, port, path: `${req.url.pathname}${req.url.search}`, method: 'GET', agent: false,
      headers: { 'accept-encoding': 'gzip, deflate, br', ...req.headers },
      lookup: pinnedLookup(addresses),
      ...(https && req.tls),
    }, (res) => {
      incoming = res;
      res.once('close', () => req.signal?.removeEventListener('abort', onAbort));
      try {
        resolve(toResponse(res));
      } catch (error) {
        reject(error);
      }
    });
    req.signal?.addEventListener('abort', onAbort, { once: true });
    client.on('error', (error) => {
      if (!incoming) req.signal?.removeEventListener('abort', onAbort);
      reject(req.signal?.aborted ? req.signal.reason : new TypeError('fetch failed', { cause: error }));
    });
    client.end();
  });
}
