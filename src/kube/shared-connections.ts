import type * as k8s from '@kubernetes/client-node';

// What client-node hands a request to send it: an undici Dispatcher (typed without importing undici).
type Dispatcher = Parameters<k8s.RequestContext['setDispatcher']>[0];

// The connection settings a dispatcher stands for: the server, how it is verified, the client certificate.
// Tokens and other headers are not part of it: they are set per request.
export function connectionKey(cluster: k8s.Cluster | null, user: k8s.User | null): string {
  return JSON.stringify([cluster?.server, cluster?.caData, cluster?.caFile, cluster?.skipTLSVerify, cluster?.tlsServerName,
    cluster?.proxyUrl, user?.certData, user?.certFile, user?.keyData, user?.keyFile]);
}

// A dispatcher is replaced after this long, so a client certificate or CA rotated in its file is picked up.
export const DISPATCHER_MAX_AGE_MS = 300_000;

// client-node 2 gives every request a dispatcher of its own, so each API call opens a new TLS connection (a
// handshake on both sides, most of Capstan's CPU per release and much of the API server's). This makes requests
// through `kc` (its generated clients and kube/api-request.ts alike) share one keep-alive dispatcher per
// connection key: the one client-node makes is kept or, when one is kept already, closed unused. Public API only.
// `onRequest` sees every such request's method and URL (for the request metric).
export function reuseConnections(kc: k8s.KubeConfig, now: () => number = Date.now, onRequest?: (method: string, url: string) => void): k8s.KubeConfig {
  const authenticate = kc.applySecurityAuthentication.bind(kc);
  let kept: { key: string; at: number; dispatcher: Dispatcher } | undefined;
  let keyOf: { cluster: k8s.Cluster | null; user: k8s.User | null; key: string } | undefined;
  kc.applySecurityAuthentication = async (context) => {
    onRequest?.(context.getHttpMethod(), context.getUrl());
    let made: Dispatcher | undefined;
    const capture = new Proxy(context, {
      get(target, prop) {
        if (prop === 'setDispatcher') return (d: Dispatcher) => { made = d; };
        const value: unknown = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await authenticate(capture);
    if (made === undefined) return;
    const [cluster, user] = [kc.getCurrentCluster(), kc.getCurrentUser()];
    // the key (certificates in it) is made again only when the kubeconfig's objects change, not per request
    if (!keyOf || keyOf.cluster !== cluster || keyOf.user !== user) keyOf = { cluster, user, key: connectionKey(cluster, user) };
    const key = keyOf.key;
    if (kept && kept.key === key && now() - kept.at < DISPATCHER_MAX_AGE_MS) {
      void made.close().catch(() => undefined); // never used: closes at once
    } else {
      const old = kept?.dispatcher;
      kept = { key, at: now(), dispatcher: made };
      void old?.close().catch(() => undefined); // requests in flight on it finish first
    }
    context.setDispatcher(kept.dispatcher);
  };
  return kc;
}
