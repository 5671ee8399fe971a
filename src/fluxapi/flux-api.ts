// The fluxd API under /api/flux, as fluxctl 1.25.4 calls it: the read routes, the repository and its deploy key,
// and fluxd's older ping and version. (The write routes, jobs and sync status are in write-routes.ts.)
import { readFileSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Route } from '../http/http-server.ts';
import type { ImageCache } from '../image/scan/image-cache.ts';
import type { KubeClient } from '../kube/client.ts';
import { requestJson } from '../kube/api-request.ts';
import { discoverListable } from '../kube/discovery.ts';
import { type DeployKey, isSshUrl, loadDeployKey } from './deploy-key.ts';
import { exportRoute } from './export-objects.ts';
import { fluxRoute } from './flux-route.ts';
import type { FluxSource } from './flux-source.ts';
import { gitRepoConfigRoutes } from './git-repo-config.ts';
import { imagesRoute } from './images.ts';
import { FluxApiError } from './jobs/api-error.ts';
import { secretKeyStore } from './key-store.ts';
import { realLiveObjects } from './live-objects.ts';
import { servicesRoute } from './services.ts';
import { publicSSHKey } from './ssh-key.ts';

// Capstan's version, as fluxd's /v11/version answered its own.
function capstanVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

// The deploy key of the daemon: the --k8s-secret-name Secret's `identity`, else --git-ssh-key, else (when a source
// clones over ssh with no key of its own) one generated into that Secret, as fluxd did.
// The key file is written under `dir`.
export async function daemonDeployKey(o: { kc: KubeConfig; kube: Pick<KubeClient, 'secretKey'>; config: Config; log: Logger; dir: string }): Promise<DeployKey | undefined> {
  const { config } = o;
  return loadDeployKey({
    store: config.gitSecret ? secretKeyStore(o.kc, o.kube, config.gitSecret) : undefined,
    configuredKeyFile: config.sync.ssh?.keyFile,
    needsKey: config.syncSources.some((s) => !s.ssh && isSshUrl(s.gitUrl)),
    dir: o.dir,
    log: o.log.child({ component: 'deploy-key' }),
  });
}

// What the routes read: the sources with their loops, the cluster, the namespaces Capstan may reach (empty:
// all), the scan cache (undefined when scanning is off) and the deploy key.
export interface FluxApiOptions {
  kc: KubeConfig;
  sources: readonly FluxSource[];
  namespaces: readonly string[];
  cache: ImageCache | undefined;
  deployKey: DeployKey | undefined;
  log: Logger;
}

// Every read route of the fluxd API; server errors are logged (the answer does not show them).
export function fluxApiRoutes(o: FluxApiOptions): Route[] {
  const log = o.log.child({ component: 'fluxapi' });
  const onError = (err: unknown) => {
    if (!(err instanceof FluxApiError)) log.warn({ err: (err as Error).message }, 'fluxd API request failed');
  };
  const live = realLiveObjects(o.kc);
  const get = (path: string, query?: Readonly<Record<string, string>>) => requestJson(o.kc, { method: 'GET', path, ...(query && { query }) });
  const deps = { sources: o.sources, live, namespaces: o.namespaces };
  const version = capstanVersion();
  return [
    servicesRoute(deps, onError),
    imagesRoute({ ...deps, cache: o.cache }, onError),
    ...gitRepoConfigRoutes({ sources: o.sources, deployKey: o.deployKey, publicKey: publicSSHKey }, onError),
    exportRoute({ ...deps, kinds: () => discoverListable(get) }, onError),
    fluxRoute('GET', ['/v11/ping', '/v6/ping'], async () => null),
    fluxRoute('GET', ['/v11/version', '/v6/version'], async () => version),
  ];
}
