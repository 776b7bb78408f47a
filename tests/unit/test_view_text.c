/* test_view_text.c — the viewer's text on a terminal: display widths, labels
 * cut by width (CJK takes two columns, and a character is never split),
 * padding, wrapping and the ASCII fallback. Each case runs in the C locale
 * (the width table) and in C.UTF-8 (wcwidth), which must agree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/utf8.h"
#include "view/markdown.h"
#include "view/text.h"
#include "view/words.h"

static const char *const locales[] = {"C", "C.UTF-8"};

static int set_locale(int i)
{
    return setlocale(LC_ALL, locales[i]) != NULL;
}

static void test_widths(void **state)
{
    (void)state;
    for (int l = 0; l < 2; l++) {
        if (!set_locale(l))
            continue;
        assert_int_equal(text_width("cat", false), 3);
        assert_int_equal(text_width("猫", false), 2);
        assert_int_equal(text_width("老鼠", false), 4);
        assert_int_equal(text_width("<START>", false), 7);
        assert_int_equal(text_width("I 爱 AI", false), 7);
        assert_int_equal(text_width("", false), 0);
    }
    setlocale(LC_ALL, "C");
}

/* Cut labels fit their columns exactly or leave one column of slack (a wide
 * character that would straddle the edge), end in an ellipsis, and are
 * whole UTF-8. */
static void test_fit_cuts_by_display_width(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int cols;
        const char *want;
    } cases[] = {
        {"猫", 2, "猫"},
        {"老鼠", 4, "老鼠"},
        {"老鼠", 3, "老…"},
        {"老鼠", 2, "…"},           /* 老 and the ellipsis need three */
        {"chases", 4, "cha…"},
        {"chases", 6, "chases"},
        {"猫cat", 4, "猫c…"},
        {"a猫", 2, "a…"},
        {"<START>", 1, "…"},
    };
    for (int l = 0; l < 2; l++) {
        if (!set_locale(l))
            continue;
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            char buf[64];
            int w = text_fit(buf, sizeof buf, cases[i].in, cases[i].cols, false);
            if (strcmp(buf, cases[i].want) != 0)
                fail_msg("locale %s: fit('%s', %d) = '%s', want '%s'", locales[l], cases[i].in, cases[i].cols,
                         buf, cases[i].want);
            assert_true(w <= cases[i].cols);
            assert_int_equal(w, text_width(buf, false));
            assert_true(utf8_valid(buf, strlen(buf), NULL));
        }
    }
    setlocale(LC_ALL, "C");
}

/* Every column of a row of labels lines up: padded cells are exactly as
 * wide as asked, whatever the script. */
static void test_cells_line_up(void **state)
{
    (void)state;
    const char *labels[] = {"猫", "追", "老鼠", "cat", "<START>", "I"};
    for (int l = 0; l < 2; l++) {
        if (!set_locale(l))
            continue;
        for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
            for (int cols = 1; cols <= 9; cols++)
                for (int align = -1; align <= 1; align++) {
                    char buf[64];
                    text_cell(buf, sizeof buf, labels[i], cols, align, false);
                    /* a wide character cut at the edge leaves a space in its place */
                    assert_int_equal(text_width(buf, false), cols);
                }
        char buf[64];
        text_cell(buf, sizeof buf, "猫", 5, 1, false);
        assert_string_equal(buf, "   猫");
        text_cell(buf, sizeof buf, "猫", 5, -1, false);
        assert_string_equal(buf, "猫   ");
    }
    setlocale(LC_ALL, "C");
}

static void test_ascii_fallback(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(text_width("猫", true), 6);
    text_fit(buf, sizeof buf, "老鼠", 8, true);
    assert_string_equal(buf, "\\u8001~");
    for (const char *p = buf; *p; p++)
        assert_true((unsigned char)*p < 0x80);
    /* control bytes never reach the terminal, in either mode */
    text_fit(buf, sizeof buf, "a\x1b[2Jb", 20, false);
    assert_null(strchr(buf, '\x1b'));
}

/* Hidden characters (text/printable.h) in a label reach the viewer from
 * other people's traces: drawn as visible escapes in both locales, with
 * the escape's width; a zero width joiner is a letter and stays. */
static void test_hidden_characters_escaped(void **state)
{
    (void)state;
    static const struct {
        const char *label, *drawn;
    } cases[] = {
        {"a\xE2\x80\xAE" "b", "a\\u202eb"},   /* RIGHT-TO-LEFT OVERRIDE */
        {"\xE2\x81\xA6x\xE2\x81\xA9", "\\u2066x\\u2069"},  /* isolates */
        {"c\xE2\x80\x8B", "c\\u200b"},        /* ZERO WIDTH SPACE */
        {"\xEF\xBB\xBF" "d", "\\ufeffd"},        /* BOM */
        {"e\xC2\x9B" "2J", "e\\u009b2J"},       /* C1 CSI */
        {"\x1b[2K", "\\x1b[2K"},
    };
    for (int l = 0; l < 2; l++) {
        if (!set_locale(l))
            continue;
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            char buf[64];
            int w = text_fit(buf, sizeof buf, cases[i].label, 40, false);
            if (strcmp(buf, cases[i].drawn) != 0 || w != (int)strlen(cases[i].drawn))
                fail_msg("%s: '%s' drawn as '%s' (%d columns), expected '%s'", locales[l], cases[i].label, buf, w,
                         cases[i].drawn);
        }
        char buf[64];
        text_fit(buf, sizeof buf, "\xD9\x85\xE2\x80\x8C\xD9\x8A", 40, false);  /* ZWNJ inside a Persian word */
        assert_string_equal(buf, "\xD9\x85\xE2\x80\x8C\xD9\x8A");
    }
    setlocale(LC_ALL, "C");
}

/* A buffer too small for the text holds whole characters only, and the
 * columns returned are the ones written. */
static void test_small_buffer_keeps_whole_characters(void **state)
{
    (void)state;
    char buf[8];
    assert_int_equal(text_fit(buf, 4, "猫 cat", 10, false), 2);
    assert_string_equal(buf, "猫");
}

/* The columns of a number in decimal: the width of an index column. */
static void test_digits(void **state)
{
    (void)state;
    static const struct {
        uint32_t n;
        int cols;
    } cases[] = {{0, 1}, {9, 1}, {10, 2}, {99, 2}, {100, 3}, {4294967295u, 10}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(text_digits(cases[i].n), cases[i].cols);
}

static void test_wrap(void **state)
{
    (void)state;
    const char *s = "Attention weights: each row is a distribution.";
    size_t next, len = text_wrap(s, 20, false, &next);
    assert_true(len <= 20);
    assert_int_equal(s[len], ' ');         /* broken between words */
    assert_memory_equal(s, "Attention weights:", len);
    assert_true(s[next] != ' ');
    /* CJK without spaces breaks anywhere, by width */
    const char *c = "猫追老鼠猫追老鼠";
    len = text_wrap(c, 5, false, &next);
    assert_int_equal(len, 6);                /* two characters: four columns */
    assert_int_equal(text_wrap("", 10, false, &next), 0);
}


/* ---- wrapping Chinese, and Markdown for the narration pane ---- */

/* A sentence with spaces early and none later: the line is filled, not
 * broken at the last space (which would leave half the line empty). */
static void test_wrap_chinese_fills_lines(void **state)
{
    (void)state;
    const char *s = "第二次运行：“老鼠 追 猫”。同样的词、同样的模型、同样的权重；只是主语和宾语交换了位置。";
    for (int l = 0; l < 2; l++) {
        if (!set_locale(l))
            continue;
        for (int cols = 12; cols <= 40; cols++) {
            TextLine lines[32];
            int n = text_lines(s, cols, false, lines, 32);
            assert_true(n > 1 && n <= 32);
            for (int i = 0; i < n; i++) {
                char line[256];
                snprintf(line, sizeof line, "%.*s", (int)lines[i].len, s + lines[i].off);
                int w = text_width(line, false);
                assert_true(w <= cols);
                if (i < n - 1)
                    assert_true(w >= cols - 5);  /* full, give or take “猫”。 kept together */
                assert_true(strncmp(line, "，", 3) != 0 && strncmp(line, "。", 3) != 0 && strncmp(line, "；", 3) != 0);
            }
        }
    }
    setlocale(LC_ALL, "C");
}

/* markdown_lines drawn as plain text: indent, bullets as "• ", code and
 * emphasis as their characters; lines joined by '\n'. Returns the count. */
static int render(const char *text, int cols, char *out, size_t cap, MdLine *lines, MdSpan *spans)
{
    int n = markdown_lines(text, cols, false, lines, 64, spans, 512);
    assert_true(n <= 64);
    size_t o = 0;
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        o += (size_t)snprintf(out + o, cap - o, "%s%*s", i ? "\n" : "", lines[i].indent, "");
        for (int k = 0; k < lines[i].n_spans; k++) {
            const MdSpan *sp = &spans[lines[i].span + k];
            if (sp->style & MD_BULLET)
                o += (size_t)snprintf(out + o, cap - o, "\u2022 ");
            else
                o += (size_t)snprintf(out + o, cap - o, "%.*s", (int)sp->len, text + sp->off);
        }
    }
    return n;
}

/* Every line of rendered text at most cols columns. */
static void assert_lines_fit(const char *r, int cols)
{
    char *copy = strdup(r);
    assert_non_null(copy);
    for (char *save = NULL, *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (text_width(line, false) > cols)
            fail_msg("line wider than %d columns: '%s' (%d)", cols, line, text_width(line, false));
    }
    free(copy);
}

/* r without its line breaks and indents is want: wrapping lost nothing
 * and added nothing (for text without spaces at the breaks). */
static void assert_same_text(const char *r, const char *want)
{
    char joined[2048];
    size_t o = 0;
    bool start = true;
    for (const char *p = r; *p && o + 1 < sizeof joined; p++) {
        if (*p == '\n') {
            start = true;
            continue;
        }
        if (start && *p == ' ')
            continue;
        start = false;
        joined[o++] = *p;
    }
    joined[o] = '\0';
    assert_string_equal(joined, want);
}

static void test_md_chinese_with_code(void **state)
{
    (void)state;
    static MdLine lines[64];
    static MdSpan spans[512];
    char r[4096];
    /* lesson 3's first step: a code span among Chinese characters */
    const char *md = "本课的主运行**完全没有位置编码**（`positions = none`）。句子是“猫 追 老鼠”：\n"
                     "猫（位置 0）追（1）老鼠（2）。";
    char *flowed = markdown_flow(md);
    assert_non_null(flowed);
    assert_null(strchr(flowed, '\n'));  /* one paragraph, joined without a space between 字 */
    assert_non_null(strstr(flowed, "老鼠”：猫（"));
    for (int l = 0; l < 2; l++) {
        if (!set_locale(l))
            continue;
        for (int cols = 6; cols <= 60; cols++) {
            int n = render(flowed, cols, r, sizeof r, lines, spans);
            assert_true(n >= 1);
            assert_null(strchr(r, '`'));
            assert_null(strstr(r, "**"));
            assert_lines_fit(r, cols);
        }
        /* at 40 columns: the first line is full, the code span whole and styled */
        render(flowed, 40, r, sizeof r, lines, spans);
        assert_true(text_width(strtok(r, "\n"), false) >= 38);
        int n = markdown_lines(flowed, 40, false, lines, 64, spans, 512);
        bool strong = false;
        char code[64] = "";  /* the code span may break at its own space */
        for (int i = 0; i < n; i++)
            for (int k = 0; k < lines[i].n_spans; k++) {
                const MdSpan *sp = &spans[lines[i].span + k];
                if (sp->style & MD_CODE)
                    snprintf(code + strlen(code), sizeof code - strlen(code), "%s%.*s", code[0] ? " " : "",
                             (int)sp->len, flowed + sp->off);
                if (sp->style & MD_STRONG) {
                    assert_memory_equal(flowed + sp->off, "完全没有位置编码", sp->len);
                    strong = true;
                }
            }
        assert_string_equal(code, "positions = none");
        assert_true(strong);
    }
    free(flowed);
    setlocale(LC_ALL, "C");
}

/* Lines of a paragraph join as the language writes: no space between
 * Chinese characters or next to Chinese punctuation, a space elsewhere. */
static void test_md_flow_joins(void **state)
{
    (void)state;
    static const struct {
        const char *md, *flowed;
    } cases[] = {
        {"同样的词、同样的模型\n同样的权重", "同样的词、同样的模型同样的权重"},
        {"它们都把超过 0.6\n的权重放在", "它们都把超过 0.6 的权重放在"},
        {"句子是“猫 追 老鼠”：\n猫（位置 0）", "句子是“猫 追 老鼠”：猫（位置 0）"},
        {"Its sentence is\n猫 追 老鼠.", "Its sentence is 猫 追 老鼠."},
        {"the **copy**\n*model*", "the **copy** *model*"},
        {"看\n`老鼠`", "看`老鼠`"},
        {"one\n\ntwo", "one\n\ntwo"},
        {"```\na * b\n```", "    a * b"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *f = markdown_flow(cases[i].md);
        assert_non_null(f);
        assert_string_equal(f, cases[i].flowed);
        free(f);
    }
}

/* A code span that reaches the end of a line moves whole, or breaks at
 * its own spaces; its backquotes are never drawn, so never left alone. */
static void test_md_code_span_at_the_boundary(void **state)
{
    (void)state;
    static MdLine lines[64];
    static MdSpan spans[512];
    char r[4096];
    const char *md = "解码器读入`<START>`，通过交叉注意力读取编码器的输出`enc.memory`。";
    for (int cols = 8; cols <= 40; cols++) {
        render(md, cols, r, sizeof r, lines, spans);
        assert_null(strchr(r, '`'));
        assert_lines_fit(r, cols);
        assert_same_text(r, "解码器读入<START>，通过交叉注意力读取编码器的输出enc.memory。");
        /* a code span without spaces is never cut when it fits on a line */
        assert_non_null(strstr(r, "<START>"));
        if (cols >= 10)
            assert_non_null(strstr(r, "enc.memory"));
    }
    /* a lone backquote is text, not a marker */
    render("a ` b", 20, r, sizeof r, lines, spans);
    assert_string_equal(r, "a ` b");
}

static void test_md_emphasis(void **state)
{
    (void)state;
    static MdLine lines[64];
    static MdSpan spans[512];
    char r[512];
    const char *md = "**Head 2** looks *ahead*; a * b stays";
    int n = render(md, 80, r, sizeof r, lines, spans);
    assert_int_equal(n, 1);
    assert_string_equal(r, "Head 2 looks ahead; a * b stays");
    assert_int_equal(lines[0].n_spans, 4);  /* Head 2 | looks | ahead | ; a * b stays */
    assert_int_equal(spans[0].style, MD_STRONG);
    assert_int_equal(spans[2].style, MD_EM);
    assert_memory_equal(md + spans[2].off, "ahead", 5);
    assert_int_equal(spans[3].style, 0);
}

static void test_md_lists_hang(void **state)
{
    (void)state;
    static MdLine lines[64];
    static MdSpan spans[512];
    char r[2048];
    /* Markdown's continuation indent goes; the pane's hanging indent comes */
    const char *md = "Heads:\n\n- **1 号头**是“抄写员”：它平均把 0.99 的权重放在正好要写的那个字母上\n"
                     "  （`<START>` → `c` 0.98）。\n"
                     "12. the twelfth item wraps under its own text, not under the number\n";
    char *flowed = markdown_flow(md);
    assert_non_null(flowed);
    assert_null(strstr(flowed, "  "));  /* no Markdown indent left inside an item */
    int n = render(flowed, 24, r, sizeof r, lines, spans);
    assert_lines_fit(r, 24);
    assert_null(strchr(r, '`'));
    int item = -1, numbered = -1;
    for (int i = 0; i < n; i++) {
        if (lines[i].n_spans > 0 && (spans[lines[i].span].style & MD_BULLET))
            item = i;
        if (lines[i].n_spans > 0 && strncmp(flowed + spans[lines[i].span].off, "12. ", 4) == 0)
            numbered = i;
    }
    assert_true(item > 0 && numbered > item + 1);
    assert_int_equal(lines[item].indent, 0);
    for (int i = item + 1; i < numbered; i++) {
        assert_int_equal(lines[i].indent, 2);  /* under the text, after "• " */
        assert_true(flowed[spans[lines[i].span].off] != ' ');  /* and no extra spaces */
    }
    assert_true(numbered + 1 < n);
    for (int i = numbered + 1; i < n; i++)
        assert_int_equal(lines[i].indent, 4);  /* after "12. " */
    free(flowed);
}

/* Both languages have every word, and a format takes the same
 * conversions in both, in the same order. */
static void conversions(const char *f, char *out, size_t cap)
{
    size_t o = 0;
    for (const char *p = f; *p && o + 8 < cap; p++) {
        if (*p != '%')
            continue;
        p++;
        if (*p == '%')
            continue;
        while (*p && !strchr("diouxXeEfgGsczp", *p))
            out[o++] = *p++;
        out[o++] = *p;
        out[o++] = ' ';
    }
    out[o] = '\0';
}

static void test_words(void **state)
{
    (void)state;
    for (int w = 0; w < WORD_COUNT; w++) {
        const char *en = view_word(VIEW_LANG_EN, (Word)w), *zh = view_word(VIEW_LANG_ZH, (Word)w);
        if (!en[0] || strcmp(en, zh) == 0)  /* view_word falls back to English */
            fail_msg("word %d has no %s", w, en[0] ? "Chinese" : "English");
        char ce[64], cz[64];
        conversions(en, ce, sizeof ce);
        conversions(zh, cz, sizeof cz);
        if (strcmp(ce, cz) != 0)
            fail_msg("word %d: '%s' takes %s but '%s' takes %s", w, en, ce, zh, cz);
    }
    assert_int_equal(text_width(view_word(VIEW_LANG_ZH, WORD_PASS), false), 6);
    assert_int_equal(text_width(view_word(VIEW_LANG_ZH, WORD_FAIL), false), 6);
    assert_string_equal(view_word_positions(VIEW_LANG_ZH, "none"), "无");
    assert_string_equal(view_word_positions(VIEW_LANG_EN, "none"), "none");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_widths),
        cmocka_unit_test(test_fit_cuts_by_display_width),
        cmocka_unit_test(test_cells_line_up),
        cmocka_unit_test(test_ascii_fallback),
        cmocka_unit_test(test_hidden_characters_escaped),
        cmocka_unit_test(test_small_buffer_keeps_whole_characters),
        cmocka_unit_test(test_digits),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_wrap_chinese_fills_lines),
        cmocka_unit_test(test_md_flow_joins),
        cmocka_unit_test(test_md_chinese_with_code),
        cmocka_unit_test(test_md_code_span_at_the_boundary),
        cmocka_unit_test(test_md_emphasis),
        cmocka_unit_test(test_md_lists_hang),
        cmocka_unit_test(test_words),
    };
    return cmocka_run_group_tests_name("view text", tests, NULL, NULL);
}
