# The lesson commands keep their traces in a temporary directory under
# $TMPDIR; it goes away however the program ends: after the output, when
# the reader of a pipe leaves early (head), when a signal ends it, and in
# the viewer.
. tests/cli/lib.sh
have_tmux=
if need tmux "the signal tests run the lesson in a terminal"; then . tests/ui/tmux.sh; have_tmux=1; fi
cd "$WORK"
mkdir scratch
export TMPDIR="$WORK/scratch"

scratch_empty() {
    if [ -z "$(ls -A scratch)" ]; then ok "$1: nothing left in \$TMPDIR"; else
        bad "$1: left in \$TMPDIR:"; ls -RA scratch | sed 's/^/       | /'; rm -rf scratch/* scratch/.[!.]*; fi
}

# ---- the reader leaves early: a quiet end, nothing left behind ----
# head -1 reads a line and leaves; true leaves before the first line, so
# every write fails, whatever the pipe's buffer holds.
for reader in "head -1" true; do
    for args in "2" "2 --walk" "2 --check" "2 --lang zh" "4 --plot plots"; do
        what="lesson $args | $reader"
        # shellcheck disable=SC2086 # args and reader are word lists on purpose
        code=$( { "$TF" lesson $args 2>err; echo $? >code; } | $reader >/dev/null; cat code)
        if [ "$code" = 0 ]; then ok "$what: exit 0"; else bad "$what: exit $code"; sed 's/^/       | /' err; fi
        if [ -s err ]; then bad "$what: said something:"; sed 's/^/       | /' err; else
            ok "$what: nothing on stderr"; fi
        scratch_empty "$what"
    done
done
"$TF" lesson 2 >/dev/null || bad "lesson 2 to /dev/null"
scratch_empty "lesson 2 read to the end"
if [ -w /dev/full ]; then
    expect_exit 1 "lesson 2 > /dev/full: an output that fails is a runtime failure" -- sh -c '"$0" lesson 2 >/dev/full' "$TF"
    expect_in "$WORK/err" "cannot write the standard output" "says so"
    scratch_empty "lesson 2 > /dev/full"
else
    skip "/dev/full is not writable here: the failing-output check"
fi

# ---- a signal while the lesson runs ----
# In a terminal whose output is stopped (^S), the walk blocks on its
# first line with its traces written; SIGTERM must still remove them.
if [ -n "$have_tmux" ]; then
    ui_start walk 80 24 "stty ixon; sleep 0.5; TMPDIR='$WORK/scratch' '$TF' lesson 2 --walk"
    ui_keys C-s
    n=100
    while [ "$n" -gt 0 ] && [ -z "$(ls scratch/*/zh.trace 2>/dev/null)" ]; do sleep 0.1; n=$((n - 1)); done
    if [ -n "$(ls scratch/*/zh.trace 2>/dev/null)" ]; then ok "the walk wrote its traces and waits to print"; else
        bad "the traces never appeared in scratch"; fi
    pid=$(ui_pid)
    if [ -n "$pid" ] && kill -TERM "$pid"; then ok "SIGTERM sent to the walk"; else bad "no walk to signal"; fi
    ui_keys C-q
    ui_wait_exit 143 "SIGTERM ends the walk as a signal would (128 + 15)"
    scratch_empty "lesson 2 --walk ended by SIGTERM"

    # The viewer: q, and SIGHUP (the terminal closed) alike.
    ui_start view 100 30 "TMPDIR='$WORK/scratch' '$TF' lesson 2"
    ui_wait "step 1 of" "the lesson opens in the viewer"
    [ -n "$(ls -A scratch)" ] && ok "the viewer keeps its traces in \$TMPDIR" || bad "no traces in \$TMPDIR"
    ui_keys q
    ui_wait_exit 0 "q quits"
    scratch_empty "lesson 2 in the viewer, after q"
    ui_start viewhup 100 30 "TMPDIR='$WORK/scratch' '$TF' lesson 2"
    ui_wait "step 1 of" "the lesson opens in the viewer again"
    pid=$(ui_pid)
    [ -n "$pid" ] && kill -HUP "$pid"
    ui_wait_exit 129 "SIGHUP ends the viewer (128 + 1)"
    scratch_empty "lesson 2 in the viewer, after SIGHUP"
fi

finish
