# A character-level model (tokenizer = chars): text typed as written, with
# no spaces, and every sequence printed the same way; the weight file
# decides the tokenizer.
. tests/cli/lib.sh
cd "$WORK"

# ls pads names to a column; compare with single spaces
squeeze() { tr -s ' ' < "$WORK/out" > "$WORK/out.tmp" && mv "$WORK/out.tmp" "$WORK/out"; }

VOCAB="床前明月光疑是地上霜，。"
expect_exit 0 "a seeded character-level model" -- "$TF" run --arch decoder-only --tokenizer chars --vocab "$VOCAB" \
    --tgt "床前明月光，" --seed 4 --save-weights m.tfw -o t.trace
expect_exit 0 "ls its trace" -- "$TF" ls t.trace
squeeze
expect_in "$WORK/out" "tokenizer: characters (type text without spaces)" "ls of the trace says characters"
expect_in "$WORK/out" "tgt.tokens [token=6]" "six characters, six tokens"
expect_exit 0 "show tgt.tokens" -- "$TF" show t.trace tgt.tokens
expect_in "$WORK/out" "光" "a character is a token's label"
expect_in t.trace "tokenizer = chars" "the trace meta records the tokenizer"
expect_exit 0 "ls the weight file" -- "$TF" ls m.tfw
expect_in "$WORK/out" "tokenizer: characters (type text without spaces)" "ls of the .tfw says characters"
expect_in "$WORK/out" "vocabulary: 16 tokens (4 special)" "the --vocab text is split into its 12 characters"

# the file decides: no --tokenizer needed, and the sequence prints without spaces
expect_exit 0 "generate from the file" -- "$TF" run --weights m.tfw --tgt "床前明月光，" --generate 5 -o g.trace
expect_in "$WORK/out" "generated 5 tokens" "five characters generated (seed 4 says no <END>)"
line=$(grep -a '^generated' "$WORK/out" | sed 's/^[^:]*: //')
prompt=${line%% | *}
rest=${line#* | }
[ "$prompt" = "床前明月光，" ] && ok "the prompt is printed as typed" || bad "the prompt printed as '$prompt'"
case "$rest" in
*" "*|"") bad "the generated characters hold a space or are missing: '$rest'" ;;
*) ok "the generated characters are printed without spaces ('$rest')" ;;
esac
expect_exit 0 "ls the generation" -- "$TF" ls g.trace
expect_in "$WORK/out" "tokenizer: characters" "a generation trace says characters too"

# the model view names the sentence as it was typed
if need gnuplot "the model view's sentence line"; then
    expect_exit 0 "plot the model view" -- "$TF" plot t.trace model-view --format svg -o views
    expect_in views/model-view.dec.self.svg "sentence: 床前明月光，" "the sentence line has no spaces"
fi

# spaces in the text are skipped: the same tokens, the same trace
expect_exit 0 "the same text with spaces" -- "$TF" run -q --weights m.tfw --tgt "床 前 明月光，" -o s.trace
"$TF" show t.trace tgt.tokens > a.txt; "$TF" show s.trace tgt.tokens > b.txt
cmp -s a.txt b.txt && ok "spaces typed between characters change nothing" || bad "spaces changed the tokens"

# a contradiction is refused like --heads
expect_exit 2 "--tokenizer words against a chars file" -- "$TF" run --weights m.tfw --tokenizer words \
    --tgt "床前明月光，" -o x.trace
expect_in "$WORK/err" "--tokenizer words contradicts m.tfw (tokenizer = chars)" "the contradiction named"
expect_absent x.trace "nothing written"
expect_exit 0 "--tokenizer chars agrees" -- "$TF" run -q --weights m.tfw --tokenizer chars --tgt "床前" -o y.trace
expect_exit 2 "a --vocab the file does not have" -- "$TF" run --weights m.tfw --vocab "床前明月光" --tgt "床前" -o x.trace
expect_in "$WORK/err" "contradicts m.tfw (tokens = 床前明月光疑是地上霜，。)" "the file's vocabulary as characters"
expect_exit 0 "the file's own --vocab, with spaces" -- "$TF" run -q --weights m.tfw --vocab "床前明月光 疑是地上霜 ，。" \
    --tgt "床前" -o y.trace

# an unknown character warns, naming it alone
expect_exit 0 "an unknown character" -- "$TF" run --weights m.tfw --tgt "床前春月" -o u.trace
expect_in "$WORK/err" "unknown token '春' is read as <UNK>" "the warning names the character"
expect_exit 2 "a hidden character" -- "$TF" run --weights m.tfw --tgt "床前$(printf '\342\200\256')月" -o u2.trace
expect_in "$WORK/err" "holds a bidi control (\\u202e)" "refused, naming what it holds"

# a word-level file is unchanged: no tokenizer line, sequences spaced
expect_exit 0 "a word-level model" -- "$TF" run --src "猫 追 老鼠" --tgt "cat" --generate 2 --save-weights w.tfw -o w.trace
expect_in "$WORK/out" "<START> cat |" "words are printed with spaces"
expect_exit 0 "ls the word-level trace" -- "$TF" ls w.trace
expect_not_in "$WORK/out" "tokenizer:" "no tokenizer line for words"
expect_not_in w.trace "tokenizer =" "a word-level trace meta keeps its header"
expect_exit 2 "--tokenizer chars against a words file" -- "$TF" run --weights w.tfw --tokenizer chars --src "猫追" -o x.trace
expect_in "$WORK/err" "--tokenizer chars contradicts w.tfw (tokenizer = words)" "an absent key means words"

# a config file states it in [vocab]
cat > poem.ini <<'INI'
[model]
arch = decoder-only
[vocab]
tokenizer = chars
tokens = 床前明月光，
[input]
tgt = 床前明月光，
INI
expect_exit 0 "an INI with tokenizer = chars" -- "$TF" run --config poem.ini -o c.trace
expect_exit 0 "ls the INI's trace" -- "$TF" ls c.trace
squeeze
expect_in "$WORK/out" "tgt.tokens [token=6]" "the INI's sentence read as characters"

# an exported directory carries it in config.ini, and an import keeps it
expect_exit 0 "export a chars model" -- "$TF" run -q --weights m.tfw --tgt "床前" --export-weights npy -o e.trace
expect_in npy/config.ini "tokenizer = chars" "config.ini states the tokenizer"
expect_exit 0 "import it" -- "$TF" run --weights npy --tgt "床前明月" --generate 2 -o i.trace
expect_in "$WORK/out" "床前明月 |" "the imported model reads and prints characters"
expect_exit 2 "--tokenizer words against its config.ini" -- "$TF" run --weights npy --tokenizer words --tgt "床前" -o x.trace
expect_in "$WORK/err" "contradicts" "refused"

finish
