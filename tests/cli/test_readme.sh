# What README.md tells a newcomer holds for the program as built: how to
# call it before the first command, the sentence limit, and the training
# step counts (from the program itself, not from a copy of its numbers).
. tests/cli/lib.sh
README="$PWD/README.md"
cd "$WORK"

# ---- the PATH note comes before the first `traceformer` command ----
path_line=$(grep -n 'build/` on your `PATH`' "$README" | head -1 | cut -d: -f1)
first_cmd=$(grep -n '^traceformer ' "$README" | head -1 | cut -d: -f1)
if [ -n "$path_line" ] && [ -n "$first_cmd" ] && [ "$path_line" -lt "$first_cmd" ]; then
    ok "the PATH note (line $path_line) comes before the first command (line $first_cmd)"
else bad "the PATH note (line ${path_line:-none}) is not before the first command (line ${first_cmd:-none})"; fi

# ---- the sentence limit the README states is the program's ----
expect_in "$README" "A sentence is at most 511 bytes" "the README states the sentence limit"
w511=$(printf '%511s' '' | tr ' ' a)
expect_exit 0 "a 511-byte sentence is taken" -- "$TF" run -q --src "$w511" -o ok.trace
expect_exit 2 "a 512-byte sentence is refused" -- "$TF" run -q --src "${w511}a" -o no.trace
expect_in "$WORK/err" "512 bytes, longer than the limit of 511" "naming its length and the limit"
printf '[input]\nsrc = %s\n' "${w511}a" > long.ini
expect_exit 2 "in a config too" -- "$TF" run -q --config long.ini -o no.trace
expect_in "$WORK/err" "long.ini:2: src is 512 bytes" "naming the file and line"
expect_exit 2 "and in a lesson's --src" -- "$TF" lesson 1 --check --src "${w511}a"

# ---- training step counts: README, train --help and the program agree ----
"$TF" train --help > help.txt
for task in copy reverse sort phrasebook; do
    # The program says its plan on its first line, then trains: stop it there.
    rm -f fifo; mkfifo fifo
    "$TF" train --task "$task" -o "$task.tfw" 2>fifo >/dev/null &
    pid=$!
    line=$(head -1 fifo)
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    steps=$(echo "$line" | sed -n 's/^training [a-z]*: \([0-9]*\) steps.*/\1/p')
    if [ -z "$steps" ]; then bad "train --task $task: no step count in '$line'"; continue; fi
    if tr -s ' \n' ' ' < help.txt | grep -qE "(per task:|,) ([a-z]+ [0-9]+, )*$task $steps[,)]"; then
        ok "train --help: $task $steps steps, as trained"
    else bad "train --help does not say $task $steps (what train does)"; fi
    if tr -s ' \n' ' ' < "$README" | grep -qE "$steps steps for ([a-z]+ and )?$task|$steps for $task|$steps steps for [a-z]+ and $task"; then
        ok "README: $task $steps steps, as trained"
    else bad "README does not say $steps steps for $task (what train does)"; fi
done

finish
