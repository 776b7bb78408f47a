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
#include <string.h>

#include "text/utf8.h"
#include "view/text.h"

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
    text_ascii(buf, sizeof buf, "猫 cat");
    assert_string_equal(buf, "\\u732b cat");
    assert_int_equal(text_width("猫", true), 6);
    text_fit(buf, sizeof buf, "老鼠", 8, true);
    assert_string_equal(buf, "\\u8001~");
    for (const char *p = buf; *p; p++)
        assert_true((unsigned char)*p < 0x80);
    /* control bytes never reach the terminal, in either mode */
    text_fit(buf, sizeof buf, "a\x1b[2Jb", 20, false);
    assert_null(strchr(buf, '\x1b'));
}

/* A buffer too small for the text holds whole characters only, and the
 * columns returned are the ones written. */
static void test_small_buffer_keeps_whole_characters(void **state)
{
    (void)state;
    char buf[8];
    assert_int_equal(text_fit(buf, 4, "猫 cat", 10, false), 2);
    assert_string_equal(buf, "猫");
    text_ascii(buf, 7, "猫 cat");
    assert_string_equal(buf, "\\u732b");
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_widths),
        cmocka_unit_test(test_fit_cuts_by_display_width),
        cmocka_unit_test(test_cells_line_up),
        cmocka_unit_test(test_ascii_fallback),
        cmocka_unit_test(test_small_buffer_keeps_whole_characters),
        cmocka_unit_test(test_digits),
        cmocka_unit_test(test_wrap),
    };
    return cmocka_run_group_tests_name("view text", tests, NULL, NULL);
}
