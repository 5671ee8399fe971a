#!/usr/bin/env bash
# Builds (or reuses) the pinned control plane: etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
# kubectl and kwok, from the Go module proxy, into $CAPSTAN_CACHE/bin/<piece>-<version>/. Prints nothing else on
# stdout. Idempotent: with every binary present it returns at once.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/versions.sh"
src="$CAPSTAN_CACHE/src"; bin="$CAPSTAN_CACHE/bin"
log(){ echo "cluster/build: $*" >&2; }

build_etcd() {
  local out="$bin/etcd-$ETCD_VERSION"; [ -x "$out/etcd" ] && return 0
  # etcd's server module has `replace => ../api` lines, so `go install @version` refuses it: build it as a
  # dependency of a throwaway wrapper module instead (replace lines of a dependency are ignored).
  local w="$src/etcd-$ETCD_VERSION" t=$(date +%s); mkdir -p "$w"
  ( cd "$w"; [ -f go.mod ] || go mod init capstan.local/etcdbuild >/dev/null 2>&1
    go mod edit -require="go.etcd.io/etcd/server/v3@$ETCD_VERSION"
    go build -mod=mod -trimpath -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=modproxy" \
      -o "$out.tmp/etcd" go.etcd.io/etcd/server/v3 )
  rm -rf "$out"; mv "$out.tmp" "$out"; log "etcd $ETCD_VERSION built in $(( $(date +%s) - t ))s"
}

build_k8s() {
  local out="$bin/k8s-$K8S_VERSION"
  [ -x "$out/kube-apiserver" ] && [ -x "$out/kube-controller-manager" ] && [ -x "$out/kube-scheduler" ] && [ -x "$out/kubectl" ] && return 0
  local w="$src/k8s-$K8S_VERSION" t=$(date +%s) sv="v0.${K8S_VERSION#v1.}" minor
  minor=$(echo "$K8S_VERSION" | cut -d. -f2); mkdir -p "$w"
  ( cd "$w"; [ -f go.mod ] || go mod init capstan.local/k8sbuild >/dev/null 2>&1
    go mod download "k8s.io/kubernetes@$K8S_VERSION"
    local kmod; kmod="$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/$K8S_VERSION.mod"
    # k/k requires its staging modules at v0.0.0 and maps them to ./staging; those replaces are ignored for a
    # dependency, so map each to its published tag. The list changes between minors: read it from k/k's go.mod.
    local m n=0
    for m in $(sed -nE 's#^[[:space:]]*(k8s\.io/[^[:space:]]+)[[:space:]]+=>[[:space:]]+\./staging/.*#\1#p' "$kmod"); do
      go mod edit -replace="$m=$m@$sv"; n=$((n+1))
    done
    [ "$n" -gt 20 ] || { log "only $n staging replaces found in $kmod"; exit 1; }
    # Keep k/k's GODEBUG defaults for the main module (otherwise the machine's Go defaults apply).
    local gd; gd=$(sed -nE 's/^godebug[[:space:]]+([a-z0-9]+=[^[:space:]]+).*/\1/p' "$kmod" || true)
    [ -z "$gd" ] || go mod edit -godebug="$gd"
    go mod edit -require="k8s.io/kubernetes@$K8S_VERSION"
    # The apiserver derives its binary/emulation version from gitVersion, and helm/kwok read /version: set it
    # to exactly the module version (the default is v0.0.0-master).
    local ld="-s -w" bd p; bd=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      ld="$ld -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=$bd"
    done
    mkdir -p "$out.tmp"
    # kubectl too: Debian's is 16 minors older than this API server (the recipe hoped it would do for simple
    # verbs); building it here shares the compiled packages, so it costs one more link.
    go build -mod=mod -trimpath -p 2 -ldflags "$ld" -o "$out.tmp/" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
      k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl )
  rm -rf "$out"; mv "$out.tmp" "$out"; log "kubernetes $K8S_VERSION built in $(( $(date +%s) - t ))s"
}

build_kwok() {
  local out="$bin/kwok-$KWOK_VERSION"; [ -x "$out/kwok" ] && return 0
  local t=$(date +%s); mkdir -p "$out.tmp"
  GOBIN="$out.tmp" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  # kwok v0.8.0 has no built-in stages; the stage files ship in the module: keep a copy beside the binary.
  cp -r "$(go env GOMODCACHE)/sigs.k8s.io/kwok@$KWOK_VERSION/kustomize/stage" "$out.tmp/stage"; chmod -R u+w "$out.tmp/stage"
  rm -rf "$out"; mv "$out.tmp" "$out"; log "kwok $KWOK_VERSION built in $(( $(date +%s) - t ))s"
}

build_etcd; build_kwok; build_k8s
