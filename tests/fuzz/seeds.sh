#!/bin/sh
# Make the fuzzers' starting inputs from small real files: traces, a weight
# file, .npy tensors, configurations, the shipped lessons, their claims and
# sentences. Made at fuzz time by the program itself, so nothing binary is
# committed and the seeds follow the formats as they change.
# usage: seeds.sh PATH/TO/traceformer OUT   (OUT/NAME/ per harness)
set -eu
tf=$1; out=$2
sep='%%%%'  # the line between the parts of one input (FUZZ_SEPARATOR)
rm -rf "$out"
for d in trace trace_cli tfw npy ini lesson claims tokenizer corpus; do mkdir -p "$out/$d"; done
work=$out/.work
mkdir -p "$work"
tiny="--layers 1 --d-model 4 --heads 2 --d-ff 8"

# Traces: encoder-decoder with a batch of two, decoder-only, generation.
"$tf" run -q --src "a b" --src "b" --tgt "x" --tgt "x y" $tiny -o "$work/batch.trace" \
    --save-weights "$work/tiny.tfw" --export-weights "$work/npy"
"$tf" run -q --arch decoder-only --src "猫 追 老鼠" $tiny -o "$work/dec.trace"
"$tf" run -q --src "a b" $tiny --generate 2 -o "$work/gen.trace"
for t in batch dec gen; do
    cp "$work/$t.trace" "$out/trace/$t.trace"
    cp "$work/$t.trace" "$out/trace_cli/$t.trace"
done
# A trace of an older version (2.0: one checksum per whole record), as
# shipped with the lessons' models, for the reader's older paths.
v2=lessons/models/copy.train.trace
if [ "$(od -An -t u2 -j 8 -N 2 "$v2" | tr -d ' ')" = 2 ]; then
    cp "$v2" "$out/trace/v2.trace"
    cp "$v2" "$out/trace_cli/v2.trace"
fi

# Weight file, and its tensors as .npy (f4); a record exported as .npy.
cp "$work/tiny.tfw" "$out/tfw/tiny.tfw"
"$tf" run -q --arch decoder-only --src "a" --layers 1 --d-model 2 --heads 1 --d-ff 2 \
    --vocab "a" -o "$work/min.trace" --save-weights "$out/tfw/min.tfw"
i=0
for f in "$work"/npy/*.npy; do
    i=$((i + 1)); [ $i -le 6 ] || break
    cp "$f" "$out/npy/$(basename "$f")"
done
"$tf" export "$work/batch.trace" enc.0.attn.weights src.tokens --format npy -o "$work/export" >/dev/null
cp "$work"/export/*.npy "$out/npy/"

# Configurations: the one a weight directory carries, and the lessons'.
cp "$work/npy/config.ini" "$out/ini/weights-config.ini"
for ini in lessons/demo.ini lessons/[0-9][0-9]-*/lesson.ini; do
    n=$(basename "$(dirname "$ini")")
    cp "$ini" "$out/ini/$n.ini"
done

# Lessons: lesson.ini, %%%%, lesson.md [, %%%%, lesson.zh.md].
for d in lessons/[0-9][0-9]-*/; do
    n=$(basename "$d")
    {
        cat "$d/lesson.ini"; printf '\n%s\n' "$sep"; cat "$d/lesson.md"
        if [ -f "$d/lesson.zh.md" ]; then printf '\n%s\n' "$sep"; cat "$d/lesson.zh.md"; fi
    } > "$out/lesson/$n"
done

# Claims: every check of the shipped lessons, one per file.
i=0
grep -h '^check *=' lessons/*/lesson.ini | sed 's/^check *= *//' | while IFS= read -r c; do
    i=$((i + 1))
    printf '%s' "$c" > "$out/claims/check-$i"
done

# Tokenizer: a vocabulary (vocab.txt, the lessons' [vocab] tokens), %%%%,
# a sentence (the lessons' [input] src and tgt lines).
i=0
for ini in lessons/[0-9][0-9]-*/lesson.ini; do
    v=$(sed -n 's/^tokens *= *//p' "$ini" | head -1)
    grep -h '^\(src\|tgt\) *=' "$ini" | sed 's/^[a-z]* *= *//' | head -3 | while IFS= read -r s; do
        i=$((i + 1))
        printf '%s\n%s\n%s' "$v" "$sep" "$s" > "$out/tokenizer/$(basename "$(dirname "$ini")")-$i"
    done
done
{ cat "$work/npy/vocab.txt"; printf '%s\n%s' "$sep" "a b x <END> 猫　追"; } > "$out/tokenizer/vocab-txt"
# Corpus: the Tang poems' first entries when installed, and plain text.
if [ -r /usr/share/games/fortunes/tang300 ]; then head -c 4000 /usr/share/games/fortunes/tang300 > "$out/corpus/tang300-head"; fi
printf '春眠不觉晓，\n处处闻啼鸟。\n\nThe rain\nfalls.\n' > "$out/corpus/plain"
rm -rf "$work"
