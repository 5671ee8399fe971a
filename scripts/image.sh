#!/usr/bin/env bash
# `npm run image`: builds Capstan's container image on this machine, where no registry can be pulled from, runs it,
# saves it and pushes it to a local registry. Idempotent; what it builds once is cached by version outside the tree:
#   - the Debian base: debootstrap from the mirror apt uses, imported into podman (localhost/capstan-debian:RELEASE);
#   - the Node base: that plus the Node 24 of package-lock.json and npm (localhost/capstan-node:VERSION-RELEASE),
#     standing in for the public node:24-bookworm-slim that the Dockerfile uses by default;
#   - the pinned helm (helm-bin/build.sh, or $CAPSTAN_HELM_BINARY) as an image (localhost/capstan-helm:VERSION-SHA).
# Then: podman build --pull=never → localhost/capstan:<package version>; `capstan --version`, `capstan run --help`
# and helm run inside it as uid 65532 with a read-only root, a tmpfs /tmp and no network; an OCI archive; a push
# to $CAPSTAN_IMAGE_REGISTRY (host:port) or else to Debian's docker-registry started on a free 127.0.0.1 port.
# Environment: CAPSTAN_CACHE (default ~/.cache/capstan; podman's storage and the archive go to $CAPSTAN_CACHE/image),
# CAPSTAN_IMAGE_DEBIAN (default bookworm), CAPSTAN_IMAGE_REGISTRY.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd); cd "$root"
. e2e/cluster/versions.sh   # CAPSTAN_CACHE, HELM_VERSION
release=${CAPSTAN_IMAGE_DEBIAN:-bookworm}
work=$CAPSTAN_CACHE/image
version=$(sed -nE 's/^  "version": "([^"]+)".*/\1/p' package.json | head -1)
image=localhost/capstan:$version   # deploy/ names it capstan:<version>
archive=$work/capstan-$version.oci.tar
temps=(); registry_pid=""
cleanup(){ [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null; [ ${#temps[@]} -eq 0 ] || rm -rf "${temps[@]}"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

timings=()
step(){ # step NAME FUNCTION: runs it and records how long it took
  local s; s=$(date +%s%N); echo "== $1 ($(date +%T))" >&2
  "$2"
  timings+=("$(printf '%-28s %6.1f s' "$1" "$(( ($(date +%s%N) - s) / 1000000 ))e-3")")
}
tempdir(){ # tempdir VAR NAME: sets VAR to a new folder under $work, removed on exit
  local d; d=$(mktemp -d "$work/$2.XXXXXX"); temps+=("$d"); printf -v "$1" %s "$d"
}
mb(){ awk -v b="$1" 'BEGIN { printf "%.0f MB", b / 1e6 }'; }

packages(){
  local missing=() pair
  for pair in podman:podman debootstrap:debootstrap runc:runc docker-registry:docker-registry curl:curl; do
    command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# podman with its own storage under $work; runc (crun fails here on hybrid cgroups) and lowered ulimits (the
# defaults cannot be set here).
configure(){
  mkdir -p "$work"
  cat > "$work/containers.conf" <<'EOF'
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
  printf '[storage]\ndriver = "overlay"\ngraphroot = "%s/storage"\nrunroot = "%s/run"\n' "$work" "$work" > "$work/storage.conf"
  export CONTAINERS_CONF=$work/containers.conf CONTAINERS_STORAGE_CONF=$work/storage.conf
}

# As Debian's own -slim images are made: dpkg keeps no docs (but copyrights), man pages or translations.
slim(){
  cat > "$1/etc/dpkg/dpkg.cfg.d/slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/overrides/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
EOF
  find "$1/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
  rm -rf "$1"/usr/share/{groff,info,lintian/overrides,locale,man}/*
}

debian_base(){
  base=localhost/capstan-debian:$release-slim
  podman image exists "$base" && return
  local mirror rootfs codename
  mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  tempdir rootfs rootfs
  debootstrap --variant=minbase "$release" "$rootfs" "${mirror:-http://deb.debian.org/debian}" > "$work/debootstrap.log"
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  if [ "$codename" = "$release" ] && [ -f /etc/apt/sources.list.d/debian.sources ]; then
    # the sources apt uses here (updates and security too), instead of debootstrap's single line
    cp /etc/apt/sources.list.d/debian.sources "$rootfs/etc/apt/sources.list.d/" && rm -f "$rootfs/etc/apt/sources.list"
  fi
  slim "$rootfs"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | podman import --quiet --change 'CMD ["/bin/bash"]' - "$base" >/dev/null
}

node_base(){
  [ -x node_modules/node/bin/node ] || npm ci --no-audit --no-fund
  local node=node_modules/node/bin/node npm ctx
  nodebase=localhost/capstan-node:$("$node" -p process.versions.node)-$release
  podman image exists "$nodebase" && return
  npm=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")   # npm's package folder
  tempdir ctx node-ctx
  cp "$node" "$ctx/node" && cp -r "$npm" "$ctx/npm"
  cat > "$ctx/Containerfile" <<EOF
FROM $base
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx && node --version && npm --version && rm -rf /tmp/*
EOF
  podman build --pull=never --network none -t "$nodebase" "$ctx" >/dev/null
}

helm_image(){
  local helm sum ctx
  helm=${CAPSTAN_HELM_BINARY:-$(helm-bin/build.sh)}
  sum=$(sha256sum "$helm" | cut -c1-12)
  helmimg=localhost/capstan-helm:$HELM_VERSION-$sum
  podman image exists "$helmimg" && return
  tempdir ctx helm-ctx
  cp "$helm" "$ctx/helm" && printf 'FROM scratch\nCOPY helm /helm\n' > "$ctx/Containerfile"
  podman build --pull=never --network none -t "$helmimg" "$ctx" >/dev/null
}

# npm inside the build uses this machine's registry and CA file (a TLS-inspecting egress proxy may sign for the
# registry): lent to every RUN by bind mounts as the global npmrc, which are not part of any layer.
build(){
  local lend=() cafile
  cafile=$(npm config get cafile 2>/dev/null || true)
  [ -f "$cafile" ] || cafile=${NODE_EXTRA_CA_CERTS:-}   # under `npm run`, npm may not see the global npmrc
  printf 'registry=%s\nupdate-notifier=false\n' "$(npm config get registry)" > "$work/npmrc"
  if [ -f "$cafile" ]; then
    echo "cafile=/run/capstan-build-ca.crt" >> "$work/npmrc"; lend+=(--volume "$cafile:/run/capstan-build-ca.crt:ro")
  fi
  podman build --pull=never --network host --volume "$work/npmrc:/usr/local/etc/npmrc:ro" "${lend[@]}" \
    --build-arg "BASE=$nodebase" --build-arg "HELM=$helmimg" -t "$image" . >&2
  podman image prune --force >/dev/null   # the images this one replaced; the layer cache stays
}

run_inside(){
  local run=(podman run --rm --pull=never --network none --read-only --tmpfs /tmp --user 65532)
  local got help
  got=$("${run[@]}" "$image" --version | head -1)
  echo "capstan --version: $got"
  [ "$got" = "capstan: $version" ] || { echo "image: expected version $version, got $got" >&2; exit 1; }
  help=$("${run[@]}" "$image" run --help)
  echo "capstan run --help: $(wc -l <<<"$help") lines, beginning:"; head -3 <<<"$help" | sed 's/^/  /'
  echo "inside: $("${run[@]}" --entrypoint sh "$image" -c 'id -u; helm version --short; git --version; ssh -V 2>&1' | paste -sd ' ')"
}

save(){
  rm -f "$archive.tmp"
  podman save --quiet --format oci-archive -o "$archive.tmp" "$image" && mv "$archive.tmp" "$archive"
}

# Debian's docker-registry on a free loopback port, its storage in a temporary folder, stopped on exit.
start_registry(){
  local dir port
  tempdir dir registry
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  printf 'version: 0.1\nlog: { level: warn, accesslog: { disabled: true } }\nstorage: { filesystem: { rootdirectory: %s/data } }\nhttp: { addr: "127.0.0.1:%s" }\n' "$dir" "$port" > "$dir/config.yml"
  docker-registry serve "$dir/config.yml" > "$dir/registry.log" 2>&1 & registry_pid=$!
  registry=127.0.0.1:$port
  for _ in $(seq 100); do curl -fsS "http://$registry/v2/" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "docker-registry did not start: $(tail -5 "$dir/registry.log")" >&2; exit 1
}

push(){
  registry=${CAPSTAN_IMAGE_REGISTRY:-}
  [ -n "$registry" ] || start_registry
  podman push --quiet --tls-verify=false "$image" "docker://$registry/capstan:$version"
  echo "pushed: $registry/capstan:$version, tags there: $(curl -fsS "http://$registry/v2/capstan/tags/list")"
}

total=$(date +%s%N)
step "packages" packages
step "podman configuration" configure
step "Debian base ($release)" debian_base
step "Node base" node_base
step "helm image" helm_image
step "build $image" build
step "run inside" run_inside
step "save OCI archive" save
step "push" push
echo
echo "image $image: $(mb "$(podman image inspect --format '{{.Size}}' "$image")"); OCI archive $archive: $(mb "$(stat -c %s "$archive")")"
printf '%s\n' "${timings[@]}"
printf '%-28s %6.1f s\n' "total" "$(( ($(date +%s%N) - total) / 1000000 ))e-3"
