# lib.sh — a tiny assertion kit for command-line tests (sourced).
# Each check prints "ok" or "FAIL" with what was expected; the script's
# exit code is the number of failures (capped).
T_FAILS=0
T_NAME=$(basename "$0" .sh)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

ok()   { echo "  ok   $T_NAME: $1"; }
bad()  { echo "  FAIL $T_NAME: $1"; T_FAILS=$((T_FAILS + 1)); }

# The suite's one skip rule (tests/support/skip.sh): a check that cannot
# run fails, unless TF_ALLOW_SKIP=1, and every skip is counted.
. tests/support/skip.sh
# skip WHY: leave the checks that cannot run out (a failure unless
# TF_ALLOW_SKIP=1). Use: `if ...; then checks; else skip "why"; fi`.
skip() { tf_skip "$T_NAME" "$1" || T_FAILS=$((T_FAILS + 1)); }
# need TOOL WHY: true when TOOL is on the PATH; otherwise skip WHY and
# false. Use: `if need gnuplot "the figure"; then checks; fi`, or
# `need tmux "the viewer" || finish` for a script that needs it throughout.
need() {
    command -v "$1" >/dev/null 2>&1 && return 0
    skip "$1 is not installed (make deps installs it): $2"
    return 1
}

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

# Permission checks run as an unprivileged user: root writes anywhere, so
# a read-only directory means nothing to it (the C programs have the same in
# tests/support/unprivileged.c). As root, UNPRIV_USER is nobody and
# `unprivileged COMMAND...` runs COMMAND as nobody (setpriv: no groups, no
# way back); otherwise COMMAND runs as it is. unprivileged_ready tells
# whether that can be done (the skip rule applies when it cannot).
UNPRIV_USER=$(id -un)
[ "$(id -u)" = 0 ] && UNPRIV_USER=nobody
unprivileged_ready() {
    [ "$(id -u)" != 0 ] && return 0
    id nobody >/dev/null 2>&1 || { skip "the tests run as root and there is no user nobody: $1"; return 1; }
    need setpriv "$1"
}
unprivileged() {
    if [ "$(id -u)" = 0 ]; then
        setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$@"
    else
        "$@"
    fi
}

finish() {
    [ "$T_FAILS" -eq 0 ] || echo "$T_NAME: $T_FAILS failed"
    [ "$T_FAILS" -lt 100 ] || T_FAILS=99
    exit "$T_FAILS"
}
