#!/usr/bin/env bash
# Prints the kwok stages file: kwok's own node and pod stages (shipped in its module), adjusted so that
#  - every pod that runs to completion (restartPolicy Never/OnFailure: Jobs and bare `helm test` hook pods)
#    reaches Succeeded — upstream's pod-complete selects only pods owned by a Job, so `helm test` would hang;
#  - pods annotated `capstan.test/fail: "true"` skip the happy path and take the stages in stages-fail.yaml.
# Usage: stages.sh KWOK_STAGE_DIR
set -euo pipefail
ks=$1; here=$(cd "$(dirname "$0")" && pwd)
fail_guard="    - {key: '.metadata.annotations[\"capstan.test/fail\"]', operator: 'DoesNotExist'}"
with_guard(){ sed "/^    matchExpressions:\$/a\\
$fail_guard" "$1"; }
ready=$(with_guard "$ks/pod/fast/pod-ready.yaml")
complete=$(with_guard "$ks/pod/fast/pod-complete.yaml" | sed \
  -e "s#key: '.metadata.ownerReferences.\[\].kind'#key: '.spec.restartPolicy'#" \
  -e "s#^      - 'Job'\$#      - 'Never'\n      - 'OnFailure'#")
# Guard against upstream text changes: fail loudly rather than build a cluster where `helm test` hangs.
grep -q "'.spec.restartPolicy'" <<<"$complete" || { echo "stages.sh: pod-complete.yaml changed upstream" >&2; exit 1; }
grep -q "'OnFailure'" <<<"$complete" || { echo "stages.sh: pod-complete.yaml changed upstream" >&2; exit 1; }
[ "$(grep -c 'capstan.test/fail' <<<"$ready$complete")" = 2 ] || { echo "stages.sh: cannot add fail guard" >&2; exit 1; }
cat "$ks/node/fast/node-initialize.yaml"; echo ---
cat "$ks/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml"; echo ---
echo "$ready"; echo ---; echo "$complete"; echo ---
cat "$ks/pod/fast/pod-delete.yaml"; echo ---
cat "$here/stages-fail.yaml"
