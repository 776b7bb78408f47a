# traceformer run: teacher forcing, --generate, and the kinds of positions.
. tests/cli/lib.sh
cd "$WORK"

# ls pads names to a column; compare with single spaces
squeeze() { tr -s ' ' < "$WORK/out" > "$WORK/out.tmp" && mv "$WORK/out.tmp" "$WORK/out"; }

expect_exit 0 "run --help" -- "$TF" run --help
expect_in "$WORK/out" "--generate N" "run --help describes --generate"
expect_in "$WORK/out" "--no-cache" "run --help describes --no-cache"
expect_in "$WORK/out" "sinusoidal|none|learned|relative|rope" "run --help lists the kinds of positions"

# teacher forcing: the target is the output sentence; a written <START> is the same
expect_exit 0 "teacher forcing" -- "$TF" run -q --src "猫 追 老鼠" --tgt "cat chases mouse" -o tf.trace
expect_exit 0 "teacher forcing with <START>" -- "$TF" run -q --src "猫 追 老鼠" --tgt "<START> cat chases mouse" -o tf2.trace
expect_exit 0 "show dec.target" -- "$TF" show tf.trace dec.target
expect_in "$WORK/out" "<END>" "the last target is <END>"
"$TF" show tf.trace tgt.tokens > a.txt; "$TF" show tf2.trace tgt.tokens > b.txt
cmp -s a.txt b.txt && ok "'<START> cat ...' and 'cat ...' give the same decoder input" || bad "the decoder inputs differ"
"$TF" show tf.trace loss > a.txt; "$TF" show tf2.trace loss > b.txt
cmp -s a.txt b.txt && ok "and the same loss" || bad "the losses differ"
expect_exit 0 "ls teacher forcing" -- "$TF" ls tf.trace
squeeze
expect_in "$WORK/out" "dec.loss" "per-position loss recorded"
expect_in "$WORK/out" "dec.predicted" "predicted tokens recorded"

# generation, greedy, with and without the cache (seed 1 generates all 5:
# <PAD> and <START> are never chosen, and seed 42 says <END> at step 1)
expect_exit 0 "generate 5" -- "$TF" run --src "猫 追 老鼠" --seed 1 --generate 5 -o gen.trace
expect_in "$WORK/out" "generated" "says what it generated"
grep -a 'generated' "$WORK/out" | sed 's/(greedy, KV cache)//' > cached.txt
expect_exit 0 "ls generation" -- "$TF" ls gen.trace
squeeze
expect_in "$WORK/out" "gen.0.dec.0.self_attn.k [head=4, key=1, head_dim=8]" "step 0: one cached key"
expect_in "$WORK/out" "gen.2.dec.0.self_attn.k [head=4, key=3, head_dim=8]" "step 2: three cached keys"
expect_in "$WORK/out" "gen.2.dec.0.self_attn.q [head=4, query=1, head_dim=8]" "step 2: one new query row"
expect_in "$WORK/out" "gen.2.dec.1.cross_attn.weights [head=4, query=1, key=3]" "the new row reads the memory"
expect_in "$WORK/out" "gen.2.token" "the chosen token"
expect_in "$WORK/out" "gen.work [step=" "the work of every step"
expect_not_in "$WORK/out" "dec.target" "no teacher forcing in a generation trace"
expect_in gen.trace "work.cached =" "trace meta holds the multiply-adds"
expect_in gen.trace "kv_cache = yes" "trace meta says the cache was used"
expect_exit 0 "show gen.work" -- "$TF" show gen.trace gen.work
expect_in "$WORK/out" "recomputed" "gen.work columns"
expect_exit 0 "generate 5, no cache" -- "$TF" run --src "猫 追 老鼠" --seed 1 --generate 5 --no-cache -o nc.trace
grep -a 'generated' "$WORK/out" | sed 's/(greedy, no cache)//' > nocache.txt
cmp -s cached.txt nocache.txt && ok "the same tokens without the cache" || bad "cache and no cache generated different tokens"
expect_exit 0 "ls no-cache" -- "$TF" ls nc.trace
squeeze
expect_in "$WORK/out" "gen.2.dec.0.self_attn.q [head=4, query=3, head_dim=8]" "no cache: step 2 recomputes 3 rows"

# a prompt: the target is continued; decoder-only continues its sequence
expect_exit 0 "generate after a prompt" -- "$TF" run --src "猫 追 老鼠" --tgt "cat" --generate 2 -o p.trace
expect_in "$WORK/out" "<START> cat |" "the prompt comes before the bar"
expect_exit 0 "decoder-only rope generation" -- "$TF" run --arch decoder-only --positions rope \
    --src "<START> 我 爱" --generate 3 -o d.trace
expect_exit 0 "ls decoder-only generation" -- "$TF" ls d.trace
squeeze
expect_in "$WORK/out" "gen.2.dec.0.self_attn.k_rot" "rotated keys in the cache"

# sampling: reproducible from its seed
expect_exit 0 "sample" -- "$TF" run --src "猫 追 老鼠" --generate 8 --temperature 2 --top-k 4 --sample-seed 9 -o s1.trace
grep -a 'generated' "$WORK/out" > s1.txt
expect_exit 0 "sample again" -- "$TF" run --src "猫 追 老鼠" --generate 8 --temperature 2 --top-k 4 --sample-seed 9 -o s2.trace
grep -a 'generated' "$WORK/out" > s2.txt
cmp -s s1.txt s2.txt && ok "same seed, same tokens" || bad "sampling with one seed gave different tokens"
expect_exit 0 "ls sampling" -- "$TF" ls s1.trace
squeeze
expect_in "$WORK/out" "gen.0.sampling" "the sampling distribution is recorded"

# refusals: exit 2, a clear message, no trace
expect_exit 2 "--generate 0" -- "$TF" run --src "猫" --generate 0 -o bad.trace
expect_in "$WORK/err" "--generate 0: generate at least 1 token" "says at least 1"
expect_exit 2 "--generate abc" -- "$TF" run --src "猫" --generate abc -o bad.trace
expect_in "$WORK/err" "--generate 'abc' is not a whole number" "says not a number"
expect_exit 2 "negative temperature" -- "$TF" run --src "猫" --generate 3 --temperature -1 -o bad.trace
expect_in "$WORK/err" "--temperature -1: the temperature must be 0 (greedy) or more" "names the temperature"
expect_exit 2 "top-k above the vocabulary" -- "$TF" run --src "猫 追" --generate 3 --temperature 1 --top-k 99 -o bad.trace
expect_in "$WORK/err" "--top-k 99: the vocabulary has 6 tokens, so top-k must be 1 to 6" "names the vocabulary size"
expect_exit 0 "exactly max_len" -- "$TF" run -q --src "猫" --generate 64 -o full.trace
expect_exit 2 "past max_len" -- "$TF" run --src "猫" --generate 65 -o bad.trace
expect_in "$WORK/err" "more than max_len = 64" "names max_len"
expect_in "$WORK/err" "generate at most 64 tokens" "says how many fit"
expect_exit 2 "past max_len after a prompt" -- "$TF" run --max-len 4 --src "猫" --tgt "猫 猫" --generate 3 -o bad.trace
expect_in "$WORK/err" "after a prefix of 3 tokens the decoder would read 5 positions" "counts the prompt"
expect_exit 2 "top-k without sampling" -- "$TF" run --src "猫" --generate 3 --top-k 2 -o bad.trace
expect_in "$WORK/err" "--top-k applies to sampling" "top-k needs a temperature"
expect_exit 2 "--no-cache without --generate" -- "$TF" run --src "猫" --no-cache -o bad.trace
expect_in "$WORK/err" "--no-cache only applies to generation" "no-cache needs --generate"
expect_exit 2 "generation of a batch" -- "$TF" run --src "猫" --src "追" --generate 3 -o bad.trace
expect_in "$WORK/err" "one sentence at a time" "one sentence at a time"
expect_absent bad.trace "no trace after a refused generation"

# positions
expect_exit 0 "learned positions" -- "$TF" run -q --positions learned --src "猫 追 老鼠" -o l.trace
expect_exit 0 "show learned enc.pos" -- "$TF" show l.trace enc.pos
expect_in "$WORK/out" "src_pos_embedding.weight" "learned enc.pos names its table"
expect_exit 0 "relative positions" -- "$TF" run -q --positions relative --relative-buckets 16 --src "猫 追 老鼠" -o r.trace
expect_exit 0 "ls relative" -- "$TF" ls r.trace
squeeze
expect_in "$WORK/out" "enc.0.attn.bias [head=4, query=3, key=3]" "relative bias per head"
expect_in "$WORK/out" "enc.rel_buckets" "bucket table"
expect_not_in "$WORK/out" "cross_attn.bias" "no bias in cross-attention"
expect_exit 0 "rope positions" -- "$TF" run -q --positions rope --src "猫 追 老鼠" -o q.trace
expect_exit 0 "ls rope" -- "$TF" ls q.trace
squeeze
expect_in "$WORK/out" "enc.0.attn.q_rot" "rotated queries"
expect_in "$WORK/out" "dec.rope_angles [token=1, pair=4]" "rotation angles"
expect_exit 2 "rope with an odd head width" -- "$TF" run --positions rope --d-model 12 --heads 4 --src "猫" -o bad.trace
expect_in "$WORK/err" "positions = rope needs an even head width" "says why"
expect_exit 2 "relative max distance too small" -- "$TF" run --positions relative --relative-max-distance 16 --src "猫" -o bad.trace
expect_in "$WORK/err" "relative_max_distance = 16 must be larger than relative_buckets / 2 = 16" "says why"
expect_exit 2 "unknown positions" -- "$TF" run --positions absolute --src "猫" -o bad.trace
expect_in "$WORK/err" "sinusoidal, none, learned, relative, rope" "lists the kinds"
expect_absent bad.trace "no trace after a refused config"

# weights with positions go through the files
expect_exit 0 "save learned" -- "$TF" run -q --positions learned --src "猫 追 老鼠" --save-weights l.tfw --export-weights lnpy -o l1.trace
[ -s lnpy/tgt_pos_embedding.weight.npy ] && ok "tgt_pos_embedding.weight.npy written" || bad "learned table not exported"
expect_exit 0 "load learned .tfw" -- "$TF" run -q --weights l.tfw --src "猫 追 老鼠" -o l2.trace
"$TF" show l1.trace dec.logits > a.txt; "$TF" show l2.trace dec.logits > b.txt
cmp -s a.txt b.txt && ok "learned positions survive .tfw" || bad ".tfw changed a learned-positions model"

finish
