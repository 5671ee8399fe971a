import * as k8s from '@kubernetes/client-node';
import type { Logger } from 'pino';
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
  // How the watch requests are made. Default: client-node's Watch on kc (whole objects).
  watch?: k8s.Watch;
}): Watched<T> {
  const informer = new k8s.ListWatch(opts.path, opts.watch ?? new k8s.Watch(opts.kc), opts.list, false);
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
