# traceformer view, end to end: the real program in a real terminal (a
# private tmux server, tests/ui/tmux.sh), driven by keys and read back from
# the screen. Each scenario checks what a person would see — record names,
# token labels such as 猫, values — and that the program exits with the
# right code and gives the terminal back as it found it.
. tests/cli/lib.sh
need tmux "the viewer's tests need a terminal" || finish
. tests/ui/tmux.sh
cd "$WORK"
"$TF" run -q --lesson demo -o demo.trace || { bad "run --lesson demo"; finish; }
"$TF" run -q --lesson demo --positions none -o nopos.trace || { bad "run --positions none"; finish; }
# The value the info pane must show for the first cell of head 0, written
# the same way (the shortest decimal that reads back exactly).
"$TF" export demo.trace enc.0.attn.weights --format csv -o csv >/dev/null ||
    { bad "export csv"; finish; }
first=$(sed -n '3p' csv/enc.0.attn.weights.csv | cut -d, -f2)

# ---- without a terminal, or with a broken trace: refused before the screen ----
expect_exit 2 "view with stdout not a terminal" -- "$TF" view demo.trace
expect_in "$WORK/err" "not a terminal" "says the output is not a terminal"
expect_in "$WORK/err" "traceformer show" "points to traceformer show"
expect_exit 2 "view an unknown record" -- "$TF" view demo.trace enc.0.attn.weight
expect_in "$WORK/err" "did you mean enc.0.attn.weights" "suggests the name"
size=$(wc -c < demo.trace)
head -c $((size / 2)) demo.trace > half.trace
ui_start broken 80 24 "'$TF' view half.trace"
ui_wait_exit 2 "a truncated trace"
ui_wait "byte" "the reader's error, with the byte offset, on the normal screen"

# ---- stepping, heads, search, help, resize, quit ----
ui_start main 100 30 "'$TF' view demo.trace"
ui_wait "src.tokens [token=3]" "opens at the first record"
ui_wait "老鼠" "token labels, CJK included, on the screen"
ui_wait "steps (" "the steps pane"
ui_keys n
ui_wait "enc.embed [token=3, model=32]" "n steps forward"
ui_wait "step 2 of" "the title counts steps"
ui_keys Right
ui_wait "enc.pos [token=3, model=32]" "-> steps forward"
ui_keys p Left
ui_wait "src.tokens [token=3]" "p and <- step back"
ui_keys /
ui_wait "Tab completes" "/ opens the jump prompt"
ui_type "enc.0.attn.wei"
ui_keys Tab
ui_wait "/ enc.0.attn.weights" "Tab completes the name"
ui_keys Enter
ui_wait "enc.0.attn.weights [head=4, query=3, key=3]" "Enter opens the record"
ui_wait "= $first" "the value under the cursor, exactly"
ui_wait "row sum 1" "the row sum of attention weights"
ui_wait "queries from enc.input" "where Q, K and V came from"
ui_keys ']'
ui_wait "showing head 1" "] shows the next head"
ui_keys '['
ui_wait "showing head 0" "[ shows the previous head"
ui_keys '}'
ui_wait "enc.1.attn.weights [head=4" "} goes to the same record in the next layer"
ui_keys '{' a
ui_wait "head 3" "a shows every head"
ui_wait "bits" "with each head's entropy"
ui_keys a '?'
ui_wait "traceformer view: keys" "? opens the help"
ui_wait "jump to a record by name" "help lists the keys"
ui_keys q
ui_wait_gone "traceformer view: keys" "any key closes the help (q does not quit there)"
ui_resize 60 15
ui_wait_gone "steps (" "at 60x15 the steps pane makes room"
ui_wait "enc.0.attn.weights" "at 60x15 the record is still shown"
ui_wait "猫" "at 60x15 the tokens are still shown"
ui_resize 40 10
ui_wait "Terminal 40x10 is too small:" "below the minimum size it says so"
# The notice is read whole: the screen's lines, trimmed and joined by one
# space, hold the whole message (so it was wrapped, not cut at the edge).
ui_wait_joined() {
    _n=$((UI_TIMEOUT * 10))
    while [ "$_n" -gt 0 ]; do
        if ui_screen | awk '{ $1 = $1; if (NF) printf "%s ", $0 }' | grep -qF -- "$1"; then ok "$2"; return 0; fi
        sleep 0.1; _n=$((_n - 1))
    done
    bad "$2: '$1' not on the screen, whole, after ${UI_TIMEOUT}s"; _ui_dump; return 1
}
ui_resize 30 8
ui_wait_joined "Terminal 30x8 is too small: need 44x12. Enlarge it, or press q to quit." \
    "at 30x8 the whole too-small message fits"
ui_resize 20 4
ui_wait_joined "Terminal 20x4 is too small: need 44x12. Enlarge it, or press q to quit." \
    "at 20x4 the whole message still fits"
ui_resize 12 3
ui_wait_joined "Too small: need 44x12. q quits." "at 12x3 a shorter wording, whole"
ui_resize 6 2
ui_wait_joined "44x12" "at 6x2 the size needed, whole"
ui_resize 100 30
ui_wait "steps (" "back at 100x30 the steps pane returns"
ui_keys q
ui_wait_exit 0 "q quits"

# ---- the mask overlay and compare ----
ui_start more 110 32 "'$TF' view demo.trace dec.0.self_attn.scores --compare nopos.trace"
ui_wait "dec.0.self_attn.scores [head=4, query=4, key=4]" "opens at a named record"
ui_keys m
ui_wait "mask overlay on" "m overlays the mask"
ui_wait "hidden by mask" "the legend names what the overlay marks"
ui_keys c
ui_wait "A - B" "c compares A, B and A - B"
ui_wait "values differ" "and says how much they differ"
ui_keys c
ui_wait_gone "A - B" "c again leaves compare"
ui_keys q
ui_wait_exit 0 "q quits"

# ---- the matrix pane uses its space ----
# Eight tokens, d_model 8: 8 x 8 pages. Every column's number is on the
# screen (a row label followed by eight numbers), at the sizes a class uses.
eight_src="猫 追 老鼠 猫 追 老鼠 猫 追"
eight_tgt="cat chases mouse cat chases mouse cat"
"$TF" run -q --src "$eight_src" --tgt "$eight_tgt" --d-model 8 --heads 2 -o eight.trace &&
"$TF" run -q --src "$eight_src" --tgt "$eight_tgt" --d-model 8 --heads 2 --positions none -o eight-nopos.trace ||
    { bad "run the 8-token traces"; finish; }
num='-?[0-9]+\.[0-9]{2}'
for size in "80 24" "120 40" "200 50"; do
    ui_start "eight$size" ${size% *} ${size#* } "'$TF' view eight.trace dec.0.self_attn.weights"
    ui_wait "all 8x8" "${size% *}x${size#* }: the whole 8x8 page"
    ui_wait_re "chases( +$num){8}" "${size% *}x${size#* }: numbers in all eight columns"
    ui_keys q
    ui_wait_exit 0 "q quits"
done
# ---- generation: a step's number is not a layer ----
"$TF" run -q --lesson demo --generate 3 -o gen.trace || bad "run --generate 3"
ui_start gen 120 40 "'$TF' view gen.trace gen.1.token"
ui_wait "gen.1.token [token=1]" "a generation step's token"
ui_wait_gone "}/{ layer" "no } and { in the status bar of a step's own record"
ui_keys '}'
ui_wait "gen.1.token is not inside a layer" "} on a step's own record: a step is not a layer"
ui_keys /
ui_type "gen.1.dec.0.self_attn.weights"
ui_keys Enter
ui_wait "}/{ layer" "inside a step's layer the status bar offers } and {"
ui_keys '}'
ui_wait "gen.1.dec.1.self_attn.weights [" "} goes to the next layer of the same step"
ui_keys q
ui_wait_exit 0 "q quits"

# A 3x3 page gets big cells: its three numbers spread over most of the pane.
ui_start three 120 40 "'$TF' view demo.trace enc.0.attn.weights"
ui_wait_re "老鼠 +$num {9,}$num {9,}$num" "a 3x3 page is drawn with wide cells"
ui_keys q
ui_wait_exit 0 "q quits"
# Compare: A, B and A - B, one above the other at 200x50, all columns numbered.
ui_start compare8 200 50 "'$TF' view eight.trace enc.0.attn.weights --compare eight-nopos.trace"
ui_keys c
ui_wait "A - B" "compare shows A - B"
n=$(ui_screen | grep -cE "│(猫|追|老鼠) +$num( +$num){7}")
if [ "$n" -ge 24 ]; then ok "compare: three panels of eight rows, eight numbers each ($n rows)"; else
    bad "compare: $n rows with eight numbers, expected 24"; _ui_dump; fi
ui_keys q
ui_wait_exit 0 "q quits"
# The heads view labels its columns with tokens, 猫 and 老鼠 cut by width.
ui_start heads8 120 40 "'$TF' view eight.trace enc.0.attn.weights"
ui_keys a
ui_wait "2 heads, each 8x8" "a shows every head"
ui_wait_re "猫 +追 +老.* 猫 +追 +老" "the heads view labels columns with tokens"
ui_keys q
ui_wait_exit 0 "q quits"
ui_start heads8s 80 24 "'$TF' view eight.trace dec.0.self_attn.weights"
ui_keys a
ui_wait "2 heads, each 8x8" "a shows every head at 80x24"
ui_wait_re "<S[^ ]* +(ca|ch)[^ ]* +(ca|ch|mo)" "at 80x24 the heads view labels columns with tokens"
ui_keys q
ui_wait_exit 0 "q quits"

# ---- the mouse: a click selects the cell under it ----
# 70 columns leave no room for the steps pane, so the row labels start the
# lines: find the row "chases" and the column header "cat" on the screen and
# click where they cross (an SGR mouse report, as xterm sends it).
ui_start mouse 70 20 "'$TF' view demo.trace dec.0.self_attn.scores"
ui_wait "query <START> (0), key <START> (0)" "the cursor starts at the first cell"
y=$(ui_screen | grep -n '^chases ' | head -1 | cut -d: -f1)
x=$(ui_screen | grep -m1 '<START>.*cat.*chases' | awk '{ print index($0, " cat ") + 2 }')
if [ -n "$y" ] && [ -n "$x" ] && [ "$x" -gt 2 ]; then
    ui_keys -l "$(printf '\033[<0;%d;%dM\033[<0;%d;%dm' "$x" "$y" "$x" "$y")"
    ui_wait "query chases (2), key cat (1)" "a click selects the cell under it"
else
    bad "the row 'chases' or the column 'cat' is not on the screen"; _ui_dump
fi
ui_keys q
ui_wait_exit 0 "q quits"

# ---- x: the view as an image, through gnuplot; a failure is only a message ----
ui_start export 100 30 "'$TF' view demo.trace enc.0.attn.weights"
ui_wait "enc.0.attn.weights [head=4" "ready to export"
ui_keys ']' x
ui_wait "wrote plots/enc.0.attn.weights" "x says where the image went"
if ls plots/enc.0.attn.weights*.png >/dev/null 2>&1; then ok "x wrote a PNG"; else bad "x wrote no PNG"; fi
ui_keys q
ui_wait_exit 0 "q quits after an export"
UI_ENV="TRACEFORMER_GNUPLOT=/nonexistent/gnuplot"
ui_start noplot 100 30 "'$TF' view demo.trace enc.0.attn.weights"
UI_ENV=
ui_wait "enc.0.attn.weights [head=4" "ready to export (no gnuplot)"
ui_keys x
ui_wait "export failed" "without gnuplot, x says so in the status line"
ui_keys n
ui_wait "enc.0.attn.z" "and the viewer goes on"
ui_keys q
ui_wait_exit 0 "q quits after a failed export"

# ---- monochrome and ASCII ----
UI_ENV="NO_COLOR=1"
ui_start mono 100 30 "'$TF' view demo.trace enc.0.attn.scores"
UI_ENV=
ui_wait "enc.0.attn.scores" "NO_COLOR: the screen is drawn"
if ui capture-pane -e -p -t "$UI_T" | grep -q '48;5;'; then bad "NO_COLOR: 256-colour cells drawn"; else
    ok "NO_COLOR: no colours, a shading ramp"; fi
ui_keys v
ui_wait "≡" "NO_COLOR: the diverging ramp keeps the sign (≡ below 0)"
ui_keys q
ui_wait_exit 0 "q quits (monochrome)"
UI_ENV="LANG=C LC_ALL=C"
ui_start ascii 100 30 "'$TF' view demo.trace enc.0.attn.weights"
UI_ENV=
ui_wait '\u732b' "a non-UTF-8 locale gets ASCII labels"
ui_keys q
ui_wait_exit 0 "q quits (ASCII)"

# ---- signals: the terminal is restored ----
ui_start sig 100 30 "'$TF' view demo.trace"
ui_wait "src.tokens" "running"
kill -TERM "$(ui_pid)"
ui_wait_exit 143 "SIGTERM ends the viewer"
ui_start int 100 30 "'$TF' view demo.trace"
ui_wait "src.tokens" "running"
ui_keys C-c
ui_wait_exit 130 "Ctrl-C ends the viewer"

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
    UI_TIMEOUT=60
    ui_start vg 100 30 "$memcheck '$TF' view demo.trace --compare nopos.trace"
    ui_wait "src.tokens [token=3]" "$checker: opens"
    ui_keys n ']'
    ui_wait "step 2 of" "$checker: steps"
    ui_keys / ; ui_type "dec.0.cross"; ui_keys Tab Enter
    ui_wait "dec.0.cross_attn" "$checker: jumps"
    ui_keys a ']' c m v z '?' q
    ui_wait "dec.0.cross_attn" "$checker: heads, compare, mask, numbers, zoom, help"
    ui_resize 60 15
    ui_wait_gone "steps (" "$checker: resized"
    ui_keys q
    ui_wait_exit 0 "$checker: no errors"
    if [ -n "$(cat "$WORK"/vg.log* 2>/dev/null)" ]; then bad "$checker reported:"; cat "$WORK"/vg.log* | sed 's/^/       | /' | head -40; else
        ok "$checker: clean log"; fi
fi

finish
