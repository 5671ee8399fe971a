import { execa, type ResultPromise } from 'execa';
import { eventually, GaveUp } from './cluster.ts';
import { freePort } from './net.ts';

const BIN = new URL('../../bin/capstan', import.meta.url).pathname;

// A Capstan process started by a test, as a user would start it (bin/capstan ROLE --flags), on its own port
// and queue, watching only the test's namespace.
export interface CapstanProcess {
  url: string;
  proc: ResultPromise;
  output: () => string;
  // Sum of a counter in /metrics, e.g. capstan_helm_invocations_total{verb="upgrade"}.
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  stop(): Promise<void>;
  // SIGKILL to the process and the helm it runs (its own process group), as when a machine dies.
  kill(): Promise<void>;
}

// With CAPSTAN_TEST_REDIS_CLUSTER (seed nodes from e2e/services/redis-cluster.sh start), a test's Capstan uses that
// Redis Cluster in place of REDIS_URL, unless the test names a Redis of its own.
function clusterEnv(args: readonly string[], env: Record<string, string> = {}): Record<string, string> {
  const seeds = process.env.CAPSTAN_TEST_REDIS_CLUSTER;
  const ownRedis = args.some((a) => /^--redis-(url|sentinel|cluster)\b/.test(a)) || Object.keys(env).some((k) => /^(CAPSTAN_)?REDIS_URL$/.test(k));
  if (!seeds || ownRedis) return {};
  return { REDIS_URL: '', CAPSTAN_REDIS_CLUSTER: seeds };
}

type StartOptions = {
  role: 'run' | 'operator' | 'worker' | 'daemon'; namespace: string; queue: string; args?: string[]; env?: Record<string, string>;
  port?: number; // default a free one
  keepOutput?: number; // characters of output that output() keeps, the last ones; default 200,000
  // Every test server listens on loopback, so --allow-private-networks is passed unless this is false (for tests
  // of the refusal itself). Default true.
  allowPrivateNetworks?: boolean;
};

// A port freePort picked can still be taken between the pick and Capstan's bind: then Capstan exits at once with
// EADDRINUSE, and is started again on another port (not when the test named the port).
export async function startCapstan(opts: StartOptions): Promise<CapstanProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts, opts.port ?? (await freePort()));
    } catch (err) {
      if (opts.port !== undefined || attempt >= 3 || !(err instanceof PortTaken)) throw err;
    }
  }
}

class PortTaken extends GaveUp {}

async function startOnce(opts: StartOptions, port: number): Promise<CapstanProcess> {
  const proc = execa(BIN, [
    opts.role, '--allow-namespace', opts.namespace, '--queue-name', opts.queue, '--listen', `127.0.0.1:${port}`,
    '--charts-sync-interval', '3s', '--debounce', '100ms', '--retry-backoff', '1s', '--log-level', 'debug',
    ...(opts.allowPrivateNetworks === false ? [] : ['--allow-private-networks']),
    ...(opts.args ?? []),
  ], { reject: false, all: true, buffer: false, detached: true, env: { ...clusterEnv(opts.args ?? [], opts.env), ...opts.env } });
  let exited: number | undefined;
  void proc.then((r) => { exited = r.exitCode ?? -1; });
  let out = '';
  const keep = opts.keepOutput ?? 200_000;
  proc.all?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.length > keep) out = out.slice(-keep);
  });
  const url = `http://127.0.0.1:${port}`;
  // a Capstan that never became ready is stopped, so that it cannot keep the test's process alive
  await eventually(`capstan ${opts.role} to be ready`, async () => {
    if (exited !== undefined) {
      if (/EADDRINUSE.*127\.0\.0\.1:\d+/.test(out)) throw new PortTaken(`capstan exited ${exited}: ${out}`);
      throw new GaveUp(`capstan exited ${exited}: ${out}`);
    }
    return (await fetch(`${url}/readyz`)).ok || undefined;
  }, 90_000).catch(async (err: unknown) => { // a loaded 2-core CI machine can take long to load and start every role
    if (proc.pid !== undefined && exited === undefined) process.kill(-proc.pid, 'SIGKILL');
    await proc;
    throw err;
  });
  return {
    url, proc, output: () => out,
    async metric(name, labels = {}) {
      const text = await (await fetch(`${url}/metrics`)).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        const m = /^([a-z_:]+)(\{[^}]*\})?\s+([0-9.e+-]+)$/.exec(line);
        if (!m || m[1] !== name) continue;
        if (Object.entries(labels).every(([k, v]) => (m[2] ?? '').includes(`${k}="${v}"`))) sum += Number(m[3]);
      }
      return sum;
    },
    async kill() {
      if (proc.pid !== undefined && exited === undefined) process.kill(-proc.pid, 'SIGKILL');
      await proc;
    },
    async stop() {
      if (exited === undefined) {
        proc.kill('SIGTERM');
        await proc;
      }
    },
  };
}
