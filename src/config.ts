import type { GitAuth } from './git/run-git.ts';
import type { SecurityConfig } from './security-config.ts';
import type { RedisTarget } from './redis/redis-target.ts';
import type { DecryptionConfig } from './decryption-config.ts';

export type { SecurityConfig } from './security-config.ts';

// The shape of Capstan's configuration; config/load-config.ts reads it from flags and the environment, and
// config/flags.ts documents every flag and default. Types only (and the role names), so any folder may import it.

// The roles of the one `capstan` executable (see DESIGN.md, Processes).
export const Role = {
  daemon: 'daemon',
  operator: 'operator',
  worker: 'worker',
  run: 'run',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export const LogFormat = { json: 'json', text: 'text' } as const;
export type LogFormat = (typeof LogFormat)[keyof typeof LogFormat];

// Typed, frozen configuration; the defaults are documented beside each flag in config/flags.ts.
export interface Config {
  readonly role: Role;
  readonly kubeconfig: string | undefined;
  readonly redisUrl: string; // --redis-url as given (or its default); connections are built from `redis`
  readonly redis: RedisTarget;
  readonly listen: { readonly host: string; readonly port: number };
  readonly logFormat: LogFormat;
  readonly logLevel: string;
  readonly concurrency: number;
  readonly helmBinary: string; // empty for roles that run no helm (daemon)
  readonly helmCacheDir: string | undefined;
  readonly allowNamespaces: readonly string[];
  readonly chartsSyncIntervalMs: number;
  readonly debounceMs: number;
  readonly retryBackoffMs: number;
  readonly chartCacheDir: string;
  readonly queueName: string;
  readonly dashboardToken: string | undefined;
  readonly apiToken: string | undefined; // required on every route but /metrics, /healthz, /readyz unless the listener is loopback
  readonly notify?: readonly NotifySink[]; // --notify-url, --slack-url (daemon, worker); absent in hand-built configs = none
  readonly security: SecurityConfig;
  readonly gitPollIntervalMs: number;
  readonly gitTimeoutMs: number;
  readonly gitDefaultRef: string;
  readonly updateChartDeps: boolean;
  readonly helmRepositories: readonly ImportedRepository[]; // --helm-repository-import, read at start (worker)
  readonly sync: SyncConfig; // the flags' source (--git-url), and the defaults of --config entries
  readonly syncSources: readonly SyncConfig[]; // what the daemon syncs: --config's sources, else --git-url's
  readonly leaderElectionNamespace: string;
  readonly syncState: 'git' | 'secret';
  readonly gitSecret: { readonly namespace: string; readonly name: string } | undefined;
  readonly image: ImageConfig;
  readonly decryption?: DecryptionConfig; // --sops, --git-secret (daemon); absent in hand-built configs = neither
}

// A chart repository of --helm-repository-import, ready to use: its URL (matched to spec.chart.repository by
// helm/chart/match-repository.ts), Basic-auth credentials and the TLS material (PEM text) its files held.
export interface ImportedRepository {
  readonly name: string;
  readonly url: string;
  readonly auth?: { readonly username: string; readonly password: string };
  readonly tls?: { readonly ca?: string; readonly cert?: string; readonly key?: string };
}

// Where notices go: a name for logs and metrics (never the URL, a secret), the URL and the body's format.
export interface NotifySink { readonly name: string; readonly url: string; readonly format: 'json' | 'slack' }

// `capstan daemon`: registry scanning and image automation (fluxd's --registry-* and --automation-interval).
export interface ImageConfig {
  readonly disabled: boolean;
  readonly intervalMs: number;
  readonly includeImages: readonly string[]; // globs on the repository name (domain/path); empty = all
  readonly excludeImages: readonly string[];
  readonly insecureHosts: readonly string[];
  readonly rps: number;
  readonly burst: number;
  readonly platform: string; // os/architecture[/variant]
  readonly dockerConfig: string | undefined;
}

// `capstan daemon`: fluxd's flags for one Git source.
export interface SyncConfig {
  readonly name: string;
  readonly syncTimeoutMs: number;
  readonly gitUser: string;
  readonly gitEmail: string;
  readonly ciSkipMessage: string | undefined; // set when --git-ci-skip
  readonly gitPollIntervalMs: number;
  readonly gitUrl: string | undefined;
  readonly auth?: GitAuth;
  readonly ssh?: { readonly keyFile: string; readonly knownHostsFile?: string };
  readonly gitBranch: string;
  readonly gitPaths: readonly string[];
  readonly syncIntervalMs: number;
  readonly garbageCollection: boolean;
  readonly garbageCollectionDry: boolean;
  readonly gcBudgetRatio: number;
  readonly defaultNamespace: string;
  readonly manifestGeneration?: boolean; // --manifest-generation: .flux.yaml files generate the manifests
  readonly cacheDir: string;
  readonly webhookSecret: string | undefined;
  readonly syncTag: string;
  readonly readonly: boolean;
  readonly allowNamespaces: readonly string[];
  readonly pushBranch: string | undefined; // image updates go to this branch; default gitBranch
}
