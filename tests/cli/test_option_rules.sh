# The rules every subcommand's options follow, now that each command parses
# them from one table (src/cli/cli_options.c): the same argument forms
# everywhere, a missing value named, an option given twice, help from the
# table, and the model flags taken from the config key table.
. tests/cli/lib.sh
KEYS=${TF_SOURCE_DIR:-$PWD}/src/model/config_keys.h
cd "$WORK"

"$TF" run -q --src "猫 追 老鼠" -o a.trace || bad "run to a.trace"

# ---- --name=VALUE is --name VALUE, on every command ----
"$TF" run -q --src "a b" --heads 2 --d-model 8 -o sep.trace || bad "run with separate values"
"$TF" run -q --src="a b" --heads=2 --d-model=8 --output=eq.trace || bad "run with --name=VALUE"
"$TF" show sep.trace enc.0.attn.weights > sep.txt 2>&1
"$TF" show eq.trace enc.0.attn.weights --precision=4 > eq.txt 2>&1
if cmp -s sep.txt eq.txt && grep -q "head 1" eq.txt; then ok "run: --heads=2 is --heads 2"; else
    bad "run: --name=VALUE gave another trace"; diff sep.txt eq.txt | head -5; fi
expect_exit 0 "lesson --lang=zh --list" -- "$TF" lesson --lang=zh --list
"$TF" lesson --lang zh --list > zh.txt
if cmp -s zh.txt "$WORK/out"; then ok "lesson: --lang=zh is --lang zh"; else bad "lesson --lang=zh differs"; fi
expect_exit 0 "train --task=copy --output=m.tfw" -- "$TF" train -q --task=copy --steps=1 --batch=2 --output=m.tfw
expect_exit 0 "eval m.tfw --task=copy --split=train" -- "$TF" eval m.tfw --task=copy --split=train -q
# A switch takes no value.
expect_exit 2 "run --quiet=yes" -- "$TF" run --quiet=yes --src a
expect_in "$WORK/err" "unknown option '--quiet=yes'" "a switch with a value is no option"
expect_in "$WORK/err" "did you mean --quiet?" "and --quiet is suggested"
# A misspelling with its value is suggested by its name.
expect_exit 2 "run --heds=2" -- "$TF" run --heds=2 --src a
expect_in "$WORK/err" "did you mean --heads?" "--heds=2: did you mean --heads"

# ---- a value-taking option last on the line: "needs a value" ----
# COMMAND ARGS... | the message
while IFS='|' read -r args says; do
    # shellcheck disable=SC2086 # args is a word list on purpose
    expect_exit 2 "$args" -- "$TF" $args
    expect_in "$WORK/err" "$says" "$args: $says"
done <<'EOF'
run --src a --config|traceformer run: --config needs a value
run --src a --heads|traceformer run: --heads needs a value
run --src a -o|traceformer run: -o needs a value
train --task copy --steps|traceformer train: --steps needs a value
eval m.tfw --task|traceformer eval: --task needs a value
plot a.trace --format|traceformer plot: --format needs a value
export a.trace -o|traceformer export: -o needs a value
show a.trace src.tokens --head|traceformer show: --head needs a value
view a.trace --compare|traceformer view: --compare needs a value
lesson 1 --lang|traceformer lesson: --lang needs a value
EOF

# ---- an option given twice ----
# Where one value is all there can be (plot's and export's), twice is bad usage.
mkdir d e
expect_exit 2 "plot -o d -o e" -- "$TF" plot a.trace enc.0.attn.weights -o d -o e
expect_in "$WORK/err" "traceformer plot: --output given twice" "plot: -o twice is refused"
expect_exit 2 "export --format npy --format=csv" -- "$TF" export a.trace --format npy --format=csv -o d
expect_in "$WORK/err" "traceformer export: --format given twice" "export: --format twice is refused"
expect_exit 2 "show --head 1 twice is fine, plot's is not" -- "$TF" plot a.trace --head 0 --head 1 -o d
expect_in "$WORK/err" "--head given twice" "plot: --head twice is refused"
if [ -z "$(ls -A d)" ] && [ -z "$(ls -A e)" ]; then ok "nothing drawn or written for a refused repeat"; else bad "files in d or e"; fi
# Elsewhere the last one counts.
"$TF" run -q --src a -o first.trace -o last.trace || bad "run with -o twice"
if [ -f last.trace ] && [ ! -e first.trace ]; then ok "run: the last -o counts"; else
    bad "run: -o twice wrote $(ls ./*.trace)"; fi
"$TF" show a.trace enc.0.attn.weights --head 0 --head 1 > last.txt
if grep -q "head 1" last.txt && ! grep -q "head 0" last.txt; then ok "show: the last --head counts"; else
    bad "show --head 0 --head 1 did not show head 1 alone"; fi
# Model flags are all kept, in order: the last --heads wins, every --src is a sentence.
"$TF" run -q --src a --src "b c" --heads 4 --heads 2 --d-model 8 -o two.trace || bad "run with repeated model flags"
"$TF" ls two.trace > two.txt
if grep -q "enc.0.attn.weights *\[batch=2, head=2," two.txt; then ok "run: two --src, the last --heads"; else
    bad "run: repeated model flags"; grep attn.weights two.txt | head -2; fi

# ---- -h is --help, and nothing after it is read ----
for cmd in run train eval plot export show ls view lesson; do
    "$TF" "$cmd" --help > help.txt 2>&1 || bad "$cmd --help failed"
    if "$TF" "$cmd" -h --frobnicate > h.txt 2>&1 && cmp -s help.txt h.txt; then ok "$cmd: -h is --help, the rest unread"
    else bad "$cmd -h --frobnicate is not --help"; fi
done

# ---- the model flags are the config keys ----
# Every key of CONFIG_KEYS, as --flag: run lists and takes every one; train
# those marked FLAG_ANY, and calls the others unknown (--seed is train's own).
{ tr -d '\\\n' < "$KEYS" | sed 's/ *X(/\nX(/g' | grep -E '^X\([A-Z_]+, "' |
    sed -E 's/^X\([A-Z_]+, "([a-z_]+)".*(FLAG_[A-Z]+)\).*$/\1 \2/'; echo; } | grep . > keys.txt
n=$(wc -l < keys.txt)
if [ "$n" -ge 20 ]; then ok "read $n keys from config_keys.h"; else bad "read only $n keys from $KEYS"; fi
"$TF" run --help > run.txt
"$TF" train --help > train.txt
while read -r key who; do
    flag=--$(echo "$key" | tr _ -)
    [ "$key" = tokens ] && flag=--vocab   # shown by its other name
    grep -q -- "$flag " run.txt || bad "run --help does not list $flag"
    (cd "$WORK" && "$TF" run "$flag" </dev/null >/dev/null 2>err.k)
    grep -q "unknown option" err.k && bad "run calls $flag unknown"
    if [ "$who" = FLAG_ANY ]; then
        grep -q -- "$flag " train.txt || bad "train --help does not list $flag"
        (cd "$WORK" && "$TF" train "$flag" </dev/null >/dev/null 2>err.k)
        grep -q "unknown option" err.k && bad "train calls $flag unknown"
    elif [ "$key" != seed ]; then
        grep -q -- "$flag " train.txt && bad "train --help lists $flag, which a task decides"
        (cd "$WORK" && "$TF" train --task copy -o x.tfw "$flag" v </dev/null >/dev/null 2>err.k)
        grep -q "unknown option '$flag'" err.k || bad "train takes $flag, which a task decides"
    fi
done < keys.txt
ok "run and train list and take the flags of the config keys they should"
"$TF" run -q --src a --tokens "a b" -o tok.trace 2>err.tok || bad "run --tokens (the key's own name)"

finish
