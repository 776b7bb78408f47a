# Text from strangers never drives the terminal: control, bidi and invisible
# characters in lesson files are refused with file:line, a folder name and
# a token label are printed escaped; special tokens inside a sentence are
# refused, and generation never chooses <PAD> or <START>; small messages
# (--config DIR, --temperature inf, 65 --src, controls in --src).
. tests/cli/lib.sh
SRC=$(pwd)
cd "$WORK"
ESC=$(printf '\033')
RLO=$(printf '\342\200\256')    # U+202E RIGHT-TO-LEFT OVERRIDE
tiny="--d-model 8 --heads 2"

# expect_no_byte FILE BYTE DESCRIPTION: the raw byte never reaches FILE
expect_no_byte() {
    if grep -qF -- "$2" "$1"; then bad "$3: the raw character is in $(basename "$1")"; else ok "$3"; fi
}

# ---- point 3: lesson files ----
mkdir -p data/lessons
lesson() {  # lesson DIR: a copy of lesson 1 in data/lessons/DIR
    mkdir -p "data/lessons/$1"
    cp "$SRC/lessons/01-self-attention/lesson.ini" "$SRC/lessons/01-self-attention/lesson.md" "data/lessons/$1/"
}
lesson 01-esc
says=$(grep -n '^says = ' data/lessons/01-esc/lesson.ini | head -1 | cut -d: -f1)
sed "${says}s/^says = /says = ${ESC}[2K/" "$SRC/lessons/01-self-attention/lesson.ini" > data/lessons/01-esc/lesson.ini
expect_exit 2 "says = ESC[2K... is refused" -- "$TF" lesson ./data/lessons/01-esc --check
expect_in "$WORK/err" "lesson.ini:$says: a control character \\x1b at byte 8 of the line" "names lesson.ini, the line, the character"
expect_no_byte "$WORK/err" "$ESC" "the message holds no ESC"
expect_no_byte "$WORK/out" "$ESC" "nothing printed holds ESC"

cp "$SRC/lessons/01-self-attention/lesson.ini" data/lessons/01-esc/lesson.ini
printf 'x\033]0;owned\007\n' >> data/lessons/01-esc/lesson.md
mdline=$(wc -l < data/lessons/01-esc/lesson.md)
expect_exit 2 "an OSC title change in lesson.md is refused" -- "$TF" lesson ./data/lessons/01-esc --walk
expect_in "$WORK/err" "lesson.md:$mdline: a control character \\x1b at byte 2" "names lesson.md and the line"
cp "$SRC/lessons/01-self-attention/lesson.md" data/lessons/01-esc/lesson.md
printf '# 标题\n\n介绍 %s 文字\n' "$RLO" > data/lessons/01-esc/lesson.zh.md
expect_exit 2 "a bidi override in lesson.zh.md is refused" -- "$TF" lesson ./data/lessons/01-esc --walk
expect_in "$WORK/err" "lesson.zh.md:3: a bidi control \\u202e" "names lesson.zh.md, the line, the character"
rm data/lessons/01-esc/lesson.zh.md
printf '\357\273\277' > bom.md; cat data/lessons/01-esc/lesson.md >> bom.md; mv bom.md data/lessons/01-esc/lesson.md
expect_exit 0 "a byte-order mark at the start of lesson.md is fine" -- "$TF" lesson ./data/lessons/01-esc --walk
expect_in "$WORK/out" "3 of 3 claims hold" "and the lesson runs"
printf 'tab\there\r\n' >> data/lessons/01-esc/lesson.md
expect_exit 0 "tabs and CRLF in lesson.md are fine" -- "$TF" lesson ./data/lessons/01-esc --walk

# a folder name is not a file: --list shows it escaped, and its title too
lesson "02-evil${ESC}[2Jname"
sed "s/^title = .*/title = ${ESC}]0;owned${ESC}\\\\ title/" "$SRC/lessons/01-self-attention/lesson.ini" \
    > "data/lessons/02-evil${ESC}[2Jname/lesson.ini"
TRACEFORMER_DATA=$WORK/data expect_exit 0 "--list with a folder named with ESC" -- "$TF" lesson --list
expect_in "$WORK/out" "evil\\x1b[2Jname" "--list prints the folder name escaped"
expect_in "$WORK/out" "\\x1b]0;owned" "--list prints a peeked title escaped"
expect_no_byte "$WORK/out" "$ESC" "--list prints no ESC"
# an error quoting a config value: escaped
printf '[model]\nheads = 2%s[2K\n' "$ESC" > bad.ini
expect_exit 2 "a config file with ESC" -- "$TF" run -q --config bad.ini -o c.trace
expect_in "$WORK/err" "bad.ini:2: a control character \\x1b" "names the config file and line"
expect_no_byte "$WORK/err" "$ESC" "the message holds no ESC"

# ---- point 3: a token label with a bidi control, from someone's weights ----
# Files a person writes refuse it (above); a vocabulary that comes with
# weights is shown escaped, wherever its tokens are printed or drawn.
printf '[model]\nheads = 2%s\n' "$RLO" > rlo.ini
expect_exit 2 "a config file with U+202E" -- "$TF" run -q --config rlo.ini -o c.trace
expect_in "$WORK/err" "rlo.ini:2: a bidi control \\u202e" "names the config file and line"
expect_exit 0 "export weights" -- "$TF" run -q --src "a b" --tgt "a" --vocab "a b c" $tiny --export-weights w -o e.trace
sed "s/^c\$/c$RLO/" w/vocab.txt > w/v && mv w/v w/vocab.txt
sed '/^\[vocab\]/,$d' w/config.ini > w/c && mv w/c w/config.ini
expect_exit 0 "weights whose vocabulary has a token with U+202E" -- "$TF" run -q --weights w --src "a b" --tgt "a" -o rlo.trace
expect_exit 0 "show dec.logits" -- "$TF" show rlo.trace dec.logits
expect_in "$WORK/out" "c\\u202e" "show prints the token escaped"
expect_no_byte "$WORK/out" "$RLO" "show prints no U+202E"
if need gnuplot "the escaped label in a figure"; then
    expect_exit 0 "plot dec.logits as SVG" -- "$TF" plot rlo.trace dec.logits --format svg -o fig
    svg=$(ls fig/*.svg 2>/dev/null | head -1)
    if [ -n "$svg" ]; then
        expect_in "$svg" "c\\u202e" "the figure's label is escaped"
        expect_no_byte "$svg" "$RLO" "the figure holds no U+202E"
    else bad "no SVG written"; fi
fi

# ---- point 7: special tokens inside a sentence ----
expect_exit 2 "--tgt with <PAD> and <UNK>" -- "$TF" run -q --src "猫 老鼠" --tgt "我 爱 <PAD> <UNK>" $tiny -o s.trace
expect_in "$WORK/err" "--tgt 1: word 3 is <PAD>, a special token" "names the flag, the word and its position"
expect_exit 2 "--src with <START> inside" -- "$TF" run -q --src "猫 <START> 老鼠" $tiny -o s.trace
expect_in "$WORK/err" "--src 1: word 2 is <START>" "names the flag, the word and its position"
expect_exit 2 "--src with <END> before its end" -- "$TF" run -q --src "猫 <END> 老鼠" $tiny -o s.trace
expect_in "$WORK/err" "word 2 is <END>" "a non-final <END>"
expect_absent s.trace "nothing written"
expect_exit 0 "a leading <START> and a final <END>" -- "$TF" run -q --src "<START> 猫 老鼠 <END>" --tgt "<START> 我 <END>" $tiny -o s.trace
printf '[input]\nsrc = 猫\nsrc = 猫 <UNK>\n' > unk.ini
expect_exit 2 "a config sentence with <UNK>" -- "$TF" run -q --config unk.ini $tiny -o s.trace
expect_in "$WORK/err" "unk.ini:3: word 2 is <UNK>" "names the config file and line"

# ---- point 7: generation never chooses <PAD> or <START> ----
# Seeded random models over the specials and one word, greedy and sampled
# nearly uniformly (T = 5): without the rule, many of these 16 runs choose
# <PAD> or <START> before <END>. gen.tokens' last line is the token ids;
# id 0 is <PAD>, 1 <START> (the first column is the <START> generation
# begins with).
chose=0
for seed in 1 2 3 4 5 6 7 8; do
    for how in "" "--temperature 5 --sample-seed $seed"; do
        "$TF" run -q --src "a" --vocab "a" --seed $seed $tiny --generate 6 $how -o g.trace >/dev/null 2>&1 \
            || { bad "seed $seed $how: generation failed"; continue; }
        "$TF" show g.trace gen.tokens | tail -1 > ids.txt
        awk '{ for (i = 2; i <= NF; i++) if ($i == 0 || $i == 1) hit = 1 } END { exit !hit }' ids.txt \
            && chose=$((chose + 1))
    done
done
[ "$chose" -eq 0 ] && ok "greedy and sampled generation never chose <PAD> or <START> (16 runs)" \
    || bad "generation chose <PAD> or <START> in $chose of 16 runs"

# ---- point 10: small messages ----
mkdir -p cfgdir
expect_exit 2 "--config DIR" -- "$TF" run -q --config cfgdir -o c.trace
expect_in "$WORK/err" "cfgdir: is a directory" "says it is a directory"
mkfifo cfg.fifo
expect_exit 2 "--config FIFO" -- timeout 20 "$TF" run -q --config cfg.fifo -o c.trace
expect_in "$WORK/err" "cfg.fifo: not a regular file (a FIFO)" "refuses a FIFO, not waiting on it"
for t in inf nan -inf 1e39; do
    expect_exit 2 "--temperature $t" -- "$TF" run -q --src "a b" $tiny --generate 2 --temperature $t -o c.trace
    expect_in "$WORK/err" "must be finite" "--temperature $t: must be finite"
done
set --
for i in $(seq 65); do set -- "$@" --src "a"; done
expect_exit 2 "65 --src" -- "$TF" run -q "$@" $tiny -o c.trace
expect_in "$WORK/err" "at most 64 sentences: --src is given more than 64 times" "a message about sentences"
expect_not_in "$WORK/err" "model flags" "not about model flags"
set --
for i in $(seq 64); do set -- "$@" --src "a"; done
expect_exit 0 "64 --src and model flags besides" -- "$TF" run -q "$@" $tiny --d-ff 8 --layers 1 -o c.trace
# controls in --src/--tgt: refused naming the flag, before any work (the
# weights file that does not exist would be the first error otherwise)
expect_exit 2 "--src with ESC" -- "$TF" run -q --src "a ${ESC}[2Kb" --weights nope.tfw -o c.trace
expect_in "$WORK/err" "--src holds a control character (\\x1b) at byte 2" "names --src and the byte"
expect_not_in "$WORK/err" "nope.tfw" "before the weights are read"
expect_no_byte "$WORK/err" "$ESC" "the message holds no ESC"
expect_exit 2 "--tgt with a newline" -- "$TF" run -q --src "a" --tgt "$(printf 'a\nb')" --weights nope.tfw -o c.trace
expect_in "$WORK/err" "--tgt holds a control character (\\x0a)" "names --tgt"
expect_exit 2 "--src with U+202E" -- "$TF" run -q --src "a ${RLO}b" --weights nope.tfw -o c.trace
expect_in "$WORK/err" "--src holds a bidi control (\\u202e)" "a bidi control in --src"
expect_exit 0 "a zero width joiner is a letter" -- "$TF" run -q --src "$(printf 'a\342\200\215b c')" $tiny -o c.trace

finish
