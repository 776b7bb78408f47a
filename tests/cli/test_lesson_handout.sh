# The lesson handout: `lesson N --handout FILE.pdf` writes every shipped
# lesson as one PDF, read back with poppler's pdfinfo and pdftotext: the
# page count is what the command printed and what the lesson implies (a
# title page, a page per step, a page per figure, the claims, and the
# questions and answers when the lesson asks any), each page starts with
# the heading that place calls for, and the text holds the title, a step's
# note, a claim and its value as `--check` measures it; in Chinese too.
# A directory as the target is refused, and a failure leaves nothing
# behind. The time each lesson took is printed.
. tests/cli/lib.sh
SRC=$(pwd)
cd "$WORK"

need gnuplot "the handout's figures" || finish
need pdfinfo "reading the handout's pages back (poppler-utils)" || finish
need pdftotext "reading the handout's text back (poppler-utils)" || finish

pages_of() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ { print $2 }'; }
# The text of a PDF with pdftotext's line breaks undone: joined with a
# space (English; sep " ") or with nothing (Chinese; sep "").
flat_text() { pdftotext -enc UTF-8 "$1" - | tr '\f' '\n' | awk -v sep="$2" '{ printf "%s%s", (NR > 1 ? sep : ""), $0 }' | tr -s ' '; }
squeeze() { printf '%s' "$1" | tr -s ' '; }
# expect_text FLAT NEEDLE WHAT: the flattened text holds NEEDLE.
expect_text() {
    if grep -qF -- "$2" "$1"; then ok "$3"; else bad "$3: '$2' not in the PDF's text"; fi
}
# The first line of each page, one a line (pdftotext separates pages by \f).
page_heads() {
    pdftotext -enc UTF-8 "$1" - | awk 'BEGIN { RS = "\f" } NF { n = split($0, l, "\n"); for (i = 1; i <= n; i++) if (l[i] != "") { print l[i]; break } }'
}

ini_value() { sed -n "s/^$2 *= *//p" "$1" | head -1; }

# handout LESSON LANG: write it, check the page count and headings; sets
# $pdf and $flat (the text, flattened for LANG).
handout() {
    n=$1; lang=$2; dir=${3:-$(ls -d "$SRC"/lessons/"$(printf %02d "$n")"-*)}
    ini=$dir/lesson.ini
    pdf=$WORK/lesson$n.$lang.pdf
    which=$n; [ -z "${3:-}" ] || which=$3
    t0=$(date +%s.%N)
    expect_exit 0 "lesson $n --handout ($lang)" -- "$TF" lesson "$which" --lang "$lang" --handout "$pdf"
    t1=$(date +%s.%N)
    echo "  time lesson $n ($lang): $(echo "$t1 - $t0" | bc | sed 's/^\./0./' | cut -c1-5) s"
    printed=$(sed -n 's/^wrote .* (\([0-9]*\) pages)$/\1/p' "$WORK/out")
    got=$(pages_of "$pdf")
    if [ -n "$printed" ] && [ "$printed" = "$got" ]; then ok "lesson $n ($lang): pdfinfo counts the $got pages printed"; else
        bad "lesson $n ($lang): printed '$printed' pages, pdfinfo counts '$got'"; fi
    # what the lesson implies
    steps=$(awk '/^\[/ { in_steps = $0 == "[steps]" } in_steps && /^step *=/ { n++ } END { print n + 0 }' "$ini")
    questions=$(grep -c '^\[question\.' "$ini")
    page_heads "$pdf" >"$WORK/heads"
    figures=$(grep -c '^\(Figure\|图\) [0-9]' "$WORK/heads")
    qa=0; [ "$questions" -gt 0 ] && qa=2
    # a page whose text runs over continues on the next (that page begins
    # with the text): the lesson implies at least this many
    want=$((1 + steps + figures + 1 + qa))
    if [ -n "$got" ] && [ "$got" -ge "$want" ]; then ok "lesson $n ($lang): $got pages >= 1 + $steps steps + $figures figures + claims + $qa"; else
        bad "lesson $n ($lang): $got pages, the lesson implies at least $want (1 + $steps steps + $figures figures + claims + $qa)"
        sed 's/^/       | /' "$WORK/heads" | head -60; fi
    # each page begins as its place says
    num=$(basename "$dir" | sed 's/^0*\([0-9]*\)-.*/\1/')
    if [ "$lang" = zh ]; then L="第 $num 课"; S="第 %d 步，共 $steps 步"; F="图 %d，共 $figures 幅"; C="结论："; Q="问题"; A="答案"
    else L="Lesson $num"; S="Step %d of $steps"; F="Figure %d of $figures"; C="Claims, checked"; Q="Questions"; A="Answers"; fi
    { echo "$L"; i=1; while [ $i -le "$steps" ]; do printf "$S\n" $i; i=$((i + 1)); done
      i=1; while [ $i -le "$figures" ]; do printf "$F\n" $i; i=$((i + 1)); done
      echo "$C"; [ "$qa" = 0 ] || { echo "$Q"; echo "$A"; }; } >"$WORK/want_heads"
    # (pdftotext keeps no space between Chinese and a number: compared without spaces)
    # each expected heading begins a page, in order; the pages between are
    # continuations, and the first page is the title's
    if awk 'NR == FNR { w[FNR] = $0; gsub(/ /, "", w[FNR]); nw = FNR; next }
            { gsub(/ /, ""); if (FNR == 1 && index($0, w[1]) != 1) bad = 1
              if (k < nw && index($0, w[k + 1]) == 1) k++ }
            END { exit bad || k != nw }' "$WORK/want_heads" "$WORK/heads"; then
        ok "lesson $n ($lang): title, steps, figures, claims$( [ $qa = 0 ] || echo ', questions, answers'), page by page"
    else
        bad "lesson $n ($lang): the pages do not begin as expected"
        paste -d'|' "$WORK/want_heads" "$WORK/heads" | sed 's/^/       | /' | head -60
    fi
    if [ "$lang" = zh ]; then flat_text "$pdf" "" >"$WORK/flat"; else flat_text "$pdf" " " >"$WORK/flat"; fi
    flat=$WORK/flat
}

for d in "$SRC"/lessons/[0-9][0-9]-*/; do
    n=$(basename "$d" | sed 's/^0*\([0-9]*\)-.*/\1/')
    ini=$d/lesson.ini
    handout "$n" en
    eval "figures_$n=$figures"
    expect_text "$flat" "$(squeeze "$(ini_value "$ini" title)")" "lesson $n: the title"
    note=$(sed -n 's/^step *= *[^|]*| *//p' "$ini" | head -1)
    expect_text "$flat" "$(squeeze "$note")" "lesson $n: step 1's note"
    claim=$(awk '/^\[claim\./ { c = 1 } c && /^says *=/ { sub(/^says *= */, ""); print; exit }' "$ini")
    expect_text "$flat" "$(squeeze "$claim")" "lesson $n: its first claim"
    # the value --check measures for that claim (the first "measured:" line)
    "$TF" lesson "$n" --check >"$WORK/check" 2>&1
    measured=$(sed -n 's/^ *measured: //p' "$WORK/check" | head -1)
    if [ -n "$measured" ]; then expect_text "$flat" "$(squeeze "measured: $measured")" "lesson $n: its value, as --check measures it"
    else bad "lesson $n: --check printed no measured value"; fi
done

# The figures are the images `lesson N --plot` draws, one page each.
for n in 1 9; do
    eval "figures=\$figures_$n"
    "$TF" lesson "$n" --plot "figs$n" >"$WORK/plotted" 2>&1
    drawn=$(grep -vc '\.dat$' "$WORK/plotted")
    if [ "$figures" = "$drawn" ]; then ok "lesson $n: a page for each of the $drawn images --plot draws"; else
        bad "lesson $n: $figures figure pages, --plot draws $drawn"; fi
done

# In Chinese: the title, a step's note and a claim in Chinese.
for n in 1 7; do
    ini=$(ls -d "$SRC"/lessons/0$n-*)/lesson.ini
    handout "$n" zh
    expect_text "$flat" "$(ini_value "$ini" 'title\.zh' | tr -d ' ')" "lesson $n (zh): the Chinese title"
    note=$(sed -n 's/^step\.zh *= *//p' "$ini" | head -1 | tr -d ' ')
    tr -d ' ' <"$flat" >"$WORK/flat_nospace"
    expect_text "$WORK/flat_nospace" "$note" "lesson $n (zh): step 1's Chinese note"
    claim=$(awk '/^\[claim\./ { c = 1 } c && /^says\.zh *=/ { sub(/^says\.zh *= */, ""); print; exit }' "$ini" | tr -d ' ')
    expect_text "$WORK/flat_nospace" "$claim" "lesson $n (zh): its first claim in Chinese"
    expect_text "$flat" "测得：" "lesson $n (zh): the measured values, in Chinese"
done

# A lesson that asks questions (the test fixture): the questions with
# their choices as measured, then the answers with their explanations.
FIX=$SRC/tests/lessons/98-quiz
handout 98 en "$FIX"
expect_text "$flat" "Which key will it attend to most?" "the fixture: a question's text"
expect_text "$flat" "b) cat" "the fixture: its choices, as the run's tokens"
expect_text "$flat" "Question 2: $("$TF" lesson "$FIX" --answers /dev/null 2>/dev/null | sed -n 's/.*expected \([-0-9.e]*\) within.*/\1/p' | head -1)" \
    "the fixture: the number question's answer, as --answers measures it"
expect_text "$flat" "Only the claim about the division depends on it." "the fixture: an answer's explanation"
handout 98 zh "$FIX"

# A directory as the target: refused, nothing made.
mkdir -p adir
expect_exit 2 "a directory as the handout" -- "$TF" lesson 1 --handout adir
expect_in "$WORK/err" "adir: a directory" "the message says it is a directory"
if [ -z "$(ls -A adir)" ]; then ok "nothing written into the directory"; else bad "adir has: $(ls -A adir)"; fi
expect_exit 2 "a handout in a directory that does not exist" -- "$TF" lesson 1 --handout nodir/h.pdf
expect_absent nodir "no directory made"

# A failure (no gnuplot) leaves nothing behind, and an earlier handout as it was.
mkdir target
expect_exit 1 "no gnuplot: a runtime failure" -- env TRACEFORMER_GNUPLOT=/nonexistent/gnuplot "$TF" lesson 1 --handout target/h.pdf
expect_in "$WORK/err" "gnuplot" "the message names gnuplot"
if [ -z "$(ls -A target)" ]; then ok "no file left behind"; else bad "left behind: $(ls -A target)"; fi
# gnuplot fails half-way, the PDF begun: its temporary file goes too
expect_exit 1 "gnuplot failing on the first figure" -- env TRACEFORMER_GNUPLOT=/bin/false "$TF" lesson 1 --handout target/h.pdf
expect_in "$WORK/err" "gnuplot failed" "the message says gnuplot failed"
if [ -z "$(ls -A target)" ]; then ok "no file left behind, no temporary file"; else bad "left behind: $(ls -A target)"; fi
echo old >target/h.pdf
expect_exit 1 "gnuplot failing, over an earlier file" -- env TRACEFORMER_GNUPLOT=/bin/false "$TF" lesson 1 --handout target/h.pdf
if [ "$(cat target/h.pdf)" = old ] && [ "$(ls -A target)" = h.pdf ]; then ok "the earlier file kept, no temporary file left"; else
    bad "target/ now: $(ls -A target)"; fi

# --handout goes alone among the actions.
expect_exit 2 "--handout with --check" -- "$TF" lesson 1 --check --handout x.pdf
expect_absent x.pdf "nothing written"
finish
