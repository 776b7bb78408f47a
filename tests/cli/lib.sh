# lib.sh — a tiny assertion kit for command-line tests (sourced).
# Each check prints "ok" or "FAIL" with what was expected; the script's
# exit code is the number of failures (capped).
T_FAILS=0
T_NAME=$(basename "$0" .sh)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

ok()   { echo "  ok   $T_NAME: $1"; }
bad()  { echo "  FAIL $T_NAME: $1"; T_FAILS=$((T_FAILS + 1)); }

# expect_exit CODE DESCRIPTION -- COMMAND...: run, keep stdout/stderr in
# $WORK/out and $WORK/err, check the exit code.
expect_exit() {
    want=$1; desc=$2; shift 3
    "$@" >"$WORK/out" 2>"$WORK/err"; got=$?
    if [ "$got" -eq "$want" ]; then ok "$desc (exit $got)"; else
        bad "$desc: exit $got, expected $want"; sed 's/^/       | /' "$WORK/err" | head -5; fi
}

# expect_in FILE TEXT DESCRIPTION: FILE contains TEXT (fixed string).
expect_in() {
    if grep -qF -- "$2" "$1"; then ok "$3"; else
        bad "$3: '$2' not in $(basename "$1")"; sed 's/^/       | /' "$1" | head -8; fi
}

expect_not_in() {
    if grep -qF -- "$2" "$1"; then bad "$3: '$2' found in $(basename "$1")"; else ok "$3"; fi
}

expect_absent() {
    if [ -e "$1" ]; then bad "$2: $1 exists"; else ok "$2"; fi
}

finish() {
    [ "$T_FAILS" -eq 0 ] || echo "$T_NAME: $T_FAILS failed"
    [ "$T_FAILS" -lt 100 ] || T_FAILS=99
    exit "$T_FAILS"
}
