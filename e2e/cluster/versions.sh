# Pinned versions of the real parts the tests run against, and where their builds are cached.
# Sourced by the build and start scripts; every value can be overridden from the environment.
# Newest served by the Go module proxy on 2026-11-25 in each line the project targets.
: "${K8S_VERSION:=v1.36.3}"
: "${ETCD_VERSION:=v3.6.16}"
: "${KWOK_VERSION:=v0.8.0}"
# helm's pin lives in helm-bin/HELM_VERSION, which Capstan also reads to find the build.
: "${HELM_VERSION:=$(cat "$(dirname "${BASH_SOURCE[0]}")/../../helm-bin/HELM_VERSION")}"
# Built binaries live outside the work tree, keyed by version, so a fresh clone reuses them.
: "${CAPSTAN_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/capstan}"
export K8S_VERSION ETCD_VERSION KWOK_VERSION HELM_VERSION CAPSTAN_CACHE
# Release builds upstream use CGO_ENABLED=0; GOTOOLCHAIN=local keeps the machine's Go (no toolchain download).
export GOTOOLCHAIN=local CGO_ENABLED=0
