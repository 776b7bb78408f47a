#!/bin/sh
# Run the inputs kept in tests/fuzz/regress/NAME/ through each harness,
# built without libFuzzer in BUILD (regress_main.c); print a summary; fail
# when any input crashed or tripped a sanitizer.
# usage: regress.sh BUILD NAME...
build=$1; shift
total=0; failed=""
for name in "$@"; do
    dir=tests/fuzz/regress/$name
    [ -d "$dir" ] || continue
    n=$(find "$dir" -type f | wc -l)
    [ "$n" -gt 0 ] || continue
    total=$((total + n))
    "$build/tests/fuzz/fuzz_$name" "$dir" >/dev/null || failed="$failed $name"
done
if [ -n "$failed" ]; then
    echo "fuzz regression inputs ($build): $total inputs, failed in:$failed"
    exit 1
fi
echo "fuzz regression inputs ($build): $total inputs, all passed"
