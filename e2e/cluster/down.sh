#!/usr/bin/env bash
# Stops the processes that up.sh started in RUN_DIR (by pid file, newest first; never by name), then removes it.
# Usage: down.sh RUN_DIR   (KEEP_RUN_DIR=1 keeps the directory, logs included)
set -uo pipefail
R=${1:?usage: down.sh RUN_DIR}
[ -d "$R/pids" ] || { echo "down.sh: nothing started in $R" >&2; exit 0; }
for n in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
  f=$R/pids/$n.pid; [ -f "$f" ] || continue; pid=$(cat "$f")
  # guard against pid reuse: only signal a process whose command line still names this run's binary
  if tr "\0" " " 2>/dev/null <"/proc/$pid/cmdline" | grep -q -- "/$n "; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$f"
done
rmdir "$R/pids" 2>/dev/null
[ "${KEEP_RUN_DIR:-0}" = 1 ] || rm -rf "$R"
