#!/usr/bin/env bash
# Starts or stops a throwaway redis-server on a free loopback port, for the tests.
# Usage: redis.sh start DIR   → prints redis://127.0.0.1:PORT (installs Debian's redis-server if it is missing)
#        redis.sh stop DIR    → stops the server started in DIR (by its pid file, never by name)
set -euo pipefail
cmd=${1:?usage: redis.sh start|stop DIR}; dir=${2:?usage: redis.sh start|stop DIR}
case "$cmd" in
  start)
    if ! command -v redis-server >/dev/null; then
      echo "redis.sh: installing Debian's redis-server" >&2
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >&2
    fi
    . "$(dirname "$0")/../free-port.sh"
    mkdir -p "$dir"; free_port port
    redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$dir" \
      --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >&2
    for _ in $(seq 50); do redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && { echo "redis://127.0.0.1:$port"; exit 0; }; sleep 0.1; done
    echo "redis.sh: redis-server did not answer on port $port" >&2; cat "$dir/redis.log" >&2; exit 1 ;;
  stop)
    [ -f "$dir/redis.pid" ] || exit 0
    pid=$(cat "$dir/redis.pid")
    if tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q redis-server; then kill -TERM "$pid"; fi
    for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$dir/redis.pid" ;;
  *) echo "usage: redis.sh start|stop DIR" >&2; exit 2 ;;
esac
