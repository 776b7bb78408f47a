# traceformer train --trace-every: the training trace (src/trace/FORMAT.md,
# "Training"), its records, its reproducibility, the length evaluation,
# and every refusal with nothing left behind.
. tests/cli/lib.sh
cd "$WORK"

expect_exit 0 "train --help" -- "$TF" train --help
expect_in "$WORK/out" "--trace-every K" "train --help describes --trace-every"
expect_in "$WORK/out" "--eval-lengths A-B" "and --eval-lengths"

expect_exit 0 "train copy with a training trace" -- \
    "$TF" train --task copy --steps 30 --batch 16 --seed 3 --trace-every 10 --probe "a b c d" -o m.tfw
expect_in "$WORK/out" "wrote m.train.trace (36 records, 4 snapshots)" "the trace goes beside the model"
expect_exit 0 "ls the training trace" -- "$TF" ls m.train.trace
for r in train.0.enc.0.attn.weights train.10.dec.0.cross_attn.weights train.30.dec.0.self_attn.weights \
         train.30.dec.probs train.30.loss train.loss train.accuracy train.lr train.grad_norm \
         train.grad_norm.parts train.eval.step train.eval.loss train.eval.accuracy; do
    expect_in "$WORK/out" "$r " "it holds $r"
done
expect_in "$WORK/out" "train.loss                         [step=30]" "one loss per update"
expect_in "$WORK/out" "train.eval.loss                    [eval=4]" "evaluations at 0, 10, 20, 30"
expect_not_in "$WORK/out" "train.lengths" "no lengths unless asked for"
expect_exit 0 "show a snapshot" -- "$TF" show m.train.trace train.0.dec.0.cross_attn.weights
expect_in "$WORK/out" "<START>" "the snapshot is labelled with the probe's tokens"
expect_exit 0 "show the gradient parts" -- "$TF" show m.train.trace train.grad_norm.parts
expect_in "$WORK/out" "embed   enc.0   dec.0     out" "the parts are labelled"
expect_exit 0 "show the evaluation steps" -- "$TF" show m.train.trace train.eval.step
expect_in "$WORK/out" "   0  10  20  30" "evaluations at 0, 10, 20 and 30"
# the meta (the header's text) says what made it
grep -a "^probe = " m.train.trace >"$WORK/out"
grep -a -e "^probe_tgt = " -e "^trace_every = " -e "^task = " m.train.trace >>"$WORK/out"
expect_in "$WORK/out" "probe = a b c d" "the meta names the probe"
expect_in "$WORK/out" "probe_tgt = a b c d" "its target, the task's"
expect_in "$WORK/out" "trace_every = 10" "and K"
expect_in "$WORK/out" "task = copy" "and the task"

# the same seed: the same trace, bit for bit; the probe's snapshot at 0 is
# the untrained model's, the one at 30 is not
expect_exit 0 "again" -- "$TF" train -q --task copy --steps 30 --batch 16 --seed 3 --trace-every 10 \
    --probe "a b c d" -o m2.tfw --trace again.trace
cmp -s m.tfw m2.tfw && ok "tracing does not change the model" || bad "tracing changed the model"
expect_exit 0 "untraced" -- "$TF" train -q --task copy --steps 30 --batch 16 --seed 3 -o plain.tfw
cmp -s m.tfw plain.tfw && ok "the traced model equals the untraced one" || bad "the trace changed training"
"$TF" export m.train.trace train.loss --format csv -o a >/dev/null 2>&1
"$TF" export again.trace train.loss --format csv -o b >/dev/null 2>&1
cmp -s a/train.loss.csv b/train.loss.csv && ok "the same seed gives the same curve" || bad "curves differ"
"$TF" export m.train.trace train.0.dec.probs train.30.dec.probs --format csv -o c >/dev/null 2>&1
cmp -s c/train.0.dec.probs.csv c/train.30.dec.probs.csv && bad "training changed nothing" ||
    ok "the probe's probabilities move during training"

# the phrasebook's probe takes its translation from the grammar
expect_exit 0 "a phrasebook probe" -- "$TF" train -q --task phrasebook --steps 4 --batch 8 --trace-every 2 \
    --probe "猫 追 老鼠" -o pb.tfw
grep -a "^probe_tgt = " pb.train.trace >"$WORK/out"
expect_in "$WORK/out" "probe_tgt = cat chases mouse" "the grammar's translation"

# lengths, the ones trained on and longer ones
expect_exit 0 "lengths" -- "$TF" train --task copy --steps 20 --batch 16 --eval-lengths 8-12 -o len.tfw
expect_in "$WORK/out" "by length (trained on 3 to 9" "the table says what was trained on"
expect_in "$WORK/out" "never seen" "and marks the lengths never seen"
expect_exit 0 "lengths in the trace" -- "$TF" train -q --task copy --steps 20 --batch 16 --eval-lengths 3-12 \
    --trace-every 10 -o len2.tfw
expect_exit 0 "ls" -- "$TF" ls len2.train.trace
expect_in "$WORK/out" "train.lengths.exact                [length=10]" "one value per length"

# refusals: exit 2, nothing written
expect_exit 2 "--probe without --trace-every" -- "$TF" train --task copy --probe "a b" -o r1.tfw
expect_in "$WORK/err" "give --trace-every K too" "says what is missing"
expect_exit 2 "a probe token the task lacks" -- "$TF" train --task copy --steps 2 --trace-every 1 --probe "a z" -o r2.tfw
expect_in "$WORK/err" "'z' is not a token of task copy" "names the token"
expect_exit 2 "a phrasebook sentence the grammar does not make" -- \
    "$TF" train --task phrasebook --steps 2 --trace-every 1 --probe "猫 猫" -o r3.tfw
expect_in "$WORK/err" "--probe-tgt" "asks for the target"
expect_exit 2 "lengths beyond max_len" -- "$TF" train --task copy --steps 2 --eval-lengths 3-40 -o r4.tfw
expect_in "$WORK/err" "max_len = 32" "says the model's limit"
expect_exit 2 "lengths beyond the model" -- "$TF" train --task copy --steps 2 --eval-lengths 3-40 --max-len 16 -o r5.tfw
expect_exit 2 "lengths on the phrasebook" -- "$TF" train --task phrasebook --steps 2 --eval-lengths 3-5 -o r6.tfw
expect_in "$WORK/err" "no length to vary" "says why"
expect_exit 2 "bad lengths" -- "$TF" train --task copy --eval-lengths 9-3 -o r7.tfw
expect_exit 2 "bad lengths" -- "$TF" train --task copy --eval-lengths x -o r8.tfw
expect_exit 2 "the trace over the model" -- "$TF" train --task copy --trace-every 1 --trace r9.tfw -o r9.tfw
expect_exit 2 "standard output without --trace" -- "$TF" train --task copy --trace-every 1 -o -
for f in r1 r2 r3 r4 r5 r6 r7 r8 r9; do
    expect_absent "$f.tfw" "$f: no model"
    expect_absent "$f.train.trace" "$f: no trace"
done
# the shipped models' training traces (make models)
for t in copy reverse phrasebook; do
    expect_exit 0 "the shipped $t training trace" -- "$TF" ls "$TF_SOURCE_DIR/lessons/models/$t.train.trace"
    expect_in "$WORK/out" "train.0.dec.0.cross_attn.weights" "$t: a snapshot before training"
    expect_in "$WORK/out" "train.eval.loss" "$t: its held-out curve"
done
expect_in "$WORK/out" "train.600.dec.1.cross_attn.weights" "the phrasebook's last snapshot, after 600 updates"

left=$(ls -A | grep -v -e '\.tfw$' -e '\.trace$' -e '^out$' -e '^err$' -e '^[abc]$')
[ -z "$left" ] && ok "no temporary file left" || bad "left behind: $left"
finish
