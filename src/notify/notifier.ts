import type { NotifySink } from '../config.ts';
import type { Notice } from './notice.ts';
import { payloadFor } from './payload.ts';
import { deliveryVerdict } from './delivery-verdict.ts';

// Where notices go (config.ts): a name for logs and metrics (never the URL, which is a secret), the URL and its format.
export type Sink = NotifySink;

// What happened to one delivery attempt or notice, for capstan_notifications_total.
export type DeliveryResult = 'delivered' | 'retried' | 'failed' | 'dropped';

// Settings; defaults: 6 attempts, 1 s doubling to 60 s (±10% jitter), 10 s per request, 100 notices waiting per sink.
export interface NotifierOptions {
  sinks: readonly Sink[];
  fetch?: typeof fetch;
  maxAttempts?: number;
  baseMs?: number;
  maxMs?: number;
  timeoutMs?: number;
  maxQueued?: number;
  onResult?: (sink: string, result: DeliveryResult, detail?: string) => void;
}

// notify() only queues: delivery runs in the background, so reconciliation never waits on a receiver.
export interface Notifier { notify(notice: Notice): void; stop(): Promise<void> }

// Posts each notice to every sink, one at a time per sink in order, retrying a failed post with backoff up to a
// bound; a full queue drops its oldest notice. A receiver's answer or error is reported without the URL.
export function startNotifier(opts: NotifierOptions): Notifier {
  const post = opts.fetch ?? fetch;
  const o = { maxAttempts: 6, baseMs: 1_000, maxMs: 60_000, timeoutMs: 10_000, maxQueued: 100, ...opts };
  const stopping = new AbortController();
  const workers = opts.sinks.map((sink) => {
    const queue: Notice[] = [];
    let running: Promise<void> | undefined;
    const attempt = async (n: Notice): Promise<{ retry: boolean; detail: string } | undefined> => {
      try {
        const res = await post(sink.url, {
          method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payloadFor(sink.format, n)),
          signal: AbortSignal.any([stopping.signal, AbortSignal.timeout(o.timeoutMs)]), redirect: 'error',
        });
        await res.body?.cancel();
        return deliveryVerdict(res.status);
      } catch (err) {
        const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
        return { retry: true, detail: code };
      }
    };
    const deliver = async (n: Notice): Promise<void> => {
      for (let i = 1; i <= o.maxAttempts && !stopping.signal.aborted; i++) {
        const failed = await attempt(n);
        if (!failed) return void opts.onResult?.(sink.name, 'delivered');
        if (!failed.retry || i === o.maxAttempts) return void opts.onResult?.(sink.name, 'failed', failed.detail);
        opts.onResult?.(sink.name, 'retried', failed.detail);
        const delay = Math.min(o.maxMs, o.baseMs * 2 ** (i - 1)) * (0.9 + Math.random() * 0.2);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, delay);
          stopping.signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
        });
      }
    };
    const drain = async (): Promise<void> => {
      for (let n = queue.shift(); n && !stopping.signal.aborted; n = queue.shift()) await deliver(n);
      running = undefined;
    };
    return {
      push(n: Notice) {
        queue.push(n);
        if (queue.length > o.maxQueued) { queue.shift(); opts.onResult?.(sink.name, 'dropped'); }
        running ??= drain();
      },
      idle: () => running ?? Promise.resolve(),
    };
  });
  return {
    notify: (n) => { if (!stopping.signal.aborted) for (const w of workers) w.push(n); },
    async stop() {
      stopping.abort();
      await Promise.all(workers.map((w) => w.idle()));
    },
  };
}
