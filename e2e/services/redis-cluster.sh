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
    # Each node's cluster bus port is chosen too (Redis's default, port + 10000, may fall in the ephemeral range that
    # outgoing connections take); a node that does not answer, a port taken meanwhile, is started on others.
    for i in 1 2 3; do
      mkdir -p "$dir/$i"; up=
      for _ in 1 2 3 4 5; do
        free_port port; free_port bus
        redis-server --bind 127.0.0.1 --port "$port" --cluster-enabled yes --cluster-port "$bus" \
          --cluster-config-file "$dir/$i/nodes.conf" --cluster-node-timeout 5000 --save "" --appendonly no --dir "$dir/$i" \
          --daemonize yes --pidfile "$dir/$i/redis.pid" --logfile "$dir/$i/redis.log" >&2 || true
        for _ in $(seq 50); do redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && { up=1; break; }; sleep 0.1; done
        [ -n "$up" ] && break
        echo "redis-cluster.sh: node $i did not start on port $port (bus $bus), trying others" >&2
        tail -3 "$dir/$i/redis.log" >&2 || true
        rm -f "$dir/$i/nodes.conf"
      done
      [ -n "$up" ] || { echo "redis-cluster.sh: node $i did not start" >&2; exit 1; }
      seeds+=("127.0.0.1:$port")
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
