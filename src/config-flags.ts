// Every flag of the `capstan` executable, with its default beside it; each also reads CAPSTAN_<FLAG>.
export const FLAGS = {
  kubeconfig: { type: 'string' }, // default: $KUBECONFIG, then in-cluster
  'redis-url': { type: 'string' }, // default: $REDIS_URL, then redis://127.0.0.1:6379
  listen: { type: 'string' }, // default :3030, as fluxd and the Helm Operator
  'log-format': { type: 'string' }, // json | text, default json
  'log-level': { type: 'string' }, // pino level, default info
  concurrency: { type: 'string' }, // worker: jobs run at once per process, default 4
  'helm-binary': { type: 'string' }, // worker: default the pinned build (helm-bin/), then helm on PATH
  'helm-cache-dir': { type: 'string' }, // worker: helm's cache/config/data home, default helm's own
  'allow-namespace': { type: 'string', multiple: true }, // operator: namespaces to watch (repeatable), default all
  'charts-sync-interval': { type: 'string' }, // operator: resync of every release, default 3m
  debounce: { type: 'string' }, // operator: delay that coalesces bursts of changes, default 1s
  'retry-backoff': { type: 'string' }, // worker: first retry delay of a failed release, doubling to 10m, default 10s
  'chart-cache-dir': { type: 'string' }, // worker: downloaded charts by digest, default $TMPDIR/capstan-charts
  'git-poll-interval': { type: 'string' }, // daemon: fetch of the repo; operator: poll of Git chart sources; default 5m
  'git-timeout': { type: 'string' }, // operator+worker: one git command, default 20s
  'git-default-ref': { type: 'string' }, // chart.ref when unset, default master (as the Helm Operator)
  'update-chart-deps': { type: 'string' }, // worker: `helm dependency build` for Git charts, default true
  'dashboard-token': { type: 'string' }, // operator: token for the queue dashboard; without one it is read-only (prefer the env or -file)
  'dashboard-token-file': { type: 'string' }, // operator: a file holding --dashboard-token (kept out of the process list)
  'api-token': { type: 'string' }, // every role: bearer token for every route but /metrics, /healthz, /readyz (prefer the env or -file)
  'api-token-file': { type: 'string' }, // every role: a file holding --api-token
  'allow-cross-namespace-refs': { type: 'boolean' }, // operator+worker: a HelmRelease may read and install outside its namespace, default false
  'allow-insecure-credentials': { type: 'boolean' }, // worker: send chart/Git credentials over plain http://, default false
  'allow-private-networks': { type: 'boolean' }, // worker: fetch from loopback, link-local and private addresses, default false
  'allow-file-urls': { type: 'boolean' }, // worker: file:// Git chart sources, default false
  'git-url': { type: 'string' }, // daemon: the repository to sync (fluxd's flag)
  'git-branch': { type: 'string' }, // daemon: default master, as fluxd
  'git-path': { type: 'string', multiple: true }, // daemon: paths in the repo to sync (repeatable), default all
  'sync-interval': { type: 'string' }, // daemon: sync at least this often, default 5m
  'sync-garbage-collection': { type: 'boolean' }, // daemon: delete objects removed from Git, default false (fluxd)
  'sync-garbage-collection-dry': { type: 'boolean' }, // daemon: log what GC would delete, default false
  'sync-garbage-collection-budget': { type: 'string' }, // daemon: share of a source's objects one sweep may delete, default 0.25
  config: { type: 'string' }, // daemon: a YAML file listing several repositories (see sync/sources-file.ts)
  'git-ssh-key': { type: 'string' }, // daemon: private key (deploy key) for ssh URLs, default ssh's own
  'git-ssh-known-hosts': { type: 'string' }, // daemon: known_hosts for ssh; unset = trust on first use
  'sync-timeout': { type: 'string' }, // daemon: bound on one sync's applies, default 5m; what is left waits for the next
  'git-user': { type: 'string' }, // daemon: committer of the sync tag (annotated, as fluxd's), default Capstan
  'git-email': { type: 'string' }, // daemon: its email, default capstan@localhost
  'git-ci-skip': { type: 'boolean' }, // daemon: append --git-ci-skip-message to what Capstan writes to Git
  'git-ci-skip-message': { type: 'string' }, // default "[ci skip]", as fluxd
  'sync-state': { type: 'string' }, // daemon: git (the sync tag) or secret (an annotation on --k8s-secret-name)
  'k8s-secret-name': { type: 'string' }, // daemon: Secret with the SSH key (`identity`) and, with --sync-state secret, the marker
  'k8s-secret-namespace': { type: 'string' }, // daemon: its namespace, default $POD_NAMESPACE or default
  'git-sync-tag': { type: 'string' }, // daemon: tag marking the last fully synced commit, default flux-sync
  'git-readonly': { type: 'boolean' }, // daemon: never push (the sync tag is then kept in memory only)
  'webhook-secret': { type: 'string' }, // daemon: shared secret of the push webhook at /hooks/git; unset = no webhook (prefer the env or -file)
  'webhook-secret-file': { type: 'string' }, // daemon: a file holding --webhook-secret
  'leader-election-namespace': { type: 'string' }, // daemon: namespace of its Leases, default $POD_NAMESPACE or default
  'k8s-allow-namespace': { type: 'string', multiple: true }, // daemon: only sync these namespaces (repeatable)
  'k8s-default-namespace': { type: 'string' }, // daemon: namespace for objects that name none, default "default"
  'queue-name': { type: 'string' }, // operator+worker: the BullMQ queue, default capstan-helm-releases
  'automation-interval': { type: 'string' }, // daemon: how often registries are scanned and automated workloads updated, default 5m
  'registry-poll-interval': { type: 'string' }, // daemon: fluxd's deprecated alias of --automation-interval
  'registry-disable-scanning': { type: 'boolean' }, // daemon: no registry scanning (and so no automation), default false
  'registry-include-image': { type: 'string', multiple: true }, // daemon: scan only images matching these globs, default all
  'registry-exclude-image': { type: 'string', multiple: true }, // daemon: never scan images matching these globs, default k8s.gcr.io/*
  'registry-insecure-host': { type: 'string', multiple: true }, // daemon: registries (host[:port]) reached over plain HTTP
  'registry-rps': { type: 'string' }, // daemon: most requests per second to one registry host, default 50 (fluxd's)
  'registry-burst': { type: 'string' }, // daemon: manifests fetched at once per repository, default 10 (fluxd's)
  'registry-platform': { type: 'string' }, // daemon: the platform read from manifest lists, default linux/amd64
  'docker-config': { type: 'string' }, // daemon: a docker config.json with registry credentials, default none
  'git-push-branch': { type: 'string' }, // daemon: push image updates to this branch instead of --git-branch
} as const;
export type FlagName = keyof typeof FLAGS;
