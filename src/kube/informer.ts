import * as k8s from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { ProjectedWatch } from './projected-watch.ts';
import { connected, failed, initialBackoff } from './watch-backoff.ts';

export type WatchEvent = 'add' | 'update' | 'delete';

// A watch-backed cache of one resource that restarts itself: client-node's informer stops on an error, so this
// restarts it with exponential backoff (1 s doubling to 60 s, reset only after a connection that stayed up:
// watch-backoff.ts). `onEvent` is not called for
// the initial list; `synced` resolves once that list is in the cache.
export interface Watched<T extends k8s.KubernetesObject> {
  list(): readonly T[];
  synced: Promise<void>;
  stop(): Promise<void>;
}

export function watchResource<T extends k8s.KubernetesObject>(opts: {
  kc: k8s.KubeConfig;
  path: string;
  list: () => Promise<k8s.KubernetesListObject<T>>;
  onEvent: (event: WatchEvent, obj: T) => void;
  log: Logger;
  onRestart?: () => void;
  // How the watch requests are made. Default: client-node's Watch on kc (whole objects), through `project` if given.
  watch?: k8s.Watch;
  // What the cache keeps of each object (list items and watch events alike), e.g. withoutBookkeeping. Default: all.
  project?: (obj: T) => T;
  // The watch's field selector (e.g. `type!=helm.sh/release.v1`); `list` must ask for the same. Default: none.
  fieldSelector?: string;
}): Watched<T> {
  const project = opts.project;
  const list = project ? async () => { const l = await opts.list(); return { ...l, items: (l.items ?? []).map(project) }; } : opts.list;
  const watch = opts.watch ?? (project ? new ProjectedWatch(opts.kc, project) : new k8s.Watch(opts.kc));
  const informer = new k8s.ListWatch(opts.path, watch, list, false, undefined, opts.fieldSelector);
  let live = false;
  let stopped = false;
  let backoff = initialBackoff();
  let timer: NodeJS.Timeout | undefined;
  for (const verb of [k8s.ADD, k8s.UPDATE, k8s.DELETE] as const) {
    informer.on(verb, (obj: T) => { if (live) opts.onEvent(verb, obj); });
  }
  informer.on(k8s.CONNECT, () => { backoff = connected(backoff, performance.now()); });
  informer.on(k8s.ERROR, (err?: unknown) => {
    if (stopped) return;
    const { waitMs, next } = failed(backoff, performance.now());
    backoff = next;
    opts.log.warn({ path: opts.path, err: (err as Error | undefined)?.message, retryInMs: waitMs }, 'watch failed; restarting');
    opts.onRestart?.();
    timer = setTimeout(() => void informer.start().catch(() => undefined), waitMs);
  });
  const synced = (async () => {
    for (;;) {
      try {
        await informer.start();
        live = true;
        return;
      } catch (err) {
        if (stopped) return;
        const { waitMs, next } = failed(backoff, performance.now());
        backoff = next;
        opts.log.warn({ path: opts.path, err: (err as Error).message, retryInMs: waitMs }, 'initial list failed; retrying');
        await new Promise((r) => setTimeout(r, waitMs));
      }
    }
  })();
  return {
    list: () => informer.list(),
    synced,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await informer.stop();
    },
  };
}
