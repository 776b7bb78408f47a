/* test_verse_form.c — counting lines of generated verse: lengths, marks,
 * the prompt's share, what is no character. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "text/verse_form.h"

/* One sample as text, its first prompt_bytes the prompt, and what must be
 * counted. */
typedef struct {
    const char *what;
    const char *text;
    const char *prompt;   /* a prefix of text, or NULL for none */
    long lines, in_form, right_length;
    int length;           /* a length that must have one line (−1: none) */
} TextCase;

static void test_text_table(void **state)
{
    (void)state;
    static const TextCase cases[] = {
        {"two five-character lines", "床前明月光，疑是地上霜。", NULL, 2, 2, 2, 5},
        {"seven characters", "春眠不觉晓处处，", NULL, 1, 1, 1, 7},
        {"six characters: wrong length", "床前明月光光，", NULL, 1, 0, 0, 6},
        {"question mark closes a line, out of form", "床前明月光？", NULL, 1, 0, 1, 5},
        {"exclamation and semicolon close lines", "床前明月光！疑是地上霜；", NULL, 2, 0, 2, 5},
        {"ASCII comma closes a line, out of form", "abcde,", NULL, 1, 0, 1, 5},
        {"ASCII . ? ! ; close lines", "ab.cd?ef!gh;", NULL, 4, 0, 0, 2},
        {"unfinished last line left out", "床前明月光，疑是地上", NULL, 1, 1, 1, 5},
        {"no mark: no line", "床前明月光", NULL, 0, 0, 0, -1},
        {"empty line between two marks", "，，", NULL, 2, 0, 0, 0},
        {"spaces and the space token are no characters", "床 前 明\xe2\x96\x81月\t光\xe3\x80\x80，", NULL, 1, 1, 1,
         5},
        {"a line the prompt completes is not counted", "床前明月光，疑是地上霜。举头", "床前明月光，", 1, 1, 1, 5},
        {"the prompt's unfinished line continues", "床前明月光，", "床前明", 1, 1, 1, 5},
        {"prompt continued to a wrong length", "床前明月，", "床前明", 1, 0, 0, 4},
        {"a mark in the prompt ends its line", "床前，明月光疑是地，", "床前，", 1, 0, 0, 6},
        {"the whole text a prompt", "床前明月光，", "床前明月光，", 0, 0, 0, -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const TextCase *c = &cases[i];
        VerseForm f;
        verse_form_init(&f);
        Error err = {0};
        size_t prompt = c->prompt ? strlen(c->prompt) : 0;
        assert_int_equal(verse_form_add_text(&f, c->text, strlen(c->text), prompt, "case", &err), TF_OK);
        if (f.lines != c->lines || f.in_form != c->in_form || f.right_length != c->right_length)
            fail_msg("%s: lines %ld in form %ld right length %ld, expected %ld %ld %ld", c->what, f.lines, f.in_form,
                     f.right_length, c->lines, c->in_form, c->right_length);
        if (c->length >= 0 && f.by_length[c->length] < 1)
            fail_msg("%s: no line of length %d", c->what, c->length);
        long total = 0;
        for (int k = 0; k <= VERSE_FORM_LONG; k++)
            total += f.by_length[k];
        assert_int_equal(total, f.lines);
        assert_int_equal(f.samples, 1);
    }
}

static void test_tokens(void **state)
{
    (void)state;
    VerseForm f;
    verse_form_init(&f);
    /* <START> is no character; <END> ends the sample: 疑。 after it is not read */
    const char *a[] = {"<START>", "床", "前", "明", "月", "光", "，", "<END>", "疑", "。"};
    verse_form_add_tokens(&f, a, 10, 0);
    assert_int_equal(f.lines, 1);
    assert_int_equal(f.in_form, 1);
    /* <UNK> is one character; <PAD> none */
    const char *b[] = {"床", "<UNK>", "明", "<PAD>", "月", "光", "。"};
    verse_form_add_tokens(&f, b, 7, 0);
    assert_int_equal(f.lines, 2);
    assert_int_equal(f.in_form, 2);
    /* a prompt of 3 tokens ending inside a line: the line counts, all 5 characters */
    const char *c[] = {"床", "前", "明", "月", "光", "，", "疑"};
    verse_form_add_tokens(&f, c, 7, 3);
    assert_int_equal(f.lines, 3);
    assert_int_equal(f.in_form, 3);
    assert_int_equal(f.by_length[5], 3);
    /* a prompt of 6 tokens, a whole line: only the generated line counts */
    const char *d[] = {"床", "前", "明", "月", "光", "，", "疑", "是", "地", "上", "霜", "霜", "。"};
    verse_form_add_tokens(&f, d, 13, 6);
    assert_int_equal(f.lines, 4);
    assert_int_equal(f.in_form, 3);
    assert_int_equal(f.by_length[6], 1);
    /* a word-level token of several characters counts each */
    const char *e[] = {"老鼠", "追猫", "跑", "，"};
    verse_form_add_tokens(&f, e, 4, 0);
    assert_int_equal(f.lines, 5);
    assert_int_equal(f.in_form, 4);
    assert_int_equal(f.samples, 5);
    assert_true(verse_form_rate(&f) > 0.79 && verse_form_rate(&f) < 0.81);
}

/* A line does not run on from one sample into the next. */
static void test_samples_apart(void **state)
{
    (void)state;
    VerseForm f;
    verse_form_init(&f);
    const char *a[] = {"床", "前", "明"};
    const char *b[] = {"月", "光", "，"};
    verse_form_add_tokens(&f, a, 3, 0);
    verse_form_add_tokens(&f, b, 3, 0);
    assert_int_equal(f.lines, 1);
    assert_int_equal(f.in_form, 0);
    assert_int_equal(f.by_length[2], 1);
}

static void test_long_lines_and_empty(void **state)
{
    (void)state;
    VerseForm f;
    verse_form_init(&f);
    assert_true(verse_form_rate(&f) == 0.0);
    char text[256] = "";
    for (int i = 0; i < 40; i++)
        strcat(text, "月");
    strcat(text, "。");
    Error err = {0};
    assert_int_equal(verse_form_add_text(&f, text, strlen(text), 0, "long", &err), TF_OK);
    assert_int_equal(f.lines, 1);
    assert_int_equal(f.by_length[VERSE_FORM_LONG], 1);
    assert_true(verse_form_rate(&f) == 0.0);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    VerseForm f;
    verse_form_init(&f);
    Error err = {0};
    const char bad[] = "床前\xE6\x98明月光，";  /* a character cut short: 明 at byte 8 is no continuation */
    assert_int_equal(verse_form_add_text(&f, bad, strlen(bad), 0, "sample 3", &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "sample 3"));
    if (!strstr(err.msg, "byte 8"))
        fail_msg("%s", err.msg);
    assert_int_equal(f.samples, 0);
    assert_int_equal(f.lines, 0);
}

/* Every mark closes a line; only ， and 。 close one in form; 、 is no mark. */
static void test_marks(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        long lines, in_form;
    } cases[] = {
        {"一二三四五，", 1, 1}, {"一二三四五。", 1, 1}, {"一二三四五？", 1, 0}, {"一二三四五！", 1, 0},
        {"一二三四五；", 1, 0}, {"一二三四五.", 1, 0},  {"一二、四五，", 1, 1}, {"一二三四五：", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        VerseForm f;
        verse_form_init(&f);
        Error err = {0};
        assert_int_equal(verse_form_add_text(&f, cases[i].text, strlen(cases[i].text), 0, "mark", &err), TF_OK);
        if (f.lines != cases[i].lines || f.in_form != cases[i].in_form)
            fail_msg("%s: %ld lines, %ld in form", cases[i].text, f.lines, f.in_form);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_table),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_samples_apart),
        cmocka_unit_test(test_long_lines_and_empty),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_marks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
