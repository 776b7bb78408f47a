# What breaks each claim: `traceformer lesson N --breaks` checks every
# claim and fact under every switch and prints the matrix, marking each
# cell that is not as the lesson declares (breaks = SWITCH on a claim; a
# fact holds under every switch). A shipped lesson is as it declares
# (exit 0); a lesson that declares the wrong switch, or a switch that
# changes nothing, gets its cells marked and exit 1.
. tests/cli/lib.sh
SRC=$(pwd)
cd "$WORK"

# Every shipped lesson's whole matrix is asserted once, in
# tests/unit/test_lessons.c (test_breaks_matrix); here the command line:
# its exit code, its counts, its columns and its marks.
expect_exit 0 "lesson 7 --breaks" -- "$TF" lesson 7 --breaks
expect_in "$WORK/out" "0 cells not as declared; 0 errors" "lesson 7: every cell as declared"
expect_in "$WORK/out" "lesson 7: 3 claims, 3 broken by a switch they declare; 1 facts" "lesson 7's counts"
expect_in "$WORK/out" " 1  causal-mask=off" "the columns are the table's switches at their breaking values"
expect_in "$WORK/out" "cache=off                   — no effect: every trace as without it" \
    "a switch that changes nothing is said to, not drawn as 'holds'"
# the row of the padding claim: holds on the lesson, FAILS under padding-mask=off only
row=$(grep -a -E '^claim +padding_zero ' "$WORK/out")
case "$row" in
*FAILS*FAILS*) bad "padding_zero fails under two switches: $row" ;;
*FAILS*) ok "padding_zero fails under one switch" ;;
*) bad "padding_zero fails under none: $row" ;;
esac
expect_in "$WORK/out" "fact     masked_exactly_zero" "facts are rows of their own"

# a switch value named by a claim becomes a column of its own
expect_exit 0 "lesson 3 --breaks" -- "$TF" lesson 3 --breaks
expect_in "$WORK/out" "12  positions=sinusoidal        (named by a claim's breaks =)" "positions=sinusoidal, from breaks ="
expect_in "$WORK/out" " 3  positions=none              — no effect" "lesson 3 already has no positions"

# the student's sentence is the base of every column
expect_exit 0 "lesson 1 --breaks --src" -- "$TF" lesson 1 --breaks --src "the mouse was tired"

# a lesson that declares the wrong switch
mkdir -p data/lessons
cp -r "$SRC/lessons/01-self-attention" data/lessons/01-wrong
sed -i 's/^breaks = scale$/breaks = residual/' data/lessons/01-wrong/lesson.ini
expect_exit 1 "a wrong declaration" -- "$TF" lesson ./data/lessons/01-wrong --breaks
expect_in "$WORK/out" "FAILS!" "the switch that breaks it, undeclared, is marked"
expect_in "$WORK/out" "holds!" "the declared switch that does not break it is marked"
expect_in "$WORK/out" "2 cells not as declared" "and counted"

# a declared switch that the model refuses, or that changes nothing
cp -r "$SRC/lessons/01-self-attention" data/lessons/01-refused
sed -i 's/^breaks = residual$/breaks = residual, ablate-head=enc.3.0, causal-mask/' data/lessons/01-refused/lesson.ini
expect_exit 1 "declared switches that cannot break it" -- "$TF" lesson ./data/lessons/01-refused --breaks
expect_in "$WORK/out" "n/a: " "the refused value says why"
expect_in "$WORK/out" "n/a!" "its cell is marked"
expect_in "$WORK/out" "—!" "so is the cell of a switch with no effect"
expect_in "$WORK/out" "2 cells not as declared" "both counted"

# a claim that does not say what breaks it is refused at load
cp -r "$SRC/lessons/01-self-attention" data/lessons/01-silent
sed -i '/^breaks = residual$/d' data/lessons/01-silent/lesson.ini
expect_exit 2 "a claim without breaks" -- "$TF" lesson ./data/lessons/01-silent --breaks
expect_in "$WORK/err" "[claim.keeps_own] does not say which switch breaks it" "names the claim"

# in Chinese: the same matrix, every word of its frame in Chinese
expect_exit 0 "lesson 7 --breaks --lang zh" -- "$TF" lesson 7 --breaks --lang zh
expect_in "$WORK/out" "第 7 课：3 条结论，其中 3 条被它们声明的开关推翻；1 条事实；" "the counts in Chinese"
expect_in "$WORK/out" "个问题；0 格与声明不符；0 处出错" "and the questions counted, none marked"
expect_in "$WORK/out" "解码器自注意力看得见后面的位置" "what each switch breaks, in Chinese"
row=$(grep -a '^结论 padding_zero ' "$WORK/out")
case "$row" in
*不成立*不成立*) bad "padding_zero fails under two switches in Chinese: $row" ;;
*不成立*) ok "the Chinese row of padding_zero: 不成立 under one switch" ;;
*) bad "no Chinese row for padding_zero: $row" ;;
esac
if grep -aqE 'holds|FAILS|claims,|no effect|switches \(' "$WORK/out"; then
    bad "English words of the frame in the Chinese matrix: $(grep -aE 'holds|FAILS|claims,|no effect|switches \(' "$WORK/out" | head -2)"
else ok "no English word of the frame in the Chinese matrix"; fi

expect_exit 2 "--breaks and --check" -- "$TF" lesson 1 --breaks --check
expect_in "$WORK/err" "--check, --breaks, --plot, --handout, --quiz or --answers, one at a time" "one action at a time"
# a question's changes = is checked like a claim's breaks =: its expected
# answer measured under every switch, the same or differs, marked where
# not as declared (a copy of the fixture, declared as it measures)
cp -r "$SRC/tests/lessons/98-quiz" data/lessons/98-asdeclared
sed -i 's/head=1, query=0/head=0, query=0/; s/^changes = positions$/changes = positions, heads/
        s/^breaks = scale, attn-temperature$/breaks = scale, attn-temperature, heads/
        s/^within = 0.01$/within = 0.01\nchanges = positions, heads/
        s/^order = descending$/order = descending\nchanges = heads/' data/lessons/98-asdeclared/lesson.ini
expect_exit 0 "questions as declared" -- "$TF" lesson ./data/lessons/98-asdeclared --breaks
expect_in "$WORK/out" "1 facts; 3 questions; 0 cells not as declared; 0 errors" "questions counted, none marked"
expect_in "$WORK/out" "question one_score        ok       differs  same" "a question's row: differs where declared"
expect_exit 0 "questions as declared, in Chinese" -- "$TF" lesson ./data/lessons/98-asdeclared --breaks --lang zh
expect_in "$WORK/out" "问题 one_score        可测     不同     相同" "its row in Chinese"
expect_in "$WORK/out" "3 个问题；0 格与声明不符" "counted in Chinese"
# a missing declaration: the answer differs where changes = does not say so
cp -r data/lessons/98-asdeclared data/lessons/98-missing
sed -i 's/^changes = positions, heads$/changes = heads/' data/lessons/98-missing/lesson.ini
expect_exit 1 "a question's missing changes =" -- "$TF" lesson ./data/lessons/98-missing --breaks
expect_in "$WORK/out" "differs!" "the undeclared difference is marked"
expect_in "$WORK/out" "2 cells not as declared" "and counted (both questions that lost positions)"
# a wrong declaration: declared under a switch that leaves the answer alone
cp -r data/lessons/98-asdeclared data/lessons/98-wrongq
sed -i 's/^changes = heads$/changes = heads, residual/' data/lessons/98-wrongq/lesson.ini
expect_exit 1 "a question's wrong changes =" -- "$TF" lesson ./data/lessons/98-wrongq --breaks
expect_in "$WORK/out" "same!" "the declared switch that changes nothing is marked"
expect_in "$WORK/out" "1 cells not as declared" "and counted"
finish
