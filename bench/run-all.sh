#!/usr/bin/env bash
# Every benchmark of issue 14 at full size, one after the other, each on a control plane of its own
# (e2e/with-services.sh), their tables written to bench/RESULTS.md (or $1) under a header with the machine and
# the commit. About 50 minutes on 2 cores with binaries cached. `npm run bench:all`.
# The throughput matrix is N = 40 and 100 at concurrency 2, 4, 8 (the median of BENCH_REPEAT runs per cell, default 3)
# and N = 500 at concurrency 4 (BENCH_THROUGHPUT_500
# lists the concurrencies for N = 500, e.g. "2,4,8" for the whole matrix: about 20 minutes more).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench/RESULTS.md}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() { # name, then env assignments and the npm script
  local name=$1; shift
  echo "== $name ($(date -u +%H:%M:%S))" >&2
  env "$@" > "$tmp/$name.md"
}
run throughput-40-100 BENCH_SIZES=40,100 BENCH_CONCURRENCY=2,4,8 BENCH_REPEAT="${BENCH_REPEAT:-3}" npm run -s bench:throughput
run throughput-500 BENCH_SIZES=500 BENCH_CONCURRENCY="${BENCH_THROUGHPUT_500:-4}" npm run -s bench:throughput
run where BENCH_SIZES=100 BENCH_CONCURRENCY=4 npm run -s bench:where
run peers BENCH_SIZES=100 BENCH_CONCURRENCY=4 npm run -s bench:peers
run noop-resync BENCH_RELEASES=1000 npm run -s bench:noop-resync
run upgrade-wave BENCH_RELEASES=100 BENCH_CONCURRENCY=4 npm run -s bench:upgrade-wave
run sync BENCH_OBJECTS=1000 BENCH_REPEAT=3 npm run -s bench:sync
run scan BENCH_REPOS=200 BENCH_TAGS=100 npm run -s bench:scan
{
  echo "# Benchmark results"
  echo
  echo "One run of \`npm run bench:all\` (bench/run-all.sh) at $(git rev-parse --short HEAD), $(date -u +%Y-%m-%d), on $(nproc) cores and $(free -g | awk '/Mem:/ {print $2}') GiB."
  echo
  for f in throughput-40-100 throughput-500 where peers noop-resync upgrade-wave sync scan; do cat "$tmp/$f.md"; echo; done
} > "$out"
echo "wrote $out" >&2
