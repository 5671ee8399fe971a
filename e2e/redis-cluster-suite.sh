#!/usr/bin/env bash
# `npm run test:redis-cluster`: the HelmRelease end-to-end files with every Capstan a test starts on a throwaway
# 3-master Redis Cluster (e2e/services/redis-cluster.sh; e2e/support/capstan.ts reads CAPSTAN_TEST_REDIS_CLUSTER)
# in place of the single Redis. Arguments replace the default file set.
set -euo pipefail
cd "$(dirname "$0")/.."
exec e2e/with-services.sh bash -c '
  set -euo pipefail
  dir=$(mktemp -d "${TMPDIR:-/tmp}/capstan-redis-cluster.XXXXXX")
  trap "e2e/services/redis-cluster.sh stop \"$dir\"; rm -rf \"$dir\"" EXIT
  seeds=$(e2e/services/redis-cluster.sh start "$dir")
  echo "== Redis Cluster $seeds ($(date +%T))" >&2
  files=("$@"); [ ${#files[@]} -gt 0 ] || files=(e2e/helm*.test.ts e2e/redis-cluster.test.ts)
  CAPSTAN_TEST_REDIS_CLUSTER=$seeds node --test --test-concurrency=2 --test-timeout=600000 "${files[@]}"
' redis-cluster-suite "$@"
