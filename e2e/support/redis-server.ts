import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { eventually } from './cluster.ts';
import { freePort } from './net.ts';

// A redis-server of one test's own on a loopback port that stays the same across restarts, for tests that stop,
// restart or flush Redis (never the shared one). Like a Redis without persistence, it comes back empty.
export interface OwnRedis {
  url: string;
  port: number;
  // Runs redis-cli against it, e.g. cli('FLUSHALL') or cli('INFO', 'commandstats').
  cli(...args: string[]): Promise<string>;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-own-redis-'));
  const port = await freePort();
  let child: ResultPromise | undefined;
  const orphaned = () => child?.kill('SIGKILL');
  process.on('exit', orphaned); // a test that dies without close() must not leave it running
  const cli = async (...args: string[]) => {
    const r = await execa('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { reject: false, timeout: 10_000 });
    if (r.exitCode !== 0) throw new Error(`redis-cli ${args.join(' ')}: ${r.stderr}`);
    return String(r.stdout);
  };
  const own: OwnRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    cli,
    async start() {
      if (child) return;
      child = execa('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no',
        '--dir', dir, '--logfile', join(dir, 'redis.log')], { reject: false });
      await eventually(`redis-server on port ${port}`, async () => ((await cli('PING')) === 'PONG' ? true : undefined), 15_000);
    },
    async stop() {
      const c = child;
      child = undefined;
      if (!c) return;
      c.kill('SIGTERM');
      await c;
    },
    async close() {
      await own.stop();
      process.off('exit', orphaned);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await own.start();
  return own;
}

// Calls per command and bytes in/out so far, from INFO commandstats and INFO stats (scripts' inner calls count).
export async function redisTraffic(redis: OwnRedis): Promise<{ commands: Map<string, number>; total: number; bytesIn: number; bytesOut: number }> {
  const commands = new Map<string, number>();
  for (const m of (await redis.cli('INFO', 'commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) commands.set(m[1] ?? '', Number(m[2]));
  const stats = await redis.cli('INFO', 'stats');
  const stat = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(stats)?.[1] ?? 0);
  return { commands, total: [...commands.values()].reduce((a, b) => a + b, 0), bytesIn: stat('total_net_input_bytes'), bytesOut: stat('total_net_output_bytes') };
}
