# Lesson claims measure what the run did: the cache claims of lesson 4
# read the work counted as generation ran, so --cache off breaks them (and
# only them: the logits still agree, row for row); claims take their sizes
# from the trace, so another sentence or target length keeps them true.
. tests/cli/lib.sh
cd "$WORK"

expect_exit 0 "lesson 4 --check" -- "$TF" lesson 4 --check
expect_in "$WORK/out" "4 of 4 claims hold" "every claim of lesson 4 holds with the cache"

expect_exit 1 "lesson 4 --check --cache off" -- "$TF" lesson 4 --check --cache off
expect_in "$WORK/out" "2 of 4 claims hold" "two claims fail without the cache"
# the claim lines that FAIL, by their check
grep -a -A1 '^FAIL' "$WORK/out" | grep -a -v '^FAIL' | grep -a -v '^--' | sed 's/^ *//' > failed.txt
for want in "count(gen.*.dec.0.self_attn.out@gen)" "sum(gen.work@gen[mode=0])"; do
    if grep -qF -- "$want" failed.txt; then ok "--cache off fails: $want"; else bad "--cache off does not fail: $want"; fi
done
if [ "$(wc -l < failed.txt)" -eq 2 ]; then ok "exactly the two cache claims fail"; else
    bad "$(wc -l < failed.txt) claims fail, expected 2"; sed 's/^/       | /' failed.txt; fi
expect_not_in "$WORK/out" "error:" "no claim errors without the cache"
grep -a -A2 'same logits' "$WORK/out" > agree.txt
expect_in agree.txt "PASS" "generation still agrees with teacher forcing without the cache"

# the counted work of a --no-cache run is the recomputing work
expect_exit 0 "run --lesson 4 --generate 3 --no-cache" -- \
    "$TF" run -q --lesson 4 --generate 3 --no-cache -o nc.trace
expect_exit 0 "show gen.work" -- "$TF" show nc.trace gen.work
expect_in "$WORK/out" "counted  recomputed" "gen.work's columns: counted, recomputed"
if awk 'NF == 3 && $2 ~ /^[0-9]+$/ { n++; if ($2 != $3) d++ } END { exit !(n >= 3 && d == 0) }' "$WORK/out"; then
    ok "without the cache every step counted the recomputing work"; else
    bad "counted and recomputed differ without the cache"; sed 's/^/       | /' "$WORK/out" | head -12; fi
expect_exit 0 "run --lesson 4 --generate 3" -- "$TF" run -q --lesson 4 --generate 3 -o c.trace
expect_exit 0 "show gen.work" -- "$TF" show c.trace gen.work
if awk 'NF == 3 && $2 ~ /^[0-9]+$/ { n++; if ($2 + 0 < $3 + 0) less++ } END { exit !(n >= 3 && less == n - 1) }' "$WORK/out"; then
    ok "with the cache every step after the first counted less than recomputing"; else
    bad "with the cache the counted work is not below recomputing"; sed 's/^/       | /' "$WORK/out" | head -12; fi

# other sentences, other lengths
expect_exit 0 "lesson 1 --check --src 'the mouse was tired'" -- "$TF" lesson 1 --check --src "the mouse was tired"
expect_in "$WORK/out" "16 == 16" "n_squared measures 4 tokens: 16 scores"
expect_exit 0 "lesson 4 --check --tgt '我 爱'" -- "$TF" lesson 4 --check --tgt "我 爱"
expect_exit 1 "lesson 4 --check --tgt '我 爱' --cache off" -- "$TF" lesson 4 --check --tgt "我 爱" --cache off
expect_in "$WORK/out" "2 of 4 claims hold" "a shorter target: the cache claims fail, the rest hold"
expect_not_in "$WORK/out" "error:" "a shorter target: no claim errors"

exit "$T_FAILS"
