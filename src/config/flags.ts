import { DEFAULT_RELEASE_QUEUE } from '../helm/queue/release-job.ts';

// The roles a flag serves; `capstan run` is all three, so it takes every flag.
export const FlagRole = { daemon: 'daemon', operator: 'operator', worker: 'worker' } as const;
export type FlagRole = (typeof FlagRole)[keyof typeof FlagRole];

// One flag of the `capstan` executable: what the parser needs, and what --help and the README show.
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: true; // repeatable; each value may also be a comma-separated list
  readonly roles: readonly FlagRole[];
  readonly value?: string; // the placeholder of a string flag's value in --help: DURATION, PATH, ...
  readonly default?: string; // the value the parser uses when neither the flag nor its variables are set
  readonly unset?: string; // for a flag with no literal default: what leaving it unset means
  readonly alsoReads?: string; // a standard variable read after CAPSTAN_<FLAG> (KUBECONFIG, POD_NAMESPACE, ...)
  readonly meaning: string;
}

const ALL = ['daemon', 'operator', 'worker'] as const;
const D = ['daemon'] as const;
const O = ['operator'] as const;
const W = ['worker'] as const;
const DW = ['daemon', 'worker'] as const;
const OW = ['operator', 'worker'] as const;

// Every flag, in the order --help and the README list them: common ones first, then the Helm roles', then the daemon's.
export const FLAGS = {
  kubeconfig: { type: 'string', roles: ALL, value: 'PATH', alsoReads: 'KUBECONFIG', unset: 'in-cluster', meaning: 'the kubeconfig of the cluster to manage' },
  'redis-url': { type: 'string', roles: ALL, value: 'URL', alsoReads: 'REDIS_URL', default: 'redis://127.0.0.1:6379', meaning: 'the Redis of the release queue, caches and leases: redis://, rediss:// (TLS) or redis+sentinel://HOST:PORT,…/MASTER; a password only in the variable' },
  'redis-sentinel': { type: 'string', multiple: true, roles: ALL, value: 'HOST:PORT', unset: 'none', meaning: 'the Sentinels that name the Redis master, instead of --redis-url (with --redis-sentinel-master)' },
  'redis-sentinel-master': { type: 'string', roles: ALL, value: 'NAME', unset: 'none', meaning: 'the master name the Sentinels monitor' },
  'redis-sentinel-password-file': { type: 'string', roles: ALL, value: 'PATH', unset: 'CAPSTAN_REDIS_SENTINEL_PASSWORD, else none', meaning: "a file holding the Sentinels' password (never a flag)" },
  'redis-cluster': { type: 'string', multiple: true, roles: ALL, value: 'HOST:PORT', unset: 'none', meaning: 'seed nodes of a Redis Cluster, instead of --redis-url' },
  'redis-tls': { type: 'boolean', roles: ALL, default: 'false', meaning: 'TLS to the Sentinels and master, or to the Cluster nodes (rediss:// says it for --redis-url)' },
  'redis-ca-file': { type: 'string', roles: ALL, value: 'PATH', unset: "the system's CAs", meaning: "the CA bundle Redis's certificate is checked against" },
  'redis-cert-file': { type: 'string', roles: ALL, value: 'PATH', unset: 'none', meaning: 'the client certificate Capstan shows Redis (with --redis-key-file)' },
  'redis-key-file': { type: 'string', roles: ALL, value: 'PATH', unset: 'none', meaning: 'the private key of --redis-cert-file' },
  'redis-username': { type: 'string', roles: ALL, value: 'NAME', unset: "the URL's, else none", meaning: 'the Redis ACL user' },
  'redis-password-file': { type: 'string', roles: ALL, value: 'PATH', unset: "CAPSTAN_REDIS_PASSWORD, else the URL's, else none", meaning: 'a file holding the Redis password (never a flag)' },
  listen: { type: 'string', roles: ALL, value: '[HOST]:PORT', default: ':3030', meaning: 'the HTTP address of the API, dashboard, /metrics and probes' },
  'log-format': { type: 'string', roles: ALL, value: 'json|text', default: 'json', meaning: 'the format of log lines' },
  'log-level': { type: 'string', roles: ALL, value: 'LEVEL', default: 'info', meaning: 'the least pino level logged: fatal, error, warn, info, debug, trace or silent' },
  'api-token': { type: 'string', roles: ALL, value: 'TOKEN', unset: 'only a loopback listener serves /api/* and the dashboard', meaning: 'bearer token for every route but /metrics, /healthz, /readyz (prefer the variable or -file)' },
  'api-token-file': { type: 'string', roles: ALL, value: 'PATH', unset: 'none', meaning: 'a file holding --api-token, kept out of the process list' },
  'git-poll-interval': { type: 'string', roles: ALL, value: 'DURATION', default: '5m', meaning: 'how often Git is fetched: the synced repositories (daemon) and Git chart sources (operator, worker)' },
  'git-timeout': { type: 'string', roles: ALL, value: 'DURATION', default: '20s', meaning: 'the bound on one git command' },
  'allow-namespace': { type: 'string', multiple: true, roles: O, value: 'NAMESPACE', unset: 'all namespaces', meaning: 'watch HelmReleases only in these namespaces' },
  'charts-sync-interval': { type: 'string', roles: O, value: 'DURATION', default: '3m', meaning: 'resync of every release (an unchanged one runs no helm)' },
  debounce: { type: 'string', roles: O, value: 'DURATION', default: '1s', meaning: 'the delay that coalesces a burst of changes into one job' },
  'dashboard-token': { type: 'string', roles: O, value: 'TOKEN', unset: 'none: the dashboard is read-only', meaning: 'the password that opens the queue dashboard, with retry and clean (prefer the variable or -file)' },
  'dashboard-token-file': { type: 'string', roles: O, value: 'PATH', unset: 'none', meaning: 'a file holding --dashboard-token, kept out of the process list' },
  'queue-name': { type: 'string', roles: OW, value: 'NAME', default: DEFAULT_RELEASE_QUEUE, meaning: 'the BullMQ queue of release jobs' },
  'queue-prefix': { type: 'string', roles: OW, value: 'PREFIX', unset: 'bull; {capstan} with --redis-cluster', meaning: "the prefix of the queue's Redis keys; on a Cluster it holds a hash tag" },
  'git-default-ref': { type: 'string', roles: OW, value: 'REF', default: 'master', meaning: 'the chart.ref of a Git chart source that names none (as the Helm Operator)' },
  'allow-cross-namespace-refs': { type: 'boolean', roles: OW, default: 'false', meaning: 'let a HelmRelease read and install outside its own namespace' },
  'allow-insecure-credentials': { type: 'boolean', roles: OW, default: 'false', meaning: 'send chart and Git credentials over plain http://' },
  'allow-private-networks': { type: 'boolean', roles: OW, default: 'false', meaning: 'fetch charts and values from loopback, link-local and private addresses' },
  'allow-file-urls': { type: 'boolean', roles: OW, default: 'false', meaning: 'accept file:// Git chart sources' },
  concurrency: { type: 'string', roles: W, value: 'N', default: '4', meaning: 'helm processes run at once by this process (up to half as many more release jobs read and write the cluster meanwhile)' },
  'helm-binary': { type: 'string', roles: W, value: 'PATH', unset: 'the pinned build (helm-bin/), then helm on PATH', meaning: 'the helm to run' },
  'helm-cache-dir': { type: 'string', roles: W, value: 'DIR', unset: "helm's own homes", meaning: "helm's cache, config and data home (a private directory)" },
  'helm-repository-import': { type: 'string', multiple: true, roles: W, value: '[v3:]PATH', unset: 'none', meaning: "Helm repositories.yaml files: each entry's username, password, certFile, keyFile and caFile serve the chart repository of its url (the Helm Operator's flag)" },
  'retry-backoff': { type: 'string', roles: W, value: 'DURATION', default: '10s', meaning: 'the first retry delay of a failed release, doubling up to 10m' },
  'update-chart-deps': { type: 'string', roles: W, value: 'true|false', default: 'true', meaning: 'run helm dependency build for Git chart sources' },
  'chart-cache-dir': { type: 'string', roles: DW, value: 'DIR', unset: '$TMPDIR/capstan-charts', meaning: 'a private directory for charts by digest and Git chart mirrors (worker), and the sync checkouts (daemon)' },
  'notify-url': { type: 'string', roles: DW, value: 'URL', unset: 'none', meaning: 'a webhook that gets a JSON notice when a release fails, recovers or is rolled back, or a sync fails or recovers (a secret: prefer the variable or -file)' },
  'notify-url-file': { type: 'string', roles: DW, value: 'PATH', unset: 'none', meaning: 'a file holding --notify-url, kept out of the process list' },
  'slack-url': { type: 'string', roles: DW, value: 'URL', unset: 'none', meaning: 'a Slack incoming webhook for the same notices (a secret: prefer the variable or -file)' },
  'slack-url-file': { type: 'string', roles: DW, value: 'PATH', unset: 'none', meaning: 'a file holding --slack-url, kept out of the process list' },
  'leader-election-namespace': { type: 'string', roles: DW, value: 'NAMESPACE', alsoReads: 'POD_NAMESPACE', default: 'default', meaning: 'the namespace of the sync Leases (daemon) and of the digest key Secret (worker)' },
  'git-url': { type: 'string', roles: D, value: 'URL', unset: 'none: required unless --config', meaning: "the repository to sync (fluxd's flag)" },
  'git-branch': { type: 'string', roles: D, value: 'BRANCH', default: 'master', meaning: 'the branch to sync' },
  'git-path': { type: 'string', multiple: true, roles: D, value: 'PATH', unset: 'the whole repository', meaning: 'paths in the repository to sync' },
  config: { type: 'string', roles: D, value: 'PATH', unset: 'one source, from --git-url', meaning: 'a YAML file listing several repositories, each with its own branch, paths and credentials' },
  'git-ssh-key': { type: 'string', roles: D, value: 'PATH', unset: "ssh's own", meaning: 'the private key (deploy key) for ssh URLs' },
  'git-ssh-known-hosts': { type: 'string', roles: D, value: 'PATH', unset: 'trust on first use', meaning: 'the known_hosts that ssh hosts are checked against' },
  'git-readonly': { type: 'boolean', roles: D, default: 'false', meaning: 'never push: the sync tag is kept in memory and images are not automated' },
  'git-user': { type: 'string', roles: D, value: 'NAME', default: 'Capstan', meaning: 'the committer of the sync tag and of automation commits' },
  'git-email': { type: 'string', roles: D, value: 'EMAIL', default: 'capstan@localhost', meaning: 'the email of --git-user' },
  'git-ci-skip': { type: 'boolean', roles: D, default: 'false', meaning: 'append --git-ci-skip-message to what Capstan writes to Git' },
  'git-ci-skip-message': { type: 'string', roles: D, value: 'TEXT', default: '[ci skip]', meaning: 'the text --git-ci-skip appends' },
  'git-sync-tag': { type: 'string', roles: D, value: 'TAG', default: 'flux-sync', meaning: 'the annotated tag marking the last fully synced commit' },
  'git-push-branch': { type: 'string', roles: D, value: 'BRANCH', unset: '--git-branch', meaning: 'the branch image updates are pushed to' },
  sops: { type: 'boolean', roles: D, default: 'false', meaning: 'decrypt SOPS-encrypted manifests before they are applied (see SOPS and git-secret)' },
  'sops-binary': { type: 'string', roles: D, value: 'PATH', unset: 'sops on PATH', meaning: 'the sops that decrypts' },
  'sops-age-key-file': { type: 'string', roles: D, value: 'PATH', unset: "none: sops's own lookups", meaning: 'the age private keys sops decrypts with (its SOPS_AGE_KEY_FILE)' },
  'sops-age-key-secret': { type: 'string', roles: D, value: 'NAMESPACE/NAME', unset: 'none', meaning: "a Secret whose age.agekey entry holds the age private keys (written to a private file)" },
  'git-secret': { type: 'boolean', roles: D, default: 'false', meaning: 'run git secret reveal -f in each checkout before its manifests are read' },
  'git-gpg-key-import': { type: 'string', multiple: true, roles: D, value: 'PATH', unset: 'none', meaning: "GPG private keys for --git-secret: key files, or directories of them (fluxd's flag)" },
  'git-gpg-key-secret': { type: 'string', roles: D, value: 'NAMESPACE/NAME', unset: 'none', meaning: 'a Secret whose private.key entry holds the GPG private keys for --git-secret' },
  'sync-interval': { type: 'string', roles: D, value: 'DURATION', default: '5m', meaning: 'apply at least this often, even when Git is unchanged' },
  'sync-timeout': { type: 'string', roles: D, value: 'DURATION', default: '5m', meaning: "the bound on one sync's applies; what is left waits for the next" },
  'sync-garbage-collection': { type: 'boolean', roles: D, default: 'false', meaning: 'delete objects removed from Git' },
  'sync-garbage-collection-dry': { type: 'boolean', roles: D, default: 'false', meaning: 'log what garbage collection would delete, delete nothing' },
  'sync-garbage-collection-budget': { type: 'string', roles: D, value: 'RATIO', default: '0.25', meaning: "the largest share of a source's objects one sweep may delete" },
  'sync-state': { type: 'string', roles: D, value: 'git|secret', default: 'git', meaning: 'where the last synced revision is kept: the sync tag, or an annotation of --k8s-secret-name' },
  'k8s-secret-name': { type: 'string', roles: D, value: 'NAME', unset: 'none', meaning: 'the Secret with the SSH key (identity) and, with --sync-state secret, the sync marker' },
  'k8s-secret-namespace': { type: 'string', roles: D, value: 'NAMESPACE', alsoReads: 'POD_NAMESPACE', default: 'default', meaning: 'the namespace of --k8s-secret-name' },
  'k8s-allow-namespace': { type: 'string', multiple: true, roles: D, value: 'NAMESPACE', unset: 'all namespaces', meaning: 'sync objects only in these namespaces' },
  'k8s-default-namespace': { type: 'string', roles: D, value: 'NAMESPACE', default: 'default', meaning: 'the namespace of objects that name none' },
  'manifest-generation': { type: 'boolean', roles: D, default: 'false', meaning: 'honour .flux.yaml files: generate manifests with their commands (see Manifest generation)' },
  'webhook-secret': { type: 'string', roles: D, value: 'SECRET', unset: 'none: no webhooks', meaning: 'the shared secret of /hooks/git and /hooks/registry (prefer the variable or -file)' },
  'webhook-secret-file': { type: 'string', roles: D, value: 'PATH', unset: 'none', meaning: 'a file holding --webhook-secret, kept out of the process list' },
  'automation-interval': { type: 'string', roles: D, value: 'DURATION', default: '5m', meaning: 'how often registries are scanned and automated workloads updated' },
  'registry-poll-interval': { type: 'string', roles: D, value: 'DURATION', unset: '--automation-interval', meaning: "fluxd's deprecated alias of --automation-interval" },
  'registry-disable-scanning': { type: 'boolean', roles: D, default: 'false', meaning: 'no registry scanning, and so no image automation' },
  'registry-include-image': { type: 'string', multiple: true, roles: D, value: 'GLOB', unset: 'all images', meaning: 'scan only images whose name matches one of these globs' },
  'registry-exclude-image': { type: 'string', multiple: true, roles: D, value: 'GLOB', default: 'k8s.gcr.io/*', meaning: 'never scan images whose name matches one of these globs' },
  'registry-insecure-host': { type: 'string', multiple: true, roles: DW, value: 'HOST[:PORT]', unset: 'none (loopback OCI chart registries are always plain HTTP)', meaning: 'registries reached over plain HTTP: image scanning (daemon) and oci:// charts (worker)' },
  'registry-rps': { type: 'string', roles: D, value: 'N', default: '50', meaning: 'the most requests per second to one registry host' },
  'registry-burst': { type: 'string', roles: D, value: 'N', default: '10', meaning: 'manifests fetched at once per repository' },
  'registry-platform': { type: 'string', roles: D, value: 'OS/ARCH[/VARIANT]', default: 'linux/amd64', meaning: 'the platform read from manifest lists' },
  'docker-config': { type: 'string', roles: D, value: 'PATH', unset: 'none', meaning: 'a docker config.json with registry credentials' },
} as const satisfies Record<string, FlagSpec>;
export type FlagName = keyof typeof FLAGS;

// The flag's own variable: CAPSTAN_ and the name in upper case, `-` → `_`.
export function envName(flag: string): string {
  return `CAPSTAN_${flag.toUpperCase().replaceAll('-', '_')}`;
}

// The flags of a role, in table order; `run` takes every flag.
export function flagsOf(role: FlagRole | 'run'): Array<[FlagName, FlagSpec]> {
  const all = Object.entries(FLAGS) as Array<[FlagName, FlagSpec]>;
  return role === 'run' ? all : all.filter(([, spec]) => spec.roles.includes(role));
}
