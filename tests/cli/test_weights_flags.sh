# traceformer run with weights: a lesson's main run as the lesson defines it
# (its weights, its [run.main] settings), and settings that contradict a
# weight file refused, naming the setting, both values and the file.
. tests/cli/lib.sh
SRC=$(pwd)
M="$SRC/lessons/models"
cd "$WORK"

# same_record A B NAME DESCRIPTION: record NAME is the same in traces A and B
same_record() {
    "$TF" show "$1" "$3" > rec_a.txt 2>&1; "$TF" show "$2" "$3" > rec_b.txt 2>&1
    if [ -s rec_a.txt ] && cmp -s rec_a.txt rec_b.txt; then ok "$4"; else bad "$4"; diff rec_a.txt rec_b.txt | head -6; fi
    rm -f rec_a.txt rec_b.txt
}
differs() {
    "$TF" show "$1" "$3" > rec_a.txt 2>&1; "$TF" show "$2" "$3" > rec_b.txt 2>&1
    if cmp -s rec_a.txt rec_b.txt; then bad "$4"; else ok "$4"; fi
    rm -f rec_a.txt rec_b.txt
}

# ---- run --lesson N traces the lesson's main run ----

# lesson 2: [lesson] weights = ../models/copy.tfw, relative to the lesson's directory
expect_exit 0 "run --lesson 2" -- "$TF" run --lesson 2 -o l2.trace
expect_in "$WORK/out" "d_model 64, 4 heads, 1+1 layers" "lesson 2 runs the copy model's shape, not a seeded one"
expect_in l2.trace "models/copy.tfw" "the trace records the lesson's weight file"
src2="c a f b h d e g"
expect_exit 0 "the same run with --weights" -- "$TF" run -q --weights "$M/copy.tfw" --src "$src2" --tgt "$src2" -o w2.trace
same_record l2.trace w2.trace enc.0.attn.q "lesson 2: the copy model's queries"
same_record l2.trace w2.trace dec.logits "lesson 2: the copy model's logits"
same_record l2.trace w2.trace dec.predicted "lesson 2: the copy model's predictions"

# the command line still wins: sentences and weights
expect_exit 0 "run --lesson 2 --src --tgt" -- "$TF" run -q --lesson 2 --src "a b c" --tgt "a b c" -o l2s.trace
expect_exit 0 "the same sentence with --weights" -- "$TF" run -q --weights "$M/copy.tfw" --src "a b c" --tgt "a b c" -o w2s.trace
same_record l2s.trace w2s.trace dec.logits "--src/--tgt replace the lesson's sentences"
expect_exit 0 "run --lesson 5 --weights reverse.tfw" -- "$TF" run -q --lesson 5 --weights "$M/reverse.tfw" \
    --src "a b c" --tgt "c b a" -o l5r.trace
expect_exit 0 "reverse.tfw directly" -- "$TF" run -q --weights "$M/reverse.tfw" --src "a b c" --tgt "c b a" -o r.trace
same_record l5r.trace r.trace dec.logits "--weights replaces the lesson's weights"

# lesson 8: [run.main] train_step = yes
expect_exit 0 "run --lesson 8" -- "$TF" run --lesson 8 -o l8.trace
expect_in "$WORK/out" "train step: loss" "lesson 8's main run takes a training step"
"$TF" ls l8.trace > l8.ls
expect_in l8.ls "grad.norms.dec" "lesson 8: grad.* records"
expect_in l8.ls "grad.enc.0.input" "lesson 8: the gradient entering a layer"
expect_exit 0 "run --lesson 8 --generate 2" -- "$TF" run --lesson 8 --generate 2 -o l8g.trace
"$TF" ls l8g.trace > l8g.ls
expect_not_in l8g.ls "grad." "--generate replaces the lesson's training step"
expect_in l8g.ls "gen.tokens" "and generates"
expect_exit 2 "run --lesson 8 --no-cache" -- "$TF" run --lesson 8 --no-cache -o l8n.trace
expect_in "$WORK/err" "--no-cache only applies to generation" "--no-cache without generation is refused"
expect_absent l8n.trace "no trace after --no-cache without generation"

# the plain example config keeps working
expect_exit 0 "run --lesson demo" -- "$TF" run --lesson demo -o demo.trace
expect_in "$WORK/out" "d_model 32, 4 heads, 2+2 layers" "demo: its own seeded model"

# a lesson of our own: [run.main] weights, generate and cache
mkdir -p data/lessons/01-mine data/lessons/models
cp "$M/copy.tfw" data/lessons/models/mine.tfw
cat > data/lessons/01-mine/lesson.ini <<'EOF'
[lesson]
title = Mine
[input]
src = a b c
[run.main]
weights = ../models/mine.tfw
generate = 3
cache = no
[steps]
step = gen.tokens | what it chose
[claim.some]
says = Without the cache, each step recomputes the whole prefix.
check = sum(gen.work[mode=0]) == sum(gen.work[mode=1])
breaks = cache=on
EOF
printf 'A test lesson.\n\n## gen.tokens\n\nWhat it chose.\n' > data/lessons/01-mine/lesson.md
expect_exit 0 "run --lesson mine" -- env TRACEFORMER_DATA="$WORK/data" "$TF" run --lesson mine -o mine.trace
expect_in "$WORK/out" "(greedy, no cache)" "[run.main] generate and cache = no"
expect_in "$WORK/out" "<START> | a b c" "[run.main] weights: the copy model copies"
expect_in mine.trace "kv_cache = no" "the trace says so"
expect_exit 0 "run --lesson mine --generate 1" -- env TRACEFORMER_DATA="$WORK/data" "$TF" run --lesson mine --generate 1 -o mine1.trace
expect_in "$WORK/out" "generated 1 token in 1 steps (greedy, KV cache)" "--generate replaces generate and cache"
expect_exit 2 "run --lesson mine --heads 2" -- env TRACEFORMER_DATA="$WORK/data" "$TF" run --lesson mine --heads 2 -o mine2.trace
expect_in "$WORK/err" "--heads 2 contradicts" "a flag against [run.main] weights is refused"
expect_in "$WORK/err" "mine.tfw (heads = 4)" "names the lesson's weight file"
expect_absent mine2.trace "nothing written"

# ---- contradictions: refused, exit 2, the key and both values named, nothing written ----

# weight files of other kinds: learned and relative positions (seeded, saved)
expect_exit 0 "save a learned-positions model" -- "$TF" run -q --positions learned --max-len 16 --src "a b c" \
    --save-weights learned.tfw -o seed1.trace
expect_exit 0 "save a relative-positions model" -- "$TF" run -q --positions relative --relative-buckets 8 \
    --relative-max-distance 10 --src "a b c" --save-weights relative.tfw -o seed2.trace
expect_exit 0 "export the copy model as .npy" -- "$TF" run -q --weights "$M/copy.tfw" --src "a b" --export-weights npy -o seed3.trace
cp -r npy npy_bare
rm npy_bare/config.ini
expect_exit 0 "export the learned-positions model as .npy" -- "$TF" run -q --weights learned.tfw --src "a b" \
    --export-weights npy_learned -o seed4.trace
rm npy_learned/config.ini

refused() {  # refused WEIGHTS SAYS DESCRIPTION -- FLAGS...
    w=$1; says=$2; desc=$3; shift 4
    rm -f refused.trace
    expect_exit 2 "$desc" -- "$TF" run --weights "$w" --src "a b c" -o refused.trace "$@"
    expect_in "$WORK/err" "$says" "$desc: named"
    expect_in "$WORK/err" "hint:" "$desc: with a hint"
    expect_absent refused.trace "$desc: nothing written"
}
C="$M/copy.tfw"
refused "$C" "--heads 1 contradicts $C (heads = 4)" "--heads" -- --heads 1
refused "$C" "--d-model 32 contradicts $C (d_model = 64)" "--d-model" -- --d-model 32
refused "$C" "--d-ff 64 contradicts $C (d_ff = 128)" "--d-ff" -- --d-ff 64
refused "$C" "--layers 2 contradicts $C (encoder_layers = 1, decoder_layers = 1)" "--layers" -- --layers 2
refused "$C" "--encoder-layers 2 contradicts $C (encoder_layers = 1)" "--encoder-layers" -- --encoder-layers 2
refused "$C" "--decoder-layers 3 contradicts $C (decoder_layers = 1)" "--decoder-layers" -- --decoder-layers 3
refused "$C" "--arch decoder-only contradicts $C (arch = encoder-decoder)" "--arch" -- --arch decoder-only
refused "$C" "--norm post contradicts $C (norm = pre)" "--norm" -- --norm post
refused "$C" "--activation gelu contradicts $C (activation = relu)" "--activation" -- --activation gelu
refused "$C" "--positions rope contradicts $C (positions = sinusoidal)" "--positions" -- --positions rope
refused "$C" "--ln-eps 1e-06 contradicts $C (ln_eps = 1e-05)" "--ln-eps" -- --ln-eps 1e-6
refused "$C" "--vocab \"a b c\" contradicts $C (tokens = a b c d e f g h i j)" "--vocab" -- --vocab "a b c"
refused "$C" "--vocab \"b a c d e f g h i j\" contradicts" "--vocab in another order" -- --vocab "b a c d e f g h i j"
refused learned.tfw "--max-len 32 contradicts learned.tfw (max_len = 16)" "--max-len on learned positions" -- --max-len 32
refused relative.tfw "--relative-buckets 16 contradicts relative.tfw (relative_buckets = 8)" "--relative-buckets" \
    -- --relative-buckets 16
refused relative.tfw "--relative-max-distance 20 contradicts relative.tfw (relative_max_distance = 10)" \
    "--relative-max-distance" -- --relative-max-distance 20
refused npy "--heads 2 contradicts npy (heads = 4)" "--heads against an .npy config.ini" -- --heads 2
refused npy_bare "--d-model 32 contradicts npy_bare (d_model = 64)" "--d-model against .npy shapes" -- --d-model 32
refused npy_learned "--positions sinusoidal contradicts npy_learned (positions = learned)" "--positions against .npy tensors" \
    -- --positions sinusoidal

# a config file: its file and line
printf '[model]\nd_model = 64\nheads = 2\n[input]\nsrc = a b c\n' > two.ini
expect_exit 2 "a config file's heads" -- "$TF" run --config two.ini --weights "$C" -o cfg.trace
expect_in "$WORK/err" "two.ini:3: heads = 2 contradicts $C (heads = 4)" "names the file and line"
expect_absent cfg.trace "nothing written after a config contradiction"
expect_exit 2 "a lesson's main run with a contradicting flag" -- "$TF" run --lesson 2 --heads 2 -o l2h.trace
expect_in "$WORK/err" "--heads 2 contradicts" "the lesson's weights hold too"
expect_in "$WORK/err" "copy.tfw (heads = 4)" "names the lesson's weight file"
expect_absent l2h.trace "nothing written for the lesson"
expect_exit 2 "the example config against another model's weights" -- "$TF" run --lesson demo --weights "$C" -o dw.trace
expect_in "$WORK/err" "demo.ini:7: d_model = 32 contradicts" "the example's d_model, by line"

# ---- the same values pass, and give the same numbers ----
expect_exit 0 "flags equal to the file's" -- "$TF" run -q --weights "$C" --src "a b c" --tgt "a b c" -o same.trace \
    --arch encoder-decoder --d-model 64 --heads 4 --d-ff 128 --layers 1 --norm pre --final-norm yes \
    --activation relu --positions sinusoidal --ln-eps 1e-5 --vocab "a b c d e f g h i j"
same_record same.trace w2s.trace dec.logits "same-value flags change nothing"
printf '[model]\nd_model = 64\nheads = 4\n[input]\nsrc = a b c\ntgt = a b c\n' > four.ini
expect_exit 0 "a config file with the file's values" -- "$TF" run -q --config four.ini --weights "$C" -o four.trace
same_record four.trace w2s.trace dec.logits "a config that agrees changes nothing"
expect_exit 0 "--max-len equal on learned positions" -- "$TF" run -q --weights learned.tfw --max-len 16 --src "a b c" -o ml.trace
expect_exit 0 "--relative-buckets equal" -- "$TF" run -q --weights relative.tfw --relative-buckets 8 --src "a b c" -o rb.trace
expect_exit 0 "npy without config.ini takes what the tensors cannot tell from flags" -- "$TF" run -q --weights npy_bare \
    --heads 4 --norm pre --activation relu --positions sinusoidal --src "a b c" --tgt "a b c" -o nb.trace
same_record nb.trace w2s.trace dec.logits "the same numbers as the .tfw"

# ---- how the model runs: the caller's choice wins ----
expect_exit 0 "--causal-mask off" -- "$TF" run -q --weights "$C" --src "a b c" --tgt "a b c" --causal-mask off -o cm.trace
# (the values only: the record's description mentions -inf too)
"$TF" show cm.trace dec.0.self_attn.mask | sed '1,/^$/d' > cm.txt
"$TF" show w2s.trace dec.0.self_attn.mask | sed '1,/^$/d' > on.txt
expect_in on.txt "-inf" "the file's causal mask hides the future"
expect_not_in cm.txt "-inf" "--causal-mask off takes it away"
expect_exit 0 "--residual off" -- "$TF" run -q --weights "$C" --src "a b c" --tgt "a b c" --residual off -o ro.trace
expect_in ro.trace "residual = off" "the trace records residual = off"
differs ro.trace w2s.trace dec.logits "--residual off changes the logits"
expect_exit 0 "--padding-mask off on a batch" -- "$TF" run -q --weights "$C" --src "a b c" --src "a" --padding-mask off -o pm.trace
"$TF" show pm.trace enc.0.attn.mask --batch 1 | sed '1,/^$/d' > pm.txt
"$TF" show pm.trace enc.0.attn.mask --batch 1 > pm_all.txt
expect_in pm_all.txt "<PAD>" "the short sentence is padded"
expect_not_in pm.txt "-inf" "--padding-mask off: the <PAD> keys are not hidden"
expect_exit 0 "--causal-mask off with .npy and config.ini" -- "$TF" run -q --weights npy --src "a b c" --tgt "a b c" \
    --causal-mask off -o cmn.trace
"$TF" show cmn.trace dec.0.self_attn.mask | sed '1,/^$/d' > cmn.txt
expect_not_in cmn.txt "-inf" "the mask flag wins over an .npy config.ini too"
long="a b c d e f g h i j a b c d e f g h i j a b c d e f g h i j a b c d e f g h i j"
expect_exit 2 "a sentence longer than the file's max_len" -- "$TF" run -q --weights "$C" --src "$long" -o long.trace
expect_in "$WORK/err" "max_len = 32" "the file's max_len holds by default"
expect_exit 0 "--max-len raised for sinusoidal positions" -- "$TF" run -q --weights "$C" --src "$long" --max-len 64 -o long.trace

# ---- train --init follows the same rule ----
expect_exit 2 "train --init with a contradicting flag" -- "$TF" train --task copy --steps 2 --init "$C" --heads 2 -o t.tfw
expect_in "$WORK/err" "--heads 2 contradicts $C (heads = 4)" "train names it the same way"
expect_absent t.tfw "no model written"

finish
