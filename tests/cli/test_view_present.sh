# Presentation mode (traceformer lesson N --present, the f key), end to
# end in a real terminal (a private tmux server, tests/ui/tmux.sh), at
# 80x24 and at a projector's 160x45: the step's note as a heading, the
# matrix with its token labels on both axes, the narration beneath, no
# steps or info pane, the status line reduced to the lesson, the step and
# N / P; every step of lesson 1 walked with N and back with P, the keys a
# presenter's remote sends, the mode toggled off and on, and lesson 7 in
# Chinese with its narration wrapped without cutting a character.
#
# The expected words come from the lessons' own files, so rewording a
# lesson does not break this test.
. tests/cli/lib.sh
need tmux "presentation mode is a terminal screen" || finish
. tests/ui/tmux.sh
ROOT=$(pwd)
l1=$(ls -d "$ROOT"/lessons/01-*/ 2>/dev/null | head -1)
l7=$(ls -d "$ROOT"/lessons/07-*/ 2>/dev/null | head -1)
[ -n "$l1" ] || { bad "lessons/01-*: lesson 1 is missing"; finish; }
cd "$WORK"
mkdir tmp
UI_ENV="TMPDIR=$WORK/tmp"

# ---- what the lessons' files say ----
# The steps of a lesson: "record | note" lines (English).
steps_of() { awk '/^\[/ { on = ($0 == "[steps]") } on && /^step *=/ { sub(/^step *= */, ""); print }' "$1/lesson.ini"; }
# The first WORDS words of step K's note (1-based), English or (zh) Chinese
# (the first four characters).
note_of() {
    if [ "$3" = zh ]; then
        sed -n 's/^step\.zh *= *//p' "$1/lesson.ini" | sed -n "${2}p" | LC_ALL=C.UTF-8 sed 's/^\(....\).*/\1/'
    else
        steps_of "$1" | sed -n "${2}p" | sed 's/^[^|]*| *//' | awk '{ print $1, $2, $3 }'
    fi
}
key_of() { steps_of "$1" | sed -n "${2}p" | sed 's/ *|.*//'; }
# Does step K of the lesson in $1 ask a question? (In presentation mode the
# presenter's next key shows a question's answer first, then moves on.)
asks() {
    _key=$(key_of "$1" "$2")
    awk -v k="$_key" '/^\[/ { q = ($0 ~ /^\[question\./) }
        q && /^step *=/ { sub(/^step *= */, ""); sub(/ *[;#].*$/, ""); if ($0 == k) f = 1 }
        END { exit !f }' "$1/lesson.ini"
}
# A step's narration section (the text under "## KEY" up to the next "## ").
section() { awk -v h="## $2" '$0 == h { on = 1; next } on && /^## / { exit } on' "$1"; }
narr_first() { section "$1" "$2" | awk 'NF { print; exit }' | sed 's/[*`]//g'; }

n1=$(steps_of "$l1" | wc -l | tr -d ' ')
src=$(sed -n 's/^src *= *//p' "$l1/lesson.ini" | head -1)
# The step of lesson 1 whose matrix is query x key: the attention weights.
w_at=$(steps_of "$l1" | awk -F'|' '$1 ~ /attn\.weights/ { print NR; exit }')
tok1=$(echo "$src" | awk '{ print $1 }')
tok2=$(echo "$src" | awk '{ print $2 }')
tok3=$(echo "$src" | awk '{ print $3 }')

# The status line of presentation mode for step K of N.
status() { echo "lesson 1 · step $1 of $n1 · N next · P back"; }

# No steps pane, no info pane, no viewer key hints: the screen is the
# presenter's.
no_panes() {
    if ui_screen | grep -qE "^ *─* *(info|steps \([0-9]+\)) ─| info ─|steps \([0-9]+\)|\? help|q quit"; then
        bad "$1: a steps or info pane, or the viewer's key hints, on the screen"; _ui_dump
    else ok "$1: no steps pane, no info pane, no key hints"; fi
}

for size in "80 24" "160 45"; do
    set -- $size
    W=$1 H=$2
    ui_start "p$W" "$W" "$H" "'$TF' lesson 1 --present"
    ui_wait "$(status 1)" "${W}x$H: opens at step 1, the status line reduced to lesson, step, N and P"
    ui_wait "$(note_of "$l1" 1)" "${W}x$H: step 1's note as the heading"
    ui_wait "$(narr_first "$l1/lesson.md" "$(key_of "$l1" 1)" | awk '{ print $1, $2, $3 }')" \
        "${W}x$H: step 1's narration"
    no_panes "${W}x$H"
    # the note is the first line, the status line the last
    first=$(ui_screen | head -1)
    case "$first" in *"$(note_of "$l1" 1)"*) ok "${W}x$H: the note on top" ;;
    *) bad "${W}x$H: the first line is not the note: $first" ;; esac
    last=$(ui_screen | sed -n "${H}p")
    case "$last" in *"$(status 1)"*) ok "${W}x$H: the status line at the bottom" ;;
    *) bad "${W}x$H: the last line is not the status line: $last" ;; esac

    # walk every step with N, its note and the step number each time
    k=1
    while [ "$k" -lt "$n1" ]; do
        k=$((k + 1))
        ui_keys N
        # (at a question the prompt takes the status line's place)
        asks "$l1" "$k" || ui_wait "$(status $k)" "${W}x$H: N to step $k of $n1" >/dev/null || break
        ui_wait "$(note_of "$l1" $k)" "${W}x$H: step $k's note" >/dev/null || break
        if asks "$l1" "$k"; then
            ui_wait_re "Question [0-9]+ of [0-9]+" "${W}x$H: step $k asks its question first" || break
            ui_keys N
            ui_wait "skipped: the answer is" "${W}x$H: N at a question shows its answer first" || break
        fi
        if [ "$k" = "$w_at" ]; then
            # query x key: the sentence's tokens across the top and down the side
            ui_wait_re "^ *$tok1 +$tok2 +$tok3 " "${W}x$H: the tokens across the top of the weights"
            ui_wait_re "^ *$tok2 +[0-9]\.[0-9]" "${W}x$H: the tokens down the side, with their numbers"
        fi
    done
    [ "$k" = "$n1" ] && ok "${W}x$H: N walks all $n1 steps to the end"
    ui_keys N
    ui_wait "last step" "${W}x$H: N at the end says it is the last step"
    ui_keys P
    ui_wait "$(status $((n1 - 1)))" "${W}x$H: P goes back a step"
    ui_wait "$(note_of "$l1" $((n1 - 1)))" "${W}x$H: with that step's note"
    # what presenter remotes send
    ui_keys Space
    ui_wait "$(status $n1)" "${W}x$H: Space is the next step"
    ui_keys BSpace
    ui_wait "$(status $((n1 - 1)))" "${W}x$H: Backspace the previous one"
    ui_keys PPage
    ui_wait "$(status $((n1 - 2)))" "${W}x$H: PgUp the previous one"
    ui_keys NPage
    ui_wait "$(status $((n1 - 1)))" "${W}x$H: PgDn the next one"
    ui_keys Left
    ui_wait "$(status $((n1 - 2)))" "${W}x$H: ← the previous one"
    ui_keys Right
    ui_wait "$(status $((n1 - 1)))" "${W}x$H: → the next one"
    # the key toggles the mode off and on
    ui_keys f
    ui_wait "lesson step $((n1 - 1)) of $n1" "${W}x$H: f leaves presentation mode: the narration pane's title"
    ui_wait " info " "${W}x$H: and the info pane is back"
    ui_wait_gone "$(status $((n1 - 1)))" "${W}x$H: the usual status line"
    ui_keys f
    ui_wait "$(status $((n1 - 1)))" "${W}x$H: f again: presentation mode"
    no_panes "${W}x$H, toggled on again"
    ui_keys q
    ui_wait_exit 0 "${W}x$H: q quits"
done
left=$(ls "$WORK/tmp")
if [ -z "$left" ]; then ok "the lesson's temporary traces are removed"; else bad "left behind in TMPDIR: $left"; fi

# ---- below the minimum size, the viewer's rule ----
ui_start small 40 10 "'$TF' lesson 1 --present"
ui_wait "too small" "40x10: the too-small notice, in presentation mode too"
ui_resize 80 24
ui_wait "$(status 1)" "enlarged to 80x24: presentation mode"
ui_keys q
ui_wait_exit 0 "q quits"

# ---- lesson 7 in Chinese: the narration wrapped by display width ----
if [ -n "$l7" ] && [ -f "$l7/lesson.zh.md" ]; then
    n7=$(steps_of "$l7" | wc -l | tr -d ' ')
    # the step with the longest Chinese narration (most lines wrapped)
    k7=$(steps_of "$l7" | awk -F'|' '{ gsub(/ +$/, "", $1); print NR, $1 }' | while read -r i key; do
        echo "$(section "$l7/lesson.zh.md" "$key" | wc -c) $i"
    done | sort -n | tail -1 | awk '{ print $2 }')
    key7=$(key_of "$l7" "$k7")
    ui_start z 80 24 "'$TF' lesson 7 --present --lang zh"
    ui_wait "第 7 课 · 第 1 步，共 $n7 步 · N 下一步 · P 上一步" "zh: the status line in Chinese"
    ui_wait "$(note_of "$l7" 1 zh)" "zh: step 1's note in Chinese"
    i=1
    while [ "$i" -lt "$k7" ]; do
        if asks "$l7" "$i"; then
            ui_keys N
            ui_wait "已跳过：答案是" "zh: N at step $i's question shows its answer first" >/dev/null || break
        fi
        ui_keys N; i=$((i + 1))
        asks "$l7" "$i" || ui_wait "第 7 课 · 第 $i 步，共 $n7 步" "zh: N to step $i" >/dev/null || break
    done
    ui_wait "第 7 课 · 第 $k7 步，共 $n7 步" "zh: N to step $k7 ($key7, the longest narration)"
    first=$(narr_first "$l7/lesson.zh.md" "$key7" | LC_ALL=C.UTF-8 sed 's/^\(......\).*/\1/')
    ui_wait "$first" "zh: its narration"
    # Every line of the narration on screen is a piece of the lesson's
    # text (white space aside: lines break between characters), so no
    # character was cut or garbled; and none is wider than the terminal.
    whole=$(section "$l7/lesson.zh.md" "$key7" | tr -d ' \n\t*`')
    ui_screen > zh.screen
    start=$(grep -nF -- "$first" zh.screen | head -1 | cut -d: -f1)
    lines=0 wrong=0
    if [ -n "$start" ]; then
        sed -n "$start,$((24 - 2))p" zh.screen > zh.narr
        while IFS= read -r line; do
            piece=$(printf '%s' "$line" | sed 's/^ *[•-] //' | tr -d ' \t')
            [ -n "$piece" ] || continue
            lines=$((lines + 1))
            case "$whole" in *"$piece"*) ;; *) wrong=$((wrong + 1)); echo "       | not in the lesson: $line" ;; esac
        done < zh.narr
    fi
    if [ "$lines" -ge 3 ] && [ "$wrong" = 0 ]; then
        ok "zh: $lines lines of narration, each a whole piece of the lesson's text"
    else bad "zh: narration lines: $lines, of them not in the lesson's text: $wrong"; _ui_dump; fi
    # wrapped to the full width: a column of margin each side (78 columns
    # of text), and the longest line near it, not a side pane's width
    widest=$(LC_ALL=C.UTF-8 wc -L < zh.narr 2>/dev/null | tr -d ' ')  # display columns: 猫 is two
    if [ -n "$widest" ] && [ "$widest" -le 79 ] && [ "$widest" -ge 70 ]; then
        ok "zh: the narration wrapped to the full width, margins kept ($widest columns)"
    else bad "zh: the narration's widest line is ${widest:-?} columns (want 70 to 79 at 80)"; _ui_dump; fi
    if grep -q "$(printf '\357\277\275')" zh.screen; then bad "zh: a broken character (U+FFFD) on the screen"
    else ok "zh: no broken character"; fi
    ui_keys P
    ui_wait "第 7 课 · 第 $((k7 - 1)) 步，共 $n7 步" "zh: P goes back"
    ui_keys q
    ui_wait_exit 0 "zh: q quits"
else
    skip "lesson 7 in Chinese is missing"
fi

# ---- --present on the command line ----
expect_exit 2 "--present without a terminal: refused" -- sh -c "'$TF' lesson 1 --present < /dev/null"
expect_in "$WORK/err" "not a terminal" "and says the viewer needs one"
expect_exit 2 "--present with --check: refused" -- "$TF" lesson 1 --present --check
expect_in "$WORK/err" "--present" "and says why"
"$TF" lesson --help > help.txt 2>&1
expect_in help.txt "--present" "lesson --help documents --present"

finish
