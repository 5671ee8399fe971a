import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NoticeKind, type Notice } from '../../src/notify/notice.ts';
import { startNotifier } from '../../src/notify/notifier.ts';

const notice = (name: string): Notice => ({ kind: NoticeKind.SyncFailed, object: { kind: 'GitSource', name }, reason: 'SyncFailed', message: 'm', at: '2026-01-01T00:00:00Z' });

// A receiver answering with the given statuses in turn (then 200), recording what it got.
function receiver(statuses: number[]) {
  const got: Array<{ url: string; body: Record<string, unknown> }> = [];
  const fake = (async (url: string | URL | Request, init?: RequestInit) => {
    got.push({ url: String(url), body: JSON.parse(String(init?.body)) });
    return new Response('', { status: statuses.shift() ?? 200 });
  }) as typeof fetch;
  return { fake, got };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('startNotifier', () => {
  it('retries a 5xx with backoff, then delivers; each sink in its own format', async () => {
    const { fake, got } = receiver([503, 500]);
    const results: string[] = [];
    const n = startNotifier({
      sinks: [{ name: 'webhook', url: 'http://127.0.0.1:1/hook', format: 'json' }], fetch: fake, baseMs: 1,
      onResult: (sink, r, detail) => results.push(`${sink} ${r}${detail ? ` ${detail}` : ''}`),
    });
    n.notify(notice('a'));
    await until(() => results.includes('webhook delivered'));
    assert.deepEqual(results, ['webhook retried HTTP 503', 'webhook retried HTTP 500', 'webhook delivered']);
    assert.equal(got.length, 3);
    assert.equal(got[0]?.body.type, 'capstan.notice');
    await n.stop();
  });
  it('gives up after maxAttempts, and at once on an answer that will not change', async () => {
    const { fake } = receiver([500, 500, 500, 404]);
    const results: string[] = [];
    const n = startNotifier({ sinks: [{ name: 'slack', url: 'http://x/', format: 'slack' }], fetch: fake, baseMs: 1, maxAttempts: 3, onResult: (_s, r, d) => results.push(`${r} ${d ?? ''}`) });
    n.notify(notice('a'));
    n.notify(notice('b'));
    await until(() => results.filter((r) => r.startsWith('failed')).length === 2);
    assert.deepEqual(results, ['retried HTTP 500', 'retried HTTP 500', 'failed HTTP 500', 'failed HTTP 404']);
    await n.stop();
  });
  it('delivers in order and drops the oldest when too many wait', async () => {
    const { fake, got } = receiver([]);
    const results: string[] = [];
    const n = startNotifier({ sinks: [{ name: 'webhook', url: 'http://x/', format: 'json' }], fetch: fake, maxQueued: 2, onResult: (_s, r) => results.push(r) });
    for (const name of ['a', 'b', 'c', 'd']) n.notify(notice(name));
    await until(() => results.filter((r) => r === 'delivered').length === 3);
    assert.deepEqual(got.map((g) => (g.body.object as { name: string }).name), ['a', 'c', 'd']);
    assert.ok(results.includes('dropped'));
    await n.stop();
  });
  it('a refused connection is retried, and its report never holds the URL', async () => {
    const results: string[] = [];
    const n = startNotifier({ sinks: [{ name: 'webhook', url: 'http://127.0.0.1:9/secret-token', format: 'json' }], baseMs: 1, maxAttempts: 2, onResult: (_s, r, d) => results.push(`${r} ${d ?? ''}`) });
    n.notify(notice('a'));
    await until(() => results.some((r) => r.startsWith('failed')));
    assert.equal(results.length, 2);
    assert.ok(results.every((r) => !r.includes('secret-token') && !r.includes('127.0.0.1')), results.join());
    await n.stop();
  });
});
