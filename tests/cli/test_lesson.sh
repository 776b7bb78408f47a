# traceformer lesson: --list, --check (and a broken engine), --plot, the
# printed walk-through, and lessons refused with their file and line.
. tests/cli/lib.sh
SRC=$(pwd)
cd "$WORK"

expect_exit 0 "lesson --help" -- "$TF" lesson --help
expect_in "$WORK/out" "--check" "help describes --check"
expect_in "$WORK/out" "--plot DIR" "help describes --plot"

expect_exit 0 "lesson --list" -- "$TF" lesson --list
for slug in self-attention positional-encoding decoder masks; do
    expect_in "$WORK/out" "$slug" "--list shows $slug"
done
expect_exit 0 "lesson --list --lang zh" -- "$TF" lesson --list --lang zh
expect_in "$WORK/out" "掩码" "--list in Chinese"

# every lesson's claims hold on fresh traces
for n in 1 3 4 7; do
    expect_exit 0 "lesson $n --check" -- "$TF" lesson $n --check
    expect_in "$WORK/out" "PASS" "lesson $n: claims printed with PASS"
    expect_in "$WORK/out" "measured:" "lesson $n: with the measured value"
    expect_not_in "$WORK/out" "FAIL" "lesson $n: no claim fails"
done

# a deliberately broken engine: the claims about the broken part fail
expect_exit 1 "lesson 7 without the causal mask" -- "$TF" lesson 7 --check --causal-mask off
expect_in "$WORK/out" "FAIL  No decoder position puts any weight on a later position" "the causal claim fails"
expect_in "$WORK/out" "PASS  Every weight on a <PAD> key" "the padding claim still holds"
expect_exit 1 "lesson 7 without the padding mask" -- "$TF" lesson 7 --check --padding-mask off
expect_in "$WORK/out" "FAIL  Padding leaves the real tokens unchanged" "padding now changes real tokens"
expect_exit 1 "lesson 3 with positions" -- "$TF" lesson 3 --check --positions sinusoidal
expect_in "$WORK/out" "FAIL  Without positions, swapping" "the permutation claim fails"
expect_exit 1 "lesson 4 without the causal mask" -- "$TF" lesson 4 --check --causal-mask off
expect_in "$WORK/out" "FAIL  Generation fed the prompt computes the same logits" "training and generation disagree"
expect_exit 2 "--causal-mask maybe" -- "$TF" lesson 7 --check --causal-mask maybe
expect_exit 1 "lesson 8 without residual connections" -- "$TF" lesson 8 --check --residual off
expect_in "$WORK/out" "FAIL  Residuals carry the gradient down" "the claim about the gradient with residuals fails"
expect_in "$WORK/out" "FAIL  Pre-LN with residuals" "the highway claim fails"
expect_in "$WORK/out" "FAIL  Residuals keep the tokens apart" "the contrast with the run without them is gone"
expect_in "$WORK/out" "FAIL  Trained on copy for 100 updates" "the model trained with residuals no longer learns"
expect_in "$WORK/out" "FAIL  Post-LN needs its warm-up" "nor does post-LN with its warm-up"
expect_in "$WORK/out" "0 of 5 claims hold" "all five fail"
expect_exit 0 "lesson 8 --residual on" -- "$TF" lesson 8 --check --residual on
expect_exit 2 "--residual maybe" -- "$TF" lesson 8 --check --residual maybe
expect_in "$WORK/err" "--residual 'maybe': on or off" "says what --residual takes"
expect_exit 0 "an edited sentence" -- "$TF" lesson 1 --check --src "the mouse was tired"
expect_in "$WORK/out" "16 == 16" "the edited sentence was run, its claims sized from the trace"

# the traces can be kept
expect_exit 0 "lesson 3 --check --traces" -- "$TF" lesson 3 --check --traces kept
for run in main swapped sinusoidal sinusoidal_swapped relative rope; do
    [ -s "kept/$run.trace" ] && ok "kept/$run.trace written" || bad "kept/$run.trace missing"
done
expect_exit 0 "ls a kept trace" -- "$TF" ls kept/swapped.trace

# figures: every lesson's render, every path printed exists and is not empty
for n in 1 3 4 7; do
    expect_exit 0 "lesson $n --plot" -- "$TF" lesson $n --plot "fig$n"
    count=0; empty=0
    while read -r p; do
        count=$((count + 1)); [ -s "$p" ] || empty=$((empty + 1))
    done < "$WORK/out"
    [ "$count" -ge 3 ] && [ "$empty" -eq 0 ] && ok "lesson $n: $count figures, none empty" \
        || bad "lesson $n: $count figures, $empty empty"
done
expect_in "$WORK/out" "fig7/dec.0.self_attn.mask.batch1.png" "a figure of one sentence of the batch"
# lesson 7's padded sentence: masked cells from the mask record, and the
# entropy reference over the visible keys (3 of 5 in every row: log2 3)
expect_exit 0 "lesson 7 --plot svg" -- "$TF" lesson 7 --plot fig7svg --format svg
expect_in fig7svg/enc.0.attn.weights.batch1.svg "masked: the block's mask hides this key" "lesson 7: the legend entry for masked cells"
expect_in fig7svg/enc.0.attn.weights.batch1.svg "(uniform over the visible keys: 1.58)" "lesson 7: the reference over the visible keys"
expect_exit 0 "lesson 4 --plot" -- "$TF" lesson 4 --plot fig4b
expect_in "$WORK/out" "gen.dec.0.self_attn.weights.png" "the generation figure, from run gen"
expect_exit 0 "lesson 1 --plot svg" -- "$TF" lesson 1 --plot svg --format svg
expect_in "$WORK/out" "svg/enc.0.attn.weights.svg" "SVG figures"
expect_exit 2 "--format without --plot" -- "$TF" lesson 1 --format svg

# lesson 8: two runs on one figure, titles, a source line without the
# temporary trace path, every layer on the gradient axis
expect_exit 0 "lesson 8 --plot svg" -- "$TF" lesson 8 --plot fig8 --format svg
expect_in "$WORK/out" "fig8/norms.vs-off.svg" "post-LN with vs without residuals, one figure"
expect_in "$WORK/out" "fig8/pre/norms.vs-pre_off.svg" "pre-LN with vs without residuals, one figure"
for f in fig8/norms.vs-off.svg fig8/pre/norms.vs-pre_off.svg fig8/norms.svg; do
    [ -s "$f" ] && ok "$f written" || bad "$f missing or empty"
done
expect_in fig8/norms.vs-off.svg ">Post-LN with residuals (solid) and without (dashed)" "the figure's title from lesson.ini"
expect_in fig8/norms.vs-off.svg ">lesson 8 · run main vs run off<" "the source line names the lesson and both runs"
expect_in fig8/norms.vs-off.svg "(run off)<" "the legend names the compared run"
expect_in fig8/norms.vs-off.svg "(run main)<" "and the first run"
expect_in fig8/off/enc.memory.svg "lesson 8 · run off · enc.memory" "a record's source line"
expect_in fig8/off/enc.memory.svg ">Encoder output without residuals: three identical rows<" "a record's title"
if grep -l "traceformer-lesson" fig8/*.svg fig8/*/*.svg >/dev/null 2>&1; then
    bad "a lesson figure shows the temporary trace path: $(grep -l traceformer-lesson fig8/*.svg fig8/*/*.svg)"
else ok "no lesson figure shows the temporary trace path"; fi
expect_in fig8/norms.vs-off.svg ">stream gradient entering each layer ÷ leaving the top layer<" "lesson 8: the ratio panel"
expect_in fig8/norms.vs-off.svg ">weight gradients of each layer (L2 norm)<" "lesson 8: the weight gradient bars"
expect_in fig8/norms.vs-off.svg ">vanished: below 1e-6 (0: underflowed)<" "lesson 8: vanished gradients named in the legend"
expect_in fig8/norms.vs-off.svg "exactly 0 (underflowed), drawn as vanished: decoder stream gradient in layers 0-2" "lesson 8: the run without residuals' zeros named"
expect_not_in fig8/norms.vs-off.svg ">1e-40<" "lesson 8: no gradient axis down to 1e-40"
expect_in fig8/norms.svg ">enc.3<" "a deep stack: one label per layer"
expect_not_in fig8/norms.svg ">enc.3.ln1<" "not one per record"
# lesson 8's chart of its training runs: the held-out loss of each, as the claims measure it
if need gnuplot "lesson 8's chart"; then
    if [ -s fig8/learning.svg ] && [ -s fig8/learning.dat ]; then ok "learning.svg and learning.dat written"; else
        bad "no fig8/learning.svg or fig8/learning.dat"; fi
    expect_in fig8/learning.dat "# series 1 2: pre-LN, no residuals, warm-up 30" "the chart names the run without residuals"
    if awk '/^# block: panel 1, series 1$/ { on = 1; next } on && $1 == 100 { print $2; exit }' fig8/learning.dat |
        grep -q '^0\.4803'; then ok "pre-LN with residuals at update 100: 0.4803, as claim trains measures"; else
        bad "the chart's last value for run learn is not 0.4803"; sed 's/^/       | /' fig8/learning.dat | head -30; fi
fi
expect_exit 0 "lesson 8 --plot png" -- "$TF" lesson 8 --plot fig8png
w=$(od -An -tu1 -j16 -N4 fig8png/norms.vs-off.png | awk '{ print $1*16777216+$2*65536+$3*256+$4 }')
[ -n "$w" ] && [ "$w" -le 2000 ] && ok "8 + 8 layers fit $w px" || bad "norms.vs-off.png is $w px wide"
# the off run alone: its stream norms stay below 7, so a tic "7" is the gradient panel's last layer
expect_exit 0 "lesson 8 traces" -- "$TF" lesson 8 --check --traces k8
expect_exit 0 "plot the off run's norms" -- "$TF" plot k8/off.trace norms --format svg -o off8
expect_in off8/norms.svg "<text>7</text>" "the gradient axis reaches layer 7"
expect_in off8/norms.svg ">k8/off.trace<" "traceformer plot still names the trace"

# figure = REF vs @RUN: refused with the line for anything but norms and a defined other run
mkdir -p bad/08-cmp
cp "$SRC/lessons/08-residual/lesson.md" bad/08-cmp/
for case in "enc.memory vs @off|cannot compare two runs" "norms vs off|as @RUN" \
            "norms vs @nope|run 'nope'" "norms vs @main|with itself" "norms@off vs @off|with itself"; do
    fig=${case%%|*}; why=${case#*|}
    sed "s/^figure = norms | /figure = $fig | /" "$SRC/lessons/08-residual/lesson.ini" > bad/08-cmp/lesson.ini
    line=$(grep -n "^figure = $fig |" bad/08-cmp/lesson.ini | cut -d: -f1)
    expect_exit 2 "figure = $fig" -- "$TF" lesson ./bad/08-cmp --check
    expect_in "$WORK/err" "lesson.ini:$line:" "figure = $fig: names the line"
    expect_in "$WORK/err" "$why" "figure = $fig: says why"
done

# without a terminal: the walk-through, then the claims
expect_exit 0 "lesson 1, no terminal" -- "$TF" lesson 1 </dev/null
expect_in "$WORK/out" "step 1 of 12: src.tokens" "the steps in order"
expect_in "$WORK/out" "The input, split into eight tokens" "step 1's narration"
expect_in "$WORK/out" "3 of 3 claims hold" "the claims at the end"
expect_in "$WORK/out" "3 of 3 facts hold" "and the facts, apart"
expect_exit 0 "lesson 7 --lang zh" -- "$TF" lesson 7 --lang zh </dev/null
expect_in "$WORK/out" "两种掩码" "the Chinese title"
expect_in "$WORK/out" "编码器" "Chinese narration"
zh_note=$(sed -n 's/^step\.zh *= *//p' "$SRC/lessons/07-masks/lesson.ini" | head -1)
expect_in "$WORK/out" "第 1 步，共 14 步：src.tokens [batch=2, token=5] — $zh_note" "step 1's note in Chinese"
expect_exit 0 "lesson 7 --walk --lang en" -- "$TF" lesson 7 --walk </dev/null
expect_not_in "$WORK/out" "$zh_note" "in English, no Chinese note"
expect_exit 0 "run --lesson 3" -- "$TF" run -q --lesson 3 -o l3.trace
expect_exit 0 "run --lesson masks" -- "$TF" run -q --lesson masks -o l7.trace
# a number names that lesson, never the lessons it begins (1 is not 10 or 11)
expect_exit 0 "run --lesson 1" -- "$TF" run -q --lesson 1 -o l1.trace
expect_exit 0 "run --lesson 01-self-attention" -- "$TF" run -q --lesson 01-self-attention -o l01.trace
"$TF" ls l1.trace > l1.ls 2>&1; "$TF" ls l01.trace > l01.ls 2>&1
cmp -s l1.ls l01.ls || bad "run --lesson 1 traced another lesson than 01-self-attention"
expect_exit 2 "a prefix of several lessons" -- "$TF" run -q --lesson 0 -o l0.trace
expect_in "$WORK/err" "'0' begins the names of" "says the name is ambiguous"

# refusals: exit 2, naming the file and line
expect_exit 2 "no such lesson" -- "$TF" lesson 99 --check
expect_in "$WORK/err" "no lesson '99'" "says which"
expect_exit 2 "no lesson given" -- "$TF" lesson --check
expect_exit 2 "unknown option" -- "$TF" lesson 1 --frobnicate
mkdir -p bad/01-bad
cp "$SRC/lessons/01-self-attention/lesson.ini" "$SRC/lessons/01-self-attention/lesson.md" bad/01-bad/
sed 's/^check = min(enc.0.attn.weights) > 0$/check = min(enc.0.attn.weights) >> 0/' \
    "$SRC/lessons/01-self-attention/lesson.ini" > bad/01-bad/lesson.ini
line=$(grep -n '>> 0' bad/01-bad/lesson.ini | cut -d: -f1)
expect_exit 2 "a malformed claim" -- "$TF" lesson ./bad/01-bad --check
expect_in "$WORK/err" "lesson.ini:$line: bad claim" "names the file and line of the claim"
sed 's/^step = enc.0.attn.v |/step = enc.0.attn.vv |/' "$SRC/lessons/01-self-attention/lesson.ini" > bad/01-bad/lesson.ini
sed 's/^## enc.0.attn.v$/## enc.0.attn.vv/' "$SRC/lessons/01-self-attention/lesson.md" > bad/01-bad/lesson.md
line=$(grep -n 'enc.0.attn.vv' bad/01-bad/lesson.ini | cut -d: -f1)
expect_exit 2 "a step naming no record" -- "$TF" lesson ./bad/01-bad --check
expect_in "$WORK/err" "lesson.ini:$line: step 'enc.0.attn.vv' matches no record of run main" "names the step's line"
expect_in "$WORK/err" "enc.0.attn.v" "and the closest record"
grep -v '^title = ' "$SRC/lessons/01-self-attention/lesson.ini" > bad/01-bad/lesson.ini
expect_exit 2 "a missing title" -- "$TF" lesson ./bad/01-bad --check
expect_in "$WORK/err" "needs a title" "says what is missing"

finish
