# traceformer view on a record as wide as a vocabulary of a thousand
# characters (dec.probs of a character-level model), in a real terminal
# (a private tmux server, tests/ui/tmux.sh): by default only the tokens the
# cursor's row ranks highest, best first, the first of them the row's
# argmax as `export` computes it; the info pane says "top k of N tokens"
# and where the row's target ranks;
# t shows every column and t again comes back; CJK punctuation labels (，
# 。、 are two columns wide) stand centred over their cells, whole.
. tests/cli/lib.sh
need tmux "the viewer's tests need a terminal" || finish
. tests/ui/tmux.sh
cd "$WORK"

# A vocabulary of 1000 tokens, as many as --vocab's 4 KB holds: CJK
# punctuation first, then the ideographs from U+4E00 (awk writes the bytes).
punct="， 。 、 ； ： ？ ！ 《 》 「 」"
ideo=$(awk 'BEGIN { for (i = 0; i < 989; i++) { cp = 19968 + i
    printf "%s%c%c%c", i ? " " : "", 224 + int(cp / 4096), 128 + int(cp / 64) % 64, 128 + cp % 64 } }')
"$TF" run -q --arch decoder-only --vocab "$punct $ideo" --tgt "丁 七 ， 万 丈 。" -o dec.trace ||
    { bad "run a decoder-only model with 1000 tokens"; finish; }
n=$("$TF" ls dec.trace | sed -n 's/.* dec\.probs *\[token=6, vocab=\([0-9]*\)\].*/\1/p')
[ "$n" = 1004 ] && ok "dec.probs is [token=6, vocab=1004]" || { bad "dec.probs has vocab '$n', expected 1004"; finish; }
# Row 0's two best tokens, as export writes the values (the first of equal
# values first, as the viewer ranks them).
"$TF" export dec.trace dec.probs --format csv -o csv >/dev/null || bad "export csv"
set -- $(awk -F, 'NR == 1 { for (i = 2; i <= NF; i++) lab[i] = $i }
    NR == 2 { b = 0; c = 0
        for (i = 2; i <= NF; i++) {
            if (!b || $i + 0 > $b + 0) { c = b; b = i } else if (!c || $i + 0 > $c + 0) c = i }
        print lab[b], lab[c]; exit }' csv/dec.probs.csv)
best=$1 second=$2
# Where row 0's target (七, the token after 丁) ranks: after every larger
# value, and after equal values of smaller index.
set -- $(awk -F, 'NR == 1 { for (i = 2; i <= NF; i++) if ($i == "七") t = i }
    NR == 2 { r = 1; for (i = 2; i <= NF; i++) if ($i + 0 > $t + 0 || ($i + 0 == $t + 0 && i < t)) r++
        print t - 2, r; exit }' csv/dec.probs.csv)
target_id=$1 target_rank=$2

# The matrix pane's lines, the steps pane cut off, every two-column
# character written as "WW" and "…" as "." — so a byte is a column.
pane() { ui_screen | LC_ALL=C.UTF-8 sed -n 's/^[^│]*│//p'; }
columns() { LC_ALL=C.UTF-8 sed 's/…/./g; s/[^ -~]/WW/g'; }

# aligned WHAT: every label of the column header stands centred (within a
# column) over the number of its column in the first row of values.
aligned() {
    pane > pane.txt
    hdr=$(awk '/^token x vocab/ { getline; print; exit }' pane.txt)
    row=$(awk '/^token x vocab/ { on = 1; getline; next } on && /[0-9]\.[0-9]/ { print; exit }' pane.txt)
    if [ -z "$hdr" ] || [ -z "$row" ]; then bad "$1: no header or first row on the screen"; _ui_dump; return; fi
    printf '%s\n%s\n' "$hdr" "$row" | columns | awk -v what="$1" '
        function fields(s, skip,   off, k) {
            n = 0; off = 0
            while (match(s, /[^ ]+/)) {
                if (skip-- <= 0) { n++; st[n] = off + RSTART; ln[n] = RLENGTH }
                off += RSTART + RLENGTH - 1; s = substr(s, RSTART + RLENGTH)
            }
            return n
        }
        NR == 1 { nh = fields($0, 0); for (k = 1; k <= nh; k++) { hs[k] = st[k]; hl[k] = ln[k] } }
        NR == 2 { nr = fields($0, 1)  # the row label first
            if (nh < 3 || nh != nr) { printf "%d labels over %d values\n", nh, nr; exit 1 }
            for (k = 1; k <= nh; k++) {
                d = (2 * hs[k] + hl[k]) - (2 * st[k] + ln[k])
                if (d < -1 || d > 1) { printf "label %d at columns %d+%d, its value at %d+%d\n", k, hs[k], hl[k], st[k], ln[k]; exit 1 }
            }
            printf "%d labels\n", nh }' > align.txt
    if [ $? -eq 0 ]; then ok "$1: $(cat align.txt), each centred over its column"; else
        bad "$1: $(cat align.txt)"; printf '       | %s\n       | %s\n' "$hdr" "$row"; fi
}

ui_start vocab 110 32 "'$TF' view dec.trace dec.probs"
ui_wait "dec.probs [token=6, vocab=1004]" "opens at dec.probs, its shape as stored"
ui_wait_re "top [0-9]+ of 1004 tokens, by row 0" "the info pane: top k of N tokens, ranked by row 0"
ui_wait_re "rows 0-5 of 6  top [0-9]+ of 1004 tokens" "the legend line says so too"
ui_wait "t all columns" "the keys line offers t"
k=$(ui_screen | sed -n 's/.*top \([0-9]*\) of 1004 tokens, by row.*/\1/p' | head -1)
[ "${k:-0}" -ge 5 ] && [ "$k" -le 30 ] && ok "k = $k columns fit with their numbers" || bad "k = '$k'"
hdr=$(pane | awk '/^token x vocab/ { getline; print; exit }')
set -- $hdr
[ "$1" = "$best" ] && ok "the first column is row 0's argmax ($best)" || bad "first column '$1', row 0's argmax is '$best'"
[ "$2" = "$second" ] && ok "the second column is its runner-up ($second)" || bad "second column '$2', expected '$second'"
[ $# -eq "$k" ] && ok "$k labels in the header, one a column" || bad "$# labels in the header, expected $k"
ui_wait_re "vocab $best \([0-9]+, rank 1\)" "the cursor: the token, its index and its rank"
aligned "top k"
ui_wait "target   七 ($target_id): rank $target_rank of 1004" "the info pane: where row 0's target ranks"
ui_keys l
ui_wait_re "vocab $second \([0-9]+, rank 2\)" "l: the runner-up, rank 2"

# ---- t: every column, scrolling; t again: back ----
ui_keys t
ui_wait "all 1004 columns, scrolling" "t: every column"
ui_wait_re "cols [0-9]+-[0-9]+ of 1004" "the legend gives the columns shown"
ui_wait_re "vocab $second \([0-9]+\) =" "the cursor stays on the same token"
ui_wait_gone "tokens, by row" "no top-k line in the info pane"
ui_keys v 0
ui_wait_re "vocab <PAD> \(0\) =" "0: the first column"
ui_wait "t top tokens" "the keys line offers t back"
ui_wait "，" "the CJK punctuation of the vocabulary in the header"
hdr=$(pane | awk '/^token x vocab/ { getline; print; exit }')
case "$hdr" in
*"， "*"。 "*"、 "*"； "*) ok "，。、； whole, in vocabulary order" ;;
*) bad "the header does not show ，。、； whole: '$hdr'" ;;
esac
aligned "every column, numbers on"
ui_keys t
ui_wait_re "top [0-9]+ of 1004 tokens, by row 0" "t again: the top tokens"
ui_wait_re "vocab $best \([0-9]+, rank 1\)" "the cursor's token (<PAD>) is not among them: rank 1"
ui_keys j
ui_wait_re "top [0-9]+ of 1004 tokens, by row 1" "j: ranked by row 1"
ui_keys q
ui_wait_exit 0 "q quits"
finish
