# Lesson claims on other sentences: each lesson's [try] sentences are
# listed by --walk; a claim about the lesson's own sentence (only = lesson
# sentence) is skipped on another one, says why, and is counted apart; a
# run derived from the main sentence (src_from = main reversed) follows
# the student's.
. tests/cli/lib.sh
cd "$WORK"

# lesson 5 on its own sentence: nothing skipped
expect_exit 0 "lesson 5 --check" -- "$TF" lesson 5 --check
expect_in "$WORK/out" "3 of 3 claims hold" "lesson 5: every claim holds on its own sentence"
expect_in "$WORK/out" "2 of 2 facts hold" "lesson 5: and every fact"
expect_not_in "$WORK/out" "SKIP" "lesson 5: nothing skipped on its own sentence"
# the same sentence typed by the student is still the lesson's
expect_exit 0 "lesson 5 --check --src 猫 追 老鼠 --tgt 'cat chases mouse'" -- \
    "$TF" lesson 5 --check --src "猫 追 老鼠" --tgt "cat chases mouse"
expect_not_in "$WORK/out" "SKIP" "lesson 5: the lesson's sentence, typed, skips nothing"

# another sentence of the phrasebook: aligned is skipped, with the reason
expect_exit 0 "lesson 5 --check --src 狗 追 了 猫 --tgt 'dog chased cat'" -- \
    "$TF" lesson 5 --check --src "狗 追 了 猫" --tgt "dog chased cat"
expect_in "$WORK/out" "SKIP  For the lesson's own sentence 猫 追 老鼠" "the skipped claim is shown as SKIP, with its text"
expect_in "$WORK/out" "(about the lesson's own sentence)" "the reason is shown"
expect_in "$WORK/out" "2 of 2 claims hold, 1 skipped" "the skipped claim is counted apart"
expect_not_in "$WORK/out" "FAIL" "no claim fails on another sentence"
expect_not_in "$WORK/out" "error:" "no claim errors on another sentence"
# a skipped claim prints no measurement
if grep -a -A3 '^SKIP' "$WORK/out" | grep -q 'measured:'; then bad "a skipped claim prints a measurement"; else
    ok "a skipped claim prints no measurement"; fi
expect_exit 0 "lesson 5 --check --lang zh (another sentence)" -- \
    "$TF" lesson 5 --check --lang zh --src "狗 追 了 猫" --tgt "dog chased cat"
expect_in "$WORK/out" "（这条结论只关于本课自己的句子）" "the reason in Chinese"
expect_in "$WORK/out" "跳过    对本课自己的句子" "the claim's Chinese text says it is about the lesson's sentence, after the Chinese verdict"

# a broken engine still fails the other claims on another sentence
expect_exit 1 "lesson 5 --check on another sentence --causal-mask off" -- \
    "$TF" lesson 5 --check --src "狗 追 了 猫" --tgt "dog chased cat" --causal-mask off
expect_in "$WORK/out" "claims hold, 1 skipped" "skipped apart from the failures"

# the [try] sentences, listed at the end of the walk
expect_exit 0 "lesson 5 --walk" -- "$TF" lesson 5 --walk
expect_in "$WORK/out" "── other sentences to try (traceformer lesson 5 --check --src TEXT --tgt TEXT)" "--walk lists other sentences"
expect_in "$WORK/out" "   狗 追 了 猫 → dog chased cat" "--walk shows each with its target"
expect_exit 0 "lesson 3 --walk --lang zh" -- "$TF" lesson 3 --walk --lang zh
expect_in "$WORK/out" "── 换个句子试试（traceformer lesson 3 --check --src 句子）" "--walk --lang zh lists them in Chinese"

# lesson 3: the swapped runs reverse the student's sentence, of any length
expect_exit 0 "lesson 3 --check --src '狗 追 猫 和 老鼠' --traces t3" -- \
    "$TF" lesson 3 --check --src "狗 追 猫 和 老鼠" --traces t3
expect_in "$WORK/out" "4 of 4 claims hold" "lesson 3: every claim holds on five words"
expect_in "$WORK/out" "3 of 3 facts hold" "lesson 3: and its facts"
expect_exit 0 "show src.tokens of run swapped" -- "$TF" show t3/swapped.trace src.tokens
# 狗 追 猫 和 老鼠 backwards (狗 and 和 are not in the lesson's vocabulary: <UNK>)
if grep -aqE '^ *老鼠 +<UNK> +猫 +追 +<UNK> *$' "$WORK/out"; then ok "run swapped reads the student's sentence backwards"; else
    bad "run swapped does not read 老鼠 和 猫 追 狗"; sed 's/^/       | /' "$WORK/out" | tail -3; fi

finish
