# Attention records know where their queries are: the trace's positions,
# distance() in a lesson claim measured from them on a generation step,
# and the plots reading the row entropy the export wrote.
. tests/cli/lib.sh
SRC=$(pwd)
cd "$WORK"

# a generation trace is of a format with positions (from 2.0; 3.0 now)
expect_exit 0 "run --generate 4" -- "$TF" run -q --lesson demo --generate 4 -o gen.trace
major=$(od -An -tu2 -j8 -N2 gen.trace | tr -d ' ')
[ "$major" = 3 ] && ok "the trace is format 3.x" || bad "the trace says major version '$major'"

# distance() on step 3 with the KV cache: its one query row is position 3,
# so it equals row 3 of the teacher-forced pass over the same prompt
mkdir -p l4
cp "$SRC/lessons/04-decoder/lesson.ini" "$SRC/lessons/04-decoder/lesson.md" l4/
cat >> l4/lesson.ini <<'INI'

[fact.gen_distance]
says = Step 3 of generation looks as far back as row 3 of teacher forcing: its query is at position 3.
check = sum(distance(gen.3.dec.0.self_attn.weights@gen[head=0])) - sum(distance(dec.0.self_attn.weights[head=0, query=3:])) == 0 within 1e-5

[fact.gen_distance_far]
says = The same for every head of the second layer, and the distance is not measured from position 0.
check = sum(distance(gen.3.dec.1.self_attn.weights@gen)) - sum(distance(dec.1.self_attn.weights[query=3:])) == 0 within 1e-5
INI
expect_exit 0 "distance() of a generation step equals teacher forcing's row" -- "$TF" lesson ./l4 --check
expect_in "$WORK/out" "PASS  Step 3 of generation looks as far back" "the claim was checked"

# the .dat export states each page's row entropy, and the plots print it
expect_exit 0 "export dat" -- "$TF" export gen.trace gen.3.dec.0.self_attn.weights gen.3.dec.logits --format dat -o d
n=$(grep -c '^# row entropy: ' d/gen.3.dec.0.self_attn.weights.dat)
[ "$n" = 4 ] && ok "one row entropy line per head" || bad "$n row entropy lines, want 4"
expect_not_in d/gen.3.dec.logits.dat "row entropy" "no entropy for logits (not a distribution)"
if command -v gnuplot >/dev/null 2>&1; then
    sed 's/^# row entropy: .*/# row entropy: 7.77/' d/gen.3.dec.0.self_attn.weights.dat > d/w.dat
    gnuplot -e "data='d/w.dat'; out='heads.svg'" "$SRC/viz/heads.gp" 2>gp.err
    expect_in heads.svg "H = 7.77" "heads.gp prints the entropy the file states"
else
    bad "gnuplot is not installed"
fi
finish
