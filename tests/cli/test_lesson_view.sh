# traceformer lesson N in the viewer, end to end: the real program in a
# real terminal (a private tmux server, tests/ui/tmux.sh), driven by keys
# and read back from the screen, as a student uses it — the narration of
# step 1 beside the matrix, the lesson's own steps, English and 简体中文,
# an edited sentence re-run at once, a mask or the residual connections
# toggled and the claims re-checked, a toggle a trained model refuses said
# up front, and the terminal given back as it was found.
#
# The expected words come from the lessons' own files (lesson.ini,
# lesson.md, lesson.zh.md), so rewording a lesson does not break this test;
# taking a step or a claim away does.
. tests/cli/lib.sh
need tmux "the lessons are viewed in a terminal" || finish
. tests/ui/tmux.sh
ROOT=$(pwd)
l1=$(ls -d "$ROOT"/lessons/01-*/ 2>/dev/null | head -1)
l7=$(ls -d "$ROOT"/lessons/07-*/ 2>/dev/null | head -1)
[ -n "$l1" ] || { bad "lessons/01-*: lesson 1 is missing"; finish; }
cd "$WORK"
mkdir tmp
UI_ENV="TMPDIR=$WORK/tmp"  # the lesson's traces go here, and must be gone at the end

# ---- what the lesson's files say ----
# The value of the first "KEY = " line of lesson.ini.
ini_first() { sed -n "s/^$2 *= *//p" "$1/lesson.ini" | head -1; }
# The first text line of STEP's section in a narration file, without
# Markdown's markers.
narr_first() {
    awk -v h="## $2" '$0 == h { on = 1; next } on && /^## / { exit } on && NF { print; exit }' "$1" |
        sed 's/[*`]//g'
}
step1=$(ini_first "$l1" step | sed 's/ *|.*//')
words=$(narr_first "$l1/lesson.md" "$step1" | awk '{ print $1, $2, $3 }')
title_zh=$(ini_first "$l1" 'title\.zh' | LC_ALL=C.UTF-8 sed 's/^\(....\).*/\1/')
src=$(ini_first "$l1" src)
reversed=$(echo "$src" | awk '{ for (i = NF; i > 0; i--) printf "%s%s", $i, (i > 1 ? " " : "") }')
first3=$(echo "$reversed" | awk '{ print $1 " +" $2 " +" $3 }')

# ---- lesson 1: narration, steps, language ----
ui_start l1 120 32 "'$TF' lesson 1"
ui_wait "lesson step 1 of" "opens at the lesson's first step"
ui_wait "$step1" "on step 1's record ($step1)"
ui_wait "$words" "the narration of step 1 beside the matrix"
ui_keys N
ui_wait "lesson step 2 of" "N goes to the lesson's next step"
ui_keys n
ui_wait "off the lesson path" "n steps off the lesson's path, and the pane says so"
ui_keys P
ui_wait "lesson step 2 of" "P goes back to the step we left"
ui_keys P
ui_wait "lesson step 1 of" "P again: the step before"
note1=$(ini_first "$l1" step | sed 's/^[^|]*| *//' | awk '{ print $1, $2 }')
note1_zh=$(ini_first "$l1" 'step\.zh' | LC_ALL=C.UTF-8 sed 's/^\(....\).*/\1/')
ui_wait "$note1" "step 1's one-line note, in English"
ui_keys L
ui_wait "$title_zh" "L: the title in Chinese"
if [ -n "$note1_zh" ]; then
    ui_wait "$note1_zh" "L: step 1's one-line note in Chinese (step.zh)"
else
    bad "lesson 1's step 1 has no step.zh"
fi
if [ -f "$l1/lesson.zh.md" ]; then
    zh=$(narr_first "$l1/lesson.zh.md" "$step1" | LC_ALL=C.UTF-8 sed 's/^\(....\).*/\1/')
    ui_wait "$zh" "L: the narration of step 1 in Chinese"
else
    ui_wait "no 中文 text here yet" "L: without lesson.zh.md, English and a note saying so"
fi
ui_keys L
ui_wait "$words" "L again: English"
intro=$(awk '/^## / { exit } /^# / { next } NF { print; exit }' "$l1/lesson.md" | sed 's/[*`]//g' |
    awk '{ print $1, $2, $3 }')
if [ -n "$intro" ]; then
    ui_keys I
    ui_wait "$intro" "I: the lesson's introduction"
    ui_keys I
    ui_wait "$words" "I again: back to step 1"
fi
ui_keys '?'
ui_wait "next step of the lesson" "help lists the lesson's keys"
ui_keys q

# ---- lesson 1: edit the sentence, re-run at once ----
ui_keys e
ui_wait "source> $src" "e opens the editor on the source sentence"
ui_keys C-u
ui_type "$reversed"
ui_keys Enter
ui_wait "re-ran" "Enter re-runs the lesson"
ui_wait "claims:" "and shows its claims, re-checked"
ui_keys Escape
ui_wait_re "$first3" "the new tokens, in the new order"
ui_wait "lesson step 1 of" "still on the same step"
ui_keys e
ui_type " zzzq"
ui_keys Enter
ui_wait "'zzzq' is not in this lesson's vocabulary" "an unknown word: said in the status line"
ui_wait "lesson step 1 of" "and the screen is intact"
ui_keys e
ui_type " 猫"
ui_keys BSpace BSpace
ui_wait "source> $reversed" "backspace deletes a whole CJK character"
ui_keys Escape
ui_wait "edit cancelled" "Esc cancels the edit"
ui_resize 60 15
ui_wait "lesson step 1 of" "at 60x15 the narration pane is still there"
ui_resize 120 32
ui_wait "steps (" "back at 120x32"
ui_keys q
ui_wait_exit 0 "q quits lesson 1"
left=$(ls "$WORK/tmp")
if [ -z "$left" ]; then ok "the lesson's temporary traces are removed"; else bad "left behind in TMPDIR: $left"; fi

# ---- lesson 7: toggle the mask, the claims change ----
if [ -n "$l7" ]; then
    n=$(grep -c '^\[claim\.' "$l7/lesson.ini")
    ui_start l7 120 32 "'$TF' lesson 7"
    ui_wait "lesson step 1 of" "lesson 7 opens"
    ui_keys C
    ui_wait "claims: $n of $n pass" "C: every claim passes on the lesson's run"
    ui_wait "PASS" "with PASS and the measured values"
    ui_keys Escape M
    ui_wait "causal mask off" "M re-runs with the causal mask off"
    ui_wait "FAIL" "and a claim fails"
    ui_wait_re "claims: [0-9]+ of $n pass" "the count of claims that hold"
    ui_wait_gone "claims: $n of $n pass" "fewer than all of them now"
    ui_keys Escape M
    ui_wait "causal mask on" "M again: the mask is back"
    ui_wait "claims: $n of $n pass" "and every claim holds again"
    ui_keys Escape c
    ui_wait "A run: main" "c compares the re-run (A, named by its run) ..."
    ui_wait "B the first run" "... with the first run (B)"
    ui_keys c D
    ui_wait "padding mask off" "D re-runs with the padding mask off"
    ui_wait "FAIL" "and a claim fails"
    ui_keys Escape D
    ui_wait "claims: $n of $n pass" "D again: every claim holds again"
    ui_keys Escape
    # A step of another run (NAME@RUN) shows RUN's own record, named in words.
    at=$(sed -n 's/^step *= *//p' "$l7/lesson.ini" | awk -F'|' '$1 ~ /@/ { print NR; exit }')
    if [ -n "$at" ]; then
        run=$(sed -n 's/^step *= *//p' "$l7/lesson.ini" | sed -n "${at}p" | sed 's/ *|.*//; s/.*@//; s/\[.*//')
        ui_keys Home
        ui_wait "lesson step 1 of" "Home: the first record, the first step"
        i=1
        while [ "$i" -lt "$at" ]; do ui_keys N; i=$((i + 1)); done
        ui_wait "lesson step $at of" "N to step $at, a step of run '$run'"
        ui_wait "run: $run —" "its run is on screen, named in words"
        ui_wait_gone "$run.trace" "never by its temporary file"
        ui_keys P
        ui_wait "run: main —" "P: back on the main run"
    fi
    ui_keys q
    ui_wait_exit 0 "q quits lesson 7"
else
    bad "lessons/07-*: lesson 7 (the masks) is missing"
fi

# ---- lesson 8: the residual connections toggled ----
l8=$(ls -d "$ROOT"/lessons/08-*/ 2>/dev/null | head -1)
if [ -n "$l8" ]; then
    n=$(grep -c '^\[claim\.' "$l8/lesson.ini")
    # lesson 8 trains four small models when it opens and again on R (about
    # 3 s each, more on a busy machine): give its screens time to come
    _timeout=$UI_TIMEOUT
    UI_TIMEOUT=180
    ui_start l8 120 32 "'$TF' lesson 8"
    ui_wait "lesson step 1 of" "lesson 8 opens"
    ui_keys '?'
    ui_wait "re-run with the residual connections on / off" "help lists R"
    ui_keys q
    ui_wait "R residual" "the status line hints R beside M"
    ui_keys C
    ui_wait "claims: $n of $n pass" "C: every claim of lesson 8 passes"
    ui_wait_gone "FAIL" "and the panel shows no FAIL"
    ui_keys Escape R
    ui_wait "residual off" "R re-runs lesson 8 with the residual connections off"
    ui_wait "FAIL" "the claims panel now shows a failing claim"
    ui_wait_re "claims: [0-9]+ of $n pass" "the count of claims that hold"
    ui_wait_gone "claims: $n of $n pass" "fewer than all of them now"
    ui_keys Escape R
    ui_wait "residual on" "R again: the residual connections are back"
    ui_wait "claims: $n of $n pass" "and every claim holds again"
    ui_keys Escape q
    ui_wait_exit 0 "q quits lesson 8"
    UI_TIMEOUT=$_timeout
else
    bad "lessons/08-*: lesson 8 (residual connections) is missing"
fi

# ---- lesson 2: a trained model keeps its positional encoding ----
l2=$(ls -d "$ROOT"/lessons/02-*/ 2>/dev/null | head -1)
if [ -n "$l2" ]; then
    ui_start l2 120 32 "'$TF' lesson 2"
    ui_wait "lesson step 1 of" "lesson 2 opens"
    ui_wait "T: positions fixed" "the narration's foot says T is held"
    ui_keys T
    ui_wait "positions cannot change" "T says plainly that the trained model fixes the positions"
    ui_wait "was made with sinusoidal positions" "and which encoding it was made with"
    ui_wait_gone "re-running" "without starting a re-run"
    ui_wait_gone "contradicts" "and without the model's refusal"
    ui_keys '?'
    ui_wait "not in this lesson: re-run with the next pos" "help dims T in this lesson"
    ui_keys q M
    ui_wait "causal mask off" "M still re-runs the trained model"
    # The heads view: entropy and distance for weights only; raw scores get
    # each head's range.
    ui_keys Escape g
    ui_type "enc.0.attn.raw"
    ui_keys Enter a
    ui_wait "enc.0.attn.raw [head=4" "the raw scores"
    ui_wait_re "head 0 +min -?[0-9.]+ +max -?[0-9.]+" "heads view on raw scores: each head's min and max"
    ui_wait_gone "bits" "and no entropy of scores"
    ui_keys a g
    ui_type "enc.0.attn.weights"
    ui_keys Enter a
    ui_wait "enc.0.attn.weights [head=4" "the weights"
    ui_wait_re "head 0 +H [0-9.]+ bits" "heads view on weights: each head's entropy"
    ui_keys a q
    ui_wait_exit 0 "q quits lesson 2"
fi

# ---- under a memory checker: no memory errors, no leaks ----
# valgrind; in the AddressSanitizer build ASan itself, which checks the
# same (ASan and valgrind cannot share a process). Either writes to vg.log*.
memcheck=
if ldd "$TF" 2>/dev/null | grep -q libasan; then
    checker=ASan memcheck="env ASAN_OPTIONS=log_path=$WORK/vg.log"
elif need valgrind "the memory check of the viewer"; then
    checker=valgrind
    memcheck="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --log-file=$WORK/vg.log"
fi
if [ -n "$memcheck" ]; then
    UI_TIMEOUT=90
    ui_start vg 120 32 "$memcheck '$TF' lesson 1"
    ui_wait "lesson step 1 of" "$checker: opens"
    ui_keys N L e C-u
    ui_type "$reversed"
    ui_keys Enter
    ui_wait "已重新运行" "$checker: re-runs (the status line in Chinese after L)"
    ui_keys Escape T
    ui_wait "位置编码 无" "$checker: positions off"
    ui_keys Escape C c '?' q q
    ui_wait_exit 0 "$checker: no errors"
    if [ -n "$(cat "$WORK"/vg.log* 2>/dev/null)" ]; then bad "$checker reported:"; cat "$WORK"/vg.log* | sed 's/^/       | /' | head -40; else
        ok "$checker: clean log"; fi
fi

finish
