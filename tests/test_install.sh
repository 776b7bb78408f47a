#!/bin/sh
# `make install` into a scratch prefix: the installed program runs from
# anywhere and finds its lessons under PREFIX/share/traceformer.
set -u
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
prefix=/opt/traceformer-install-test
fail=0
if ! make --no-print-directory -s BUILD=build-install PREFIX=$prefix DESTDIR="$stage" install >"$stage/log" 2>&1; then
    cat "$stage/log"; echo "install test: 0 passed, 1 failed"; exit 1
fi
# The staged tree stands in for the real prefix through TRACEFORMER_DATA
# only if the baked-in path is wrong; check the baked-in path first.
strings "$stage$prefix/bin/traceformer" | grep -qx "$prefix/share/traceformer" \
    || { echo "  FAIL install: $prefix/share/traceformer not baked into the program"; fail=$((fail + 1)); }
[ -f "$stage$prefix/share/traceformer/lessons/demo.ini" ] \
    || { echo "  FAIL install: lessons not installed"; fail=$((fail + 1)); }
[ -f "$stage$prefix/share/traceformer/lessons/07-masks/lesson.ini" ] && [ -f "$stage$prefix/share/traceformer/lessons/README.md" ] \
    || { echo "  FAIL install: the lessons (lessons/NN-slug/) not installed"; fail=$((fail + 1)); }
[ -d "$stage$prefix/share/traceformer/viz" ] \
    || { echo "  FAIL install: viz not installed"; fail=$((fail + 1)); }
cd "$stage"
if TRACEFORMER_DATA="$stage$prefix/share/traceformer" "$stage$prefix/bin/traceformer" run -q --lesson demo -o t.trace \
    && [ -s t.trace ]; then :; else
    echo "  FAIL install: the installed program cannot run the demo lesson"; fail=$((fail + 1)); fi
if TRACEFORMER_DATA="$stage$prefix/share/traceformer" "$stage$prefix/bin/traceformer" lesson 7 --check >lesson.out 2>&1; then :; else
    cat lesson.out; echo "  FAIL install: the installed program cannot check lesson 7"; fail=$((fail + 1)); fi
echo "install test: $((fail == 0)) passed, $((fail != 0)) failed"
[ "$fail" -eq 0 ]
