# traceformer eval --form: the line-form rate of a model's generations,
# on a seeded decoder-only model over a few characters of verse.
. tests/cli/lib.sh
cd "$WORK"

P="床 前 明 月 光 ，"
"$TF" run -q --arch decoder-only --tokenizer chars --d-model 16 --heads 2 --d-ff 32 --layers 1 --max-len 64 \
    --vocab "床 前 明 月 光 ， 。" --tgt "$P" --save-weights v.tfw -o v.trace || bad "making the seeded model"

expect_exit 0 "eval --help" -- "$TF" eval --help
expect_in "$WORK/out" "--form N" "eval --help describes --form"

expect_exit 0 "eval --form 20, sampling" -- "$TF" eval v.tfw --form 20 --prompt "$P" --temperature 1
expect_in "$WORK/out" "20 samples of up to 48 tokens" "20 samples of 48 tokens"
expect_in "$WORK/out" "line form: " "the rate"
expect_in "$WORK/out" "line lengths (characters before the mark):" "the histogram"
expect_in "$WORK/out" "sample 3: " "the third sample shown"
grep -q "sample 4: " "$WORK/out" && bad "only 3 samples are shown" || ok "only 3 samples are shown"
cp "$WORK/out" first.txt

# the figures hold together: the histogram adds up to the lines, and the
# lines in form are those of length 5 or 7 at most
awk '/^line form:/ { form = $3; lines = $5 }
     /^line lengths/ { sub(/.*mark\):/, ""); n = split($0, f, " ");
                       for (i = 1; i < n; i += 2) { len = f[i]; sub(":", "", len); total += f[i + 1];
                                                    if (len == 5 || len == 7) fiveseven += f[i + 1] } }
     END { exit !(total == lines && form <= fiveseven && lines > 10) }' first.txt \
    && ok "the histogram adds up to the lines counted" || { bad "histogram and count disagree"; cat first.txt; }

# seeded: the same figures again; other seeds' samples (--form 3) are the first 3
expect_exit 0 "eval --form 20 again" -- "$TF" eval v.tfw --form 20 --prompt "$P" --temperature 1
cmp -s "$WORK/out" first.txt && ok "the same samples and figures every run" || bad "a second run differs"
expect_exit 0 "eval --form 3" -- "$TF" eval v.tfw --form 3 --prompt "$P" --temperature 1
grep '^sample' "$WORK/out" > a.txt; grep '^sample' first.txt > b.txt
cmp -s a.txt b.txt && ok "sample seeds 1..N: the first three are the same" || bad "samples depend on N"

# quiet: rate, in form, lines; greedy takes one sample
expect_exit 0 "eval --form -q" -- "$TF" eval v.tfw --form 20 --prompt "$P" --temperature 1 -q
awk 'NF == 3 && $1 >= 0 && $1 <= 1 { ok = 1 } END { exit !ok }' "$WORK/out" && ok "-q prints rate, in form, lines" \
    || bad "-q output: $(cat "$WORK/out")"
expect_exit 0 "eval --form greedy" -- "$TF" eval v.tfw --form 20 --prompt "$P"
expect_in "$WORK/out" "1 sample of up to 48 tokens" "greedy decoding takes one sample"

# ablating a head changes the samples; a head the model lacks is refused
expect_exit 0 "eval --form --ablate-head" -- "$TF" eval v.tfw --form 20 --prompt "$P" --temperature 1 --ablate-head dec.0.1
expect_in "$WORK/out" "heads ablated: dec.0.1" "says which heads are ablated"
grep '^sample' "$WORK/out" > c.txt
cmp -s c.txt b.txt && bad "ablating a head changed nothing" || ok "ablating a head changes the samples"
expect_exit 2 "no such head" -- "$TF" eval v.tfw --form 5 --prompt "$P" --ablate-head dec.0.7
expect_in "$WORK/err" "no such head" "names the head"

# refusals
expect_exit 2 "--form 0" -- "$TF" eval v.tfw --form 0 --prompt "$P"
expect_exit 2 "--top-k while greedy" -- "$TF" eval v.tfw --form 3 --prompt "$P" --top-k 2
expect_exit 2 "--temperature -1" -- "$TF" eval v.tfw --form 3 --prompt "$P" --temperature -1
expect_exit 2 "--form with --task" -- "$TF" eval v.tfw --form 3 --prompt "$P" --task copy
expect_exit 2 "--prompt without --form" -- "$TF" eval v.tfw --task copy --prompt "$P"
expect_in "$WORK/err" "only applies to --form" "says --prompt goes with --form"
"$TF" run -q --vocab "a b c" --src "a b" --save-weights ed.tfw -o ed.trace
expect_exit 2 "an encoder-decoder model" -- "$TF" eval ed.tfw --form 3 --prompt "a"
expect_in "$WORK/err" "decoder-only" "says --form wants a decoder-only model"
"$TF" run -q --arch decoder-only --vocab "a b c" --tgt "a b" --save-weights w.tfw -o w.trace
expect_exit 2 "a word-level model without --prompt" -- "$TF" eval w.tfw --form 3
expect_in "$WORK/err" "--prompt" "asks for the prompt"

finish
