#!/usr/bin/env bash
# Builds the real fluxctl 1.25.4 (the fluxd API client the fluxctl e2e tests drive) from the Go module proxy into
# the cache and prints the binary path. Idempotent: with the binary present it only prints the path.
# `fluxctl.sh fluxd` builds fluxd 1.25.4 the same way (the sync benchmark's peer).
# flux's go.mod has `replace` lines, so `go install` fails: a small wrapper module requires flux and copies them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../cluster/versions.sh"
: "${FLUXCTL_VERSION:=1.25.4}"
cmd=${1:-fluxctl}
case "$cmd" in fluxctl|fluxd) ;; *) echo "usage: fluxctl.sh [fluxctl|fluxd]" >&2; exit 2 ;; esac
out="$CAPSTAN_CACHE/bin/$cmd-$FLUXCTL_VERSION"
if [ ! -x "$out/$cmd" ]; then
  start=$(date +%s)
  export GOFLAGS=-mod=mod GOPROXY="$(go env GOPROXY | sed 's/,direct$//')"
  work=$(mktemp -d "${TMPDIR:-/tmp}/fluxctl-build.XXXXXX"); trap 'rm -rf "$work"' EXIT
  cd "$work"
  go mod init capstan.local/fluxctl-build >/dev/null 2>&1
  # flux's own replace block, with ./pkg/install (inside its repo) swapped for the newest published module.
  go mod download -json "github.com/fluxcd/flux@v$FLUXCTL_VERSION" >/dev/null
  mod="$(go env GOMODCACHE)/cache/download/github.com/fluxcd/flux/@v/v$FLUXCTL_VERSION.mod"
  {
    echo "require github.com/fluxcd/flux v$FLUXCTL_VERSION"
    echo "replace github.com/fluxcd/flux/pkg/install => github.com/fluxcd/flux/pkg/install v0.0.0-20201001122558-cb08da1b356a"
    awk '/^replace[[:space:]]*\(/{inb=1; print; next} inb&&/^\)/{inb=0; print; next} inb{ if ($0 !~ /=>[[:space:]]*\.\//) print; next }
         /^replace[[:space:]]/{ if ($0 !~ /=>[[:space:]]*\.\//) print }' "$mod"
  } >>go.mod
  mkdir -p "$out.tmp"
  go build -trimpath -ldflags "-s -w -X main.version=$FLUXCTL_VERSION" -o "$out.tmp/$cmd" "github.com/fluxcd/flux/cmd/$cmd"
  rm -rf "$out" && mv "$out.tmp" "$out"
  echo "fluxctl.sh: built $cmd $FLUXCTL_VERSION in $(( $(date +%s) - start ))s" >&2
fi
echo "$out/$cmd"
