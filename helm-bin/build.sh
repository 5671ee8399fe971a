#!/usr/bin/env bash
# Builds the pinned helm from its Go module (no release-page download) into the cache; prints the binary path.
# Idempotent: with the binary present it only prints the path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../e2e/cluster/versions.sh"
out="$CAPSTAN_CACHE/bin/helm-$HELM_VERSION"
if [ ! -x "$out/helm" ]; then
  start=$(date +%s)
  # helm's go.mod has no replace directives, so `go install pkg@version` works.
  # The k8s minor used by offline rendering (.Capabilities.KubeVersion) is that of helm's own client-go.
  go mod download -json "helm.sh/helm/v3@$HELM_VERSION" >/dev/null
  mod="$(go env GOMODCACHE)/cache/download/helm.sh/helm/v3/@v/$HELM_VERSION.mod"
  cgv=$(sed -nE 's#^[[:space:]]*k8s\.io/client-go[[:space:]]+v0\.([0-9]+)\..*#\1#p' "$mod" | head -1)
  [ -n "$cgv" ] || { echo "helm-bin: cannot read client-go version from $mod" >&2; exit 1; }
  v=helm.sh/helm/v3
  ld="-s -w -X $v/internal/version.version=$HELM_VERSION -X $v/internal/version.gitTreeState=clean"
  for p in pkg/chartutil pkg/lint/rules; do ld="$ld -X $v/$p.k8sVersionMajor=1 -X $v/$p.k8sVersionMinor=$cgv"; done
  mkdir -p "$out.tmp"
  GOBIN="$out.tmp" go install -trimpath -ldflags "$ld" "$v/cmd/helm@$HELM_VERSION"
  rm -rf "$out" && mv "$out.tmp" "$out"
  echo "helm-bin: built helm $HELM_VERSION in $(( $(date +%s) - start ))s" >&2
fi
echo "$out/helm"
