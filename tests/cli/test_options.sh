# Options every subcommand shares the rules of: a misspelled option is bad
# usage (exit 2) with a "did you mean", and -o is checked before any work.
. tests/cli/lib.sh
cd "$WORK"

# ---- a misspelled option names the option and suggests the right one ----
# COMMAND ARGS... | the misspelling | the suggestion
while IFS="|" read -r args typo hint; do
    # shellcheck disable=SC2086 # args is a word list on purpose
    expect_exit 2 "$args" -- "$TF" $args
    expect_in "$WORK/err" "unknown option '$typo'" "$args: names the option"
    expect_in "$WORK/err" "hint: did you mean $hint?" "$args: suggests $hint"
done <<'EOF'
run --heds 2|--heds|--heads
run --src a --tg b|--tg|--tgt
run --temprature 1|--temprature|--temperature
train --task copy --stepz 3 -o x.tfw|--stepz|--steps
train --task copy --lr-scal 2 -o x.tfw|--lr-scal|--lr-scale
eval m.tfw --splt train|--splt|--split
plot t.trace --fromat png -o d|--fromat|--format
export t.trace --formt=npy -o d|--formt=npy|--format
show t.trace x --hed 1|--hed|--head
show t.trace x --precison 2|--precison|--precision
ls t.trace --hlep|--hlep|--help
view t.trace --compar u.trace|--compar|--compare
lesson 1 --chek|--chek|--check
lesson 1 --causal-msk off|--causal-msk|--causal-mask
EOF

# Nothing near: no guess, the pointer to --help instead.
expect_exit 2 "run --frobnicate" -- "$TF" run --frobnicate 3
expect_not_in "$WORK/err" "did you mean" "no guess for a word nothing is near"
expect_in "$WORK/err" "traceformer run --help" "points to --help instead"
expect_exit 2 "a misspelled command" -- "$TF" lessn 1
expect_in "$WORK/err" "did you mean \`traceformer lesson\`" "a command gets a did-you-mean too"

# Every option a command's --help lists is one the command knows: given
# alone (a value-taking one without its value), none is "unknown". Lines
# quoting another command (`traceformer run --weights FILE`) are skipped.
for cmd in run train eval plot export show ls view lesson; do
    "$TF" "$cmd" --help | grep -v '`traceformer' | grep -oE '(^|[][ (,|])--[a-z][a-z-]*' | sed 's/^[][ (,|]*//' | sort -u > opts
    n=0
    while read -r opt; do
        (cd "$WORK" && "$TF" "$cmd" "$opt" </dev/null >/dev/null 2>err.opt)
        if grep -q "unknown option" err.opt; then bad "$cmd --help lists $opt, which $cmd calls unknown"; fi
        # and with a typo, it is the one suggested
        (cd "$WORK" && "$TF" "$cmd" "${opt}x" </dev/null >/dev/null 2>err.opt)
        if ! grep -qE -- "did you mean .*$opt([ ,?]|$)" err.opt; then
            bad "$cmd ${opt}x does not suggest $opt:"; sed 's/^/       | /' err.opt
        fi
        n=$((n + 1))
    done < opts
    ok "$cmd: the $n options of --help are all known, and suggested when misspelled"
done

# ---- -o and its kin: refused before any work when they cannot be right ----
"$TF" run -q --src "猫 追 老鼠" -o a.trace || bad "run to a.trace"
"$TF" train -q --task copy --steps 1 --batch 2 -o a.tfw || bad "train to a.tfw"
printf '[input]\nsrc = a b\n' > c.ini
mkdir d
touch f
for f in a.trace a.tfw c.ini; do cp "$f" "$f.before"; done
# COMMAND ARGS... | the text the message must hold (it names the path)
while IFS='|' read -r args says; do
    # shellcheck disable=SC2086 # args is a word list on purpose
    expect_exit 2 "$args" -- "$TF" $args
    expect_in "$WORK/err" "$says" "$args: says why, naming the path"
done <<'EOF2'
run -q --src a -o d|-o 'd' is a directory
run -q --src a -o new/|-o 'new/' names a directory
run -q --config c.ini -o c.ini|-o 'c.ini' is the --config file
run -q --src a --weights a.tfw -o ./a.tfw|-o './a.tfw' is the --weights file
run -q --src a --save-weights d|--save-weights 'd' is a directory
run -q --src a --save-weights x -o x|-o and --save-weights both name 'x'
run -q --src a --export-weights f|--export-weights 'f' is not a directory
train -q --task copy --steps 1 -o d|-o 'd' is a directory
train -q --task copy --steps 1 --init a.tfw -o a.tfw|-o 'a.tfw' is the --init file
train -q --task copy --steps 1 --config c.ini -o c.ini|-o 'c.ini' is the --config file
export a.trace --format npy -o f|-o 'f' is not a directory
export a.trace --format npy -o a.trace|-o 'a.trace' is not a directory
plot a.trace enc.0.attn.weights -o f|-o 'f' is not a directory
lesson 1 --plot f|--plot 'f' is not a directory
lesson 1 --check --traces f|--traces 'f' is not a directory
view a.trace --plots f|--plots 'f' is not a directory
EOF2
if cmp -s a.trace a.trace.before && cmp -s a.tfw a.tfw.before && cmp -s c.ini c.ini.before &&
    [ ! -s f ] && [ -z "$(ls d)" ]; then
    ok "nothing was written: the inputs, f and d are as they were"
else bad "a refused command wrote something"; ls -la . d; fi
expect_absent "$WORK/new" "no directory made for a refused -o new/"

finish
