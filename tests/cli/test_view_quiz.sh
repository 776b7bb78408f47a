# A lesson's questions and action lines in the viewer, end to end: the
# real program in a real terminal (a private tmux server, tests/ui/tmux.sh).
#
# The questions: the fixture lesson with one question of each kind
# (tests/lessons/, the lesson whose lesson.ini has [question.ID]
# sections). At a question's step the prompt is there and the matrix is
# not; the hint; an answer that cannot be read is said and asked again; a
# wrong answer, then the reveal (the expected answer, the explanation,
# the numbers); a skipped question; the score at the end of the walk; and,
# in a second session, a right answer to another question (its expected
# answer read from the first session's reveal), and the score it makes.
#
# The action lines: lesson 1 with a "> try M: ..." line added to its first
# step's narration: drawn with a marker, ticked once M is pressed there.
#
# The expected words come from the lessons' own files, so rewording them
# does not break this test.
. tests/cli/lib.sh
need tmux "the lessons are viewed in a terminal" || finish
. tests/ui/tmux.sh
ROOT=$(pwd)
UI_TIMEOUT=${UI_TIMEOUT:-30}  # a switch question runs the lesson again
cd "$WORK"
mkdir tmp
UI_ENV="TMPDIR=$WORK/tmp"

# ---- action lines ----
l1=$(ls -d "$ROOT"/lessons/01-*/ 2>/dev/null | head -1)
if [ -n "$l1" ]; then
    cp -R "$l1" "$WORK/01-try"
    step1=$(sed -n 's/^step *= *//p' "$l1/lesson.ini" | head -1 | sed 's/ *|.*//')
    # the action line closes step 1's section
    awk -v h="## $step1" '
        $0 == h { on = 1 }
        on && /^## / && $0 != h { print "> try M: turn the causal mask off and watch the claims"; print ""; on = 0 }
        { print }' "$l1/lesson.md" >"$WORK/01-try/lesson.md"
    ui_start try 120 40 "'$TF' lesson '$WORK/01-try'"
    ui_wait "lesson step 1 of" "lesson 1 opens at its first step"
    ui_wait "▶ try M: turn the causal mask off" "the action line is drawn with its marker"
    ui_keys M
    ui_wait "re-ran" "M re-runs the lesson"
    ui_keys Escape
    ui_wait "✓ try M: turn the causal mask off" "and the action line is ticked: done"
    ui_keys N
    ui_wait "lesson step 2 of" "N: the next step"
    ui_keys P
    ui_wait "✓ try M: turn the causal mask off" "back on step 1 it is still done"
    ui_keys q
    ui_wait_exit 0 "q quits"
else
    bad "lessons/01-*: lesson 1 is missing"
fi

# ---- the questions ----
ini=$(grep -l '^\[question\.' "$ROOT"/tests/lessons/*/lesson.ini 2>/dev/null | head -1)
if [ -z "$ini" ]; then
    bad "no lesson in tests/lessons asks a question ([question.ID] in its lesson.ini)"
    finish
fi
L=$(dirname "$ini")
# Each question, in lesson.ini's order: "ID KIND STEP", STEP 1-based among
# the [steps] (a question names its step by the step's key, as written).
awk '
    /^\[/ { sec = $0; next }
    sec == "[steps]" && /^step *=/ { sub(/^step *= */, ""); sub(/ *\|.*/, ""); n++; key[$0] = n; next }
    sec ~ /^\[question\./ && /^(step|kind) *=/ {
        id = sec; sub(/^\[question\./, "", id); sub(/\].*/, "", id)
        f = $1; v = $0; sub(/^[a-z]+ *= */, "", v); sub(/ *;.*/, "", v)
        if (!(id in seen)) { seen[id] = 1; order[++m] = id }
        if (f == "step") st[id] = v; else kd[id] = v
    }
    END { for (i = 1; i <= m; i++) print order[i], kd[order[i]], key[st[order[i]]] }
' "$ini" >"$WORK/questions"
nq=$(wc -l <"$WORK/questions" | tr -d ' ')
q_of() { awk -v k="$1" '$2 == k { print; exit }' "$WORK/questions"; }
set -- $(q_of number)
num_id=$1 num_step=$3
set -- $(q_of choose)
cho_id=$1 cho_step=$3
if [ -z "$num_step" ] || [ -z "$cho_step" ]; then
    bad "the fixture lesson $L lacks a number or a choose question on a step"
    sed 's/^/       | /' "$WORK/questions"
    finish
fi
is_question_step() { awk -v s="$1" '$3 == s { f = 1 } END { exit !f }' "$WORK/questions"; }
# The first words of a subsection of "## question.ID" in lesson.md: the
# question itself (SUB empty), "hint" or "explanation"; no Markdown marks.
md_words() {
    awk -v h="## question.$1" -v sub_="$2" '
        $0 == h { on = 1; inside = (sub_ == ""); next }
        on && /^## / { exit }
        on && /^### / { inside = ($0 == "### " sub_); next }
        on && inside && NF { print; exit }' "$L/lesson.md" | sed 's/[*`]//g' | awk '{ print $1, $2, $3 }'
}

# walk_to STEP: N (Esc first, where a prompt has the keys) up to step STEP.
AT=1
walk_to() {
    while [ "$AT" -lt "$1" ]; do
        if is_question_step "$AT" && [ -z "$(eval echo "\${done_$AT:-}")" ]; then
            ui_keys Escape
            ui_wait "the question waits" "Esc at step $AT: the prompt gives the keys back"
        fi
        AT=$((AT + 1))
        ui_keys N
        ui_wait "lesson step $AT of" "N: step $AT" || return 1
    done
}

ui_start quiz 160 45 "'$TF' lesson '$L'"
ui_wait "lesson step 1 of" "the fixture lesson opens"
ui_wait "questions: 0 of $nq" "the title counts the lesson's $nq questions"
walk_to "$num_step"
ui_wait "number> " "at the number question ($num_id): the prompt takes a number"
ui_wait "question first" "and the matrix waits"
NUMBERS='[0-9]\.[0-9][0-9] +-?[0-9]+\.[0-9][0-9] '  # two cells of a row, with their numbers
if ui_screen | grep -qE -- "$NUMBERS"; then bad "numbers on screen before the answer"; ui_screen | sed 's/^/       | /'
else ok "no numbers on screen before the answer"; fi
ui_wait "$(md_words "$num_id" "")" "the narration pane shows the question"
ui_keys Escape
ui_wait "the question waits: Enter answers it" "Esc puts the prompt aside, and says how to come back"
ui_keys L
ui_wait "问题 " "L: the question's frame in Chinese"
ui_keys L
ui_keys Enter
ui_wait "number> " "Enter: the prompt again"
hint=$(md_words "$num_id" hint)
ui_keys C-t
ui_wait "$hint" "Ctrl-T: the hint"
ui_type "abc"
ui_keys Enter
ui_wait "cannot read that answer" "an answer that is not a number: said why"
ui_wait "number> " "and the prompt stays"
ui_keys C-u
ui_type "99999"
ui_keys Enter
ui_wait "not quite: you said 99999, the answer is" "a wrong answer: graded wrong, the answer said"
ui_wait "Not quite." "the reveal: wrong"
ui_wait "Your answer: 99999. Expected, measured" "the reveal: the answer given and the one expected"
ui_wait "$(md_words "$num_id" explanation)" "the reveal: the explanation"
ui_wait_gone "question first" "the reveal: the matrix is shown"
ui_wait_re "$NUMBERS" "the reveal: the matrix's numbers"
eval "done_$num_step=1"
walk_to "$cho_step"
ui_wait "answer> " "at the choose question ($cho_id): the choices in the prompt"
ui_wait " a) " "lettered"
ui_screen | tail -1 >"$WORK/choices"
ui_keys C-x
ui_wait "skipped: the answer is" "Ctrl-X skips the question, and says the answer"
label=$(ui_screen | sed -n 's/.*skipped: the answer is \(.*[^ ]\)  *[0-9][0-9]*\/[0-9][0-9]* *$/\1/p' | head -1)
eval "done_$cho_step=1"
last=$(awk '/^\[/ { sec = $0; next } sec == "[steps]" && /^step *=/ { n++ } END { print n }' "$ini")
walk_to "$last"
if is_question_step "$last"; then
    ui_keys Escape
    ui_wait "the question waits" "Esc at the last step: the prompt gives the keys back"
fi
ui_keys N
ui_wait "questions: 0 of $nq right, 1 skipped" "N on the last step: the score"
ui_keys q
ui_wait_exit 0 "q quits"

# A second session: the choose question answered right with its letter.
letter=$(sed -n "s/.* \([a-z]\)) $label  .*/\1/p" "$WORK/choices" | head -1)
if [ -n "$label" ] && [ -n "$letter" ]; then
    AT=1
    unset "done_$num_step" "done_$cho_step"
    ui_start quiz2 160 45 "'$TF' lesson '$L'"
    ui_wait "lesson step 1 of" "the lesson again"
    walk_to "$cho_step"
    ui_wait "answer> " "the choose question asks again"
    ui_keys "$letter" Enter
    ui_wait "right: $label" "its letter ($letter: $label) is graded right"
    ui_wait "questions: 1 of $nq" "and the title's score counts it"
    ui_keys q
    ui_wait_exit 0 "q quits"
else
    bad "the choose question's answer ('$label') is not among its choices: $(cat "$WORK/choices")"
fi
left=$(ls "$WORK/tmp")
if [ -z "$left" ]; then ok "the lesson's temporary traces are removed"; else bad "left behind in TMPDIR: $left"; fi
finish
