// requestJson on the dispatcher alone: the sync path sends a request per object, and WHATWG fetch's Request,
// Headers and stream objects around each cost more client CPU than the request itself.
import type * as k8s from '@kubernetes/client-node';
import { type ApiRequest, authenticatedContext, fetchAuthenticated, jsonAnswer } from './api-request.ts';

// What `Dispatcher.request` answers (undici's API, typed here without importing undici).
interface DispatchAnswer { statusCode: number; headers: Record<string, string | string[] | undefined>; body: { text(): Promise<string> } }
type Dispatcher = NonNullable<ReturnType<k8s.RequestContext['getDispatcher']>> & { request?: (opts: Record<string, unknown>) => Promise<DispatchAnswer> };

// The same request, authentication and answer as requestJson, sent with undici's `Dispatcher.request` on the
// dispatcher the kubeconfig authenticates with (shared and kept alive by shared-connections.ts). Without such a
// dispatcher the same authenticated request goes through fetch, as requestJson sends it.
export async function dispatchJson(kc: k8s.KubeConfig, req: ApiRequest): Promise<unknown> {
  const ctx = await authenticatedContext(kc, req);
  const dispatcher = ctx.getDispatcher() as Dispatcher | undefined;
  if (typeof dispatcher?.request !== 'function') return fetchAuthenticated(ctx, req);
  const url = new URL(ctx.getUrl());
  const res = await dispatcher.request({
    origin: url.origin, path: `${url.pathname}${url.search}`, method: req.method, headers: ctx.getHeaders(),
    body: ctx.getBody(), signal: ctx.getSignal(),
  });
  const headers = () => Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
  return jsonAnswer(req, res.statusCode, await res.body.text(), headers);
}
