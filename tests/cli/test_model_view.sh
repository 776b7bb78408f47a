# The model view, end to end: `traceformer plot TRACE model-view` on lesson
# traces (encoder-decoder, several layers) and a decoder-only run, in the
# three formats; the block it picks by default and the one asked for; the
# refusals (a block the trace lacks, a bad --block, --block without the
# model view, a generation trace, a sentence out of range), each before
# any image is made; and the viewer's X key writing it. The pixels (one
# colour scale, the grid of panels, masked cells) are checked in
# tests/unit/test_model_view.c.
. tests/cli/lib.sh
need gnuplot "the model view is drawn by gnuplot" || finish
SRC=$PWD
cd "$WORK"

png_ok() {  # FILE DESCRIPTION: a PNG, not empty
    if [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -c | tr -d ' ')" = '211PNG\r\n032\n' ]; then ok "$2"; else
        bad "$2: $1 is not a PNG"; fi
}

"$TF" lesson 2 --traces l2 >/dev/null 2>&1 && [ -s l2/main.trace ] || { bad "lesson 2 --traces"; finish; }
"$TF" lesson 6 --traces l6 >/dev/null 2>&1 && [ -s l6/main.trace ] || { bad "lesson 6 --traces"; finish; }
"$TF" run -q --config "$SRC/tests/ref/cases/decoder_only/input.ini" \
    --weights "$SRC/tests/ref/cases/decoder_only/weights" -o d.trace || { bad "run decoder-only"; finish; }

# ---- the default block: cross-attention in an encoder-decoder trace ----
expect_exit 0 "model view of lesson 6" -- "$TF" plot l6/main.trace model-view -o img
expect_in "$WORK/out" "img/model-view.dec.cross.png" "prints the image's path (default: dec.cross)"
png_ok img/model-view.dec.cross.png "lesson 6: a PNG"
expect_exit 0 "model view of lesson 2's encoder" -- "$TF" plot l2/main.trace model-view --block enc -o img
png_ok img/model-view.enc.png "--block enc: model-view.enc.png"
expect_exit 0 "model view of a decoder-only trace" -- "$TF" plot d.trace model-view -o dimg
png_ok dimg/model-view.dec.self.png "decoder-only: the default is dec.self"
for f in svg pdf; do
    expect_exit 0 "--format $f" -- "$TF" plot l6/main.trace model-view --block dec.self --format $f -o img
    if [ -s "img/model-view.dec.self.$f" ]; then ok "$f written, not empty"; else bad "no img/model-view.dec.self.$f"; fi
done
head -c 5 img/model-view.dec.self.pdf | grep -q '%PDF' && ok "the pdf is a PDF" || bad "the pdf is not a PDF"
expect_in img/model-view.dec.self.svg "head 3" "the svg keeps its texts as text (head 3)"
expect_in img/model-view.dec.self.svg "layer 1" "the svg names the layers"
expect_in img/model-view.dec.self.svg "H = " "the svg titles the panels with entropy"

# ---- a batch: one sentence at a time, named in the file ----
"$TF" run -q --lesson demo --src "猫 追 老鼠" --src "我 爱 AI 猫" --tgt "cat chases mouse" --tgt "I love" \
    -o batch.trace || bad "run a batch"
expect_exit 0 "--batch 1" -- "$TF" plot batch.trace model-view --batch 1 -o bimg
png_ok bimg/model-view.dec.cross.batch1.png "sentence 1: model-view.dec.cross.batch1.png"
expect_exit 0 "--batch 0" -- "$TF" plot batch.trace model-view -o bimg
if cmp -s bimg/model-view.dec.cross.batch0.png bimg/model-view.dec.cross.batch1.png; then
    bad "sentences 0 and 1 drew the same image"; else ok "sentences 0 and 1 differ"; fi

# ---- refusals: exit 2, nothing drawn ----
expect_exit 2 "a block the trace lacks" -- "$TF" plot d.trace model-view --block enc -o none
expect_in "$WORK/err" "no enc attention" "names the block it lacks"
expect_in "$WORK/err" "the trace has: dec.self" "names the blocks it has"
expect_exit 2 "a block that is no block" -- "$TF" plot d.trace model-view --block dec -o none
expect_in "$WORK/err" "expected enc, dec.self or dec.cross" "says which blocks there are"
expect_exit 2 "--block without model-view" -- "$TF" plot d.trace norms --block dec.self -o none
expect_in "$WORK/err" "add 'model-view'" "says --block is the model view's"
expect_exit 2 "--batch out of range" -- "$TF" plot d.trace model-view --batch 1 -o none
expect_exit 2 "--head with the model view only" -- "$TF" plot d.trace model-view --head 0 -o none
"$TF" run -q --lesson 4 --generate 3 -o gen.trace || bad "run --generate"
expect_exit 2 "a generation trace's decoder" -- "$TF" plot gen.trace model-view -o none
expect_in "$WORK/err" "only as generation steps" "says the decoder is there only step by step"
expect_in "$WORK/err" "--block enc" "hints at the encoder it has whole"
expect_in "$WORK/err" "without --generate" "hints at a teacher-forced run"
expect_absent none "no image made by a refusal"
expect_exit 2 "a misspelt name" -- "$TF" plot d.trace model-vew -o none
expect_in "$WORK/err" "closest names: model-view" "suggests the model view"
expect_exit 0 "plot --help" -- "$TF" plot --help
expect_in "$WORK/out" "model-view" "plot --help describes the model view"
# a glob draws what it drew before: no model view
expect_exit 0 "a glob" -- "$TF" plot d.trace 'dec.0.self_attn.w*' -o globbed
expect_absent globbed/model-view.dec.self.png "a glob does not draw the model view"

# ---- the viewer's X key ----
if command -v tmux >/dev/null 2>&1; then
    . "$SRC/tests/ui/tmux.sh"
    ui_start mv 110 80 "'$TF' view l6/main.trace enc.1.attn.weights --plots vplots"
    ui_wait "enc.1.attn.weights [head=4" "the viewer is open on the encoder"
    ui_keys X
    ui_wait "wrote vplots/model-view.enc.png" "X writes the model view of the block on screen"
    png_ok vplots/model-view.enc.png "X: a PNG"
    ui_keys X
    ui_wait "wrote vplots/model-view.enc-2.png" "a second X never replaces the first"
    ui_keys '?'
    ui_wait "the model view" "help lists X"
    ui_keys Escape q
    ui_wait_exit 0 "q quits after X"
else
    skip "tmux missing: the viewer's X key is not tested"
fi
finish
