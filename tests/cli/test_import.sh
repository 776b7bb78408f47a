# traceformer run --weights DIR: a PyTorch directory is imported only when
# it says everything its tensors cannot; a bad vocab.txt line is named by
# its line; a FIFO in place of a file is refused at once. Exit 2 each time,
# nothing written.
. tests/cli/lib.sh
cd "$WORK"

expect_exit 0 "export a model" -- "$TF" run -q --src "a b c" --norm pre --activation gelu --heads 2 --d-model 8 \
    --export-weights npy -o seed.trace
expect_exit 0 "import it as exported" -- "$TF" run -q --weights npy --src "a b c" -o ok.trace

# config.ini without the settings the tensors cannot tell
mv npy/config.ini full.ini
expect_exit 2 "no config.ini" -- "$TF" run --weights npy --src "a b c" -o out.trace
expect_in "$WORK/err" "the tensors cannot tell heads, norm, activation, positions, and there is no config.ini" \
    "names every untold setting at once"
expect_in "$WORK/err" "hint: add under [model] in npy/config.ini" "says where to state them"
expect_absent out.trace "nothing written"
printf '[model]\nheads = 2\npositions = sinusoidal\n' > npy/config.ini
expect_exit 2 "config.ini without norm and activation" -- "$TF" run --weights npy --src "a b c" -o out.trace
expect_in "$WORK/err" "cannot tell norm, activation, and npy/config.ini does not state them" "names the two"
expect_exit 0 "flags state what config.ini does not" -- "$TF" run -q --weights npy --norm pre --activation gelu \
    --src "a b c" -o flags.trace
"$TF" show ok.trace dec.logits > a.txt; "$TF" show flags.trace dec.logits > b.txt
cmp -s a.txt b.txt && ok "the same logits as the full config.ini" || bad "the logits differ"
mv full.ini npy/config.ini

# a deleted tensor is named, not blamed on a line of config.ini
mv npy/encoder.layers.0.linear1.weight.npy kept.npy
expect_exit 2 "a deleted tensor" -- "$TF" run --weights npy --src "a b c" -o out.trace
expect_in "$WORK/err" "npy/encoder.layers.0.linear1.weight.npy: missing" "names the missing tensor"
expect_not_in "$WORK/err" "encoder_layers = 0" "no count read off the remaining files"
mv kept.npy npy/encoder.layers.0.linear1.weight.npy

# vocab.txt: a line over 511 bytes is no longer split into two tokens
cp npy/vocab.txt vocab.keep
{ head -n 5 vocab.keep; printf '%0600d\n' 0; tail -n +6 vocab.keep; } > npy/vocab.txt
expect_exit 2 "a 600-byte vocab.txt line" -- "$TF" run --weights npy --src "a b c" -o out.trace
expect_in "$WORK/err" "npy/vocab.txt:6: token longer than 511 bytes" "names the line and the limit"
{ head -n 6 vocab.keep; printf 'x\000y\n'; } > npy/vocab.txt
expect_exit 2 "a NUL in vocab.txt" -- "$TF" run --weights npy --src "a b c" -o out.trace
expect_in "$WORK/err" "npy/vocab.txt:7: NUL byte" "names the line of the NUL"
# a control character in a token is refused where the vocabulary is read,
# before the run, and shown escaped, never raw
{ head -n 6 vocab.keep; printf 'x\033[2Ky\n'; } > npy/vocab.txt
expect_exit 2 "an ESC in a vocab.txt token" -- "$TF" run --weights npy --src "a b c" -o out.trace
expect_in "$WORK/err" "npy/vocab.txt:7: token holds a control character \\x1b at byte 1" "names the line and the byte"
if grep -q "$(printf '\033')" "$WORK/err"; then bad "the ESC reached the terminal"; else ok "the ESC is escaped"; fi
expect_absent out.trace "nothing written"
cp vocab.keep npy/vocab.txt

# a FIFO for vocab.txt or config.ini: refused, not waited on (timeout: a hang fails)
for f in vocab.txt config.ini; do
    mv "npy/$f" kept
    mkfifo "npy/$f"
    expect_exit 2 "a FIFO as $f" -- timeout 20 "$TF" run --weights npy --src "a b c" -o out.trace
    expect_in "$WORK/err" "npy/$f: not a regular file (a FIFO)" "names the FIFO"
    rm "npy/$f"; mv kept "npy/$f"
done
mkfifo fifo.tfw
expect_exit 2 "a FIFO as the .tfw" -- timeout 20 "$TF" run --weights fifo.tfw --src "a b c" -o out.trace
expect_in "$WORK/err" "fifo.tfw: not a regular file (a FIFO)" "names the FIFO"
expect_absent out.trace "nothing written"

finish
