import { pino, type DestinationStream, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';
import type { Config } from './config.ts';

// The process's logger: JSON lines (one object per line, for log pipelines), or with `--log-format text` lines a
// person reads (`[time] LEVEL: role: message` and the fields below it), through pino-pretty as a synchronous
// stream in this thread: no worker-thread transport, which the packaged bin (dist/) could not resolve.
// `destination` is for tests; default stdout.
export function createLogger(config: Pick<Config, 'logLevel' | 'logFormat' | 'role'>, destination?: DestinationStream): Logger {
  const options = { level: config.logLevel, base: { role: config.role } };
  if (config.logFormat !== 'text') return destination ? pino(options, destination) : pino(options);
  const pretty = PinoPretty({
    sync: true, translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l', ignore: 'pid,hostname,role', messageFormat: '{role}: {msg}', colorize: destination ? false : process.stdout.isTTY === true,
    ...(destination ? { destination } : {}),
  });
  return pino(options, pretty);
}
