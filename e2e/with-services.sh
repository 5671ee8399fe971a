#!/usr/bin/env bash
# Runs a command with everything the end-to-end tests and benchmarks need: on a fresh clone it installs what is
# missing (Debian packages, npm deps), builds or reuses helm and the control plane, starts the cluster and Redis
# on free loopback ports, exports KUBECONFIG, REDIS_URL and CAPSTAN_HELM_BINARY, runs the command, and stops
# everything it started, even when the command fails. Usage: e2e/with-services.sh CMD [ARGS...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd); cd "$root"
step(){ echo "== $* ($(date +%T))" >&2; }

# Debian packages the tests drive (Go and Node come with the machine; Node 24 comes from npm below).
missing=()
for pair in git:git openssl:openssl curl:curl tar:tar redis-server:redis-server redis-cli:redis-tools redis-sentinel:redis-sentinel ssh-keygen:openssh-client \
    docker-registry:docker-registry htpasswd:apache2-utils gpg:gnupg git-secret:git-secret age-keygen:age chromium:chromium; do
  command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
done
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)   # the SSH transport tests run their own sshd on loopback
if [ ${#missing[@]} -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci"; npm ci --no-audit --no-fund
fi
export PATH="$root/node_modules/.bin:$PATH"   # node here is Node 24 from the `node` devDependency

step "helm"; CAPSTAN_HELM_BINARY=${CAPSTAN_HELM_BINARY:-$(helm-bin/build.sh)}; export CAPSTAN_HELM_BINARY
step "kustomize"; CAPSTAN_KUSTOMIZE=${CAPSTAN_KUSTOMIZE:-$(e2e/tools/kustomize.sh)}; export CAPSTAN_KUSTOMIZE
step "sops"; CAPSTAN_SOPS_BINARY=${CAPSTAN_SOPS_BINARY:-$(e2e/tools/sops.sh)}; export CAPSTAN_SOPS_BINARY   # --sops-binary's variable, as for helm
step "fluxctl"; CAPSTAN_FLUXCTL=${CAPSTAN_FLUXCTL:-$(e2e/tools/fluxctl.sh)}; export CAPSTAN_FLUXCTL
step "fluxd (sync benchmark peer)"; CAPSTAN_FLUXD=${CAPSTAN_FLUXD:-$(e2e/tools/fluxctl.sh fluxd)}; export CAPSTAN_FLUXD
step "Helm Operator (peer benchmark)"; CAPSTAN_HELM_OPERATOR=${CAPSTAN_HELM_OPERATOR:-$(bench/peers/helm-operator.sh)}; export CAPSTAN_HELM_OPERATOR
step "source-controller (peer benchmark)"; CAPSTAN_SOURCE_CONTROLLER=${CAPSTAN_SOURCE_CONTROLLER:-$(bench/peers/source-controller.sh)}; export CAPSTAN_SOURCE_CONTROLLER
step "control plane binaries"; e2e/cluster/build.sh

run=$(mktemp -d "${TMPDIR:-/tmp}/capstan-services.XXXXXX"); cluster=""
cleanup(){
  [ -n "$cluster" ] && e2e/cluster/down.sh "$cluster"
  e2e/services/redis.sh stop "$run/redis"
  rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${REDIS_URL:-}" ]; then step "redis"; REDIS_URL=$(e2e/services/redis.sh start "$run/redis"); export REDIS_URL; fi
step "control plane up"; cluster=$(e2e/cluster/up.sh); . "$cluster/env"
"$@"
