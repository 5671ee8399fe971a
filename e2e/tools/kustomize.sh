#!/usr/bin/env bash
# Builds the pinned kustomize (the generator the .flux.yaml e2e test runs) from the Go module proxy into the cache
# and prints the binary path. Idempotent: with the binary present it only prints the path.
# v5.8.2, not v5.8.3: v5.8.3 needs Go >= 1.27 and the build uses the machine's Go (GOTOOLCHAIN=local, Go 1.26).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../cluster/versions.sh"
: "${KUSTOMIZE_VERSION:=v5.8.2}"
out="$CAPSTAN_CACHE/bin/kustomize-$KUSTOMIZE_VERSION"
if [ ! -x "$out/kustomize" ]; then
  start=$(date +%s)
  mkdir -p "$out.tmp"
  GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN=local GOBIN="$out.tmp" \
    go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
  rm -rf "$out" && mv "$out.tmp" "$out"
  echo "kustomize: built kustomize $KUSTOMIZE_VERSION in $(( $(date +%s) - start ))s" >&2
fi
echo "$out/kustomize"
