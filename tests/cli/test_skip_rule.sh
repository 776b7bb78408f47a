# The suite's one skip rule (tests/support/skip.sh), on a script that needs
# a tool no machine has: without TF_ALLOW_SKIP=1 the check that cannot run
# fails; with it the check is skipped, said, and written to $TF_SKIP_LOG
# for the runner's count; a tool that is there runs its checks.
. tests/cli/lib.sh
src=$(pwd)
mkdir "$WORK/t"
cat >"$WORK/t/test_needs.sh" <<'EOS'
. tests/cli/lib.sh
if need tf-no-such-tool "the tool's checks"; then ok "ran without the tool"; fi
if need sh "the shell's checks"; then ok "the shell's checks ran"; fi
finish
EOS
unset TF_ALLOW_SKIP
: >"$WORK/skips"
TF_SKIP_LOG="$WORK/skips" sh "$WORK/t/test_needs.sh" >"$WORK/o1"; code=$?
[ "$code" = 1 ] && ok "a missing tool fails the script (exit 1)" || bad "a missing tool: exit $code, expected 1"
expect_in "$WORK/o1" "FAIL test_needs: cannot run: tf-no-such-tool is not installed" "says what cannot run"
expect_in "$WORK/o1" "TF_ALLOW_SKIP=1" "says how to allow the skip"
expect_in "$WORK/o1" "the shell's checks ran" "the checks that can run still run"
[ -s "$WORK/skips" ] && bad "a failure was logged as a skip" || ok "a failure is not logged as a skip"

TF_ALLOW_SKIP=1 TF_SKIP_LOG="$WORK/skips" sh "$WORK/t/test_needs.sh" >"$WORK/o2"; code=$?
[ "$code" = 0 ] && ok "TF_ALLOW_SKIP=1: the script passes (exit 0)" || bad "TF_ALLOW_SKIP=1: exit $code"
expect_in "$WORK/o2" "skip test_needs: tf-no-such-tool is not installed" "the skip is said"
expect_not_in "$WORK/o2" "ran without the tool" "the skipped checks are left out"
[ "$(wc -l <"$WORK/skips")" = 1 ] && ok "the skip is logged once" || bad "skip log: $(cat "$WORK/skips")"
expect_in "$WORK/skips" "test_needs: tf-no-such-tool" "the log names the script and the reason"

# The runner counts the skips in its summary.
mkdir -p "$WORK/r/tests/cli" "$WORK/r/tests/support"
cp "$src/tests/cli/lib.sh" "$WORK/r/tests/cli/"
cp "$src/tests/support/skip.sh" "$WORK/r/tests/support/"
cp "$WORK/t/test_needs.sh" "$WORK/r/tests/cli/"
cp "$src/tests/run_cli.sh" "$WORK/r/tests/"
(cd "$WORK/r" && TF_ALLOW_SKIP=1 sh tests/run_cli.sh "$TF" >"$WORK/o3"); code=$?
[ "$code" = 0 ] && ok "runner: exit 0 with skips allowed" || bad "runner: exit $code"
expect_in "$WORK/o3" "1 passed, 0 failed, 1 checks skipped" "the summary counts the skip"
expect_in "$WORK/o3" "skipped: test_needs: tf-no-such-tool" "and lists it"
(cd "$WORK/r" && env -u TF_ALLOW_SKIP sh tests/run_cli.sh "$TF" >"$WORK/o4"); code=$?
[ "$code" = 1 ] && ok "runner: exit 1 when skips are not allowed" || bad "runner without TF_ALLOW_SKIP: exit $code"
expect_in "$WORK/o4" "0 passed, 1 failed, 0 checks skipped" "the summary counts a failure"

finish
