#!/usr/bin/env bash
# Builds Flux v2's source-controller from its Go module into the cache, for the peer benchmark; prints the binary
# path. Idempotent. Its go.mod replaces its `api` submodule with a folder of its repository: the wrapper module
# takes the published api module of the same version instead, and keeps its go-digest replace.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../e2e/cluster/versions.sh"
: "${SOURCE_CONTROLLER_VERSION:=1.7.2}"
out="$CAPSTAN_CACHE/bin/source-controller-$SOURCE_CONTROLLER_VERSION"
if [ ! -x "$out/source-controller" ]; then
  start=$(date +%s)
  export GOFLAGS=-mod=mod GOPROXY="$(go env GOPROXY | sed 's/,direct$//')"
  work=$(mktemp -d "${TMPDIR:-/tmp}/source-controller-build.XXXXXX"); trap 'rm -rf "$work"' EXIT
  cd "$work"
  go mod init capstan.local/source-controller-build >/dev/null 2>&1
  v=v$SOURCE_CONTROLLER_VERSION
  go mod download -json "github.com/fluxcd/source-controller@$v" >/dev/null
  mod="$(go env GOMODCACHE)/cache/download/github.com/fluxcd/source-controller/@v/$v.mod"
  {
    echo "require github.com/fluxcd/source-controller $v"
    echo "replace github.com/fluxcd/source-controller/api => github.com/fluxcd/source-controller/api $v"
    grep -E '^replace[[:space:]]' "$mod" | grep -v '=>[[:space:]]*\./' || true
  } >>go.mod
  mkdir -p "$out.tmp"
  go build -trimpath -ldflags "-s -w" -o "$out.tmp/source-controller" github.com/fluxcd/source-controller
  # its CRDs, applied by the benchmark
  cp -r "$(go env GOMODCACHE)/github.com/fluxcd/source-controller@$v/config/crd/bases" "$out.tmp/crds"
  chmod -R u+w "$out.tmp/crds"
  rm -rf "$out" && mv "$out.tmp" "$out"
  echo "source-controller: built $SOURCE_CONTROLLER_VERSION in $(( $(date +%s) - start ))s" >&2
fi
echo "$out/source-controller"
