#!/usr/bin/env bash
# Starts a real local control plane on loopback: etcd, kube-apiserver (client-cert auth, RBAC), kube-controller-manager,
# kube-scheduler and kwok with one fake Node. Builds the binaries first if they are not cached (build.sh).
# Usage: up.sh [RUN_DIR]   (default: a new directory under /dev/shm or $TMPDIR)
# Prints the run directory; `. RUN_DIR/env` exports KUBECONFIG. Stop with down.sh RUN_DIR.
# Ports are free ones picked at start, so two clusters on one machine don't collide.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/versions.sh"
"$here/build.sh" >&2
base=/dev/shm; [ -w "$base" ] || base=${TMPDIR:-/tmp}
R=${1:-$(mktemp -d "$base/capstan-cluster.XXXXXX")}; mkdir -p "$R"
[ -e "$R/pids" ] && { echo "up.sh: $R is already in use (run down.sh $R first)" >&2; exit 1; }
P=$R/pki; K=$R/kubeconfig; L=$R/logs; mkdir -p "$P" "$L" "$R/pids"
B=$CAPSTAN_CACHE/bin; KB=$B/k8s-$K8S_VERSION; KW=$B/kwok-$KWOK_VERSION
t0=$(date +%s.%N)

die(){ echo "up.sh: $*" >&2; for f in "$L"/*.log; do [ -s "$f" ] && { echo "--- tail $f" >&2; tail -n 15 "$f" >&2; }; done
       "$here/down.sh" "$R" >&2 || true; exit 1; }
. "$here/../free-port.sh"
start(){ local n=$1; shift; nohup "$@" >"$L/$n.log" 2>&1 </dev/null & echo $! >"$R/pids/$n.pid"; }
waitfor(){ local what=$1 tries=$2; shift 2
  for _ in $(seq "$tries"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done; die "timed out waiting for $what"; }
alive(){ kill -0 "$(cat "$R/pids/$1.pid")" 2>/dev/null || die "$1 exited"; }
kc(){ "$KB/kubectl" --kubeconfig="$K" "$@"; }

for v in ETCD_PORT ETCD_PEER API_PORT KCM_PORT SCHED_PORT KWOK_PORT; do free_port "$v" || die "no free port"; done

# --- PKI: one CA signs the serving cert and the admin client cert (O=system:masters), as kwokctl does ---
( cd "$P"; exec 2>"$L/pki.log"
  printf '[req]\ndistinguished_name=dn\nx509_extensions=v3\nprompt=no\n[dn]\nCN=capstan-e2e-ca\n[v3]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\nsubjectKeyIdentifier=hash\n' >ca.cnf
  openssl req -x509 -new -nodes -newkey rsa:2048 -keyout ca.key -out ca.crt -days 3650 -config ca.cnf
  leaf(){ openssl req -new -nodes -newkey rsa:2048 -keyout "$1.key" -out "$1.csr" -subj "$2"
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n%s\n' "$3" >"$1.ext"
    openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile "$1.ext" -out "$1.crt"; }
  leaf apiserver "/CN=kube-apiserver" "extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:10.96.0.1"
  leaf admin "/O=system:masters/CN=capstan-e2e-admin" "extendedKeyUsage=clientAuth"
  openssl genrsa -out sa.key 2048 ) >/dev/null || die "PKI generation failed"
b64(){ base64 -w0 "$1"; }
cat >"$K" <<KC
apiVersion: v1
kind: Config
clusters: [{name: capstan-e2e, cluster: {server: "https://127.0.0.1:$API_PORT", certificate-authority-data: $(b64 "$P/ca.crt")}}]
users: [{name: capstan-e2e-admin, user: {client-certificate-data: $(b64 "$P/admin.crt"), client-key-data: $(b64 "$P/admin.key")}}]
contexts: [{name: capstan-e2e, context: {cluster: capstan-e2e, user: capstan-e2e-admin}}]
current-context: capstan-e2e
KC
chmod 600 "$K"

# --- etcd (tmpfs data dir, no fsync: a throwaway test store) ---
start etcd "$B/etcd-$ETCD_VERSION/etcd" --name=capstan --data-dir="$R/etcd" \
  --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls="http://127.0.0.1:$ETCD_PEER" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER" \
  --initial-cluster="capstan=http://127.0.0.1:$ETCD_PEER" --unsafe-no-fsync=true --auto-compaction-retention=1 \
  --quota-backend-bytes=4294967296 --listen-metrics-urls=""
etcd_ok(){ alive etcd; curl -fsS "http://127.0.0.1:$ETCD_PORT/health" | grep -q '"health":"true"'; }
waitfor etcd 60 etcd_ok

# --- kube-apiserver. --advertise-address is required on a machine without a default route (it cannot pick an
# address then); a loopback address cannot go into the `kubernetes` Endpoints, hence --endpoint-reconciler-type=none.
start kube-apiserver "$KB/kube-apiserver" --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" \
  --tls-cert-file="$P/apiserver.crt" --tls-private-key-file="$P/apiserver.key" --client-ca-file="$P/ca.crt" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local --service-account-key-file="$P/sa.key" \
  --service-account-signing-key-file="$P/sa.key" --service-cluster-ip-range=10.96.0.0/12 \
  --authorization-mode=Node,RBAC --allow-privileged=true --endpoint-reconciler-type=none
api_ok(){ alive kube-apiserver; [ "$(kc get --raw=/readyz 2>/dev/null)" = ok ]; }
waitfor kube-apiserver 240 api_ok

common=(--kubeconfig="$K" --authentication-kubeconfig="$K" --authorization-kubeconfig="$K" --leader-elect=false
        --bind-address=127.0.0.1 --authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics)
start kube-controller-manager "$KB/kube-controller-manager" "${common[@]}" --secure-port="$KCM_PORT" \
  --root-ca-file="$P/ca.crt" --service-account-private-key-file="$P/sa.key" \
  --cluster-signing-cert-file="$P/ca.crt" --cluster-signing-key-file="$P/ca.key" --use-service-account-credentials=true
start kube-scheduler "$KB/kube-scheduler" "${common[@]}" --secure-port="$SCHED_PORT"
"$here/stages.sh" "$KW/stage" >"$R/kwok-stages.yaml" || die "cannot write kwok stages"
# kwok also loads ~/.kwok/kwok.yaml unless told otherwise: point HOME away so a user's file cannot change the stages.
HOME=$R start kwok "$KW/kwok" --kubeconfig="$K" --config="$R/kwok-stages.yaml" --manage-all-nodes=true \
  --cidr=10.244.0.0/16 --node-ip=127.0.0.1 --node-lease-duration-seconds=40 --server-address="127.0.0.1:$KWOK_PORT"

# The fake Node: no taint of its own, so ordinary pods schedule without tolerations.
cat >"$R/node.yaml" <<NODE
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-0
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
  labels: {kubernetes.io/arch: amd64, kubernetes.io/os: linux, kubernetes.io/hostname: kwok-node-0, type: kwok}
status:
  allocatable: {cpu: "32", memory: 256Gi, pods: "250"}
  capacity: {cpu: "32", memory: 256Gi, pods: "250"}
  nodeInfo: {architecture: amd64, operatingSystem: linux, kubeletVersion: fake}
NODE
kc create -f "$R/node.yaml" >/dev/null 2>&1 || die "cannot create the Node"
node_ready(){ alive kwok; alive kube-controller-manager; alive kube-scheduler
  [ "$(kc get node kwok-node-0 -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]; }
# the node-lifecycle controller (in KCM) removes the not-ready taint that was set when the Node was created
node_untainted(){ [ -z "$(kc get node kwok-node-0 -o jsonpath='{.spec.taints}')" ]; }
default_sa(){ kc -n default get serviceaccount default; }
waitfor "node Ready" 120 node_ready
waitfor "node untainted" 120 node_untainted
waitfor "default ServiceAccount" 120 default_sa

cat >"$R/env" <<ENV
export KUBECONFIG=$K
export CAPSTAN_CLUSTER_RUN=$R
export CAPSTAN_KUBECTL=$KB/kubectl
ENV
echo "up.sh: control plane ready in $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N)-$t0}")s (API https://127.0.0.1:$API_PORT, run dir $R)" >&2
echo "$R"
