# traceformer train and eval: a short run, reproducibility, the shipped
# models through run and eval, and every refusal with no file left behind.
. tests/cli/lib.sh
SRC=$(pwd)
cd "$WORK"

# nothing but the expected files: no output, no temporary file beside it
no_leftovers() {
    left=$(ls -A | grep -v -e '^ok\.tfw$' -e '^ok2\.tfw$' -e '^seed4\.tfw$' -e '^out$' -e '^err$' \
        -e '\.trace$' -e '^bad-copy\.tfw$' -e '^trunc\.tfw$' -e '^tty\.txt$' -e '^sub$')
    if [ -z "$left" ]; then ok "$1: no file left behind"; else bad "$1: left behind: $left"; fi
}

expect_exit 0 "train --help" -- "$TF" train --help
expect_in "$WORK/out" "--task NAME" "train --help describes --task"
expect_in "$WORK/out" "phrasebook" "train --help lists the tasks"
expect_exit 0 "eval --help" -- "$TF" eval --help
expect_in "$WORK/out" "exact match" "eval --help says what it measures"
expect_exit 0 "the command list" -- "$TF" --help
expect_in "$WORK/out" "train" "train is listed"
expect_in "$WORK/out" "eval" "eval is listed"

# a short run; not a terminal, so plain progress lines
expect_exit 0 "train copy, 40 steps" -- "$TF" train --task copy --steps 40 --batch 16 --seed 3 -o ok.tfw
[ -s ok.tfw ] && ok "the model is written" || bad "no model file"
expect_in "$WORK/err" "step 40/40" "plain progress lines reach the last step"
expect_in "$WORK/err" "tok/s" "progress shows tokens per second"
expect_not_in "$WORK/err" "$(printf '\r')" "no carriage returns off a terminal"
expect_in "$WORK/out" "held-out loss" "the summary gives the held-out loss"
expect_in "$WORK/out" "exact match" "and the exact match"
expect_in "$WORK/out" "wrote ok.tfw" "and names the file"
expect_exit 0 "train again with the same seed" -- "$TF" train -q --task copy --steps 40 --batch 16 --seed 3 -o ok2.tfw
cmp -s ok.tfw ok2.tfw && ok "the same seed gives the same file, bit for bit" || bad "two runs with one seed differ"
expect_exit 0 "train with another seed" -- "$TF" train -q --task copy --steps 40 --batch 16 --seed 4 -o seed4.tfw
cmp -s ok.tfw seed4.tfw && bad "another seed gave the same file" || ok "another seed gives another model"
[ -s "$WORK/out" ] && bad "-q printed something" || ok "-q prints nothing"

# a terminal: the bar is redrawn in place
if need script "the progress bar on a terminal"; then
    script -qec "'$TF' train --task copy --steps 30 --batch 8 -o sub.tfw" tty.txt >/dev/null 2>&1
    grep -q "$(printf '\r')" tty.txt && ok "on a terminal the bar is redrawn with carriage returns" \
        || bad "no carriage return on a terminal"
    expect_in tty.txt "ETA" "the bar shows the time left"
    expect_in tty.txt "] 100%" "the bar fills"
    rm -f sub.tfw
fi

# --config: the [model] section of an INI file; flags override it
printf '[model]\nd_model = 32\nheads = 2\nlayers = 1\n\n[vocab]\ntokens = x y\n' > small.ini
expect_exit 0 "train with --config" -- "$TF" train --task copy --steps 5 --config small.ini --heads 4 -o cfg.tfw
expect_in "$WORK/err" "d_model 32, 4 heads" "the file's d_model, the flag's heads"
expect_in "$WORK/err" "[vocab] and [input] are ignored" "says the task gives the vocabulary"
expect_exit 0 "eval the configured model" -- "$TF" eval cfg.tfw --task copy
printf '[model]\nd_model = lots\n' > broken.ini
expect_exit 2 "a broken config" -- "$TF" train --task copy --steps 5 --config broken.ini -o bad.tfw
expect_in "$WORK/err" "broken.ini:2" "names the file and line"
rm -f cfg.tfw small.ini broken.ini

# the model loads where models load
expect_exit 0 "eval the model" -- "$TF" eval ok.tfw --task copy
expect_in "$WORK/out" "token accuracy" "eval prints the token accuracy"
expect_in "$WORK/out" "held-out split of seed 3" "eval finds the training seed in the file"
expect_exit 0 "run --weights the model" -- "$TF" run -q --weights ok.tfw --src "a b c" --generate 6 -o g.trace

# the shipped models
M="$SRC/lessons/models"
expect_exit 0 "run the shipped phrasebook model" -- "$TF" run --weights "$M/phrasebook.tfw" --src "猫 追 老鼠" --generate 8 -o pb.trace
expect_in "$WORK/out" "<START> | cat chases mouse <END>" "猫 追 老鼠 -> cat chases mouse"
expect_exit 0 "run it the other way round" -- "$TF" run --weights "$M/phrasebook.tfw" --src "老鼠 追 猫" --generate 8 -o pb2.trace
expect_in "$WORK/out" "<START> | mouse chases cat <END>" "老鼠 追 猫 -> mouse chases cat"
expect_exit 0 "teacher forcing with the shipped model" -- "$TF" run -q --weights "$M/phrasebook.tfw" --src "我 爱 AI" --tgt "I love AI" -o tf.trace
expect_exit 0 "run the shipped reverse model" -- "$TF" run --weights "$M/reverse.tfw" --src "a b c d e" --generate 8 -o rev.trace
expect_in "$WORK/out" "<START> | e d c b a <END>" "reverse reverses"
expect_exit 0 "eval the shipped reverse model" -- "$TF" eval -q "$M/reverse.tfw" --task reverse
awk '{ exit !($1 >= 0.99) }' "$WORK/out" && ok "shipped reverse: held-out token accuracy $(cut -d' ' -f1 "$WORK/out") >= 0.99" \
    || bad "shipped reverse: held-out token accuracy $(cat "$WORK/out") below 0.99"
expect_exit 0 "eval the shipped phrasebook model" -- "$TF" eval -q "$M/phrasebook.tfw" --task phrasebook
awk '{ exit !($2 >= 0.95) }' "$WORK/out" && ok "shipped phrasebook: exact match $(cut -d' ' -f2 "$WORK/out") >= 0.95" \
    || bad "shipped phrasebook: exact match $(cat "$WORK/out") below 0.95"

# refusals: exit 2, a clear message, no file
expect_exit 2 "unknown task" -- "$TF" train --task translate -o bad.tfw
expect_in "$WORK/err" "unknown task 'translate'" "names the task"
expect_in "$WORK/err" "copy, reverse, sort, phrasebook and poems" "lists the known tasks"
no_leftovers "unknown task"
expect_exit 2 "zero steps" -- "$TF" train --task copy --steps 0 -o bad.tfw
expect_in "$WORK/err" "--steps 0: train for 1 to" "says at least 1 step"
expect_exit 2 "negative steps" -- "$TF" train --task copy --steps -5 -o bad.tfw
expect_in "$WORK/err" "--steps -5" "names the negative steps"
expect_exit 2 "steps not a number" -- "$TF" train --task copy --steps many -o bad.tfw
expect_in "$WORK/err" "--steps 'many' is not a whole number" "says not a number"
expect_exit 2 "batch 0" -- "$TF" train --task copy --batch 0 -o bad.tfw
expect_in "$WORK/err" "--batch 0" "names the batch"
expect_exit 2 "no task" -- "$TF" train -o bad.tfw
expect_in "$WORK/err" "no task" "says the task is missing"
expect_exit 2 "no output" -- "$TF" train --task copy
expect_in "$WORK/err" "-o FILE" "asks for -o"
expect_exit 2 "unknown option" -- "$TF" train --task copy --stepz 3 -o bad.tfw
expect_in "$WORK/err" "unknown option '--stepz'" "names the option"
expect_exit 2 "bad model flag" -- "$TF" train --task copy --d-model 30 --heads 4 -o bad.tfw
expect_in "$WORK/err" "d_model" "names the config key"
expect_exit 2 "max_len too short for the task" -- "$TF" train --task copy --max-len 5 -o bad.tfw
expect_in "$WORK/err" "max_len = 5" "names max_len"
no_leftovers "bad options"

# damaged checkpoints
cp ok.tfw bad-copy.tfw
printf 'X' | dd of=bad-copy.tfw bs=1 seek=300 conv=notrunc 2>/dev/null
expect_exit 2 "eval a corrupt checkpoint" -- "$TF" eval bad-copy.tfw --task copy
expect_in "$WORK/err" "checksum mismatch" "says it is corrupted"
expect_in "$WORK/err" "bad-copy.tfw: byte" "names the file and byte"
head -c 2000 ok.tfw > trunc.tfw
expect_exit 2 "eval a truncated checkpoint" -- "$TF" eval trunc.tfw --task copy
expect_in "$WORK/err" "trunc.tfw" "names the truncated file"
expect_exit 2 "train from a corrupt checkpoint" -- "$TF" train --task copy --steps 5 --init bad-copy.tfw -o bad.tfw
expect_in "$WORK/err" "checksum mismatch" "refuses to start from it"
expect_exit 2 "eval a missing checkpoint" -- "$TF" eval nothing.tfw --task copy
expect_in "$WORK/err" "nothing.tfw: cannot open" "names the missing file"
expect_exit 0 "eval with no task" -- "$TF" eval ok.tfw
expect_in "$WORK/out" "on task copy" "eval takes the task the model records"
"$TF" run -q --src "a b" --d-model 8 --heads 2 --save-weights rand.tfw -o rand.trace >/dev/null 2>&1
expect_exit 2 "eval with no task of a model that records none" -- "$TF" eval rand.tfw
expect_in "$WORK/err" "rand.tfw records no task: give --task" "eval then needs --task"
rm -f rand.tfw rand.trace

# checkpoints that do not match the task or the flags
expect_exit 2 "a copy model on the phrasebook" -- "$TF" eval ok.tfw --task phrasebook
expect_in "$WORK/err" "ok.tfw: the model's vocabulary has 14 tokens, task phrasebook's has 71" "names both vocabularies"
expect_exit 2 "continue a copy model on the phrasebook" -- "$TF" train --task phrasebook --steps 5 --init ok.tfw -o bad.tfw
expect_in "$WORK/err" "vocabulary" "names the vocabulary"
expect_exit 2 "flags that contradict the checkpoint" -- "$TF" train --task copy --steps 5 --init ok.tfw --d-model 32 -o bad.tfw
expect_in "$WORK/err" "--d-model 32 contradicts ok.tfw (d_model = 64)" "names the setting, both values and the file"
no_leftovers "mismatched checkpoints"
expect_exit 0 "continue training a checkpoint" -- "$TF" train -q --task copy --steps 5 --init ok.tfw --d-model 64 -o ok2.tfw
cmp -s ok.tfw ok2.tfw && bad "continued training changed nothing" || ok "continued training changes the weights"

# a runtime failure: the output cannot be written; found before training
expect_exit 1 "output in a missing directory" -- "$TF" train --task copy --steps 5 -o nodir/m.tfw
expect_in "$WORK/err" "nodir/m.tfw: cannot create" "names the output"
expect_not_in "$WORK/err" "step " "fails before training"
no_leftovers "unwritable output"

finish
