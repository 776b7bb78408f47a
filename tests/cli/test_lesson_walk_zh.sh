# `traceformer lesson N --walk --lang zh` and `--check --lang zh` print
# their own words in Chinese: the title line (第 N 课：), every step
# header ("── 第 1 步，共 12 步："), the claims heading, each verdict
# (成立 / 不成立), 测得 before a measured value and the count ("4 条结论
# 成立，共 4 条"); no English word of that frame is left. The English
# walk keeps its own words (the other tests compare it byte for byte).
. tests/cli/lib.sh
cd "$WORK"

# The English words of the printed frame: none may appear in Chinese.
ENGLISH_UI='^Lesson [0-9]|^lesson [0-9]+: |── step |── claims|── facts|^PASS  |^FAIL  |^SKIP  |measured: |claims hold|facts hold|skipped$|to see the matrices| vs @'

for l in $("$TF" lesson --list | awk '{print $1}'); do
    "$TF" lesson "$l" --walk --lang zh > "zh$l" 2> "err$l"
    rc=$?
    [ "$rc" -le 1 ] || { bad "lesson $l --walk --lang zh: exit $rc"; sed 's/^/       | /' "err$l"; continue; }
    "$TF" lesson "$l" --walk > "en$l" 2>/dev/null
    n=$(grep -c '^── step [0-9]* of ' "en$l")
    [ "$n" -ge 2 ] || { bad "lesson $l: the English walk lists no steps"; continue; }
    expect_in "zh$l" "第 $l 课：" "lesson $l: the title line in Chinese"
    expect_in "zh$l" "── 第 1 步，共 $n 步：" "lesson $l: the first step's header in Chinese"
    expect_in "zh$l" "── 第 $n 步，共 $n 步：" "lesson $l: the last step's header in Chinese"
    got=$(grep -c '^── 第 [0-9]* 步，共 [0-9]* 步：' "zh$l")
    if [ "$got" -eq "$n" ]; then ok "lesson $l: $n step headers in Chinese"; else
        bad "lesson $l: $got Chinese step headers for $n steps"; fi
    expect_in "zh$l" "── 结论" "lesson $l: the claims heading in Chinese"
    claims=$(grep -cE '^(PASS|FAIL)  ' "en$l")
    verdicts=$(grep -cE '^(成立    |不成立  )' "zh$l")
    if [ "$verdicts" -eq "$claims" ] && [ "$claims" -ge 1 ]; then ok "lesson $l: $claims verdicts in Chinese"; else
        bad "lesson $l: $verdicts Chinese verdicts for $claims claims"; fi
    measured=$(grep -c '^        测得：' "zh$l")
    if [ "$measured" -eq "$claims" ]; then ok "lesson $l: 测得 before every measured value"; else
        bad "lesson $l: $measured 测得 lines for $claims claims"; fi
    # "3 of 4 claims hold" says "3 条结论成立，共 4 条"
    count=$(sed -n 's/^\([0-9]*\) of \([0-9]*\) claims hold.*/\1 条结论成立，共 \2 条/p' "en$l")
    [ -n "$count" ] || bad "lesson $l: the English walk has no count of the claims"
    expect_in "zh$l" "$count" "lesson $l: the count in Chinese"
    if grep -nE -- "$ENGLISH_UI" "zh$l" > left; then bad "lesson $l: English words of the frame in the Chinese walk"
        sed 's/^/       | /' left | head -5
    else ok "lesson $l: no English words of the frame in the Chinese walk"; fi
    if grep -qE '^(成立|不成立|测得|── 第)' "en$l"; then bad "lesson $l: Chinese in the English walk"; else
        ok "lesson $l: the English walk keeps its words"; fi
done

# --check speaks the same words.
"$TF" lesson 7 --check --lang zh > check7 2> err
expect_in check7 "第 7 课：" "--check --lang zh: the title line in Chinese"
if grep -qE '^成立    ' check7 && ! grep -qE -- "$ENGLISH_UI" check7; then ok "--check --lang zh: verdicts in Chinese, no English frame"
else bad "--check --lang zh: English words or no Chinese verdict"; sed 's/^/       | /' check7 | head -8; fi
expect_in check7 "条结论成立，共" "--check --lang zh: the count in Chinese"
# A claim broken on purpose says 不成立 (and the exit code says so too).
"$TF" lesson 7 --check --lang zh --padding-mask off > broken7 2> err
rc=$?
if [ "$rc" -eq 1 ] && grep -q '^不成立  ' broken7; then ok "--check --lang zh --padding-mask off: 不成立, exit 1"
else bad "--check --lang zh --padding-mask off: exit $rc, no 不成立 line"; sed 's/^/       | /' broken7 | head -8; fi

finish
