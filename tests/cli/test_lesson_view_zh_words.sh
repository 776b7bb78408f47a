# A lesson in Chinese speaks Chinese throughout, in a real 80x24 terminal
# (tests/ui/tmux.sh): walked with N from its first step to its last, no
# screen shows an English word of the viewer's own (the list below: pane
# titles, the matrix legend and window, head titles, status messages,
# claims, help, prompts); record names, token labels, shapes and the
# trace's own formulas are data and may be English. The claims panel, the
# help screen, its glossary (g), a re-run's messages and the sentence
# editor's prompt are checked the same way.
. tests/cli/lib.sh
need tmux "the lesson is viewed in a terminal" || finish
. tests/ui/tmux.sh
cd "$WORK"
mkdir tmp
UI_ENV="TMPDIR=$WORK/tmp"

# The viewer's English words (extended regular expressions, case matters).
ENGLISH_UI='lesson step|step [0-9]+ of|this is the|goes on|claims|PASS|FAIL|measured|narration|introduction'
ENGLISH_UI="$ENGLISH_UI"'|entropy|bits|distance|rows [0-9]|cols [0-9]|all [0-9]+x[0-9]| -inf \(masked\)|hidden by mask'
ENGLISH_UI="$ENGLISH_UI"'|heads, each|pooled|re-run|re-ran|checking|help|quit|edit|Mouse|Glossary|not a key'
ENGLISH_UI="$ENGLISH_UI"'|exec index|showing|row sum|queries from|keys and values|you changed|causal mask|padding mask'
ENGLISH_UI="$ENGLISH_UI"'|residual|source>|target>|Enter re-runs|Esc cancels|not in this lesson|cannot|lesson [0-9]'

# no_english WHAT: the screen holds none of the English words.
no_english() {
    ui_screen > "$WORK/screen"
    if grep -nE -- "$ENGLISH_UI" "$WORK/screen" > "$WORK/left"; then
        bad "$1: English on the screen:"; sed 's/^/       | /' "$WORK/left" | head -4
    else ok "$1: no English word of the viewer's"; fi
}

l=7
n=$("$TF" lesson $l --walk | grep -c '^── step [0-9]* of ')
[ "$n" -ge 2 ] || bad "lesson $l: --walk lists no steps"
ui_start zh 80 24 "'$TF' lesson $l --lang zh"
ui_wait "课程第 1 步，共 $n 步" "the first step, in Chinese"
ui_wait "按键" "the greeting in Chinese"
no_english "step 1 with the greeting"
ui_keys l
ui_wait "退出" "the keys line in Chinese"
no_english "step 1"
k=2
while [ "$k" -le "$n" ]; do
    ui_keys N
    ui_wait "课程第 $k 步，共 $n 步" "N: step $k of $n" || break
    no_english "step $k"
    k=$((k + 1))
done
ui_keys N
ui_wait "这是本课的最后一步" "N past the last step says so in Chinese"
no_english "past the last step"
ui_keys v
ui_wait "格中数值" "a status message in Chinese (v)"
ui_keys v

# the claims, checked on the first run
ui_keys C
ui_wait "条成立，共" "the claims panel in Chinese"
ui_wait_re "(成立|不成立) " "a verdict in Chinese"
ui_wait "测得：" "measured in Chinese"
no_english "the claims panel"
ui_keys Escape

# a re-run: the padding mask off
ui_keys D
ui_wait "已重新运行" "the re-run's message in Chinese"
ui_wait "不成立" "a claim the re-run breaks says 不成立"
no_english "after a re-run"
ui_keys Escape

# the sentence editor: its prompt, and Esc
ui_keys e
ui_wait "源句>" "the editor's prompt in Chinese"
no_english "the sentence editor"
ui_keys Escape
ui_wait "已取消编辑" "Esc in the editor says so in Chinese"

# help, in Chinese, and its glossary
ui_keys '?'
ui_wait "查看器：按键" "the help screen's title in Chinese"
ui_wait "课程的下一步" "a key's help in Chinese"
no_english "the help screen"
ui_keys g
ui_wait "术语表" "g in help: the glossary"
ui_wait_re "token +词元 +输入的一个单位" "the glossary: token, 词元, its meaning in Chinese"
ui_wait_re "causal mask +因果掩码" "the glossary: causal mask, 因果掩码"
ui_keys j j j j j j j j j j
ui_wait_re "claim +结论" "the glossary's last term, scrolled to"
ui_keys g
ui_wait "记录" "g again: back to the keys"
ui_keys q
ui_wait_gone "查看器：按键" "a key closes help"
ui_keys q
ui_wait_exit 0 "q"

# In English the glossary gives the meaning in English.
ui_start en 80 24 "'$TF' lesson 1"
ui_wait "lesson step 1 of" "the English lesson"
ui_keys '?' g
ui_wait "Glossary (English / 中文)" "the glossary's title in English"
ui_wait_re "token +词元 +a unit of the input" "the glossary: the meaning in English"
ui_keys q q
ui_wait_exit 0 "q"
finish
