# The figures of training traces, end to end, on real ones
# (`traceformer train --trace-every K --probe TEXT`): the default set
# (loss, accuracy, the film strip), the curves of two runs on one figure
# (--compare, repeatable), lr and grad-norm, the film strip's --at,
# --head and --block, the animated GIFs (--format gif) of the film and of
# a generation trace's steps; and the refusals, each exit 2 with a clear
# message and nothing drawn: a figure the trace lacks, a step without a
# snapshot, a head out of range, a block the snapshots lack, gif for a
# figure that does not animate, options without the figure they choose
# for. The pixels, the choice of snapshots and the GIFs' frame counts are
# checked in tests/unit/test_train_plots.c.
. tests/cli/lib.sh
need gnuplot "the figures are drawn by gnuplot" || finish
cd "$WORK"

is_png() { [ -s "$1" ] && [ "$(head -c 4 "$1" | tail -c 3)" = PNG ]; }
is_gif() { [ -s "$1" ] && [ "$(head -c 6 "$1")" = GIF89a ]; }
png_ok() { if is_png "$1"; then ok "$2"; else bad "$2: $1 is not a PNG"; fi; }
gif_ok() { if is_gif "$1"; then ok "$2"; else bad "$2: $1 is not a GIF"; fi; }

"$TF" train --task copy --steps 60 --trace-every 20 --probe "a b c" -o a.tfw >/dev/null 2>&1 &&
    [ -s a.train.trace ] || { bad "train a training trace"; finish; }
"$TF" train --task copy --steps 60 --trace-every 20 --probe "a b c" --seed 2 -o b.tfw >/dev/null 2>&1 &&
    [ -s b.train.trace ] || { bad "train a second one"; finish; }
"$TF" run -q --lesson 4 --generate 6 -o g.trace || { bad "run --generate"; finish; }

# ---- the default set of a training trace ----
expect_exit 0 "plot a training trace" -- "$TF" plot a.train.trace -o d
expect_in "$WORK/out" "d/loss.png" "the default set has the loss"
expect_in "$WORK/out" "d/accuracy.png" "... the accuracy"
expect_in "$WORK/out" "d/film.dec.0.cross_attn.png" "... and the film strip of the cross-attention"
expect_not_in "$WORK/out" "train.0." "... and not every snapshot's records"
png_ok d/loss.png "loss.png is a PNG"
png_ok d/film.dec.0.cross_attn.png "the film strip is a PNG"

# ---- curves: two runs on one figure, named by their files ----
expect_exit 0 "loss --compare" -- "$TF" plot a.train.trace loss accuracy --compare b.train.trace -o c --keep-data
expect_in c/loss.dat "# runs: 2" "both runs in the table"
expect_in c/loss.dat "# run 1: a" "the first named after its file"
expect_in c/loss.dat "# run 2: b" "the second after its own"
expect_in c/loss.dat "# run 2 evaluations: 4" "the held-out losses at 0, 20, 40, 60"
expect_exit 0 "--compare twice" -- "$TF" plot a.train.trace loss --compare b.train.trace --compare=a.train.trace -o c3 --keep-data
expect_in c3/loss.dat "# runs: 3" "three runs"
expect_exit 0 "lr and grad-norm" -- "$TF" plot a.train.trace lr grad-norm -o c
png_ok c/lr.png "lr.png"
png_ok c/grad-norm.png "grad-norm.png"
expect_exit 0 "loss as svg" -- "$TF" plot a.train.trace loss --compare b.train.trace --format svg -o svg
expect_in svg/loss.svg "held-out (points)" "the svg's legend says which line is which"

# ---- the film strip ----
expect_exit 0 "film --at --head --block" -- "$TF" plot a.train.trace film --at 0,60 --head 3 --block enc.0.attn -o f --keep-data
expect_in "$WORK/out" "f/film.enc.0.attn.head3.png" "named after the block and the head"
if [ "$(tr '\n' ' ' < f/film.enc.0.attn.head3.frames)" = "0 60 " ]; then ok "the frames are steps 0 and 60"; else
    bad "frames: $(cat f/film.enc.0.attn.head3.frames)"; fi
expect_in f/film.enc.0.attn.head3.dat "head 3 of 4" "says which head"
expect_exit 0 "film as svg" -- "$TF" plot a.train.trace film --format svg -o f
expect_in f/film.dec.0.cross_attn.svg "step 60" "panels titled with the step"
expect_in f/film.dec.0.cross_attn.svg "the mean of its 4 heads" "by default the mean of the heads"

# ---- animated GIFs ----
expect_exit 0 "film --format gif" -- "$TF" plot a.train.trace film --format gif -o gif
gif_ok gif/film.dec.0.cross_attn.gif "the film as a GIF"
expect_exit 0 "a generation's steps as a GIF" -- "$TF" plot g.trace gen.dec.0.self_attn.weights --format gif -o gif
gif_ok gif/gen.dec.0.self_attn.weights.gif "gen.dec.0.self_attn.weights.gif"
expect_exit 0 "... of one head" -- "$TF" plot g.trace gen.dec.0.cross_attn.weights --head 1 --format gif -o gif
gif_ok gif/gen.dec.0.cross_attn.weights.head1.gif "gen.dec.0.cross_attn.weights.head1.gif"

# ---- refusals: exit 2, a clear message, nothing drawn ----
expect_exit 2 "film of a trace without snapshots" -- "$TF" plot g.trace film -o none
expect_in "$WORK/err" "no training snapshots" "says there are no snapshots"
expect_exit 2 "loss of a trace that is not a training trace" -- "$TF" plot g.trace loss -o none
expect_in "$WORK/err" "no train.loss record" "names the record it lacks"
expect_exit 2 "comparing with a trace that is not a training trace" -- "$TF" plot a.train.trace loss --compare g.trace -o none
expect_in "$WORK/err" "g.trace: no train.loss record" "names the trace at fault"
expect_exit 2 "--at a step without a snapshot" -- "$TF" plot a.train.trace film --at 0,50 -o none
expect_in "$WORK/err" "--at 50" "names the step"
expect_in "$WORK/err" "0, 20, 40, 60" "lists the snapshots there are"
expect_exit 2 "--head out of range" -- "$TF" plot a.train.trace film --head 4 -o none
expect_in "$WORK/err" "heads 0..3" "says which heads there are"
expect_exit 2 "a block the snapshots lack" -- "$TF" plot a.train.trace film --block dec.1.cross_attn -o none
expect_in "$WORK/err" "enc.0.attn, dec.0.self_attn, dec.0.cross_attn" "lists the blocks there are"
expect_exit 2 "gif for a figure that does not animate" -- "$TF" plot a.train.trace loss --format gif -o none
expect_in "$WORK/err" "does not animate" "says which figures animate"
expect_exit 2 "gif of the default set" -- "$TF" plot a.train.trace --format gif -o none
expect_exit 2 "--at without the film" -- "$TF" plot a.train.trace loss --at 0 -o none
expect_in "$WORK/err" "add 'film'" "says --at is the film's"
expect_exit 2 "--at that is no list of steps" -- "$TF" plot a.train.trace film --at 0,x -o none
expect_exit 2 "--at a step twice" -- "$TF" plot a.train.trace film --at 20,20 -o none
expect_exit 2 "the norms figure compared with two traces" -- "$TF" plot g.trace norms --compare g.trace --compare g.trace -o none
expect_in "$WORK/err" "compares two traces" "says the norms figure takes one"
expect_exit 2 "--compare without a figure that compares" -- "$TF" plot a.train.trace film --compare b.train.trace -o none
expect_absent none "no image made by a refusal"

# ---- help ----
expect_exit 0 "plot --help" -- "$TF" plot --help
expect_in "$WORK/out" "film" "plot --help describes the film strip"
expect_in "$WORK/out" "--at S,S,..." "... its --at"
expect_in "$WORK/out" "gif" "... and the GIFs"
finish
