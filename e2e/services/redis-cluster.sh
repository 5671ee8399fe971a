#!/usr/bin/env bash
# Starts or stops a throwaway 3-master Redis Cluster (no replicas) on free loopback ports, for the tests.
# Usage: redis-cluster.sh start DIR   → prints the seed nodes, 127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3
#        redis-cluster.sh stop DIR    → stops the servers started in DIR (by their pid files, never by name)
# With the seeds in CAPSTAN_TEST_REDIS_CLUSTER, the e2e tests' Capstan processes use the Cluster (e2e/support/capstan.ts).
set -euo pipefail
cmd=${1:?usage: redis-cluster.sh start|stop DIR}; dir=${2:?usage: redis-cluster.sh start|stop DIR}
case "$cmd" in
  start)
    . "$(dirname "$0")/../free-port.sh"
    mkdir -p "$dir"; seeds=()
    for i in 1 2 3; do
      free_port port; mkdir -p "$dir/$i"
      redis-server --bind 127.0.0.1 --port "$port" --cluster-enabled yes --cluster-config-file "$dir/$i/nodes.conf" \
        --cluster-node-timeout 5000 --save "" --appendonly no --dir "$dir/$i" \
        --daemonize yes --pidfile "$dir/$i/redis.pid" --logfile "$dir/$i/redis.log" >&2
      seeds+=("127.0.0.1:$port")
    done
    for seed in "${seeds[@]}"; do
      for _ in $(seq 50); do redis-cli -p "${seed#*:}" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
    done
    redis-cli --cluster create "${seeds[@]}" --cluster-replicas 0 --cluster-yes >"$dir/create.log" 2>&1 \
      || { echo "redis-cluster.sh: cluster create failed" >&2; cat "$dir/create.log" >&2; exit 1; }
    for _ in $(seq 100); do
      ok=1
      for seed in "${seeds[@]}"; do redis-cli -p "${seed#*:}" cluster info | grep -q 'cluster_state:ok' || ok=0; done
      [ "$ok" = 1 ] && { (IFS=,; echo "${seeds[*]}"); exit 0; }
      sleep 0.1
    done
    echo "redis-cluster.sh: the cluster did not reach cluster_state:ok" >&2; exit 1 ;;
  stop)
    for pidfile in "$dir"/*/redis.pid; do
      [ -f "$pidfile" ] || continue
      pid=$(cat "$pidfile")
      if tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q redis-server; then kill -TERM "$pid"; fi
      for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      rm -f "$pidfile"
    done ;;
  *) echo "usage: redis-cluster.sh start|stop DIR" >&2; exit 2 ;;
esac
