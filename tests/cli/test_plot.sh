# traceformer plot: the default figures, names and patterns, formats and
# sizes, the scripts run by hand, and every refusal — gnuplot missing or
# failing, bad flags, a pattern that matches nothing — leaving no image.
. tests/cli/lib.sh
src=$(pwd)
cd "$WORK"
"$TF" run -q --lesson demo -o demo.trace || { bad "run --lesson demo"; finish; }

# PNG width and height from the IHDR chunk (bytes 16..23, big-endian).
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%d,%d\n", $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8 }'; }
is_png() { [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '211PNG' ]; }
# Only images in DIR: no work directory or temporary left.
only_images() {
    left=$(ls -A "$1" | grep -v -e '\.png$' -e '\.svg$' -e '\.pdf$' -e '\.dat$')
    [ -z "$left" ] && ok "$2" || bad "$2: left in $1: $left"
}

expect_exit 0 "plot --help" -- "$TF" plot --help
expect_in "$WORK/out" "--head H" "plot --help describes --head"
expect_in "$WORK/out" "TRACEFORMER_FONT" "plot --help names the font override"

# ---- the default figures ----
expect_exit 0 "plot the default figures" -- "$TF" plot demo.trace -o figs
for f in enc.0.attn.weights enc.1.attn.weights dec.0.self_attn.weights dec.1.self_attn.weights \
         dec.0.cross_attn.weights dec.1.cross_attn.weights enc.0.attn.mask dec.0.self_attn.mask \
         dec.0.cross_attn.mask enc.pos dec.probs norms; do
    if grep -qx "figs/$f.png" "$WORK/out" && is_png "figs/$f.png"; then ok "default figure $f.png"; else
        bad "default figure $f.png missing or not a PNG"; fi
done
n=$(grep -c . "$WORK/out")
[ "$n" -eq 12 ] && ok "12 default figures, each path printed" || bad "$n paths printed, expected 12"
expect_not_in "$WORK/out" "enc.1.attn.mask" "the masks of later layers (repeats) are left out"
only_images figs "no work files left beside the images"

# a generation trace: the decoder's self- and cross-attention during
# generation, each subtitled with what its keys are
"$TF" run -q --lesson demo --generate 6 -o g.trace || bad "run --lesson demo --generate 6"
expect_exit 0 "plot the default figures of a generation trace" -- "$TF" plot g.trace --format svg -o gfigs
for f in gen.dec.0.self_attn.weights gen.dec.1.self_attn.weights gen.dec.0.cross_attn.weights \
         gen.dec.1.cross_attn.weights; do
    expect_in "$WORK/out" "gfigs/$f.svg" "default figure $f"
done
expect_in gfigs/gen.dec.0.cross_attn.weights.svg "against the encoder memory, the same keys every step" \
    "the cross-attention figure's keys are the encoder memory"
expect_not_in gfigs/gen.dec.0.cross_attn.weights.svg "cached so far" "no cache in the cross-attention figure"
expect_in gfigs/gen.dec.0.self_attn.weights.svg "against the KV cache, one key more each step" \
    "the self-attention figure's keys are the growing cache"

# ---- names, patterns, heads, sizes, formats ----
expect_exit 0 "plot a pattern" -- "$TF" plot demo.trace 'enc.*.attn.weights' -o pat
[ "$(grep -c . "$WORK/out")" -eq 2 ] && ok "the pattern drew 2 figures" || bad "pattern: $(cat "$WORK/out")"
expect_exit 0 "plot --head 1" -- "$TF" plot demo.trace enc.0.attn.weights --head 1 -o head
expect_in "$WORK/out" "head/enc.0.attn.weights.head1.png" "named .head1"
expect_exit 0 "plot --size 800,600" -- "$TF" plot demo.trace dec.0.self_attn.mask --size 800,600 -o size
[ "$(png_size size/dec.0.self_attn.mask.png)" = "800,600" ] && ok "the image is 800x600" \
    || bad "the image is $(png_size size/dec.0.self_attn.mask.png)"
expect_exit 0 "plot --format svg" -- "$TF" plot demo.trace enc.0.attn.weights --format svg -o svg
grep -q '>猫<' svg/enc.0.attn.weights.svg && grep -q '>老鼠<' svg/enc.0.attn.weights.svg \
    && ok "the SVG keeps token labels as text" || bad "no token text in the SVG"
expect_exit 0 "plot --format pdf" -- "$TF" plot demo.trace dec.probs --format pdf -o pdf
[ "$(head -c 5 pdf/dec.probs.pdf)" = "%PDF-" ] && ok "a PDF" || bad "not a PDF"
expect_exit 0 "plot scores, an activation, tokens" -- "$TF" plot demo.trace dec.0.self_attn.masked enc.0.ffn.hidden src.tokens -o more
[ "$(grep -c . "$WORK/out")" -eq 3 ] && ok "3 figures" || bad "$(cat "$WORK/out")"
expect_exit 0 "--font and TRACEFORMER_FONT" -- env TRACEFORMER_FONT="DejaVu Sans" "$TF" plot demo.trace enc.0.attn.mask --format svg -o font
expect_in font/enc.0.attn.mask.svg "DejaVu Sans" "the font from TRACEFORMER_FONT"
expect_exit 0 "--font overrides TRACEFORMER_FONT" -- env TRACEFORMER_FONT="DejaVu Sans" "$TF" plot demo.trace enc.0.attn.mask --font "Noto Sans Mono" --format svg -o font2
expect_in font2/enc.0.attn.mask.svg "Noto Sans Mono" "the font from --font"

# a batch: file names say which sentence
expect_exit 0 "run a batch" -- "$TF" run -q --lesson demo --src "猫 追 老鼠" --src "我 爱 AI" --tgt "<START> cat chases mouse" --tgt "<START> I love" -o batch.trace
expect_exit 0 "plot --batch 1" -- "$TF" plot batch.trace enc.0.attn.weights enc.0.attn.mask norms --batch 1 -o batch
expect_in "$WORK/out" "batch/enc.0.attn.weights.batch1.png" "named .batch1"
expect_in "$WORK/out" "batch/norms.batch1.png" "norms of sentence 1"
expect_exit 2 "plot --batch 5" -- "$TF" plot batch.trace enc.0.attn.weights --batch 5 -o batch5
expect_in "$WORK/err" "sentences 0..1" "names the sentences there are"

# norms of two traces on one plot
expect_exit 0 "run pre-LN" -- "$TF" run -q --lesson demo --norm pre -o pre.trace
expect_exit 0 "plot norms --compare" -- "$TF" plot demo.trace norms --compare pre.trace -o cmp
is_png cmp/norms.png && ok "norms of two traces" || bad "no norms.png"
expect_exit 0 "plot norms --compare svg" -- "$TF" plot demo.trace norms --compare pre.trace --format svg -o cmpsvg
expect_in cmpsvg/norms.svg ">demo.trace   vs   pre.trace<" "the subtitle names both traces"
expect_in cmpsvg/norms.svg "encoder  (pre.trace)<" "the legend names the compared trace"
expect_in cmpsvg/norms.svg ">enc.0.resid_mid<" "a shallow stack: every record named"

# the scripts on their own, as README shows: gnuplot -e "data=...; out=..." viz/X.gp
expect_exit 0 "--keep-data" -- "$TF" plot demo.trace enc.0.attn.weights dec.0.self_attn.mask enc.pos norms --keep-data -o keep
for pair in heads:enc.0.attn.weights heatmap:enc.0.attn.weights mask:dec.0.self_attn.mask \
            positions:enc.pos norms:norms; do
    script=${pair%%:*}; data=${pair#*:}
    if [ -s "keep/$data.dat" ] && gnuplot -e "data='keep/$data.dat'; out='by-hand-$script.png'" \
        "$src/viz/$script.gp" 2>gp.err && is_png "by-hand-$script.png"; then ok "viz/$script.gp by hand"; else
        bad "viz/$script.gp by hand"; sed 's/^/       | /' gp.err | head -5; fi
done
gnuplot -e "data='keep/enc.0.attn.weights.dat'; out='by-hand.svg'; head=2; width=500; height=400" "$src/viz/heatmap.gp" \
    && grep -q 'width="500"' by-hand.svg && ok "heatmap.gp: head, width, svg by hand" || bad "heatmap.gp options by hand"
# the entropy reference over the keys each row sees: `plot` has heads.gp
# count them from the mask's runs (mask_runs), by hand it counts the
# mask's cells; the same number
expect_exit 0 "--keep-data of weights with their mask" -- \
    "$TF" plot demo.trace dec.0.self_attn.weights --format svg --keep-data -o keepm
ref=$(grep -o 'uniform over the visible keys: [0-9.]*' keepm/dec.0.self_attn.weights.svg)
gnuplot -e "data='keepm/dec.0.self_attn.weights.dat'; mask='keepm/dec.0.self_attn.weights.mask.dat'; \
    out='by-hand-mask.svg'" "$src/viz/heads.gp" 2>gp.err
[ -n "$ref" ] && grep -q "$ref)" by-hand-mask.svg && ok "the visible keys from the mask's runs and cells agree ($ref)" \
    || bad "visible keys: plot says '$ref', by hand $(grep -o 'uniform over the visible keys: [0-9.]*' by-hand-mask.svg)"
gnuplot -e "out='x.png'" "$src/viz/heatmap.gp" 2>gp.err; grep -q "data=" gp.err && ok "a script without data says how to call it" \
    || bad "no usage from a script without data"

# ---- refusals ----
expect_exit 2 "a pattern that matches nothing" -- "$TF" plot demo.trace 'enc.*.attn.weight' -o none
expect_in "$WORK/err" "enc.*.attn.weight" "names the pattern"
expect_in "$WORK/err" "enc.0.attn.weights" "suggests the closest names"
expect_exit 2 "an unknown name" -- "$TF" plot demo.trace enc.0.attn.wieghts -o none
expect_in "$WORK/err" "enc.0.attn.weights" "suggests the name"
expect_absent none "nothing made after a refusal"
expect_exit 2 "--size 10,10" -- "$TF" plot demo.trace -o none --size 10,10
expect_exit 2 "--size 800x600" -- "$TF" plot demo.trace -o none --size 800x600
expect_exit 2 "--size 800," -- "$TF" plot demo.trace -o none --size 800,
expect_exit 2 "--format gif" -- "$TF" plot demo.trace -o none --format gif
expect_exit 2 "--head 9" -- "$TF" plot demo.trace enc.0.attn.weights --head 9 -o none
expect_exit 2 "--head on a figure without heads" -- "$TF" plot demo.trace norms --head 0 -o none
expect_exit 2 "--compare without norms" -- "$TF" plot demo.trace enc.0.attn.weights --compare pre.trace -o none
expect_exit 2 "missing -o" -- "$TF" plot demo.trace
expect_exit 2 "a font that would break out of its quotes" -- "$TF" plot demo.trace -o none --font "x'; system('touch pwned'); '"
expect_absent pwned "the font was not run as a command"
expect_absent none "nothing made after the refusals"
expect_exit 2 "a corrupt trace" -- sh -c "head -c 2000 demo.trace > half.trace; \"$TF\" plot half.trace -o none"

# gnuplot missing: a clear error with the apt-get line, exit 1, nothing made
mkdir empty
expect_exit 1 "gnuplot not on PATH" -- env PATH="$WORK/empty" "$TF" plot demo.trace -o nognuplot
expect_in "$WORK/err" "apt-get install gnuplot-nox" "says how to install gnuplot"
expect_absent nognuplot "no output directory without gnuplot"
expect_exit 1 "TRACEFORMER_GNUPLOT names nothing" -- env TRACEFORMER_GNUPLOT="$WORK/no-gnuplot" "$TF" plot demo.trace -o nognuplot
expect_in "$WORK/err" "no-gnuplot" "names the program"

# gnuplot failing: its message passed on, exit 1, no half-written image
printf '#!/bin/sh\nprintf "half an image" > image.png\necho "fake gnuplot: line 3: undefined variable: oops" >&2\nexit 1\n' > fake-gnuplot
chmod +x fake-gnuplot
expect_exit 1 "gnuplot fails" -- env TRACEFORMER_GNUPLOT="$WORK/fake-gnuplot" "$TF" plot demo.trace enc.0.attn.weights -o failed
expect_in "$WORK/err" "undefined variable: oops" "gnuplot's own message is passed on"
[ -z "$(ls -A failed 2>/dev/null)" ] && ok "no image or work file left" || bad "left: $(ls -A failed)"
# the same image existed before: a failure does not touch it
cp figs/enc.0.attn.weights.png failed/
expect_exit 1 "gnuplot fails over an old image" -- env TRACEFORMER_GNUPLOT="$WORK/fake-gnuplot" "$TF" plot demo.trace enc.0.attn.weights -o failed
cmp -s figs/enc.0.attn.weights.png failed/enc.0.attn.weights.png && ok "the old image is intact" || bad "the old image changed"

# ---- a vocabulary of a thousand tokens: its top 24 columns, or --all-columns ----
big=$(awk 'BEGIN { for (i = 0; i < 1000; i++) { cp = 19968 + i
    printf "%s%c%c%c", i ? " " : "", 224 + int(cp / 4096), 128 + int(cp / 64) % 64, 128 + cp % 64 } }')
"$TF" run -q --arch decoder-only --vocab "$big" --tgt "丁 七 万 丈" --generate 3 -o big.trace || bad "run with 1000 tokens"
"$TF" run -q --arch decoder-only --vocab "$big" --tgt "丁 七 万 丈" -o bigtf.trace || bad "run with 1000 tokens"
expect_exit 0 "plot dec.probs of 1004 tokens" -- "$TF" plot bigtf.trace dec.probs --format svg -o vocab
expect_in vocab/dec.probs.svg "dec.probs (top 24 of 1004 tokens)" "the title says top 24 of 1004 tokens"
expect_exit 0 "plot gen.dec.probs" -- "$TF" plot big.trace gen.dec.probs --format svg -o vocab
expect_in vocab/gen.dec.probs.svg "gen.dec.probs (top 24 of 1004 tokens)" "the generation figure too"
expect_exit 0 "plot --all-columns" -- "$TF" plot bigtf.trace dec.probs --all-columns --format svg -o vocab-all
expect_not_in vocab-all/dec.probs.svg "top 24" "--all-columns: every column, the title plain"
expect_exit 2 "gen.dec.probs as a GIF" -- "$TF" plot big.trace gen.dec.probs --format gif -o vocab
expect_in "$WORK/err" "prediction over the vocabulary" "refused: no cache to grow"

finish
