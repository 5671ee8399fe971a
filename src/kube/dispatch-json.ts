// requestJson on the dispatcher alone: the sync path sends a request per object, and WHATWG fetch's Request,
// Headers and stream objects around each cost more client CPU than the request itself.
import * as k8s from '@kubernetes/client-node';
import { type ApiRequest, REQUEST_TIMEOUT_MS, requestJson } from './api-request.ts';

// What `Dispatcher.request` answers (undici's API, typed here without importing undici).
interface DispatchAnswer { statusCode: number; headers: Record<string, string | string[] | undefined>; body: { text(): Promise<string> } }
type Dispatcher = NonNullable<ReturnType<k8s.RequestContext['getDispatcher']>> & { request?: (opts: Record<string, unknown>) => Promise<DispatchAnswer> };

// The same request, authentication and answer as requestJson (JSON body, k8s.ApiException on a non-2xx status),
// sent with undici's `Dispatcher.request` on the dispatcher the kubeconfig authenticates with (shared and kept
// alive by shared-connections.ts). Without such a dispatcher it is requestJson.
export async function dispatchJson(kc: k8s.KubeConfig, req: ApiRequest): Promise<unknown> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error('the kubeconfig names no current cluster');
  const ctx = new k8s.ServerConfiguration(server, {}).makeRequestContext(req.path, k8s.HttpMethod[req.method]);
  for (const [name, value] of Object.entries(req.query ?? {})) ctx.setQueryParam(name, value);
  ctx.setHeaderParam('Accept', 'application/json');
  if (req.body !== undefined) ctx.setHeaderParam('Content-Type', req.contentType ?? 'application/json');
  await kc.applySecurityAuthentication(ctx);
  const dispatcher = ctx.getDispatcher() as Dispatcher | undefined;
  if (typeof dispatcher?.request !== 'function') return requestJson(kc, req);
  const url = new URL(ctx.getUrl());
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  const res = await dispatcher.request({
    origin: url.origin, path: `${url.pathname}${url.search}`, method: req.method, headers: ctx.getHeaders(),
    body: req.body === undefined ? undefined : JSON.stringify(req.body),
    signal: req.signal ? AbortSignal.any([req.signal, timeout]) : timeout,
  });
  const text = await res.body.text();
  if (res.statusCode < 200 || res.statusCode > 299) {
    const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
    throw new k8s.ApiException(res.statusCode, `${req.method} ${req.path}: HTTP ${res.statusCode}`, text, headers);
  }
  return text.trim() === '' ? undefined : (JSON.parse(text) as unknown);
}
