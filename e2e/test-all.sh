#!/usr/bin/env bash
# The test command (`npm test`): with every service up (e2e/with-services.sh installs, builds and starts what is
# needed, and stops it afterwards), runs the type check, then unit and end-to-end tests with Node's test runner.
# Extra arguments go to `node --test` in place of the default file set (e.g. one file).
set -euo pipefail
cd "$(dirname "$0")/.."
exec e2e/with-services.sh bash -c '
  set -euo pipefail
  echo "== typecheck and lint ($(date +%T))" >&2; tsc -p .; biome lint --error-on-warnings
  echo "== tests ($(date +%T))" >&2
  files=("$@"); [ ${#files[@]} -gt 0 ] || files=("test/**/*.test.ts" "e2e/**/*.test.ts")
  node --test --test-concurrency=4 --test-timeout=600000 "${files[@]}"
' test-all "$@"
