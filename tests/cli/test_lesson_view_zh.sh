# traceformer lesson N in Chinese, in a real 80-column terminal (a private
# tmux server, tests/ui/tmux.sh): the narration pane wraps Chinese by
# display width and never past its edge, its Markdown is rendered (no **
# or backquote on screen), list items hang under their text, and the
# viewer's own words (keys line, info headings, pane title) are Chinese
# too — from --lang zh and from the L key.
. tests/cli/lib.sh
need tmux "the lessons are viewed in a terminal" || finish
. tests/ui/tmux.sh
cd "$WORK"
mkdir tmp
UI_ENV="TMPDIR=$WORK/tmp"

# The narration pane's rows: from its title line to the info pane's.
narration() {
    ui_screen | awk '/─ (课程第 [0-9]+ 步|lesson step [0-9]+ of)/ { on = 1; next } on && /─ (信息|info) ─/ { exit } on'
}

# check_pane WHAT COLS: every narration row fits in COLS columns and none
# was cut short (the ellipsis paint_text puts at a cut); no Markdown
# markers anywhere on the screen.
check_pane() {
    narration > "$WORK/pane"
    if [ ! -s "$WORK/pane" ]; then bad "$1: no narration pane on the screen"; _ui_dump; return; fi
    wide=$(LC_ALL=C.UTF-8 wc -L < "$WORK/pane")
    if [ "$wide" -le "$2" ]; then ok "$1: narration at most $2 columns wide ($wide)"; else
        bad "$1: a narration line is $wide columns wide, more than $2"; sed 's/^/       | /' "$WORK/pane"; fi
    if grep -q '…$' "$WORK/pane"; then bad "$1: a narration line was cut short"; sed 's/^/       | /' "$WORK/pane"
    else ok "$1: no narration line cut short"; fi
    ui_screen > "$WORK/screen"
    if grep -qF -e '**' -e '`' "$WORK/screen"; then bad "$1: raw Markdown on the screen"; _ui_dump
    else ok "$1: no ** or backquote on the screen"; fi
}

# ---- lesson 3 in Chinese, 80x24: step by step ----
ui_start zh 80 24 "'$TF' lesson 3 --lang zh"
ui_wait "课程第 1 步，共" "--lang zh: the pane title in Chinese"
ui_wait "形状" "an info heading in Chinese (shape)"
ui_wait "按键" "the first message in Chinese"
ui_keys l   # a cell step clears the first message: the keys line shows
ui_wait "退出" "a key hint in Chinese (q quit)"
ui_wait "课程步骤" "the lesson's key hint in Chinese (N/P)"
check_pane "step 1" 79
# The first step's paragraph fills its lines (Chinese breaks anywhere) and
# its code span shows without backquotes.
ui_wait "positions = none" "a code span shown without its backquotes"
for k in 2 3 4 5; do
    ui_keys N
    ui_wait "课程第 $k 步，共" "N: step $k"
    check_pane "step $k" 79
    ui_keys J
    sleep 0.3
    check_pane "step $k, scrolled" 79
done
ui_keys Escape C   # (step 5 asks a question: its prompt put aside first)
ui_wait "条成立，共" "the claims panel's heading in Chinese"
ui_wait "因果掩码 开，填充掩码" "the run's settings line in Chinese"
ui_wait_re "(成立|不成立) " "a claim's verdict in Chinese"
ui_keys Escape
ui_keys q
ui_wait_exit 0 "q quits"

# ---- English first, then L ----
ui_start en 80 24 "'$TF' lesson 3"
ui_wait "lesson step 1 of" "English by default"
ui_wait "shape" "an info heading in English"
ui_keys L
ui_wait "课程第 1 步，共" "L: the pane title in Chinese"
ui_wait "形状" "L: info headings in Chinese"
ui_keys l   # clears "narration in 简体中文" from the status line
ui_wait "退出" "L: key hints in Chinese"
check_pane "after L" 79
ui_keys L
ui_wait "lesson step 1 of" "L again: English"
ui_wait "shape" "L again: info headings in English"
ui_keys q
ui_wait_exit 0 "q quits"

# ---- a list in lesson 2: bullets, and continuation lines under the text ----
ui_start list 80 24 "'$TF' lesson 2 --lang zh"
ui_wait "课程第 1 步，共" "lesson 2 opens"
for k in 2 3 4 5 6; do ui_keys N; done
ui_wait "课程第 6 步，共" "lesson 2, step 6: the four heads"
# the step asks a question first: skipped (Ctrl-X), the reveal, then the
# step's narration beneath it, scrolled to its list
ui_keys C-x
i=0
while [ "$i" -lt 40 ] && ! ui_screen | grep -q "• "; do ui_keys J; sleep 0.2; i=$((i + 1)); done
ui_keys J
ui_wait "• " "list items with a bullet"
check_pane "lesson 2 step 6" 79
# a continuation line starts under the item's text: two spaces, then text
narration > "$WORK/pane"
if awk '/^ • / { item = 1; next } item && /^   [^ ]/ { found = 1 } END { exit !found }' "$WORK/pane"; then
    ok "continuation lines hang under the item's text"
else bad "no continuation line hangs under its item"; sed 's/^/       | /' "$WORK/pane"; fi
if grep -q '^ *- ' "$WORK/pane"; then bad "a raw '- ' list marker"; sed 's/^/       | /' "$WORK/pane"
else ok "no raw list markers"; fi
if grep -q '^    ' "$WORK/pane"; then bad "a continuation line with extra spaces"; sed 's/^/       | /' "$WORK/pane"
else ok "no extra spaces on continuation lines"; fi
ui_keys q
ui_wait_exit 0 "q quits"
finish
