# skip.sh — the suite's one skip rule, for sh scripts (sourced; the C
# programs have the same rule in tests/support/skip.c).
#
# A check that cannot run (a tool missing, no root for a device node) is a
# failure, so a machine that lacks something never passes by leaving its
# checks out. TF_ALLOW_SKIP=1 turns such a failure into a skip, said on
# stdout and written as one line to $TF_SKIP_LOG when that is set: the
# runners (tests/run_unit.sh, tests/run_cli.sh) count those lines in their
# summary, so every skip is seen.

# tf_skip WHO WHY: 0 when skipping is allowed (the caller leaves its checks
# out), 1 when it is not (the caller counts one failure; the reason is
# printed as a FAIL line either way).
tf_skip() {
    if [ "${TF_ALLOW_SKIP:-}" = 1 ]; then
        echo "  skip $1: $2"
        [ -z "${TF_SKIP_LOG:-}" ] || echo "$1: $2" >>"$TF_SKIP_LOG"
        return 0
    fi
    echo "  FAIL $1: cannot run: $2 (TF_ALLOW_SKIP=1 lets it be skipped)"
    return 1
}
