import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { ConfigError } from './config-error.ts';
import type { Config } from './config.ts';
import { loadConfig } from './config/load-config.ts';
import { commandOf } from './config/command.ts';
import { helpText } from './config/help.ts';
import { envName } from './config/flags.ts';
import { versionText } from './config/versions.ts';
import { locateHelm } from './helm/binary.ts';
import { helmVersion } from './helm/helm-tool.ts';
import { startHttpServer } from './http/http-server.ts';
import { createMetrics, type Metrics } from './http/metrics.ts';
import { ensureCacheDirs } from './roles/cache-dirs.ts';
import { rolesOf, STOP_ORDER, type RoleContext, type RoleName, type RunningRole } from './roles/role.ts';
import { describeRedis } from './redis/redis-target.ts';
import { createLogger } from './logger.ts';

// The entry of the `capstan` executable: --help and --version; else Config → logger and metrics → the roles asked
// for (roles/*.ts, each composing its own ports) → one HTTP server; on SIGTERM/SIGINT the roles stop in order
// (workers first, finishing their helm runs). Exit: 0 clean, 1 failure, 2 bad flags.

// A role's module loads only when the role starts: --help needs none, an operator loads no helm runner.
const STARTERS: Readonly<Record<RoleName, () => Promise<(ctx: RoleContext) => Promise<RunningRole>>>> = {
  daemon: async () => (await import('./roles/daemon.ts')).startDaemonRole,
  operator: async () => (await import('./roles/operator.ts')).startOperatorRole,
  worker: async () => (await import('./roles/worker.ts')).startWorkerRole,
};

// The private cache directories first (a bad one is exit 2 before anything starts), then each role in START_ORDER.
async function startRoles(config: Config, log: Logger, metrics: Metrics): Promise<Map<RoleName, RunningRole>> {
  await ensureCacheDirs(config);
  const running = new Map<RoleName, RunningRole>();
  for (const name of rolesOf(config)) running.set(name, await (await STARTERS[name]())({ config, log, metrics }));
  return running;
}

function version(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

// Capstan's, helm's (the helm --helm-binary's variable names, else the one a worker would find) and Node's.
async function versions(): Promise<string> {
  const helm = await helmVersion(locateHelm(process.env[envName('helm-binary')], process.env));
  return versionText({ capstan: version(), helm, node: process.version });
}

// A ConfigError is a bad flag: its message on stderr, exit 2; anything else is thrown on.
function badFlags(err: unknown): number {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`capstan: ${err.message}\n`);
  return 2;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const command = commandOf(argv);
  if (command.kind === 'help') process.stdout.write(helpText(command.role));
  if (command.kind === 'version') process.stdout.write(await versions());
  if (command.kind === 'ctl') return (await import('./ctl/ctl.ts')).runCtl(command.argv, process.env);
  if (command.kind !== 'start') return 0;
  let config: Config;
  try {
    config = loadConfig(argv, process.env);
  } catch (err) {
    return badFlags(err);
  }
  const log = createLogger(config);
  const metrics = createMetrics();
  let running: Map<RoleName, RunningRole>;
  try {
    running = await startRoles(config, log, metrics);
  } catch (err) {
    return badFlags(err);
  }
  const roles = [...running.values()];
  const server: Server = await startHttpServer({
    ...config.listen, registry: metrics.registry, ready: () => roles.every((r) => r.ready()), routes: roles.flatMap((r) => r.routes),
    apiToken: config.apiToken, dashboardToken: config.dashboardToken, warn: (message) => log.warn(message),
  });
  log.info({ listen: server.address(), queue: config.queueName, redis: describeRedis(config.redis) }, 'started');
  await new Promise<void>((resolve) => {
    // `on`, not `once`: execa's exit hook re-raises a signal no other listener is left for, which killed Capstan
    // mid-helm on SIGTERM (leaving pending-*) as soon as a helm or git child had been started
    process.on('SIGTERM', resolve);
    process.on('SIGINT', resolve);
  });
  log.info('stopping');
  for (const name of STOP_ORDER) await running.get(name)?.stop();
  await new Promise((resolve) => server.close(resolve));
  return 0;
}

main().then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`capstan: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
