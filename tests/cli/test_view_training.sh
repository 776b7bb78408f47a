# traceformer view on a training trace, end to end in a real terminal
# (tests/ui/tmux.sh): } and { step a snapshot's record through training,
# the title says the training step, the head stays, the matrix is the
# snapshot's own (its value under the cursor, as `export` writes it), the
# ends say so; a curve is a column of updates with values and bars, which
# scrolls and zooms out to fit; } off a snapshot says what it does.
. tests/cli/lib.sh
need tmux "the viewer's tests need a terminal" || finish
. tests/ui/tmux.sh
cd "$WORK"
"$TF" train --task copy --steps 60 --trace-every 20 --probe "a b c" -o x.tfw >/dev/null 2>&1 ||
    { bad "train --trace-every 20"; finish; }
[ -f x.train.trace ] || { bad "train wrote no x.train.trace"; finish; }

# The first cell (query <START>, key a) of head 0 at each snapshot, and of
# head 1 at step 60, written as the info pane writes them (the shortest
# decimal that reads back exactly).
rec=dec.0.cross_attn.weights
for S in 0 20 40 60; do
    "$TF" export x.train.trace "train.$S.$rec" --format csv -o csv >/dev/null || { bad "export train.$S.$rec"; finish; }
done
cell() { sed -n "$2p" "csv/train.$1.$rec.csv" | cut -d, -f2; }
v0=$(cell 0 3) v20=$(cell 20 3)
h1_60=$(awk '/^# head 1/ { getline; getline; print; exit }' "csv/train.60.$rec.csv" | cut -d, -f2)
if [ -n "$v0" ] && [ "$v0" != "$v20" ]; then ok "the probe's attention changes between steps 0 and 20 ($v0, $v20)"
else bad "train.0 and train.20 $rec: the same first cell ($v0, $v20): nothing to see"; fi

# ---- } and { through the snapshots ----
ui_start snaps 100 30 "'$TF' view x.train.trace train.0.$rec"
ui_wait "train.0.$rec [head=4, query=4, key=3]" "opens at the snapshot after 0 updates"
ui_wait "training step 0 of 60" "the title says the training step"
ui_wait "= $v0" "the value under the cursor, step 0"
ui_wait "}/{ snapshot" "the status line offers } and { over snapshots"
ui_screen | sed -n '3,16p' > m0
ui_keys '}'
ui_wait "train.20.$rec [head=4, query=4, key=3]" "} goes to the same record after 20 updates"
ui_wait "training step 20 of 60" "the title follows"
ui_wait "= $v20" "the value under the cursor is step 20's"
ui_screen | sed -n '3,16p' > m20
if cmp -s m0 m20; then bad "the matrix on screen did not change from step 0 to step 20"
else ok "the matrix on screen changed from step 0 to step 20"; fi
ui_keys ']' '}' '}'
ui_wait "train.60.$rec" "} twice more: the last snapshot"
ui_wait "showing head 1" "the head is kept across snapshots"
ui_wait "= $h1_60" "head 1's value after 60 updates"
ui_keys '}'
ui_wait "no later snapshot of $rec: training step 60 is the last one" "} at the last snapshot says so"
ui_wait "train.60.$rec" "and stays"
ui_keys '{' '{' '{'
ui_wait "training step 0 of 60" "{ three times: back to step 0"
ui_wait "showing head 1" "still head 1"
ui_keys '{'
ui_wait "no earlier snapshot of $rec: training step 0 is the first one" "{ at the first snapshot says so"
ui_keys '?'
ui_wait "the same record in the next layer / training snapshot" "help lists } over snapshots"
ui_keys q
ui_wait_gone "traceformer view: keys" "q closes the help"

# ---- a curve: a column of updates ----
loss1=$("$TF" export x.train.trace train.loss --format csv -o csv >/dev/null && cut -d, -f1 csv/train.loss.csv)
loss1_cell=$(awk -v v="$loss1" 'BEGIN { printf "%.3f", v }')
ui_keys /
ui_type "train.loss"
ui_keys Enter
ui_wait "train.loss [step=60]" "/ opens the loss curve"
ui_wait "step: one row each, value and bar" "shown as a column"
ui_wait_re "│1 +$loss1_cell █+" "its first row: update 1, its loss and a bar"
ui_wait "rows 0-" "the column scrolls (not every update fits)"
ui_keys PageDown PageDown
ui_wait_re "│2[0-9] +[0-9]\.[0-9]{3} █+" "PgDn scrolls down the updates (the twenties on screen)"
ui_wait_re "cursor +step 2[0-9] \(([0-9]+)\) = [0-9.]+" "the cursor's update and its value in the info pane"
ui_keys z
ui_wait "mean of" "z averages runs of updates until the whole run fits"
ui_wait "rows 0-59 of 60" "the whole run on one screen"
ui_keys '}'
ui_wait "train.loss is neither a training snapshot" "} on a curve says what } and { do here"
ui_keys q
ui_wait_exit 0 "q quits"

finish
