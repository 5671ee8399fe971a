import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { StallingError } from '../../../src/errors/stalling-error.ts';
import { MAX_CHART_BYTES, downloadChart } from '../../../src/helm/chart/chart-cache.ts';
import { MAX_INDEX_BYTES, fetchRepositoryIndex } from '../../../src/helm/chart/repository-index.ts';
import { CACHE_KEY_FILE } from '../../../src/fs/credential-id.ts';
import { networkAccess } from '../../../src/net/network-access.ts';
import { type RepoServer, startRepoServer } from './repo-server.ts';

const MiB = 1024 * 1024;
// The test repositories are on 127.0.0.1.
const network = networkAccess({ allowPrivateNetworks: true });

// Streams 'a's for as long as the client reads, counting what it wrote; `closed` resolves when the client hangs up.
function endlessBody() {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  let sent = 0;
  let hungUp: () => void = () => {};
  const closed = new Promise<void>((resolve) => { hungUp = resolve; });
  const handler = (res: ServerResponse, headers: Record<string, string | number> = {}): void => {
    res.on('close', () => hungUp());
    res.writeHead(200, headers);
    const pump = (): void => {
      while (!res.destroyed && res.write(chunk)) sent += chunk.length;
    };
    res.on('drain', pump);
    pump();
  };
  return { handler, closed, sent: () => sent };
}

describe('size limits on what a chart repository sends', () => {
  const servers: RepoServer[] = [];
  const dirs: string[] = [];
  after(async () => {
    await Promise.all(servers.map(async (s) => s.close()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const serve = async (handler: Parameters<typeof startRepoServer>[0]): Promise<RepoServer> => {
    const server = await startRepoServer(handler);
    servers.push(server);
    return server;
  };
  const cacheDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'capstan-limits-'));
    dirs.push(dir);
    return dir;
  };
  const tooLarge = (what: string) => (error: unknown): boolean => {
    assert.ok(error instanceof StallingError, `not a StallingError: ${String(error)}`);
    assert.equal(error.field, 'spec.chart.repository');
    assert.match(error.message, new RegExp(`larger than the 20 MiB limit for a ${what}`));
    return true;
  };

  it('the limits are 20 MiB for an index and for a chart archive', () => {
    assert.equal(MAX_INDEX_BYTES, 20 * MiB);
    assert.equal(MAX_CHART_BYTES, 20 * MiB);
  });

  it('cuts an endless index off at 20 MiB, closing the connection instead of buffering it', async () => {
    const body = endlessBody();
    const server = await serve((_req, res) => body.handler(res));
    const before = process.memoryUsage().rss;
    await assert.rejects(fetchRepositoryIndex(server.origin, { network, cache: new Map(), timeoutMs: 60_000 }), tooLarge('chart repository index'));
    await body.closed;
    assert.ok(body.sent() < MAX_INDEX_BYTES + 8 * MiB, `the server wrote ${body.sent()} bytes`);
    assert.ok(process.memoryUsage().rss - before < 200 * MiB, 'memory stayed bounded');
  });

  it('refuses an index whose Content-Length is over the limit without reading it', async () => {
    const body = endlessBody();
    const server = await serve((_req, res) => body.handler(res, { 'content-length': 100 * MiB }));
    await assert.rejects(fetchRepositoryIndex(server.origin, { network, cache: new Map() }), tooLarge('chart repository index'));
    await body.closed;
    assert.ok(body.sent() < 8 * MiB, `the server wrote ${body.sent()} bytes`);
  });

  it('accepts an index just under a lower limit and refuses one just over it', async () => {
    const index = 'apiVersion: v1\nentries: {}\n';
    const server = await serve((_req, res) => res.writeHead(200).end(index));
    await fetchRepositoryIndex(server.origin, { network, cache: new Map(), maxIndexBytes: index.length });
    await assert.rejects(fetchRepositoryIndex(server.origin, { network, cache: new Map(), maxIndexBytes: index.length - 1 }),
      (error: unknown) => error instanceof StallingError && /larger than the 26 bytes limit/.test(error.message));
  });

  it('cuts an endless chart archive off at 20 MiB and leaves no file behind', async () => {
    const body = endlessBody();
    const server = await serve((_req, res) => body.handler(res));
    const dir = cacheDir();
    await assert.rejects(downloadChart(new URL(`${server.origin}/hello-1.0.0.tgz`), { network, cacheDir: dir, timeoutMs: 60_000 }), tooLarge('chart archive'));
    await body.closed;
    assert.ok(body.sent() < MAX_CHART_BYTES + 8 * MiB, `the server wrote ${body.sent()} bytes`);
    assert.deepEqual(readdirSync(dir).filter((f) => f !== CACHE_KEY_FILE), []);
  });

  it('refuses a chart archive whose Content-Length is over the limit without reading it', async () => {
    const body = endlessBody();
    const server = await serve((_req, res) => body.handler(res, { 'content-length': 100 * MiB }));
    const dir = cacheDir();
    await assert.rejects(downloadChart(new URL(`${server.origin}/hello-1.0.0.tgz`), { network, cacheDir: dir }), tooLarge('chart archive'));
    await body.closed;
    assert.ok(body.sent() < 8 * MiB, `the server wrote ${body.sent()} bytes`);
    assert.deepEqual(readdirSync(dir), []);
  });
});
