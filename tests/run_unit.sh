#!/bin/sh
# Run every unit-test program; print a summary; fail when any failed.
# usage: run_unit.sh BUILD_DIR TEST_BIN...
build=$1; shift
pass=0; fail=0; failed=""
for t in "$@"; do
    if TF_SOURCE_DIR="$(pwd)" "$t"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); failed="$failed $(basename "$t")"
    fi
done
echo "unit test programs ($build): $pass passed, $fail failed"
[ "$fail" -eq 0 ] || { echo "failed:$failed"; exit 1; }
