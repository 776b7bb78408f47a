# train --task poems: the default corpus missing (exit 1, the apt-get
# line), a tiny --corpus trained in a moment into a decoder-only,
# character-level model that ls describes and eval measures in bits per
# character, and a bad corpus refused with file:line (exit 2).
. tests/cli/lib.sh
cd "$WORK"

# fortunes-zh missing: the default corpus is looked for where
# TRACEFORMER_FORTUNES_DIR says
mkdir empty
expect_exit 1 "the default corpus missing" -- env TRACEFORMER_FORTUNES_DIR="$WORK/empty" "$TF" train --task poems -o p.tfw
expect_in "$WORK/err" "$WORK/empty/tang300 is not installed" "the error names the file"
expect_in "$WORK/err" "install it with: sudo apt-get install fortunes-zh (or make deps)" "and how to install it"
expect_absent p.tfw "no model is written"
"$TF" train --help >help.txt 2>&1
expect_in help.txt "TRACEFORMER_FORTUNES_DIR" "--help documents the directory variable"

# a tiny corpus: six short poems, one held out
cat >tiny.txt <<'POEMS'
《甲》
作者：某
春眠不觉晓，处处闻啼鸟。
夜来风雨声，花落知多少。

床前明月光，疑是地上霜。
举头望明月，低头思故乡。

白日依山尽，黄河入海流。
欲穷千里目，更上一层楼。

春风又绿江南岸，明月何时照我还。

千山鸟飞绝，万径人踪灭。
孤舟蓑笠翁，独钓寒江雪。

红豆生南国，春来发几枝。
愿君多采撷，此物最相思。
POEMS
expect_exit 0 "train on a tiny corpus" -- "$TF" train --task poems --corpus tiny.txt --steps 5 --batch 4 \
    --d-model 16 --heads 2 --d-ff 32 --layers 1 --trace-every 5 --probe "明月，" -o tiny.tfw
expect_in "$WORK/out" "bits per character" "train reports bits per character"
expect_in "$WORK/out" "exact match does not apply" "and no exact match"
expect_in "$WORK/err" "5 poems to train on, 1 held out" "one poem of six is held out"
[ -s tiny.tfw ] && ok "the model is written" || bad "no tiny.tfw"
[ -s tiny.train.trace ] && ok "with its training trace" || bad "no tiny.train.trace"
expect_exit 0 "ls the model" -- "$TF" ls tiny.tfw
expect_in "$WORK/out" "tokenizer: characters" "ls says the model is character-level"
expect_in "$WORK/out" "trained on: poems, sequences of" "ls names task poems"
expect_in "$WORK/out" "decoder-only" "a decoder-only model"
tr -d '\000' <tiny.tfw | grep -aq "tokenizer = chars" && ok "the model records tokenizer = chars" ||
    bad "tokenizer = chars not in tiny.tfw"
tr -d '\000' <tiny.tfw | grep -aqF "corpus = $WORK/tiny.txt" && ok "and the corpus it read, by its full name" ||
    bad "the corpus path is not recorded"
tr -d '\000' <tiny.train.trace | grep -aq "train.5.dec.0.self_attn.weights" &&
    ok "the trace holds the probe's self-attention" || bad "no train.5.dec.0.self_attn.weights in the trace"

# --dropout: poems' default is 0.3 (the same bytes as no flag), 0 trains
# another model; the trace records the rate; outside [0, 1) refused with
# the value (exit 2), nothing written
TINY="--task poems --corpus tiny.txt --steps 5 --batch 4 --d-model 16 --heads 2 --d-ff 32 --layers 1"
expect_exit 0 "train with --dropout 0" -- "$TF" train $TINY -q --dropout 0 -o drop0.tfw
expect_exit 0 "train without --dropout" -- "$TF" train $TINY -q -o nodrop.tfw
expect_exit 0 "train with --dropout 0.3" -- "$TF" train $TINY -q --dropout 0.3 --trace-every 5 -o drop3.tfw
cmp -s drop3.tfw nodrop.tfw && ok "--dropout 0.3 is poems' default: the same bytes as no flag" ||
    bad "--dropout 0.3 is not the default"
cmp -s drop0.tfw nodrop.tfw && bad "--dropout 0 left the model as the default's" || ok "--dropout 0 trains another model"
tr -d '\000' <drop3.train.trace | grep -aq "^dropout = 0.3" && ok "the trace records dropout = 0.3" ||
    bad "no dropout = 0.3 in the training trace"
expect_exit 2 "--dropout 1 refused" -- "$TF" train $TINY --dropout 1 -o drop1.tfw
expect_in "$WORK/err" "--dropout 1: give a number in [0, 1)" "the error names the value"
expect_absent drop1.tfw "no model is written"
expect_exit 2 "--dropout -0.1 refused" -- "$TF" train $TINY --dropout -0.1 -o drop1.tfw
expect_in "$WORK/err" "--dropout -0.1" "the error names the value"
expect_in help.txt "--dropout X" "--help documents --dropout"

# --recombine: poems' training split gains examples of recombined
# sentences (4000 by default, said on stderr and in the trace); 0 trains
# on the poems alone; refused outside [0, 100000] and with another task
expect_exit 0 "train with the default recombination" -- "$TF" train $TINY --trace-every 5 -o rec.tfw
expect_in "$WORK/err" "4000 recombined training examples" "stderr says how many examples were recombined"
tr -d '\000' <rec.train.trace | grep -aq "^recombine = 4000" && ok "the trace records recombine = 4000" ||
    bad "no recombine = 4000 in the training trace"
expect_exit 0 "train with --recombine 0" -- "$TF" train $TINY --recombine 0 --trace-every 5 -o rec0.tfw
expect_in "$WORK/err" "0 recombined training examples" "stderr says none"
tr -d '\000' <rec0.train.trace | grep -aq "^recombine" && bad "recombine recorded for none" ||
    ok "the trace of --recombine 0 has no recombine line"
cmp -s rec.tfw rec0.tfw && bad "--recombine 0 trained the same model" || ok "--recombine 0 trains another model"
expect_exit 2 "--recombine -1 refused" -- "$TF" train $TINY --recombine -1 -o rec1.tfw
expect_in "$WORK/err" "--recombine" "the error names the option"
expect_absent rec1.tfw "no model is written"
expect_exit 2 "--recombine with another task" -- "$TF" train --task copy --recombine 10 -o rec1.tfw
expect_in "$WORK/err" "--recombine belongs to --task poems" "the error says it is for poems"
printf '甲。\n\n乙丙。\n\n丁戊己。\n\n庚辛壬癸。\n' >shapeless.txt
expect_exit 2 "--recombine on a corpus with no repeated shape" -- "$TF" train --task poems --corpus shapeless.txt \
    --steps 1 -o rec1.tfw
expect_in "$WORK/err" "no two training sentences have the same shape" "the error says why"
expect_exit 0 "the same corpus with --recombine 0" -- "$TF" train --task poems --corpus shapeless.txt --steps 1 \
    --batch 2 --d-model 16 --heads 2 --d-ff 32 --layers 1 --recombine 0 -q -o rec1.tfw
expect_in help.txt "--recombine N" "--help documents --recombine"

# eval finds the task and the corpus in the model, from anywhere
mkdir elsewhere
(cd elsewhere && "$TF" eval ../tiny.tfw >../eval.txt 2>&1); rc=$?
[ "$rc" -eq 0 ] && ok "eval of a poems model (exit 0)" || { bad "eval: exit $rc"; cat eval.txt; }
expect_in eval.txt "bits per char" "eval reports bits per character"
expect_in eval.txt "unigram " "and the unigram baseline"
expect_in eval.txt "bigram " "and the bigram baseline"
# the baselines are figures, the bigram's on this tiny corpus above the
# unigram's or below it, but each a positive number of bits
awk '$1 == "unigram" || $1 == "bigram" { if ($2 + 0 > 0) n++ } END { exit n == 2 ? 0 : 1 }' eval.txt &&
    ok "both baselines are positive bits" || bad "baselines missing or not positive: $(cat eval.txt)"
expect_in eval.txt "1 poems" "on the held-out poem"
expect_in eval.txt "exact match     does not apply" "and no exact match"
expect_exit 0 "eval -q" -- "$TF" eval tiny.tfw -q
# "accuracy bits": two numbers, the second positive
awk 'NF == 2 && $2 > 0 { found = 1 } END { exit !found }' "$WORK/out" && ok "eval -q prints accuracy and bits" ||
    bad "eval -q printed: $(cat "$WORK/out")"

# the recorded corpus gone: exit 1, and what to do
mv tiny.txt moved.txt
expect_exit 1 "eval when the recorded corpus is gone" -- "$TF" eval tiny.tfw
expect_in "$WORK/err" "tiny.tfw was trained on $WORK/tiny.txt, which is not here" "names the corpus"
expect_in "$WORK/err" "give --corpus FILE" "and the way out"
expect_exit 0 "eval --corpus" -- "$TF" eval tiny.tfw --corpus moved.txt
expect_in "$WORK/out" "moved.txt: 1 poems" "reads the corpus given"
mv moved.txt tiny.txt

# the same training twice: the same bytes
"$TF" train -q --task poems --corpus tiny.txt --steps 5 --batch 4 --d-model 16 --heads 2 --d-ff 32 --layers 1 \
    -o again.tfw >/dev/null 2>&1
"$TF" train -q --task poems --corpus tiny.txt --steps 5 --batch 4 --d-model 16 --heads 2 --d-ff 32 --layers 1 \
    -o again2.tfw >/dev/null 2>&1
cmp -s again.tfw again2.tfw && ok "training is reproducible bit for bit" || bad "two runs differ"

# bad corpora: exit 2 naming the file and the line
printf '甲乙。\n\n丙\377丁。\n' >bad.txt
expect_exit 2 "invalid UTF-8 in the corpus" -- "$TF" train --task poems --corpus bad.txt -o bad.tfw
expect_in "$WORK/err" "bad.txt:3:4: invalid UTF-8" "the error names file:line:column"
expect_absent bad.tfw "no model is written"
printf '甲乙。\n\n丙\033]0;x\007丁。\n' >esc.txt
expect_exit 2 "a control sequence in the corpus" -- "$TF" train --task poems --corpus esc.txt -o bad.tfw
expect_in "$WORK/err" "esc.txt:3:4:" "the error names file:line:column"
: >empty.txt
expect_exit 2 "an empty corpus" -- "$TF" train --task poems --corpus empty.txt -o bad.tfw
expect_in "$WORK/err" "empty.txt: no poem" "the error says there is no poem"
expect_exit 2 "a missing corpus" -- "$TF" train --task poems --corpus none.txt -o bad.tfw
expect_in "$WORK/err" "none.txt: cannot open" "the error names the file"
expect_exit 2 "--corpus with another task" -- "$TF" train --task copy --corpus tiny.txt -o bad.tfw
expect_exit 0 "a probe character the vocabulary lacks" -- "$TF" train --task poems --corpus tiny.txt --steps 1 \
    --d-model 16 --heads 2 --d-ff 32 --layers 1 --trace-every 1 --probe "猫" -o cat.tfw
expect_in "$WORK/err" "warning: --probe: '猫' is not in the vocabulary of task poems: it reads as <UNK>" \
    "is <UNK>, with a warning"

finish
