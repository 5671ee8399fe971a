#!/usr/bin/env bash
# Builds the Flux Helm Operator (the system Capstan replaces) from its Go module into the cache, for the peer
# benchmark; prints the binary path. Idempotent. Its go.mod has replace lines, so a wrapper module requires it
# and copies them; its `pkg/install => ./pkg/install` replace points inside its repository and only tools.go
# imports that package, so it points at a local stub module instead (../../../shared/reference/peers.md).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../e2e/cluster/versions.sh"
: "${HELM_OPERATOR_VERSION:=1.4.4}"
out="$CAPSTAN_CACHE/bin/helm-operator-$HELM_OPERATOR_VERSION"
if [ ! -x "$out/helm-operator" ]; then
  start=$(date +%s)
  export GOFLAGS=-mod=mod GOPROXY="$(go env GOPROXY | sed 's/,direct$//')"
  work=$(mktemp -d "${TMPDIR:-/tmp}/helm-operator-build.XXXXXX"); trap 'rm -rf "$work"' EXIT
  cd "$work"
  go mod init capstan.local/helm-operator-build >/dev/null 2>&1
  mkdir -p install-stub && echo 'module github.com/fluxcd/helm-operator/pkg/install' >install-stub/go.mod
  go mod download -json "github.com/fluxcd/helm-operator@v$HELM_OPERATOR_VERSION" >/dev/null
  mod="$(go env GOMODCACHE)/cache/download/github.com/fluxcd/helm-operator/@v/v$HELM_OPERATOR_VERSION.mod"
  {
    echo "require github.com/fluxcd/helm-operator v$HELM_OPERATOR_VERSION"
    echo "replace github.com/fluxcd/helm-operator/pkg/install => ./install-stub"
    awk '/^replace[[:space:]]*\(/{inb=1; print; next} inb&&/^\)/{inb=0; print; next} inb{ if ($0 !~ /=>[[:space:]]*\.\//) print; next }
         /^replace[[:space:]]/{ if ($0 !~ /=>[[:space:]]*\.\//) print }' "$mod"
  } >>go.mod
  mkdir -p "$out.tmp"
  go build -trimpath -ldflags "-s -w" -o "$out.tmp/helm-operator" github.com/fluxcd/helm-operator/cmd/helm-operator
  rm -rf "$out" && mv "$out.tmp" "$out"
  echo "helm-operator: built $HELM_OPERATOR_VERSION in $(( $(date +%s) - start ))s" >&2
fi
echo "$out/helm-operator"
