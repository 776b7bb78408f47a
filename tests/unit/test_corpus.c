/* test_corpus.c — the corpus reader of src/train/corpus.h: fortune files
 * and plain text, escapes, titles and authors dropped, the joining rules,
 * CRLF, and every refusal naming its file and line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "train/corpus.h"
#include "../support/scratch.h"

/* Parse text (a C string) and expect n_want poems. */
static void parse_ok(Corpus *c, const char *text)
{
    Error err = {0};
    Status st = corpus_parse(c, text, strlen(text), "poems.txt", &err);
    if (st != TF_OK)
        fail_msg("corpus_parse: %s", err.msg);
}

/* Parse text and expect a refusal whose message holds want. */
static void parse_refused(const char *text, size_t n, const char *want)
{
    Corpus c;
    Error err = {0};
    Status st = corpus_parse(&c, text, n, "poems.txt", &err);
    if (st != TF_ERR_INPUT)
        fail_msg("expected TF_ERR_INPUT containing '%s', got status %d", want, (int)st);
    if (!strstr(err.msg, want))
        fail_msg("message '%s' does not say '%s'", err.msg, want);
    assert_int_equal(c.n, 0);
    assert_null(c.poems);
}

static void test_fortune_titles_authors_escapes(void **state)
{
    (void)state;
    Corpus c;
    parse_ok(&c, "\x1b[32m《静夜思》\x1b[m\n"
                 "\x1b[33m作者：李白\x1b[m\n"
                 "床前明月光，疑是地上霜。\n"
                 "举头望明月，低头思故乡。\n"
                 "%\n"
                 "\x1b[32m《登鹳雀楼》\x1b[m\n"
                 "\x1b[33m作者：王之涣\x1b[m\n"
                 "白日依山尽，\x1b[1;31m黄河入海流。\n"
                 "\n"
                 "欲穷千里目，更上一层楼。\n");
    assert_true(c.fortune);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.poems[0].text, "床前明月光，疑是地上霜。举头望明月，低头思故乡。");
    assert_int_equal(c.poems[0].line, 3);
    /* a blank line inside a fortune entry does not split it */
    assert_string_equal(c.poems[1].text, "白日依山尽，黄河入海流。欲穷千里目，更上一层楼。");
    assert_int_equal(c.poems[1].line, 8);
    corpus_free(&c);
}

static void test_plain_blank_lines(void **state)
{
    (void)state;
    Corpus c;
    parse_ok(&c, "\n\n春眠不觉晓，\n处处闻啼鸟。\n\n\n  \n夜来风雨声，\n花落知多少。\n\n");
    assert_false(c.fortune);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.poems[0].text, "春眠不觉晓，处处闻啼鸟。");
    assert_int_equal(c.poems[0].line, 3);
    assert_string_equal(c.poems[1].text, "夜来风雨声，花落知多少。");
    assert_int_equal(c.poems[1].line, 8);
    corpus_free(&c);
}

/* A title or author line is dropped at a poem's head only: the same text
 * inside a body is the poem's. */
static void test_title_only_at_head(void **state)
{
    (void)state;
    Corpus c;
    parse_ok(&c, "《题》\n一二三，\n《中》\n作者：某\n");
    assert_int_equal(c.n, 1);
    assert_string_equal(c.poems[0].text, "一二三，《中》作者：某");
    corpus_free(&c);
}

static void test_percent_separators(void **state)
{
    (void)state;
    Corpus c;
    /* empty entries (two "%" in a row, one at each end) make no poem */
    parse_ok(&c, "%\n甲乙。\n%\n%\n《只有题》\n%\n丙丁。\n%\n");
    assert_true(c.fortune);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.poems[0].text, "甲乙。");
    assert_string_equal(c.poems[1].text, "丙丁。");
    assert_int_equal(c.poems[1].line, 7);
    corpus_free(&c);
}

static void test_crlf(void **state)
{
    (void)state;
    Corpus c;
    parse_ok(&c, "《题》\r\n床前明月光，\r\n疑是地上霜。\r\n%\r\nThe rain\r\nfalls.\r\n");
    assert_true(c.fortune);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.poems[0].text, "床前明月光，疑是地上霜。");
    assert_string_equal(c.poems[1].text, "The rain falls.");
    corpus_free(&c);
}

static void test_joining_rules(void **state)
{
    (void)state;
    Corpus c;
    parse_ok(&c, "The   rain\tin Spain\n"     /* runs of spaces inside a line: one */
                 "   stays mainly,   \n"       /* ends trimmed; letters on both sides: a space */
                 "and 2\n"
                 "3 café\n"                    /* digits, and a Latin-1 letter */
                 "élan 雨\n"                   /* Latin then CJK at the join: nothing */
                 "中文\n"
                 "x\xe3\x80\x80\xe3\x80\x80y\n"  /* U+3000 ideographic spaces are spaces */
                 "\n"
                 "一，\nb\n");
    assert_int_equal(c.n, 2);
    assert_string_equal(c.poems[0].text, "The rain in Spain stays mainly, and 2 3 café élan 雨中文x y");
    assert_string_equal(c.poems[1].text, "一，b");
    corpus_free(&c);
}

static void test_bom_skipped(void **state)
{
    (void)state;
    Corpus c;
    parse_ok(&c, "\xef\xbb\xbf一二。\n");
    assert_int_equal(c.n, 1);
    assert_string_equal(c.poems[0].text, "一二。");
    corpus_free(&c);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    /* line 3, byte 4 of the line (after 一), offset 3 + 4 + 3 = 10 in the file */
    const char text[] = "甲。\n\n一\xff二。\n";
    parse_refused(text, sizeof text - 1, "poems.txt:3:4: invalid UTF-8 (byte 0xff at byte offset 11)");
    /* a truncated sequence at the very end */
    const char cut[] = "甲。\n\xe4\xb8";
    parse_refused(cut, sizeof cut - 1, "poems.txt:2:1: invalid UTF-8");
}

static void test_control_bytes(void **state)
{
    (void)state;
    const char nul[] = "甲。\n乙\0丙。\n";
    parse_refused(nul, sizeof nul - 1, "poems.txt:2:4: control character U+0000");
    parse_refused("甲\f乙。\n", strlen("甲\f乙。\n"), "poems.txt:1:4: control character U+000C");
    parse_refused("甲\r乙。\n", strlen("甲\r乙。\n"), "poems.txt:1:4: control character U+000D");
    parse_refused("甲\xc2\x9b" "乙。\n", strlen("甲\xc2\x9b" "乙。\n"), "poems.txt:1:4: control character U+009B");
    /* an ESC that starts no colour escape, and one cut short */
    parse_refused("一\n甲\x1b]0;title\a\n", strlen("一\n甲\x1b]0;title\a\n"), "poems.txt:2:4: an ESC byte");
    parse_refused("甲\x1b[12", strlen("甲\x1b[12"), "poems.txt:1:4: an ESC byte");
}

static void test_empty(void **state)
{
    (void)state;
    parse_refused("", 0, "poems.txt: no poem in 0 bytes (the file is empty)");
    parse_refused("\n\n  \n", 5, "no poem");
    parse_refused("%\n\x1b[32m《题》\x1b[m\n作者：某\n%\n", strlen("%\n\x1b[32m《题》\x1b[m\n作者：某\n%\n"),
                  "no poem");
}

static void test_long_line(void **state)
{
    (void)state;
    size_t n = CORPUS_MAX_LINE + 10;
    char *text = malloc(n);
    assert_non_null(text);
    memcpy(text, "甲。\n", 7);
    memset(text + 7, 'a', n - 7);
    parse_refused(text, n, "poems.txt:2: a line of 65539 bytes: at most 65536 are read");
    free(text);
}

static void test_read_file(void **state)
{
    Scratch *s = *state;
    Corpus c;
    Error err = {0};
    scratch_write(s->path, "甲乙。\n\n丙丁。\n", strlen("甲乙。\n\n丙丁。\n"));
    assert_int_equal(corpus_read(&c, s->path, &err), TF_OK);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.poems[1].text, "丙丁。");
    corpus_free(&c);

    char missing[400];
    snprintf(missing, sizeof missing, "%s/none.txt", s->dir);
    assert_int_equal(corpus_read(&c, missing, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "none.txt: cannot open"));

    /* the file's name is in the messages */
    scratch_write(s->path, "甲\x01。\n", 6);
    assert_int_equal(corpus_read(&c, s->path, &err), TF_ERR_INPUT);
    char want[400];
    snprintf(want, sizeof want, "%s:1:4: control character U+0001", s->path);
    if (!strstr(err.msg, want))
        fail_msg("'%s' does not say '%s'", err.msg, want);
    /* a directory is not a corpus */
    assert_int_equal(corpus_read(&c, s->dir, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "not a regular file"));
}

/* The Tang poems of fortunes-zh, when installed: 313 poems, none empty,
 * no escape or title left in any. */
static void test_tang300(void **state)
{
    (void)state;
    const char *path = "/usr/share/games/fortunes/tang300";
    FILE *f = fopen(path, "rb");
    if (!f) {
        print_message("skipped: %s is not installed (make deps)\n", path);
        skip();
    }
    fclose(f);
    Corpus c;
    Error err = {0};
    if (corpus_read(&c, path, &err) != TF_OK)
        fail_msg("%s", err.msg);
    assert_true(c.fortune);
    assert_int_equal(c.n, 313);
    for (int i = 0; i < c.n; i++) {
        assert_true(strlen(c.poems[i].text) > 0);
        assert_null(strchr(c.poems[i].text, '\x1b'));
        assert_null(strstr(c.poems[i].text, "作者："));
        assert_null(strchr(c.poems[i].text, '\n'));
    }
    assert_string_equal(c.poems[0].text, "兰叶春葳蕤，桂华秋皎洁。欣欣此生意，自尔为佳节。谁知林栖者，闻风坐相悦。"
                                         "草木有本心，何求美人折？");
    assert_int_equal(c.poems[0].line, 3);
    corpus_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fortune_titles_authors_escapes),
        cmocka_unit_test(test_plain_blank_lines),
        cmocka_unit_test(test_title_only_at_head),
        cmocka_unit_test(test_percent_separators),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_joining_rules),
        cmocka_unit_test(test_bom_skipped),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_control_bytes),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test_prestate_setup_teardown(test_read_file, scratch_setup, scratch_teardown, "poems.txt"),
        cmocka_unit_test(test_tang300),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
