#!/usr/bin/env bash
# Builds the real sops 3.13.3 (the --sops e2e tests decrypt with it) from the Go module proxy into the cache and
# prints the binary path. Idempotent: with the binary present it only prints the path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../cluster/versions.sh"
: "${SOPS_VERSION:=3.13.3}"
out="$CAPSTAN_CACHE/bin/sops-$SOPS_VERSION"
if [ ! -x "$out/sops" ]; then
  start=$(date +%s)
  mkdir -p "$out.tmp"
  # sops's go.mod has no replace directives, so `go install pkg@version` works.
  GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN=local GOBIN="$out.tmp" \
    go install -trimpath -ldflags "-s -w" "github.com/getsops/sops/v3/cmd/sops@v$SOPS_VERSION"
  rm -rf "$out" && mv "$out.tmp" "$out"
  echo "sops: built sops $SOPS_VERSION in $(( $(date +%s) - start ))s" >&2
fi
echo "$out/sops"
