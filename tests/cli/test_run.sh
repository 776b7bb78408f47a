# traceformer run: traces, weights, and refusals of bad input.
. tests/cli/lib.sh
cd "$WORK"

expect_exit 0 "run --help" -- "$TF" run --help
expect_in "$WORK/out" "--weights FILE|DIR" "run --help describes --weights"
expect_exit 2 "run with an unknown option" -- "$TF" run --frobnicate 3
expect_exit 2 "run without input" -- "$TF" run -o none.trace
expect_in "$WORK/err" "no input sentence" "says there is no input"
expect_absent none.trace "no trace after a refused run"

expect_exit 0 "run 猫 追 老鼠" -- "$TF" run --src "猫 追 老鼠" --tgt "<START> cat chases" -o cat.trace
expect_in "$WORK/out" "wrote cat.trace" "run says what it wrote"
[ -s cat.trace ] && ok "trace written" || bad "trace missing"
left=$(ls | grep -v -x -e out -e err -e cat.trace)
[ -z "$left" ] && ok "no temporary file left" || bad "files left besides the trace: $left"

expect_exit 0 "default output name" -- "$TF" run -q --src "猫 追 老鼠"
[ -s run.trace ] && ok "run.trace written by default" || bad "run.trace missing"
[ ! -s "$WORK/out" ] && ok "-q prints nothing" || bad "-q printed output"

# unknown tokens are named; invalid UTF-8 is refused, nothing written
expect_exit 0 "unknown token" -- "$TF" run --vocab "猫 追" --src "猫 追 狗" -o unk.trace
expect_in "$WORK/err" "unknown token '狗'" "the unknown token is named"
bad_utf8=$(printf 'cat \377 dog')
expect_exit 2 "invalid UTF-8" -- "$TF" run --src "$bad_utf8" -o utf.trace
expect_in "$WORK/err" "invalid UTF-8" "says invalid UTF-8"
expect_in "$WORK/err" "byte 4" "names the byte offset"
expect_absent utf.trace "no trace after invalid UTF-8"

# configuration errors: file, line and key; exit 2; nothing written
printf '[model]\nd_model = 30\nheads = 4\n[input]\nsrc = 猫\n' > bad.ini
expect_exit 2 "d_model not divisible by heads" -- "$TF" run --config bad.ini -o bad.trace
expect_in "$WORK/err" "bad.ini:3" "names the file and line of the key set last"
expect_in "$WORK/err" "d_model" "names the key"
expect_absent bad.trace "no trace after a config error"
printf '[model]\ndmodel = 32\n' > typo.ini
expect_exit 2 "unknown key" -- "$TF" run --config typo.ini
expect_in "$WORK/err" "typo.ini:2" "unknown key: file and line"
expect_exit 2 "bad flag value" -- "$TF" run --heads zero --src "猫"
expect_in "$WORK/err" "--heads" "names the flag"
expect_exit 2 "too long for max_len" -- "$TF" run --max-len 2 --src "猫 追 老鼠"
expect_in "$WORK/err" "max_len" "names max_len"
expect_exit 2 "missing config file" -- "$TF" run --config nowhere.ini
expect_in "$WORK/err" "nowhere.ini" "names the missing file"

# runtime failure: an output directory that does not exist → exit 1
expect_exit 1 "unwritable output" -- "$TF" run --src "猫" -o no/such/dir/x.trace

# a batch of two sentences of different lengths
expect_exit 0 "batch of two" -- "$TF" run --src "猫 追 老鼠" --tgt "<START> cat chases mouse" \
    --src "我 爱" --tgt "<START> I" -o batch.trace
expect_exit 0 "ls batch" -- "$TF" ls batch.trace
expect_in "$WORK/out" "batch=2" "records carry a batch dim"

# decoder-only, pre-LN, GELU, no positions
expect_exit 0 "decoder-only pre-LN GELU" -- "$TF" run --arch decoder-only --norm pre --activation gelu \
    --positions none --layers 3 --src "<START> 我 爱 AI" -o gpt.trace
expect_exit 0 "ls decoder-only" -- "$TF" ls gpt.trace
expect_in "$WORK/out" "dec.2.self_attn.weights" "three decoder layers"
expect_not_in "$WORK/out" "cross_attn" "no cross-attention"
expect_not_in "$WORK/out" "dec.pos" "no positional record when positions are off"

# weights: save, load, export, import give the same numbers
expect_exit 0 "save weights" -- "$TF" run -q --lesson demo --save-weights m.tfw --export-weights npy -o a.trace
[ -s m.tfw ] && ok "m.tfw written" || bad "m.tfw missing"
[ -s npy/encoder.layers.0.self_attn.in_proj_weight.npy ] && ok "state_dict names" || bad "npy weights missing"
expect_exit 0 "load .tfw" -- "$TF" run -q --weights m.tfw --src "猫 追 老鼠" --tgt "<START> cat chases mouse" -o b.trace
expect_exit 0 "import .npy dir" -- "$TF" run -q --weights npy --src "猫 追 老鼠" --tgt "<START> cat chases mouse" -o c.trace
"$TF" show a.trace dec.logits > a.txt; "$TF" show b.trace dec.logits > b.txt; "$TF" show c.trace dec.logits > c.txt
cmp -s a.txt b.txt && ok ".tfw round trip gives the same logits" || bad ".tfw round trip changed the logits"
cmp -s a.txt c.txt && ok ".npy round trip gives the same logits" || bad ".npy round trip changed the logits"
head -c 100 m.tfw > cut.tfw
expect_exit 2 "truncated weight file" -- "$TF" run --weights cut.tfw --src "猫"
expect_in "$WORK/err" "cut.tfw" "names the weight file"
rm npy/decoder.layers.1.linear2.bias.npy
expect_exit 2 "missing tensor" -- "$TF" run --weights npy --src "猫"
expect_in "$WORK/err" "decoder.layers.1.linear2.bias" "names the missing tensor"

# residual = off: the resid_* records hold the sublayer's output alone, and say so
"$TF" run -q --lesson demo --residual off -o off.trace || bad "run --residual off"
expect_exit 0 "show resid_mid without residuals" -- "$TF" show off.trace enc.0.resid_mid
expect_in "$WORK/out" "formula:      SelfAttention(...), x not added (residual = off)" "the formula without x +"
expect_exit 0 "show resid_post with residuals" -- "$TF" show a.trace dec.0.resid_post
expect_in "$WORK/out" "formula:      x + FFN(...)" "the formula with x +"

finish
