# The switches on the command line: `run --scale/--attn-temperature/
# --ablate-head` and `lesson N --check` with those and --cache, each
# recorded in the trace's meta only when flipped, breaking the claim that
# rests on it, and refused with exit 2 when its value is wrong or names a
# head the model lacks.
. tests/cli/lib.sh
ROOT=$(pwd)
cd "$WORK"
SRC="猫 追 老鼠"
TGT="<START> cat chases mouse"

# ---- run ----
expect_exit 0 "run at the defaults" -- "$TF" run -q --src "$SRC" --tgt "$TGT" -o plain.trace
for k in "scale = " "attn_temperature" "ablate_head"; do
    if grep -aq "^$k" plain.trace; then bad "a run at the defaults records $k"; else ok "no '$k' line at the defaults"; fi
done
expect_exit 0 "run --scale off --attn-temperature 2 --ablate-head enc.0.1,dec.1.cross.3" -- \
    "$TF" run -q --src "$SRC" --tgt "$TGT" --scale off --attn-temperature 2 --ablate-head enc.0.1,dec.1.cross.3 -o sw.trace
for k in "scale = off" "attn_temperature = 2" "ablate_head = enc.0.1,dec.1.cross.3"; do
    if grep -aq "^$k\$" sw.trace; then ok "the meta records $k"; else bad "the meta lacks '$k'"; fi
done
expect_exit 0 "show the scores" -- "$TF" show sw.trace enc.0.attn.scores
expect_in "$WORK/out" "raw / T, T = attn_temperature (scale = off)" "the scores' formula says what they hold"
expect_exit 0 "show an ablated head's z" -- "$TF" show sw.trace enc.0.attn.z --head 1 --precision 1
if sed -n '/^head 1/,$p' "$WORK/out" | tail -n +3 | grep -q '[1-9]'; then bad "enc.0 head 1's z is not all 0"; else
    ok "enc.0 head 1's z is all 0"; fi
expect_in "$WORK/out" "weights V; an ablated head's z = 0 (ablate_head)" "the ablated block's z says so"
expect_exit 0 "show z of a block with no ablated head" -- "$TF" show sw.trace enc.1.attn.z
expect_not_in "$WORK/out" "ablated" "another block's z says nothing of it"
expect_exit 0 "show z of the ablated cross-attention" -- "$TF" show sw.trace dec.1.cross_attn.z
expect_in "$WORK/out" "an ablated head's z = 0" "the cross-attention named by dec.1.cross.3 says so"
expect_exit 0 "show z of the same layer's self-attention" -- "$TF" show sw.trace dec.1.self_attn.z
expect_not_in "$WORK/out" "ablated" "its self-attention does not"
expect_exit 0 "a training step under every switch" -- \
    "$TF" run -q --src "$SRC" --tgt "$TGT" --scale off --attn-temperature 0.5 --ablate-head enc.1.0 --train-step -o step.trace

expect_exit 2 "--scale maybe" -- "$TF" run --src "$SRC" --scale maybe
expect_in "$WORK/err" "scale = 'maybe' is not on or off" "says what --scale takes"
for t in 0 -1 inf nan 1e99; do
    expect_exit 2 "--attn-temperature $t" -- "$TF" run --src "$SRC" --attn-temperature "$t"
    expect_in "$WORK/err" "it must be finite and > 0" "says what a temperature must be ($t)"
done
expect_exit 2 "--ablate-head enc.2.0 (two encoder layers: 0 and 1)" -- "$TF" run --src "$SRC" --ablate-head enc.2.0
expect_in "$WORK/err" "enc.2.0: the encoder has no such layer" "names the layer the model lacks"
expect_exit 2 "--ablate-head enc.0.7 (four heads)" -- "$TF" run --src "$SRC" --ablate-head enc.0.1,enc.0.7
expect_in "$WORK/err" "enc.0.7: there is no such head" "names the head the model lacks"
expect_exit 2 "--ablate-head x.1" -- "$TF" run --src "$SRC" --ablate-head x.1
expect_in "$WORK/err" "name each head enc.LAYER.HEAD" "the hint shows how heads are named"
expect_exit 2 "--ablate-head dec.0.cross.0 in a decoder-only model" -- \
    "$TF" run --arch decoder-only --src "$TGT" --ablate-head dec.0.cross.0
expect_in "$WORK/err" "has no cross-attention" "a decoder-only model has none"
expect_exit 0 "decoder-only --ablate-head dec.1.0" -- "$TF" run -q --arch decoder-only --src "$TGT" --ablate-head dec.1.0 -o d.trace
# With trained weights the file decides the shape: the heads are checked against it.
expect_exit 2 "--weights copy.tfw --ablate-head enc.5.0" -- \
    "$TF" run --weights "$ROOT/lessons/models/copy.tfw" --src "a b c" --ablate-head enc.5.0
expect_in "$WORK/err" "enc.5.0: the encoder has no such layer" "checked against the weight file's model"
expect_in "$WORK/err" "--ablate-head enc.5.0" "blamed on the flag"
expect_exit 0 "run --help" -- "$TF" run --help
expect_in "$WORK/out" "--attn-temperature T" "run --help lists --attn-temperature"
expect_in "$WORK/out" "--ablate-head SPEC[,SPEC...]" "run --help lists --ablate-head"

# ---- lesson ----
expect_exit 1 "lesson 1 --check --scale off" -- "$TF" lesson 1 --check --scale off
expect_in "$WORK/out" "FAIL  " "a claim resting on the 1/sqrt(d_k) scaling fails"
expect_exit 0 "lesson 1 --check --scale on" -- "$TF" lesson 1 --check --scale on
expect_exit 1 "lesson 1 --check --attn-temperature 3" -- "$TF" lesson 1 --check --attn-temperature 3
expect_exit 2 "lesson 1 --check --scale maybe" -- "$TF" lesson 1 --check --scale maybe
expect_in "$WORK/err" "--scale 'maybe': on or off" "says what --scale takes"
expect_exit 2 "lesson 1 --check --attn-temperature 0" -- "$TF" lesson 1 --check --attn-temperature 0
expect_in "$WORK/err" "--attn-temperature: attn_temperature = '0' is out of range" "names the flag"
expect_exit 2 "lesson 1 --check --ablate-head enc.0.1 (one head)" -- "$TF" lesson 1 --check --ablate-head enc.0.1
expect_in "$WORK/err" "enc.0.1: there is no such head" "names the head lesson 1's model lacks"
expect_exit 2 "lesson 1 --check --cache sometimes" -- "$TF" lesson 1 --check --cache sometimes
expect_in "$WORK/err" "--cache 'sometimes': on or off" "says what --cache takes"
expect_exit 0 "lesson 2 --check --ablate-head dec.0.cross.2 --traces t2" -- \
    "$TF" lesson 2 --check --ablate-head dec.0.cross.2 --traces t2
t2=$(ls t2/main.trace 2>/dev/null)
if [ -n "$t2" ] && grep -aq '^ablate_head = dec.0.cross.2$' "$t2"; then ok "lesson 2's trace records the ablated head"; else
    bad "lesson 2's main trace does not record ablate_head"; fi
expect_exit 1 "lesson 4 --check --cache off --traces t4" -- "$TF" lesson 4 --check --cache off --traces t4
if grep -aq '^cache = no$' t4/gen.trace 2>/dev/null; then ok "the generating run's meta says cache = no"; else
    bad "t4/gen.trace does not say cache = no"; fi
expect_exit 0 "lesson 4 --check --traces t4on" -- "$TF" lesson 4 --check --traces t4on
if grep -aq '^cache = ' t4on/gen.trace 2>/dev/null; then bad "with the cache (the default) the meta has a cache line"; else
    ok "with the cache the meta is as it was"; fi
expect_exit 0 "lesson --help" -- "$TF" lesson --help
expect_in "$WORK/out" "--scale on|off  --attn-temperature T" "lesson --help lists the switches"
expect_in "$WORK/out" "--cache on|off" "and --cache"
finish
