# traceformer ls / show / export on a real trace, and on broken ones.
. tests/cli/lib.sh
cd "$WORK"
"$TF" run -q --lesson demo -o demo.trace || { bad "run --lesson demo"; finish; }

expect_exit 0 "ls" -- "$TF" ls demo.trace
expect_in "$WORK/out" "enc.0.attn.weights" "ls lists attention weights"
expect_in "$WORK/out" "[head=4, query=3, key=3]" "ls shows named dims"
n=$(grep -c . "$WORK/out")
[ "$n" -gt 100 ] && ok "ls lists $n records" || bad "ls lists only $n lines"

expect_exit 0 "show weights head 0" -- "$TF" show demo.trace enc.0.attn.weights --head 0
expect_in "$WORK/out" "猫" "show labels rows and columns with tokens"
expect_in "$WORK/out" "softmax" "show prints the formula"
expect_exit 0 "show the mask" -- "$TF" show demo.trace dec.0.self_attn.mask
expect_in "$WORK/out" "-inf" "the causal mask shows -inf"
expect_exit 2 "show --head out of range" -- "$TF" show demo.trace enc.0.attn.weights --head 9
expect_exit 2 "show an unknown name" -- "$TF" show demo.trace enc.0.attn.weight
expect_in "$WORK/err" "enc.0.attn.weights" "suggests the closest name"

expect_exit 0 "export npy" -- "$TF" export demo.trace enc.0.attn.weights dec.logits --format npy -o exp
[ "$(head -c 6 exp/enc.0.attn.weights.npy | od -An -c | tr -d ' ')" = '223NUMPY' ] \
    && ok ".npy magic" || bad ".npy magic wrong"
expect_exit 0 "export csv" -- "$TF" export demo.trace enc.0.attn.weights --format csv -o exp
expect_exit 0 "export dat" -- "$TF" export demo.trace enc.0.attn.weights --format dat -o exp
[ -s exp/enc.0.attn.weights.csv ] && [ -s exp/enc.0.attn.weights.dat ] && ok "csv and dat written" || bad "csv/dat missing"
expect_exit 2 "export an unknown name" -- "$TF" export demo.trace nothing.here --format npy -o exp2
expect_absent exp2/nothing.here.npy "nothing written for an unknown name"
expect_exit 2 "export a bad format" -- "$TF" export demo.trace --format xls -o exp3

# broken traces: refused with the byte offset, exit 2
size=$(wc -c < demo.trace)
head -c $((size / 2)) demo.trace > half.trace
expect_exit 2 "truncated trace" -- "$TF" ls half.trace
expect_in "$WORK/err" "byte" "names a byte offset"
printf 'not a trace at all, not at all, not at all, not at all, not at all\n' > junk.trace
expect_exit 2 "foreign file" -- "$TF" ls junk.trace
expect_exit 2 "missing trace" -- "$TF" ls nowhere.trace

# a corrupt value: `ls` reads no data and lists the record; reading the
# value is refused, naming the byte where its chunk of data starts
cp demo.trace badvalue.trace
index_at=$(od -An -t u8 -j $((size - 48)) -N 8 demo.trace | tr -d ' ')
loss_at=$((index_at - 8))  # the last record, loss [value]: one float, then 4 bytes of padding
printf '\377\377\177\177' | dd of=badvalue.trace bs=1 seek=$loss_at conv=notrunc 2>/dev/null
expect_exit 0 "ls of a trace with a corrupt value" -- "$TF" ls badvalue.trace
expect_in "$WORK/out" "loss" "ls lists the record whose value is corrupt"
expect_exit 2 "show the corrupt value" -- "$TF" show badvalue.trace loss
expect_in "$WORK/err" "byte $loss_at: record" "names the byte of the corrupt data"
expect_in "$WORK/err" "data checksum mismatch" "says the data is corrupt"
expect_exit 0 "show a sound record of that trace" -- "$TF" show badvalue.trace dec.loss
# a corrupt record header (the first record's strings): refused by ls
cp demo.trace badheader.trace
first_at=$(od -An -t u4 -j 12 -N 4 demo.trace | tr -d ' ')  # header_size: where record 0 starts
printf 'Z' | dd of=badheader.trace bs=1 seek=$((first_at + 70)) conv=notrunc 2>/dev/null
expect_exit 2 "ls of a trace with a corrupt record header" -- "$TF" ls badheader.trace
expect_in "$WORK/err" "byte $((first_at + 4)): record 0 (src.tokens): header checksum mismatch" \
    "names the record and its checksum's byte"

finish
