#!/usr/bin/env bash
# The test command (`npm test`): on a fresh clone it installs what is missing (Debian packages, npm deps), builds or
# reuses helm and the control plane, starts the cluster and Redis, runs type checks, unit and end-to-end tests,
# and stops everything it started, even when tests fail. Extra arguments go to `node --test` (e.g. a file).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd); cd "$root"
step(){ echo "== $* ($(date +%T))" >&2; }

# Debian packages the tests drive (Go and Node come with the machine; Node 24 comes from npm below).
missing=()
for pair in git:git openssl:openssl curl:curl redis-server:redis-server redis-cli:redis-tools; do
  command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci"; npm ci --no-audit --no-fund
fi
export PATH="$root/node_modules/.bin:$PATH"   # node here is Node 24 from the `node` devDependency

step "helm"; CAPSTAN_HELM_BINARY=${CAPSTAN_HELM_BINARY:-$(helm-bin/build.sh)}; export CAPSTAN_HELM_BINARY
step "control plane binaries"; e2e/cluster/build.sh

run=$(mktemp -d "${TMPDIR:-/tmp}/capstan-test.XXXXXX"); cluster=""
cleanup(){
  [ -n "$cluster" ] && e2e/cluster/down.sh "$cluster"
  e2e/services/redis.sh stop "$run/redis"
  rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${REDIS_URL:-}" ]; then step "redis"; REDIS_URL=$(e2e/services/redis.sh start "$run/redis"); export REDIS_URL; fi
step "control plane up"; cluster=$(e2e/cluster/up.sh); . "$cluster/env"

step "typecheck"; tsc -p .
step "tests"
files=("$@"); [ ${#files[@]} -gt 0 ] || files=('test/**/*.test.ts' 'e2e/**/*.test.ts')
node --test --test-concurrency=4 --test-timeout=600000 "${files[@]}"
