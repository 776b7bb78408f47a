# The switches as re-run keys of the lesson viewer (lesson/switches.h):
# S the 1/sqrt(d_k) scaling, W the attention temperature, A the head on
# screen silenced, G the KV cache of generation, each listed in the help,
# named on the settings line in English and Chinese once flipped, gone from
# it when flipped back, and breaking the claim that rests on it. The real
# program in a real terminal (tests/ui/tmux.sh).
. tests/cli/lib.sh
need tmux "the lessons are viewed in a terminal" || finish
. tests/ui/tmux.sh
ROOT=$(pwd)
cd "$WORK"
mkdir tmp
UI_ENV="TMPDIR=$WORK/tmp"
UI_TIMEOUT=${UI_TIMEOUT:-30}

l1=$(ls -d "$ROOT"/lessons/01-*/ 2>/dev/null | head -1)
l4=$(ls -d "$ROOT"/lessons/04-*/ 2>/dev/null | head -1)
[ -n "$l1" ] && [ -n "$l4" ] || { bad "lessons 1 and 4 are missing"; finish; }
n1=$(grep -c '^\[claim\.' "$l1/lesson.ini")

# ---- lesson 1: S, W, A ----
ui_start l1 140 60 "'$TF' lesson 1"
ui_wait "lesson step 1 of" "lesson 1 opens"
ui_keys '?'
ui_wait "re-run with the scores' 1/sqrt(d_k) scaling on / off" "help lists S"
ui_wait "re-run with the next attention temperature" "help lists W"
ui_wait "re-run with the head on screen silenced" "help lists A"
ui_wait "not in this lesson: re-run generation with the KV" "help lists G, dimmed: lesson 1 generates nothing"
ui_keys q
ui_keys G
ui_wait "generates nothing" "G in a lesson without generation says why it does nothing"
ui_wait_gone "re-running" "and starts no re-run"
ui_keys S
ui_wait "scale 1/sqrt(d_k) off" "S re-runs with the scaling off, and the settings line says so"
ui_wait "FAIL" "a claim that rests on the scaling fails"
ui_wait_gone "claims: $n1 of $n1 pass" "fewer than all of lesson 1's claims hold"
ui_keys Escape L
ui_wait "缩放 1/√d_k 关" "in Chinese: the scaling off"
ui_keys L Escape S
ui_wait "claims: $n1 of $n1 pass" "S again: the scaling is back and every claim holds"
ui_wait_gone "scale 1/sqrt(d_k) off" "and the settings line no longer names it"
ui_keys Escape W
ui_wait "attention temperature 2" "W: temperature 2"
ui_keys Escape W
ui_wait "attention temperature 0.5" "W again: temperature 0.5"
ui_keys Escape W
ui_wait_gone "attention temperature 0.5" "W a third time: back to 1"
ui_wait "claims: $n1 of $n1 pass" "and every claim holds"
# A on a record without heads says where to go; on the weights it silences
# the head on screen.
ui_keys Escape g
ui_type "enc.0.attn.concat"
ui_keys Enter A
ui_wait "A silences the head on screen" "A on a record with no head axis says what it needs"
ui_keys g
ui_type "enc.0.attn.weights"
# the step asks a question first: skipped (Ctrl-X), the numbers and the keys are back
ui_keys Enter C-x A
ui_wait "heads silenced enc.0.0" "A silences the head on screen, named on the settings line"
ui_keys Escape L C
ui_wait "输出置零的头 enc.0.0" "in Chinese too (the claims panel's settings line)"
ui_keys Escape L A
ui_wait_gone "heads silenced enc.0.0" "A again: the head is back"
ui_keys Escape q
ui_wait_exit 0 "q quits lesson 1"

# ---- lesson 4: G ----
ui_start l4 140 36 "'$TF' lesson 4"
ui_wait "lesson step 1 of" "lesson 4 opens"
ui_keys G
ui_wait "KV cache off" "G re-runs generation without the KV cache"
ui_keys Escape L
ui_wait "KV 缓存 关" "in Chinese: the cache off"
ui_keys L Escape G
ui_wait_gone "KV cache off" "G again: the cache is back"
ui_keys Escape q
ui_wait_exit 0 "q quits lesson 4"

left=$(find tmp -mindepth 1 2>/dev/null | head -3)
if [ -z "$left" ]; then ok "the lessons' temporary traces are removed"; else bad "left behind in TMPDIR: $left"; fi
finish
