import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from './cluster.ts';
import { freePort } from './net.ts';
import { ensureRedisSentinel, type RedisProcess, startRedisProcess } from './redis-process.ts';

// One master, one replica and three Sentinels (quorum 2) of a test's own on loopback, each with a password given
// in its config file. The Sentinels know the master as `master`.
export interface SentinelSet {
  master: string; // the name the Sentinels monitor it by
  sentinels: string; // host:port,host:port,host:port
  // The port of the master the Sentinels name now.
  masterPort(): Promise<number>;
  // SENTINEL FAILOVER, then waits until the Sentinels name the replica and it takes writes; resolves the ms it took.
  failover(): Promise<number>;
  close(): Promise<void>;
}

const MASTER = 'capstan';

export async function startSentinelSet(opts: { dir: string; password: string; sentinelPassword: string }): Promise<SentinelSet> {
  await ensureRedisSentinel();
  const started: RedisProcess[] = [];
  const close = async () => { for (const p of started.reverse()) await p.stop().catch(() => undefined); };
  try {
    const [masterPort, replicaPort] = [await freePort(), await freePort()];
    const server = async (name: string, port: number, extra: string[]) => {
      const conf = join(opts.dir, `${name}.conf`);
      writeFileSync(conf, [`bind 127.0.0.1`, `port ${port}`, `requirepass ${opts.password}`, `masterauth ${opts.password}`,
        'save ""', 'appendonly no', `dir ${opts.dir}`, `dbfilename ${name}.rdb`, `logfile ${join(opts.dir, `${name}.log`)}`, ...extra].join('\n'));
      started.push(await startRedisProcess({ command: 'redis-server', args: [conf], port, password: opts.password }));
    };
    await server('master', masterPort, []);
    await server('replica', replicaPort, [`replicaof 127.0.0.1 ${masterPort}`]);
    const sentinelPorts = [await freePort(), await freePort(), await freePort()];
    for (const [i, port] of sentinelPorts.entries()) {
      const conf = join(opts.dir, `sentinel-${i}.conf`); // Sentinel rewrites its own config file
      writeFileSync(conf, [`bind 127.0.0.1`, `port ${port}`, `dir ${opts.dir}`, `logfile ${join(opts.dir, `sentinel-${i}.log`)}`,
        `requirepass ${opts.sentinelPassword}`, `sentinel sentinel-pass ${opts.sentinelPassword}`,
        `sentinel monitor ${MASTER} 127.0.0.1 ${masterPort} 2`, `sentinel auth-pass ${MASTER} ${opts.password}`,
        `sentinel down-after-milliseconds ${MASTER} 2000`, `sentinel failover-timeout ${MASTER} 10000`, `sentinel parallel-syncs ${MASTER} 1`].join('\n'));
      started.push(await startRedisProcess({ command: 'redis-sentinel', args: [conf], port, password: opts.sentinelPassword }));
    }
    const sentinel = started.at(-1) as RedisProcess;
    const byPort = new Map(started.map((p) => [p.port, p]));
    const masterPortNow = async () => Number((await sentinel.cli('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER)).split('\n')[1]);
    // ready when the replica is in sync and every Sentinel sees the replica and the other two Sentinels
    await eventually('the replica in sync and the Sentinels to know each other', async () => {
      if (!/master_link_status:up/.test(await byPort.get(replicaPort)?.cli('INFO', 'replication') ?? '')) return undefined;
      for (const port of sentinelPorts) {
        const info = await byPort.get(port)?.cli('SENTINEL', 'MASTER', MASTER) ?? '';
        const field = (name: string) => Number(new RegExp(`^${name}\\n(\\d+)`, 'm').exec(info)?.[1] ?? 0);
        if (field('num-slaves') < 1 || field('num-other-sentinels') < 2) return undefined;
      }
      return true;
    }, 60_000);
    return {
      master: MASTER,
      sentinels: sentinelPorts.map((p) => `127.0.0.1:${p}`).join(','),
      masterPort: masterPortNow,
      async failover() {
        const before = await masterPortNow();
        const t0 = Date.now();
        // refused (NOGOODSLAVE, INPROG) while a Sentinel still settles: asked again until it says OK
        await eventually('the Sentinel to start a failover', async () => ((await sentinel.cli('SENTINEL', 'FAILOVER', MASTER)).trim() === 'OK' || undefined), 30_000);
        await eventually('the Sentinels to name the new master, and it to take writes', async () => {
          const now = await masterPortNow();
          if (now === before) return undefined;
          return /^role:master/m.test(await byPort.get(now)?.cli('INFO', 'replication') ?? '') || undefined;
        }, 60_000);
        return Date.now() - t0;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
