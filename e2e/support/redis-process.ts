import { execa, execaSync, type ResultPromise } from 'execa';
import { eventually } from './cluster.ts';

// A redis-server or redis-sentinel of one test's own on a loopback port, for the Redis topologies (TLS, Sentinel)
// that the shared Redis is not. Its password, when it has one, reaches redis-cli through REDISCLI_AUTH, not argv.
export interface RedisProcess {
  port: number;
  // Runs redis-cli against it, e.g. cli('SENTINEL', 'FAILOVER', 'capstan').
  cli(...args: string[]): Promise<string>;
  // SIGTERM, and waits for the exit.
  stop(): Promise<void>;
}

export interface RedisProcessOptions {
  command: 'redis-server' | 'redis-sentinel';
  args: string[]; // a config file, flags, or both
  port: number; // the port it answers PING on (the TLS port for a TLS-only server)
  cliTls?: { ca: string; cert: string; key: string }; // redis-cli connects with these
  password?: string; // redis-cli authenticates with it
}

// Installs Debian's redis-sentinel when it is missing (redis-server is there wherever the e2e tests run).
export async function ensureRedisSentinel(): Promise<void> {
  if ((await execa('sh', ['-c', 'command -v redis-sentinel'], { reject: false })).exitCode === 0) return;
  await execa('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-sentinel'], { timeout: 300_000 });
}

export async function startRedisProcess(opts: RedisProcessOptions): Promise<RedisProcess> {
  const child: ResultPromise = execa(opts.command, opts.args, { reject: false, stdio: 'ignore' });
  const orphaned = () => child.kill('SIGKILL'); // a test that dies without stop() must not leave it running
  process.on('exit', orphaned);
  const tls = opts.cliTls ? ['--tls', '--cacert', opts.cliTls.ca, '--cert', opts.cliTls.cert, '--key', opts.cliTls.key] : [];
  const env = opts.password ? { REDISCLI_AUTH: opts.password } : {};
  const cli = async (...args: string[]) => {
    const r = await execa('redis-cli', ['-h', '127.0.0.1', '-p', String(opts.port), ...tls, ...args], { reject: false, timeout: 10_000, env });
    if (r.exitCode !== 0 || /^(ERR|NOAUTH|WRONGPASS)/.test(String(r.stdout))) throw new Error(`redis-cli ${args.join(' ')}: ${r.stderr}${r.stdout}`);
    return String(r.stdout);
  };
  let exited = false;
  void child.then(() => { exited = true; });
  try {
    await eventually(`${opts.command} on port ${opts.port}`, async () => {
      if (exited) throw new Error(`${opts.command} exited`);
      return (await cli('PING')) === 'PONG' ? true : undefined;
    }, 15_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    port: opts.port,
    cli,
    async stop() {
      process.off('exit', orphaned);
      child.kill('SIGTERM');
      await child;
    },
  };
}

// openssl, run synchronously; throws with its output when it fails.
export function openssl(args: string[], cwd: string): void {
  execaSync('openssl', args, { cwd });
}
