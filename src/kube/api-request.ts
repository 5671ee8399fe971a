// Raw requests to the API server through client-node's public request helpers, for what its typed clients cannot do.
import * as k8s from '@kubernetes/client-node';

// One slow aggregated API (or a hung API server) must not hold a sync for the API server's own minute.
export const REQUEST_TIMEOUT_MS = 30_000;

// One request: `body` is sent as JSON text under `contentType` (default application/json).
export interface ApiRequest {
  method: 'GET' | 'PATCH' | 'DELETE';
  path: string;
  query?: Readonly<Record<string, string>>;
  body?: unknown;
  contentType?: string;
  // Aborts the request (with REQUEST_TIMEOUT_MS, whichever comes first).
  signal?: AbortSignal;
}

// The request as the kubeconfig's current user (ServerConfiguration, KubeConfig.applySecurityAuthentication: both
// public), with its body, headers, and a signal that aborts it after REQUEST_TIMEOUT_MS or with `req.signal`.
export async function authenticatedContext(kc: k8s.KubeConfig, req: ApiRequest): Promise<k8s.RequestContext> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error('the kubeconfig names no current cluster');
  const ctx = new k8s.ServerConfiguration(server, {}).makeRequestContext(req.path, k8s.HttpMethod[req.method]);
  for (const [name, value] of Object.entries(req.query ?? {})) ctx.setQueryParam(name, value);
  ctx.setHeaderParam('Accept', 'application/json');
  if (req.body !== undefined) {
    ctx.setHeaderParam('Content-Type', req.contentType ?? 'application/json');
    ctx.setBody(JSON.stringify(req.body));
  }
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  ctx.setSignal(req.signal ? AbortSignal.any([req.signal, timeout]) : timeout);
  await kc.applySecurityAuthentication(ctx);
  return ctx;
}

// The JSON body of an answer; a non-2xx status rejects with client-node's ApiException, as its typed clients do
// (code: the HTTP status, body: the Status JSON as text, and the headers, read only then).
export function jsonAnswer(req: ApiRequest, status: number, text: string, headers: () => Record<string, string>): unknown {
  if (status < 200 || status > 299) throw new k8s.ApiException(status, `${req.method} ${req.path}: HTTP ${status}`, text, headers());
  return text.trim() === '' ? undefined : (JSON.parse(text) as unknown);
}

// Sends an authenticated request with client-node's IsomorphicFetchHttpLibrary (public) and answers its JSON.
export async function fetchAuthenticated(ctx: k8s.RequestContext, req: ApiRequest): Promise<unknown> {
  const res = await new k8s.IsomorphicFetchHttpLibrary().send(ctx).toPromise();
  return jsonAnswer(req, res.httpStatusCode, await res.body.text(), () => res.headers);
}

// Sends one request as the kubeconfig's current user and answers the JSON body as served: typed clients drop what
// their models lack (a list's `metadata.continue`) and re-serialise what they send (dropping unknown fields of a
// manifest).
export async function requestJson(kc: k8s.KubeConfig, req: ApiRequest): Promise<unknown> {
  return fetchAuthenticated(await authenticatedContext(kc, req), req);
}
