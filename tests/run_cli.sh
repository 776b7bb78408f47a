#!/bin/sh
# Run every command-line test script; print a summary; fail when any failed.
# usage: run_cli.sh PATH/TO/traceformer
tf=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
pass=0; fail=0; failed=""
for t in tests/cli/test_*.sh; do
    if TF="$tf" sh "$t"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); failed="$failed $(basename "$t")"
    fi
done
echo "cli test scripts ($(basename "$(dirname "$tf")")): $pass passed, $fail failed"
[ "$fail" -eq 0 ] || { echo "failed:$failed"; exit 1; }
