# A lesson's questions on the command line: `lesson N --answers FILE`
# grades a file of answers (right: N of N, wrong: 0 of N, exit 0 either
# way; a bad file: exit 2 naming FILE:LINE), `lesson N --quiz` asks them on
# a pipe (a hint, a skip, an unreadable answer asked again, the reveal,
# the score), both in English and Chinese; and every shipped lesson with
# questions is answered right by tests/quiz/NN.right and wrong by NN.wrong.
. tests/cli/lib.sh
SRC=$PWD
Q=$SRC/tests/lessons/98-quiz
cd "$WORK"

# the fixture, one question of each kind, in the order of their steps:
# order (rank rows), number (a raw score), choose (a token), switch (claims)
cat >right.txt <<'EOF'
# every answer right, each in another spelling
b a c
-0.42
was
scaled
EOF
expect_exit 0 "--answers right" -- "$TF" lesson "$Q" --answers right.txt
cp "$WORK/out" right.out
expect_in right.out "score: 4 of 4" "every answer right: 4 of 4"
expect_in right.out "question 1 of 4 · step enc.0.attn.q" "each question: its number and step"
expect_in right.out "  Rank rows 0, 1 and 2 of head 0" "each question: its first line"
expect_in right.out "  answer: row 1, row 0, row 2" "the order as understood, by label"
expect_in right.out "  correct (expected -0.418753 within 0.01)" "a number: correct, with the tolerance"
expect_in right.out "  (with --positions none the answer differs)" "changes = is said"
expect_not_in right.out "wrong" "nothing wrong"

cat >wrong.txt <<'EOF'
row 0, row 1, row 2
5
the
none
EOF
expect_exit 0 "--answers wrong (exit 0 whatever the score)" -- "$TF" lesson "$Q" --answers wrong.txt
cp "$WORK/out" wrong.out
expect_in wrong.out "score: 0 of 4" "every answer wrong: 0 of 4"
expect_in wrong.out "  wrong: expected row 1, row 0, row 2" "an order: wrong, with the expected order"
expect_in wrong.out "  wrong: expected -0.418753 within 0.01" "a number: wrong, with the expected value and tolerance"
expect_in wrong.out "  wrong: expected was" "a token: wrong, with the expected token"
expect_in wrong.out "  answer: none" "a switch answered none"
expect_in wrong.out "  wrong: expected scaled" "a switch: wrong, with the claims that fail"

# fewer lines: the rest skipped; skip and - skip
printf 'b a c\nskip\n-\n' >some.txt
expect_exit 0 "--answers with skips" -- "$TF" lesson "$Q" --answers some.txt
expect_in "$WORK/out" "score: 1 of 4 (3 skipped)" "skip, - and missing lines skip"
expect_in "$WORK/out" "  skipped: expected scaled" "a skipped question shows its expected answer"

# the expected answer follows the student's switches
expect_exit 0 "--answers right --positions none" -- "$TF" lesson "$Q" --answers right.txt --positions none
expect_in "$WORK/out" "  wrong: expected cat" "with the positions off the token question's answer moves"

# Chinese
expect_exit 0 "--answers right --lang zh" -- "$TF" lesson "$Q" --answers right.txt --lang zh
expect_in "$WORK/out" "得分：4 / 4" "the score in Chinese"
expect_in "$WORK/out" "头 1 的第 0 行是查询" "the question in Chinese"
expect_in "$WORK/out" "正确（应为 was）" "the verdict in Chinese"

# bad answers files: exit 2, FILE:LINE, nothing on stdout
printf 'b a c\n1\nwas\nscaled\n\n# a comment\nextra\n' >more.txt
expect_exit 2 "--answers with too many lines" -- "$TF" lesson "$Q" --answers more.txt
expect_in "$WORK/err" "more.txt:7: more answers than the lesson's 4 questions" "too many answers: FILE:LINE"
if [ -s "$WORK/out" ]; then bad "a bad answers file prints nothing on stdout"; else ok "a bad answers file prints nothing on stdout"; fi
printf '# first\nb a\n' >short.txt
expect_exit 2 "--answers with an order missing a choice" -- "$TF" lesson "$Q" --answers short.txt
expect_in "$WORK/err" "short.txt:2: question 1: put all 3 choices in order" "an incomplete order: FILE:LINE and why"
printf 'b a c\nabout 0.4\n' >nan.txt
expect_exit 2 "--answers with a word for a number" -- "$TF" lesson "$Q" --answers nan.txt
expect_in "$WORK/err" "nan.txt:2: question 2: 'about 0.4' is not a number" "not a number: FILE:LINE and why"
printf 'b a c\n0.4\ndog\n' >dog.txt
expect_exit 2 "--answers with no such choice" -- "$TF" lesson "$Q" --answers dog.txt
expect_in "$WORK/err" "dog.txt:3: question 3: 'dog' is not one of the choices" "no such choice: FILE:LINE and why"
expect_exit 2 "--answers FILE missing" -- "$TF" lesson "$Q" --answers missing.txt
expect_in "$WORK/err" "missing.txt: cannot open" "a missing answers file is named"

# option rules
expect_exit 2 "--answers with --check" -- "$TF" lesson "$Q" --answers right.txt --check
expect_in "$WORK/err" "--check, --breaks, --plot, --handout, --quiz or --answers, one at a time" "--answers goes without --check"
expect_exit 2 "--quiz with --answers" -- "$TF" lesson "$Q" --quiz --answers right.txt
expect_exit 2 "--quiz with --list" -- "$TF" lesson --list --quiz
expect_exit 0 "lesson --help" -- "$TF" lesson --help
expect_in "$WORK/out" "--answers FILE" "--help names --answers"
expect_in "$WORK/out" "--quiz" "--help names --quiz"

# --quiz on a pipe: a hint, an unreadable answer asked again, a right
# answer, an empty line that skips, ? for the hint where h is a choice,
# then the end of the input, which skips the rest
printf 'h\nzz\nb a c\n\n?\nh\n' >quiz.in
expect_exit 0 "--quiz on a pipe" -- sh -c '"$1" lesson "$2" --quiz <quiz.in' sh "$TF" "$Q"
cp "$WORK/out" quiz.out
expect_in quiz.out "  a) row 0" "the choices, lettered"
expect_in quiz.out "(letters or labels, e.g. c a b; h hint, s skip): h" "the prompt, and the answer echoed from the pipe"
expect_in quiz.out "hint: A flat row has a high entropy" "h prints the hint"
expect_in quiz.out "cannot read that: 'zz' is not one of the choices" "an unreadable answer says why"
expect_in quiz.out "  correct (expected row 1, row 0, row 2)" "the reveal: correct and the expected answer"
expect_in quiz.out "why: The entropy measures" "the reveal: the explanation"
expect_in quiz.out "  skipped: expected -0.418753 within 0.01" "an empty line skips"
expect_in quiz.out "  h) tired" "a question with eight choices letters one h"
expect_in quiz.out "(a letter or a label; ? hint, s skip)" "then ? is its hint key"
expect_in quiz.out "hint: Each row is a softmax" "? prints the hint"
expect_in quiz.out "  wrong: expected was" "h is then the choice 'tired': wrong"
expect_in quiz.out "(end of input: the remaining questions are skipped)" "the end of the input says the rest is skipped"
expect_in quiz.out "score: 1 of 4 (2 skipped)" "the score at the end"
printf 'a\n' >zh.in
expect_exit 0 "--quiz --lang zh" -- sh -c '"$1" lesson "$2" --quiz --lang zh <zh.in' sh "$TF" "$Q"
expect_in "$WORK/out" "问题 1 / 4 · 步骤 enc.0.attn.q" "the quiz in Chinese"
expect_in "$WORK/out" "看不懂这个回答：" "an unreadable answer, in Chinese"
expect_in "$WORK/out" "得分：0 / 4（跳过 4 题）" "the score in Chinese"
expect_not_in "$WORK/out" "问题 2 / 4" "the questions after the end of the input are not asked"

# --walk prints each question at its step, after the note and before the
# narration, with its choices as measured; the answers after the claims
expect_exit 0 "--walk with questions" -- "$TF" lesson "$Q" --walk
awk '/^── step 4 of 5/ { s = 1 } s && /^Question: Row 0 of head 1/ { q = NR } s && /^  f\) mouse$/ { c = NR }
     s && /^softmax per row\.$/ { n = NR; exit } END { exit !(q && c > q && n > c) }' "$WORK/out" &&
    ok "the question, then its choices (the sentence's tokens), then the narration" ||
    bad "the question of step 4 is not between its note and its narration"
expect_in "$WORK/out" "  a) scaled — The scaled scores" "a switch question's choices are the claims, with their sentences"
awk '/^── claims/ { c = NR } /^── the answers to the questions:/ { a = NR } END { exit !(c && a > c) }' "$WORK/out" &&
    ok "the answers come after the claims" || bad "no answers after the claims"
expect_in "$WORK/out" "  answer: row 1, row 0, row 2" "an order's answer"
expect_in "$WORK/out" "  answer: -0.418753 within 0.01" "a number's answer, with its tolerance"
expect_in "$WORK/out" "  (with --positions none the answer differs)" "changes = is said"
expect_in "$WORK/out" "  why: The softmax keeps the order of the scores" "with the explanation"
expect_exit 0 "--walk with questions, in Chinese" -- "$TF" lesson "$Q" --walk --lang zh
expect_in "$WORK/out" "问题：头 1 的第 0 行是查询 “the”。它最关注哪个键？" "the question in Chinese"
expect_in "$WORK/out" "── 问题的答案：" "the answers' heading in Chinese"
expect_in "$WORK/out" "  回答：-0.418753，误差不超过 0.01" "an answer in Chinese"
# the answer follows the student's sentence
expect_exit 0 "--walk with another sentence" -- "$TF" lesson "$Q" --walk --src "the mouse chased the cat"
expect_in "$WORK/out" "  e) cat" "the choices are the edited sentence's tokens"

# a lesson without questions says so
if ! grep -q '^\[question\.' "$SRC"/lessons/01-*/lesson.ini; then
    expect_exit 2 "--answers on a lesson without questions" -- "$TF" lesson 1 --answers right.txt
    expect_in "$WORK/err" "asks no questions" "a lesson without questions says so"
fi

# every shipped lesson with questions: its right answers score N of N,
# its wrong ones 0 of N; a lesson with questions and no answer files fails
for ini in "$SRC"/lessons/[0-9][0-9]-*/lesson.ini; do
    d=$(dirname "$ini"); nn=$(basename "$d" | cut -c1-2)
    n=$(grep -c '^\[question\.' "$ini")
    if [ "$n" -eq 0 ]; then
        if [ -e "$SRC/tests/quiz/$nn.right" ]; then bad "lesson $nn has tests/quiz/$nn.right but no questions"; fi
        continue
    fi
    for kind in right wrong; do
        f=$SRC/tests/quiz/$nn.$kind
        if [ ! -e "$f" ]; then bad "lesson $nn has $n questions but no tests/quiz/$nn.$kind"; continue; fi
        expect_exit 0 "lesson $nn --answers $nn.$kind" -- "$TF" lesson "$nn" --answers "$f"
        if [ "$kind" = right ]; then want="score: $n of $n"; else want="score: 0 of $n"; fi
        expect_in "$WORK/out" "$want" "lesson $nn: $nn.$kind gives $want"
        expect_not_in "$WORK/out" "skipped" "lesson $nn: $nn.$kind skips nothing"
    done
done

finish
