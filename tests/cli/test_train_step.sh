# traceformer run --train-step: one teacher-forced step's gradients as
# records (grad.*), their shapes, a gradient against a finite difference of
# the loss from two runs, gradient norms through a deep stack with and
# without residual connections, the norms figure comparing the two, the
# viewer, and the refusals.
. tests/cli/lib.sh
src=$(pwd)
cd "$WORK"

# ls pads names to a column; compare with single spaces
squeeze() { tr -s ' ' < "$WORK/out" > "$WORK/out.tmp" && mv "$WORK/out.tmp" "$WORK/out"; }
# csv_cell FILE ROW COL: one cell of an exported table (rows and columns from 1)
csv_cell() { sed -n "${2}p" "$1" | cut -d, -f"$3"; }
# grad.norms.<stack> of TRACE as CSV in DIR/grad.norms.<stack>.csv
norms_csv() { rm -rf "$2" && "$TF" export "$1" "grad.norms.$3" --format csv -o "$2" >/dev/null; }

expect_exit 0 "run --help" -- "$TF" run --help
expect_in "$WORK/out" "--train-step" "run --help describes --train-step"
expect_in "$WORK/out" "--residual on|off" "run --help describes --residual"

# ---- encoder-decoder: the records and their shapes ----
expect_exit 0 "train step" -- "$TF" run --src "猫 追 老鼠" --tgt "cat chases mouse" --train-step -o ed.trace
expect_in "$WORK/out" "train step: loss" "says the loss"
expect_in "$WORK/out" "no update made" "says nothing was updated"
expect_in ed.trace "train_step = yes" "trace meta says it is a training step"
expect_exit 0 "ls the step" -- "$TF" ls ed.trace
squeeze
cp "$WORK/out" ed.ls
for want in "dec.target [token=4]" "dec.loss [token=4]" "loss [value=1]" \
    "grad.enc.0.input [token=3, model=32]" "grad.enc.1.input [token=3, model=32]" \
    "grad.enc.output [token=3, model=32]" "grad.dec.0.input [token=4, model=32]" \
    "grad.dec.output [token=4, model=32]" \
    "grad.src_embedding.weight [vocab=10, model=32]" "grad.tgt_embedding.weight [vocab=10, model=32]" \
    "grad.encoder.layers.0.self_attn.in_proj_weight [out=96, in=32]" \
    "grad.encoder.layers.1.self_attn.in_proj_bias [out=96]" \
    "grad.encoder.layers.0.linear1.weight [out=64, in=32]" "grad.encoder.layers.0.linear2.weight [out=32, in=64]" \
    "grad.encoder.layers.1.norm2.weight [model=32]" "grad.encoder.norm.bias [model=32]" \
    "grad.decoder.layers.1.multihead_attn.out_proj.weight [out=32, in=32]" \
    "grad.decoder.layers.0.norm3.bias [model=32]" "grad.decoder.norm.weight [model=32]" \
    "grad.generator.weight [vocab=10, model=32]" "grad.generator.bias [vocab=10]" \
    "grad.norms.enc [layer=2, norm=3]" "grad.norms.dec [layer=2, norm=3]"; do
    expect_in ed.ls "$want" "record $want"
done
n=$(grep -c ' grad\.' ed.ls)
[ "$n" -eq 76 ] && ok "76 grad records: 6 of the streams, 68 weights, 2 norms tables" || bad "$n grad records, expected 76"
# execution order: every gradient after the forward's loss
last_fwd=$(grep -n ' loss \[' ed.ls | cut -d: -f1)
first_grad=$(grep -n ' grad\.' ed.ls | head -1 | cut -d: -f1)
[ "$last_fwd" -lt "$first_grad" ] && ok "the gradients come after the loss" || bad "a gradient comes before the loss"
expect_exit 0 "show grad.norms.enc" -- "$TF" show ed.trace grad.norms.enc
expect_in "$WORK/out" "input" "norms columns: input"
expect_in "$WORK/out" "weights" "norms columns: weights"
expect_in "$WORK/out" "layer 1" "norms rows: layers"
expect_exit 0 "show grad.src_embedding.weight" -- "$TF" show ed.trace grad.src_embedding.weight
expect_in "$WORK/out" "老鼠" "embedding gradient rows labelled with the words"
expect_exit 0 "show grad.enc.0.input" -- "$TF" show ed.trace grad.enc.0.input
expect_in "$WORK/out" "追" "stream gradient rows labelled with the tokens"
expect_exit 0 "a step without it has no gradients" -- "$TF" run -q --src "猫 追 老鼠" --tgt "cat chases mouse" -o plain.trace
"$TF" ls plain.trace > plain.ls
expect_not_in plain.ls "grad." "no grad.* without --train-step"
"$TF" export plain.trace loss --format csv -o plainloss >/dev/null
"$TF" export ed.trace loss --format csv -o edloss >/dev/null
cmp -s plainloss/loss.csv edloss/loss.csv && ok "the same loss with and without --train-step" || bad "--train-step changed the loss"

# ---- batches, decoder-only, every kind of positions, no residuals ----
expect_exit 0 "a batch" -- "$TF" run -q --src "猫 追 老鼠" --tgt "cat chases mouse" --src "我 爱 AI" --tgt "I love AI" \
    --train-step -o batch.trace
expect_exit 0 "ls the batch" -- "$TF" ls batch.trace
squeeze
expect_in "$WORK/out" "grad.enc.0.input [batch=2, token=3, model=32]" "stream gradients per sentence"
expect_in "$WORK/out" "grad.dec.output [batch=2, token=4, model=32]" "decoder stream gradients per sentence"
expect_in "$WORK/out" "grad.generator.weight [vocab=" "weight gradients of the whole batch"
for pos in sinusoidal none learned relative rope; do
    for arch in encoder-decoder decoder-only; do
        if [ "$arch" = decoder-only ]; then set -- --src "我 爱 AI 猫" --src "猫 追"; else
            set -- --src "猫 追 老鼠" --tgt "cat chases mouse" --src "我 爱" --tgt "I love AI"; fi
        expect_exit 0 "$arch, positions $pos, batch" -- "$TF" run -q --arch "$arch" --positions "$pos" "$@" \
            --train-step -o "p-$arch-$pos.trace"
    done
done
"$TF" ls p-decoder-only-learned.trace > dl.ls
expect_in dl.ls "grad.tgt_pos_embedding.weight" "learned positions get a gradient"
expect_not_in dl.ls "grad.enc." "decoder-only: no encoder stream"
expect_not_in dl.ls "grad.norms.enc" "decoder-only: no encoder norms"
expect_in dl.ls "grad.norms.dec" "decoder-only: decoder norms"
"$TF" ls p-encoder-decoder-relative.trace | tr -s ' ' > er.ls
expect_in er.ls "grad.encoder.relative_attention_bias.weight [bucket=32, head=4]" "relative bias: [bucket, head]"
expect_exit 0 "pre-LN, no residuals" -- "$TF" run -q --src "猫 追 老鼠" --tgt "cat chases mouse" --norm pre \
    --residual off --train-step -o preoff.trace
expect_in preoff.trace "residual = off" "the trace's configuration says residual = off"

# ---- a gradient record against a finite difference of the loss ----
# decoder.layers.1.self_attn.out_proj.bias starts at 0: set its entry k to
# +0.01 and to -0.01 in the exported weights (float32 0x3C23D70A and
# 0xBC23D70A, little-endian, after the .npy header), run both, and compare
# (loss+ - loss-) / 0.02 with grad.decoder.layers.1.self_attn.out_proj.bias[k].
p=decoder.layers.1.self_attn.out_proj.bias
expect_exit 0 "export the weights" -- "$TF" run -q --src "猫 追 老鼠" --tgt "cat chases mouse" --train-step \
    --export-weights w0 -o fd.trace
"$TF" export fd.trace "grad.$p" --format csv -o fdgrad >/dev/null
k=$(tr ',' '\n' < "fdgrad/grad.$p.csv" | awk 'NF { v = $1 < 0 ? -$1 : $1; if (v > best) { best = v; k = NR - 1 } } END { print k }')
g=$(tr ',' '\n' < "fdgrad/grad.$p.csv" | awk -v k="$k" 'NR == k + 1')
hlen=$(od -An -tu1 -j8 -N2 "w0/$p.npy" | awk '{ print $1 + 256 * $2 }')
off=$((10 + hlen + 4 * k))
zero=$(od -An -tx1 -j"$off" -N4 "w0/$p.npy" | tr -d ' ')
[ "$zero" = 00000000 ] && ok "the bias entry starts at 0" || bad "the bias entry is $zero, not 0"
cp -R w0 wplus && cp -R w0 wminus
printf '\012\327\043\074' | dd of="wplus/$p.npy" bs=1 seek="$off" conv=notrunc 2>/dev/null
printf '\012\327\043\274' | dd of="wminus/$p.npy" bs=1 seek="$off" conv=notrunc 2>/dev/null
for s in w0 wplus wminus; do
    "$TF" run -q --weights "$s" --src "猫 追 老鼠" --tgt "cat chases mouse" -o "$s.trace" &&
        "$TF" export "$s.trace" loss --format csv -o "loss-$s" >/dev/null || bad "run with the weights of $s"
done
cmp -s loss-w0/loss.csv edloss/loss.csv && ok "the exported weights give the same loss" || bad "the exported weights give another loss"
verdict=$(awk -v up="$(cat loss-wplus/loss.csv)" -v down="$(cat loss-wminus/loss.csv)" -v g="$g" 'BEGIN {
    fd = (up - down) / 0.02; d = fd - g; if (d < 0) d = -d; a = g < 0 ? -g : g
    printf "%s %.6g %.6g", (d <= 1e-3 + 0.02 * a && a > 1e-3) ? "ok" : "bad", g, fd }')
case "$verdict" in
    ok*) ok "grad.$p[$k] = finite difference of the loss (record, difference: ${verdict#ok })" ;;
    *) bad "grad.$p[$k] against the finite difference (record, difference: ${verdict#bad })" ;;
esac

# ---- a deep stack with and without residual connections ----
# 8 layers, post-LN. Encoder-decoder: without residuals the decoder's
# stream reaches cross-attention only as its queries, and the gradient dies
# on its way down the decoder. Decoder-only, a batch of four: the first
# layer's weight gradient, measured against the last layer's, is smaller
# without residuals (for every seed tried).
deep() { "$TF" run -q --layers 8 --norm post --train-step "$@"; }
for r in on off; do
    deep --src "我 爱 AI 猫 追 老鼠" --tgt "I love AI cat chases mouse" --residual "$r" -o "deep-$r.trace" ||
        bad "deep encoder-decoder, residual $r"
    norms_csv "deep-$r.trace" "deep-$r" dec
    norms_csv "deep-$r.trace" "deep-$r-enc" enc
done
don=$(csv_cell deep-on/grad.norms.dec.csv 2 4); doff=$(csv_cell deep-off/grad.norms.dec.csv 2 4)
eon=$(csv_cell deep-on-enc/grad.norms.enc.csv 2 4); eoff=$(csv_cell deep-off-enc/grad.norms.enc.csv 2 4)
echo "       encoder-decoder, 8+8 layers, post-LN: layer 0's weight-gradient norm, decoder $don with residuals," \
     "$doff without; encoder $eon with, $eoff without"
awk -v a="$doff" -v b="$don" 'BEGIN { exit !(b > 0 && a / b < 1e-6) }' &&
    ok "without residuals the decoder's first layer gets (almost) no gradient: $doff vs $don" ||
    bad "decoder layer 0 gradient without residuals $doff, with $don: expected a ratio below 1e-6"
S1="我 爱 AI 猫 追 老鼠 猫 爱 我"; S2="老鼠 追 猫 我 爱 AI 猫 追"; S3="猫 爱 老鼠 AI 追 我 老鼠 爱"; S4="AI 爱 猫 老鼠 追 我 AI 猫"
for seed in 1 2 3 4; do
    for r in on off; do
        deep --arch decoder-only --src "$S1" --src "$S2" --src "$S3" --src "$S4" --residual "$r" --seed "$seed" \
            -o "do-$r.trace" || bad "deep decoder-only, residual $r, seed $seed"
        norms_csv "do-$r.trace" "do-$r" dec
    done
    line=$(awk -F, -v s="$seed" 'FNR == 2 { first[FILENAME] = $4 } FNR == 9 { last[FILENAME] = $4 } END {
        on = first["do-on/grad.norms.dec.csv"] / last["do-on/grad.norms.dec.csv"]
        off = first["do-off/grad.norms.dec.csv"] / last["do-off/grad.norms.dec.csv"]
        printf "%s seed %s: first/last layer weight-gradient norm %.3f with residuals, %.3f without (ratio %.2f)",
            off < on ? "ok" : "bad", s, on, off, off / on }' do-on/grad.norms.dec.csv do-off/grad.norms.dec.csv)
    case "$line" in ok*) ok "decoder-only, 8 layers, ${line#ok }" ;; *) bad "decoder-only, 8 layers, ${line#bad }" ;; esac
done

# ---- lesson 8's figure in one command: both runs on the norms figure ----
if need gnuplot "lesson 8's norms figure"; then
    expect_exit 0 "plot norms, with residuals against without" -- \
        "$TF" plot deep-on.trace norms --compare deep-off.trace -o fig --keep-data
    expect_in "$WORK/out" "fig/norms.png" "says where the figure went"
    if [ "$(head -c 4 fig/norms.png | od -An -c | tr -d ' ')" = '211PNG' ]; then ok "the figure is a PNG"; else
        bad "fig/norms.png is not a PNG"; fi
    expect_in fig/norms.dat "# gradients: layers" "the figure's data: gradients per layer"
    expect_in fig/norms.dat "0 dec dec.0 " "a line per layer"
    expect_in fig/norms.compare.dat "# gradients: layers" "and per layer for the compared run"
    expect_not_in fig/norms.dat " grad grad." "not a line per gradient record"
fi

# ---- the viewer: the gradients grouped under grad ----
if need tmux "the viewer on gradient records"; then
    . "$src/tests/ui/tmux.sh"
    ui_start view 110 40 "'$TF' view ed.trace grad.enc.0.input"
    ui_wait "grad.enc.0.input [token=3, model=32]" "the viewer opens a gradient record"
    ui_wait "layer 0 input" "the outline names it by its layer"
    ui_wait "norms (2)" "the other groups of gradients folded beside it"
    ui_keys /
    ui_type "grad.norms.enc"
    ui_keys Enter
    ui_wait "grad.norms.enc [layer=2, norm=3]" "jump to the norms table"
    ui_wait "weights" "its columns"
    ui_keys q
    ui_wait_exit 0 "q quits"
fi

# ---- refusals: exit 2, a clear message, no trace ----
expect_exit 2 "no target" -- "$TF" run --src "猫 追 老鼠" --train-step -o bad1.trace
expect_in "$WORK/err" "--train-step: no targets" "says there are no targets"
expect_in "$WORK/err" "--tgt" "hints at --tgt"
expect_absent bad1.trace "no trace without targets"
expect_exit 2 "--train-step with --generate" -- "$TF" run --src "猫 追 老鼠" --tgt "cat" --train-step --generate 3 -o bad2.trace
expect_in "$WORK/err" "give one of them" "says to choose one"
expect_absent bad2.trace "no trace for --train-step with --generate"
expect_exit 2 "--residual maybe" -- "$TF" run --src "猫" --tgt "cat" --residual maybe --train-step -o bad3.trace
expect_absent bad3.trace "no trace for a bad --residual"
left=$(ls -A | grep -c '^\.' || true)
[ "$left" -eq 0 ] && ok "no temporary file left behind" || bad "temporary files left: $(ls -A | grep '^\.')"

finish
