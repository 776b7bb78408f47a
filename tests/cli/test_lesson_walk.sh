# Every lesson walked in the real viewer, as a student does: the real
# program in a real terminal (tests/ui/tmux.sh), N pressed from the first
# step to the last and P all the way back, in English and in Chinese. At
# every step the screen must show that step's number, its record and the
# run it belongs to (a lesson's swapped sentence, positions off or
# generation is a run of its own, named in words), and both ends must say
# they are the ends. The steps expected come from the lesson itself
# (`lesson N --walk`), so rewording a lesson does not break this test;
# a step the viewer cannot reach does.
. tests/cli/lib.sh
need tmux "the lessons are walked in a terminal" || finish
. tests/ui/tmux.sh
cd "$WORK"
mkdir tmp
UI_ENV="TMPDIR=$WORK/tmp"

# step_title K N LANG: what the narration pane's title says at step K of N.
step_title() {
    if [ "$3" = zh ]; then echo "课程第 $1 步，共 $2 步"; else echo "lesson step $1 of $2"; fi
}
run_word() { if [ "$1" = zh ]; then echo "运行："; else echo "run: "; fi; }

# check_step K: the screen shows step K's number, record and run.
check_step() {
    _k=$1
    _line=$(sed -n "${_k}p" "$WORK/steps")
    _key=${_line%% *}
    _rec=${_key%@*}
    _run=main
    case $_key in *@*) _run=${_key#*@} ;; esac
    ui_wait "$(step_title "$_k" "$n" "$lang")" "lesson $l ($lang): step $_k of $n on screen" || return
    _screen=$(ui_screen)
    if echo "$_screen" | grep -qF -- "─ $_rec ["; then ok "lesson $l ($lang) step $_k: record $_rec"; else
        bad "lesson $l ($lang) step $_k: record $_rec not the one on screen"; _ui_dump; fi
    if echo "$_screen" | grep -qF -- "$(run_word "$lang")$_run —"; then ok "lesson $l ($lang) step $_k: run $_run named"; else
        bad "lesson $l ($lang) step $_k: run '$_run' not named on screen"; _ui_dump; fi
    if echo "$_screen" | grep -qE -- 'traceformer-lesson-|/run-[0-9]+/|\.trace'; then
        bad "lesson $l ($lang) step $_k: a temporary path on screen"; _ui_dump; fi
}

for l in $("$TF" lesson --list | awk '{print $1}'); do
    # "KEY[ vs @RUN]" of every step, in order
    "$TF" lesson "$l" --walk | sed -n 's/^── step [0-9]* of [0-9]*: \([^ ]*\).*/\1/p' > "$WORK/steps"
    n=$(wc -l < "$WORK/steps")
    [ "$n" -ge 2 ] || { bad "lesson $l: --walk lists no steps"; continue; }
    for lang in en zh; do
        ui_start "l$l$lang" 150 44 "'$TF' lesson $l --lang $lang"
        # a lesson that trains (lesson 10: four runs of a few seconds each)
        # shows its first step only when the training is done
        walk_timeout=$UI_TIMEOUT
        UI_TIMEOUT=120
        check_step 1
        UI_TIMEOUT=$walk_timeout
        k=2
        while [ "$k" -le "$n" ]; do ui_keys N; check_step "$k"; k=$((k + 1)); done
        ui_keys N
        if [ "$lang" = en ]; then ui_wait "last step ($n)" "lesson $l ($lang): N at step $n says it is the last"
        else ui_wait "最后一步（第 $n 步）" "lesson $l ($lang): N at step $n says it is the last"; fi
        k=$((n - 1))
        while [ "$k" -ge 1 ]; do ui_keys P; check_step "$k"; k=$((k - 1)); done
        ui_keys P
        if [ "$lang" = en ]; then ui_wait "first step" "lesson $l ($lang): P at step 1 says it is the first"
        else ui_wait "第一步：按 N 继续" "lesson $l ($lang): P at step 1 says it is the first"; fi
        ui_keys q
        ui_wait_exit 0 "lesson $l ($lang): q"
    done
done
left=$(ls "$WORK/tmp" | wc -l)
if [ "$left" -eq 0 ]; then ok "no lesson traces left behind"; else bad "$left temporary entries left in TMPDIR"; fi
finish
