#!/bin/sh
# Run every command-line test script; print a summary with the skips
# counted (tests/support/skip.sh: a check that cannot run fails unless
# TF_ALLOW_SKIP=1); fail when any failed.
# usage: run_cli.sh PATH/TO/traceformer
tf=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
TF_SKIP_LOG=$(mktemp "${TMPDIR:-/tmp}/tf_skips_XXXXXX") || exit 1
export TF_SKIP_LOG
# The training traces lessons keep for next time (run/train_cache.h): one
# private directory for the whole run, so every script reuses a training
# another has done, and nothing of the developer's own cache is read.
TRACEFORMER_CACHE=$(mktemp -d "${TMPDIR:-/tmp}/tf_cache_XXXXXX") || exit 1
export TRACEFORMER_CACHE
trap 'rm -f "$TF_SKIP_LOG"; rm -rf "$TRACEFORMER_CACHE"' EXIT
pass=0; fail=0; failed=""
for t in tests/cli/test_*.sh; do
    if TF="$tf" sh "$t"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); failed="$failed $(basename "$t")"
    fi
done
skips=$(wc -l <"$TF_SKIP_LOG")
echo "cli test scripts ($(basename "$(dirname "$tf")")): $pass passed, $fail failed, $skips checks skipped"
[ "$skips" -eq 0 ] || sed 's/^/skipped: /' "$TF_SKIP_LOG"
[ "$fail" -eq 0 ] || { echo "failed:$failed"; exit 1; }
