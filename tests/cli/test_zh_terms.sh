# One Chinese term per idea, the one students meet in their textbooks
# (lessons/README.md's glossary): the retired words below must not come
# back into a lesson's Chinese narration (lesson.zh.md), its .zh lines in
# lesson.ini, or the viewer's Chinese words (src/view/words.c, keys.c,
# glossary.c). Each retired word is listed with the term that replaced it.
# And a lesson that speaks of LayerNorm in Chinese names it 层归一化,
# with "LayerNorm" in brackets at its first use.
. tests/cli/lib.sh
SRC=${TF_SOURCE_DIR:-.}

# RETIRED|USE: a word and the term to use instead
RETIRED='断言|结论 (a claim)
令牌|词元 (token)
标记|词元 (token)
符记|词元 (token)
词符|词元 (token)
自动回归|自回归 (autoregressive)
层标准化|层归一化 (LayerNorm)
层规范化|层归一化 (LayerNorm)
层正则化|层归一化 (LayerNorm)
遮罩|掩码 (mask)
屏蔽矩阵|注意力掩码 (attention mask)
前向网络|前馈网络 (feed-forward network)
跳跃连接|残差连接 (residual connection)
多注意力头|多头注意力 (multi-head attention)
位置嵌入编码|位置编码 (positional encoding)
键值缓存|KV 缓存 (KV cache)
老师强制|教师强制 (teacher forcing)
推断时|推理时 (at inference)'

# The Chinese texts: narration files, the .zh lines of every lesson.ini,
# and the viewer's tables (their Chinese cells hold the only Chinese there).
zh_texts() {
    for f in "$SRC"/lessons/*/lesson.zh.md; do sed "s|^|$f: |" "$f"; done
    for f in "$SRC"/lessons/*/lesson.ini; do grep -E '^[[:space:]]*[a-z_]+\.zh[[:space:]]*=' "$f" | sed "s|^|$f: |"; done
    for f in "$SRC"/src/view/words.c "$SRC"/src/view/keys.c "$SRC"/src/view/glossary.c; do sed "s|^|$f: |" "$f"; done
}
zh_texts > "$WORK/zh"
n=$(grep -c . "$WORK/zh")
[ "$n" -gt 500 ] || bad "only $n lines of Chinese text found under $SRC"

echo "$RETIRED" | while IFS='|' read -r word use; do
    if grep -F -- "$word" "$WORK/zh" > "$WORK/hits"; then
        echo "  FAIL $T_NAME: '$word' is retired, say $use:"
        sed 's/^/       | /' "$WORK/hits" | head -5
        echo x >> "$WORK/failed"
    else
        ok "'$word' appears nowhere (the term is $use)"
    fi
done
[ -e "$WORK/failed" ] && T_FAILS=$((T_FAILS + $(wc -l < "$WORK/failed")))

# 层归一化 (LayerNorm) once per lesson that speaks of it in its prose.
for f in "$SRC"/lessons/*/lesson.zh.md; do
    lesson=$(basename "$(dirname "$f")")
    # prose mentions: LayerNorm not written as a function, LayerNorm(...)
    if grep -v '^    ' "$f" | grep -q 'LayerNorm\([^(]\|$\)\|层归一化'; then
        if grep -q '层归一化（LayerNorm）\|层归一化，即 LayerNorm' "$f"; then ok "$lesson: 层归一化 (LayerNorm) named"
        else bad "$lesson: speaks of LayerNorm but never as 层归一化（LayerNorm）"; fi
    fi
done
# The glossary carries the terms the lessons use.
for pair in 'token|词元' 'autoregressive|自回归' 'inference|推理' 'LayerNorm|层归一化' 'causal mask|因果掩码' \
            'padding mask|填充掩码' 'attention mask|注意力掩码' 'claim|结论' 'teacher forcing|教师强制'; do
    en=${pair%%|*}; zh=${pair#*|}
    if grep -qF -- "| $en | $zh |" "$SRC/lessons/README.md"; then ok "glossary: $en = $zh"
    else bad "glossary: no row '$en | $zh' in lessons/README.md"; fi
done
finish
