# What a model was trained on: train records the task and the sentence
# lengths in the .tfw, ls prints them, run warns (one line, exit 0) for an
# input outside them and says so in the trace meta, eval warns for another
# task; random and old models say "unknown" and warn about nothing.
. tests/cli/lib.sh
SRC=$(pwd)
cd "$WORK"
REV=$SRC/lessons/models/reverse.tfw

# the shipped models say what they learnt
expect_exit 0 "ls a shipped model" -- "$TF" ls "$REV"
expect_in "$WORK/out" "trained on: reverse, source sentences of 3–9 tokens, target sentences of 3–9 tokens" \
    "ls names reverse's task and lengths"
expect_in "$WORK/out" "src_embedding.weight" "ls lists the tensors"
expect_exit 0 "ls the phrasebook" -- "$TF" ls "$SRC/lessons/models/phrasebook.tfw"
expect_in "$WORK/out" "trained on: phrasebook, source sentences of 3–5 tokens, target sentences of 3–5 tokens" \
    "ls names the phrasebook's lengths"

# too short, too long, within: the exact warning, exit 0 all the same
expect_exit 0 "reverse of one letter" -- "$TF" run --weights "$REV" --src "a" --generate 8 -o short.trace
expect_in "$WORK/err" "traceformer: warning: $REV was trained on source sentences of 3–9 tokens; --src 1 has 1 (outputs outside that range are unreliable)" \
    "a too-short input is warned about"
[ "$(wc -l <"$WORK/err")" -eq 1 ] && ok "in one line" || bad "the warning is not one line"
[ -s short.trace ] && ok "and the trace is written" || bad "no trace"
# the trace says it too, for whoever opens it later
tr -d '\000' <short.trace | grep -aqF "warning = $REV was trained on source sentences of 3–9 tokens; --src 1 has 1" &&
    ok "the trace meta carries the warning" || bad "the trace meta lacks the warning"
tr -d '\000' <short.trace | grep -aqF "trained_on = reverse, source sentences of 3–9 tokens" &&
    ok "and what the model was trained on" || bad "the trace meta lacks trained_on"

expect_exit 0 "reverse of ten letters" -- "$TF" run --weights "$REV" --src "a b c d e f g h i j" --generate 12 -o long.trace
expect_in "$WORK/err" "traceformer: warning: $REV was trained on source sentences of 3–9 tokens; --src 1 has 10 (outputs outside that range are unreliable)" \
    "a too-long input is warned about"

expect_exit 0 "reverse of four letters" -- "$TF" run --weights "$REV" --src "a b c d" --generate 8 -o ok.trace
[ -s "$WORK/err" ] && bad "an input within the range was warned about: $(cat "$WORK/err")" || ok "an input within the range is not"
tr -d '\000' <ok.trace | grep -aqF "warning =" && bad "the meta of a run within range has a warning" ||
    ok "nor is its trace"

# a batch: the first sentence outside, how many others; targets too
expect_exit 0 "a batch with targets" -- "$TF" run --weights "$REV" --src "a b c" --src "a" --src "b" \
    --tgt "c b a" --tgt "a" --tgt "b a b a b a b a b a b" -o batch.trace
expect_in "$WORK/err" "was trained on source sentences of 3–9 tokens; --src 2 has 1, and 1 other sentence is outside it too" \
    "names the first short source and counts the rest"
expect_in "$WORK/err" "was trained on target sentences of 3–9 tokens; --tgt 2 has 1, and 1 other sentence is outside it too" \
    "targets are held to the target range"
[ "$(wc -l <"$WORK/err")" -eq 2 ] && ok "one line per side" || bad "$(wc -l <"$WORK/err") warning lines for a batch"

# train records what it trained on; a random model records nothing
expect_exit 0 "train copy briefly" -- "$TF" train -q --task copy --steps 1 --batch 2 -o copy.tfw
expect_exit 0 "ls the trained model" -- "$TF" ls copy.tfw
expect_in "$WORK/out" "trained on: copy, source sentences of 3–9 tokens, target sentences of 3–9 tokens" \
    "a trained model records its task"
expect_exit 0 "save a random model" -- "$TF" run -q --src "a b" --d-model 8 --heads 2 --save-weights rand.tfw -o rand.trace
expect_exit 0 "ls the random model" -- "$TF" ls rand.tfw
expect_in "$WORK/out" "trained on: unknown" "a random model says unknown"
expect_exit 0 "run the random model on one word" -- "$TF" run --weights rand.tfw --src "a" -o r.trace
expect_not_in "$WORK/err" "warning" "an unknown range warns about nothing"
tr -d '\000' <r.trace | grep -aqF "trained_on = unknown" && ok "the meta says unknown" || bad "the meta lacks trained_on = unknown"

# train --init on another task: the new task replaces the file's
expect_exit 0 "continue copy.tfw on reverse" -- "$TF" train -q --task reverse --steps 1 --batch 2 --init copy.tfw -o rev2.tfw
expect_exit 0 "ls it" -- "$TF" ls rev2.tfw
expect_in "$WORK/out" "trained on: reverse," "--init takes the new task"

# eval on another task than the model's
expect_exit 0 "eval copy.tfw on reverse" -- "$TF" eval -q copy.tfw --task reverse
expect_in "$WORK/err" "traceformer: warning: copy.tfw was trained on task copy, not reverse" "eval names the other task"
expect_exit 0 "eval copy.tfw on copy" -- "$TF" eval -q copy.tfw --task copy
[ -s "$WORK/err" ] && bad "eval on its own task warned: $(cat "$WORK/err")" || ok "eval on its own task does not warn"

# each task's lengths are stated where a user looks
expect_exit 0 "train --help" -- "$TF" train --help
expect_in "$WORK/out" "copy, reverse and sort train on sentences of 3 to 9 symbols" "train --help states the sequence tasks' lengths"
expect_in "$WORK/out" "phrasebook on sentences of 3 to 5 words (targets 3 to 5)" "and the phrasebook's"
expect_in "$SRC/README.md" "\`copy\`, \`reverse\` and \`sort\` on 3 to 9 symbols" "the README states them"
expect_in "$SRC/README.md" "\`phrasebook\` on its grammar's sentences of 3 to 5" "the phrasebook's too"

finish
