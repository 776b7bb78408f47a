# Outputs that are not regular files (issue 13, points 1 and 9): a device
# node or FIFO named by -o is written in place and stays what it was; '-'
# is standard output where one file is written; a directory, socket or
# block device is refused with nothing left behind; a signal during a long
# run leaves no temporary file; a directory of outputs that fails half-way
# (a full disk) leaves the directory as it was.
# Device nodes and FIFOs are made here, never taken from /dev.
. tests/cli/lib.sh
cd "$WORK"
root=
[ "$(id -u)" = 0 ] && root=1

kind() { stat -c %F "$1" 2>/dev/null; }
no_hidden() {  # DIR DESCRIPTION: no temporaries (.NAME.XXXXXX, staging) in DIR
    left=$(ls -A "$1" | grep '^\.' || true)
    if [ -z "$left" ]; then ok "$2: no hidden temporaries"; else bad "$2: left $left"; fi
}
# Two traces of the same run differ only in the command line they record
# (-o f against -o -) and the checksums that cover it: at most 13 bytes.
same_run() {
    n=$(cmp -l "$1" "$2" 2>/dev/null | wc -l)
    if [ "$(stat -c %s "$1")" = "$(stat -c %s "$2")" ] && [ "$n" -le 13 ]; then ok "$3"; else
        bad "$3: sizes $(stat -c %s "$1") $(stat -c %s "$2"), $n bytes differ"; fi
}

RUN="run -q --src a_b --d-model 8 --heads 2"
TRAIN="train -q --task copy --steps 2 --d-model 8 --heads 2"
# shellcheck disable=SC2086
"$TF" $RUN -o f || bad "reference run"   # a one-letter name, as long as '-' and 'p'
cp f ref.trace
# shellcheck disable=SC2086
"$TF" $RUN -o t2 --save-weights ref.tfw || bad "reference weights"
# shellcheck disable=SC2086
"$TF" $TRAIN -o ref-train.tfw || bad "reference training"
"$TF" export ref.trace enc.0.attn.weights --format csv -o refx >/dev/null || bad "reference export"

# ---- a character device: written in place, never replaced ----
if [ -n "$root" ] && mknod -m 666 fakenull c 1 3 2>/dev/null; then
    for cmd in "$RUN -o fakenull" "$RUN -o t3 --save-weights fakenull" "$TRAIN -o fakenull"; do
        # shellcheck disable=SC2086
        expect_exit 0 "$cmd" -- "$TF" $cmd
        [ "$(kind fakenull)" = "character special file" ] && ok "$cmd: still a character device" ||
            bad "$cmd: fakenull is now a $(kind fakenull)"
    done
    for cmd in "export ref.trace --format npy -o fakenull" "plot ref.trace norms -o fakenull" \
               "$RUN -o t4 --export-weights fakenull" "lesson 1 --plot fakenull"; do
        # shellcheck disable=SC2086
        expect_exit 2 "$cmd: a device is no directory" -- "$TF" $cmd
        [ "$(kind fakenull)" = "character special file" ] && ok "$cmd: still a character device" ||
            bad "$cmd: fakenull is now a $(kind fakenull)"
    done
    # a device under a name a directory command writes: in place too
    mkdir dev-in
    mknod -m 666 dev-in/enc.0.attn.weights.csv c 1 3
    mknod -m 666 dev-in/norms.png c 1 3
    mknod -m 666 dev-in/config.ini c 1 3
    expect_exit 0 "export into a directory holding a device node" -- \
        "$TF" export ref.trace enc.0.attn.weights --format csv -o dev-in
    expect_exit 0 "plot into a directory holding a device node" -- "$TF" plot ref.trace norms -o dev-in
    # shellcheck disable=SC2086
    expect_exit 0 "--export-weights into a directory holding a device node" -- "$TF" $RUN -o t5 --export-weights dev-in
    for f in enc.0.attn.weights.csv norms.png config.ini; do
        [ "$(kind dev-in/$f)" = "character special file" ] && ok "dev-in/$f: still a character device" ||
            bad "dev-in/$f is now a $(kind dev-in/$f)"
    done
    no_hidden dev-in "directory with device nodes"
    # a block device is refused, never opened
    if mknod -m 600 fakeblock b 7 200 2>/dev/null; then
        # shellcheck disable=SC2086
        expect_exit 2 "run -o a block device" -- "$TF" $RUN -o fakeblock
        expect_in "$WORK/err" "'fakeblock' is a block device" "names the path and what it is"
        [ "$(kind fakeblock)" = "block special file" ] && ok "still a block device" || bad "fakeblock replaced"
    else
        skip "mknod refused a block device: the block-device check"
    fi
    # binary output to a terminal device is refused (the node of this
    # session's terminal, when there is one, is only looked at)
else
    skip "not root (or mknod refused): the device-node checks need root"
fi

# ---- a FIFO: gets the bytes, stays a FIFO ----
mkfifo fifo p
fifo_case() {  # DESCRIPTION REFERENCE COMPARE ARGS...
    desc=$1; ref=$2; how=$3; shift 3
    rm -f got
    timeout 10 cat "$fifo" >got &  # a FIFO replaced by mistake would leave cat waiting
    reader=$!
    "$@" >/dev/null 2>"$WORK/err"; code=$?
    wait "$reader"
    [ "$code" = 0 ] && ok "$desc (exit 0)" || { bad "$desc: exit $code"; sed 's/^/       | /' "$WORK/err"; }
    [ "$(kind "$fifo")" = fifo ] && ok "$desc: still a FIFO" || bad "$desc: $fifo is now a $(kind "$fifo")"
    if [ "$how" = same ]; then
        cmp -s got "$ref" && ok "$desc: the FIFO got the same bytes as a file" || bad "$desc: bytes differ"
    else
        same_run got "$ref" "$desc: the FIFO got the trace a file gets"
    fi
}
# shellcheck disable=SC2086
fifo=p fifo_case "run -o p" f run "$TF" $RUN -o p
# shellcheck disable=SC2086
fifo=fifo fifo_case "run --save-weights fifo" ref.tfw same "$TF" $RUN -o t6 --save-weights fifo
# shellcheck disable=SC2086
fifo=fifo fifo_case "train -o fifo" ref-train.tfw same "$TF" $TRAIN -o fifo
# shellcheck disable=SC2086
expect_exit 2 "export -o fifo: a FIFO is no directory" -- "$TF" export ref.trace --format csv -o fifo

# ---- -o -: standard output ----
# shellcheck disable=SC2086
"$TF" $RUN -o - >piped.trace 2>"$WORK/err" && ok "run -o - (exit 0)" || bad "run -o -"
same_run piped.trace f "run -o -: the trace -o FILE writes"
"$TF" ls piped.trace >/dev/null && ok "the piped trace reads back" || bad "the piped trace does not read"
# shellcheck disable=SC2086
"$TF" run --src a_b --d-model 8 --heads 2 -o - >piped2.trace 2>"$WORK/err"
expect_in "$WORK/err" "wrote standard output" "run -o -: the report goes to stderr"
[ "$(head -c 7 piped2.trace)" = TFTRACE ] && "$TF" ls piped2.trace >/dev/null && ok "run -o -: nothing but the trace on stdout" ||
    bad "run -o - without -q: not a trace on stdout"
# shellcheck disable=SC2086
"$TF" $RUN -o t7 --save-weights - >piped.tfw && cmp -s piped.tfw ref.tfw && ok "--save-weights -: the same file" ||
    bad "--save-weights - differs"
# shellcheck disable=SC2086
"$TF" $TRAIN -o - >piped-train.tfw && cmp -s piped-train.tfw ref-train.tfw && ok "train -o -: the same file" ||
    bad "train -o - differs"
"$TF" export ref.trace enc.0.attn.weights --format csv -o - >piped.csv &&
    cmp -s piped.csv refx/enc.0.attn.weights.csv && ok "export NAME -o -: the same file" || bad "export -o - differs"
expect_exit 2 "export -o - of many records" -- "$TF" export ref.trace --format csv -o -
expect_in "$WORK/err" "standard output takes one record" "says why"
for cmd in "plot ref.trace norms -o -" "$RUN -o t8 --export-weights -" "lesson 1 --plot -"; do
    # shellcheck disable=SC2086
    expect_exit 2 "$cmd: refused" -- "$TF" $cmd
    expect_in "$WORK/err" "standard output cannot hold a directory" "$cmd: says why"
done
# shellcheck disable=SC2086
expect_exit 2 "-o - and --save-weights - together" -- "$TF" $RUN -o - --save-weights -
# binary to a terminal: refused; text is fine (script gives a terminal)
if need script "binary output to a terminal"; then
    script -qec "$TF $RUN -o -" /dev/null >tty.out 2>&1; code=$?
    [ "$code" = 2 ] && ok "run -o - to a terminal: exit 2" || bad "run -o - to a terminal: exit $code"
    expect_in tty.out "is a terminal, and this output is binary" "says so, with a hint"
    script -qec "$TF export ref.trace enc.0.attn.weights --format npy -o -" /dev/null >tty.out 2>&1; code=$?
    [ "$code" = 2 ] && ok "export npy -o - to a terminal: exit 2" || bad "export npy to a terminal: exit $code"
    script -qec "$TF export ref.trace enc.0.attn.weights --format csv -o -" /dev/null >tty.out 2>&1; code=$?
    [ "$code" = 0 ] && ok "export csv -o - to a terminal: exit 0" || bad "export csv to a terminal: exit $code"
fi
# write errors on standard output: a closed pipe, a full device
code=$( { "$TF" run -q --src a_b --d-model 64 -o - 2>epipe.err; echo $? >code; } | true; cat code)
[ "$code" = 1 ] && ok "run -o - | true: exit 1" || bad "run -o - | true: exit $code"
expect_in epipe.err "Broken pipe" "names the broken pipe"
if [ -n "$root" ] && mknod -m 666 fakefull c 1 7 2>/dev/null; then
    # shellcheck disable=SC2086
    expect_exit 1 "run -o - > a full device" -- sh -c '"$0" $1 -o - >fakefull' "$TF" "$RUN"
    expect_in "$WORK/err" "No space left" "names the full disk"
else
    skip "not root (or mknod refused): the full-device check needs root"
fi

# ---- refused targets leave nothing behind ----
mkdir adir
for cmd in "$RUN -o adir" "$RUN -o t9 --save-weights adir" "$TRAIN -o adir"; do
    # shellcheck disable=SC2086
    expect_exit 2 "$cmd: a directory" -- "$TF" $cmd
    expect_in "$WORK/err" "'adir' is a directory" "$cmd: names the path and what it is"
done
no_hidden adir "refused directory target"
[ -z "$(ls -A adir)" ] && ok "adir still empty" || bad "adir holds $(ls -A adir)"
no_hidden . "the scratch directory"

# ---- signals during a long run: no temporary left, the signal's status ----
long_src=$(for i in $(seq 60); do printf 'a b c d '; done)
for sig in INT:2 TERM:15 HUP:1; do
    num=${sig#*:}; sig=${sig%:*}
    rm -f big.trace .big.trace.*
    env --default-signal=INT "$TF" run -q --src "$long_src" --tgt "$long_src" --max-len 256 \
        --d-model 256 --layers 4 -o big.trace 2>/dev/null &
    pid=$!
    i=0
    while [ $i -lt 400 ] && ! ls .big.trace.* >/dev/null 2>&1; do sleep 0.01; i=$((i + 1)); done
    ls .big.trace.* >/dev/null 2>&1 && ok "SIG$sig: the temporary file appeared" || bad "SIG$sig: no temporary seen"
    kill -"$sig" "$pid"
    { wait "$pid"; } 2>/dev/null; code=$?  # dash reports the signal on stderr
    want=$((128 + num))
    [ "$code" = "$want" ] && ok "SIG$sig: exit $code" || bad "SIG$sig: exit $code, expected $want"
    if ls .big.trace.* >/dev/null 2>&1; then bad "SIG$sig: temporary left"; rm -f .big.trace.*; else
        ok "SIG$sig: no temporary left"; fi
    expect_absent big.trace "SIG$sig: no target made"
done

# ---- a directory of outputs on a full disk: as it was ----
if [ -n "$root" ] && mkdir small && mount -t tmpfs -o size=200k tmpfs small 2>/dev/null; then
    trap 'umount "$WORK/small" 2>/dev/null; rm -rf "$WORK"' EXIT  # never leave the mount behind
    # shellcheck disable=SC2086
    "$TF" run -q --src "$long_src" --d-model 32 --max-len 256 -o small.trace || bad "a bigger trace"
    mkdir -p small/old && echo mine >small/old/notes.txt
    echo before >small/old/enc.embed.npy
    for target in small/new small/deep/er/new small/old; do
        expect_exit 1 "export to $target on a full disk" -- "$TF" export small.trace --format npy -o "$target"
        expect_in "$WORK/err" "nothing was written to $target" "says nothing was written"
        # shellcheck disable=SC2086
        expect_exit 1 "--export-weights $target on a full disk" -- "$TF" run -q --src a_b --d-model 256 -o t10 \
            --export-weights "$target"
        expect_in "$WORK/err" "nothing was written to $target" "says nothing was written"
        expect_exit 1 "lesson --plot $target on a full disk" -- "$TF" lesson 8 --plot "$target"
        expect_in "$WORK/err" "no figure was written to $target" "says no figure was written"
    done
    [ "$(ls -A small)" = old ] && ok "full disk: small holds only what it held" || bad "small holds: $(ls -A small)"
    [ "$(ls -A small/old | tr '\n' ' ')" = "enc.embed.npy notes.txt " ] && ok "old: nothing added" ||
        bad "old holds: $(ls -A small/old)"
    grep -q before small/old/enc.embed.npy && ok "old: its file not replaced" || bad "old/enc.embed.npy replaced"
    umount small
else
    skip "cannot mount a small tmpfs (needs root): the full-disk checks"
fi
# a second lesson --plot into the same directory replaces the figures and
# keeps other files
"$TF" lesson 1 --plot figs >/dev/null && echo mine >figs/notes.txt && "$TF" lesson 1 --plot figs >figs.out
[ "$(cat figs/notes.txt)" = mine ] && ok "lesson --plot again: other files kept" || bad "notes.txt lost"
expect_in figs.out "figs/enc.0.attn.weights.png" "prints the final paths"
no_hidden figs "lesson --plot again"
# ---- a read-only directory: refused, nothing left behind ----
# Run as a user that is not root (root writes anywhere), with a directory
# it may write as the control: the refusals come from the permissions.
if unprivileged_ready "the read-only directory checks"; then
    chmod 755 "$WORK"  # the user may look inside
    mkdir rodir rwdir && chmod 555 rodir && chown "$UNPRIV_USER" rwdir
    # shellcheck disable=SC2086
    expect_exit 0 "as $UNPRIV_USER: run -o a writable directory" -- unprivileged "$TF" $RUN -o rwdir/x.trace
    # shellcheck disable=SC2086
    expect_exit 1 "as $UNPRIV_USER: run -o a read-only directory" -- unprivileged "$TF" $RUN -o rodir/x.trace
    expect_in "$WORK/err" "cannot create a file in directory 'rodir': Permission denied" "names the directory and why"
    # shellcheck disable=SC2086
    expect_exit 1 "as $UNPRIV_USER: --save-weights into a read-only directory" -- \
        unprivileged "$TF" $RUN -o rwdir/y.trace --save-weights rodir/w.tfw
    expect_absent rwdir/y.trace "no trace when the weights cannot be saved"
    expect_exit 1 "as $UNPRIV_USER: export -o a read-only directory" -- \
        unprivileged "$TF" export rwdir/x.trace --format csv -o rodir/new
    expect_in "$WORK/err" "Permission denied" "says why"
    [ -z "$(ls -A rodir)" ] && ok "the read-only directory is still empty" || bad "rodir holds $(ls -A rodir)"
    no_hidden rwdir "the writable directory after the refusals"
    chmod 700 "$WORK"
fi

# ---- symbolic links: never replaced ----
# a link to a regular file: the file gets the trace, the link stays a link
: > linked.trace
ln -s linked.trace via.link
# shellcheck disable=SC2086
expect_exit 0 "-o a link to a file" -- "$TF" $RUN -o via.link
[ "$(kind via.link)" = "symbolic link" ] && ok "the link stays a link" || bad "the link became $(kind via.link)"
"$TF" ls linked.trace > /dev/null 2>&1 && ok "the file the link names holds the trace" || bad "linked.trace is not a trace"
no_hidden . "a link's file written"
# a link to nothing: refused, nothing made
ln -s nowhere/x dangling.link
# shellcheck disable=SC2086
expect_exit 2 "-o a link to nothing" -- "$TF" $RUN -o dangling.link
expect_in "$WORK/err" "is a symbolic link to a file that does not exist" "says where it points is missing"
[ "$(kind dangling.link)" = "symbolic link" ] && ok "the dangling link is kept" || bad "became $(kind dangling.link)"
# a link to the file standard output already is (what /dev/stdout is while
# the shell redirects to a file): written through standard output, the link
# kept, the summary on stderr and not mixed into the trace
ln -s /proc/self/fd/1 stdout.link
"$TF" run --src a_b --d-model 8 --heads 2 -o stdout.link > g 2> say.txt || bad "-o a link to standard output"
[ "$(kind stdout.link)" = "symbolic link" ] && ok "the standard-output link stays a link" \
    || bad "the standard-output link became $(kind stdout.link)"
"$TF" ls g > /dev/null 2>&1 && ok "the redirected file is a whole trace" || bad "the redirected file is not a trace"
expect_in say.txt "wrote stdout.link:" "the summary went to stderr"

finish
