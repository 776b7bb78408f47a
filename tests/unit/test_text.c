/* test_text.c — UTF-8 validation and widths, the vocabulary, the tokenizer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "text/printable.h"
#include "text/token_text.h"
#include "text/tokenizer.h"
#include "text/utf8.h"
#include "text/vocab.h"

/* ---- utf8_valid ---------------------------------------------------------- */

typedef struct {
    const char *what;
    const char *s;
    size_t n;          /* 0: strlen(s) */
    bool valid;
    size_t bad;        /* first bad byte when invalid */
} Utf8Case;

static void test_utf8_valid_table(void **state)
{
    (void)state;
    static const Utf8Case cases[] = {
        {"empty", "", 0, true, 0},
        {"ascii", "abc", 0, true, 0},
        {"2-byte é", "\xC3\xA9", 0, true, 0},
        {"3-byte 猫", "\xE7\x8C\xAB", 0, true, 0},
        {"4-byte 😀", "\xF0\x9F\x98\x80", 0, true, 0},
        {"U+10FFFF", "\xF4\x8F\xBF\xBF", 0, true, 0},
        {"U+D7FF below surrogates", "\xED\x9F\xBF", 0, true, 0},
        {"U+E000 above surrogates", "\xEE\x80\x80", 0, true, 0},
        {"mixed", "a\xC3\xA9\xE7\x8C\xAB\xF0\x9F\x98\x80z", 0, true, 0},
        {"NUL is valid", "a\0b", 3, true, 0},
        {"lone continuation", "\x80", 0, false, 0},
        {"continuation after ascii", "ab\xBF", 0, false, 2},
        {"overlong / (C0 AF)", "\xC0\xAF", 0, false, 0},
        {"overlong C1", "a\xC1\xBF", 0, false, 1},
        {"overlong 3-byte (E0 80 AF)", "\xE0\x80\xAF", 0, false, 1},
        {"overlong 3-byte (E0 9F BF)", "\xE0\x9F\xBF", 0, false, 1},
        {"overlong 4-byte (F0 8F BF BF)", "\xF0\x8F\xBF\xBF", 0, false, 1},
        {"surrogate D800", "\xED\xA0\x80", 0, false, 1},
        {"surrogate DFFF", "xy\xED\xBF\xBF", 0, false, 3},
        {"above U+10FFFF (F4 90)", "\xF4\x90\x80\x80", 0, false, 1},
        {"F5 lead", "\xF5\x80\x80\x80", 0, false, 0},
        {"FE", "\xFE", 0, false, 0},
        {"FF", "abc\xFF", 0, false, 3},
        {"bad 2nd byte", "\xC3\x28", 0, false, 1},
        {"bad 3rd byte", "\xE7\x8C\x41", 0, false, 2},
        {"bad 4th byte", "\xF0\x9F\x98\xC0", 0, false, 3},
        {"truncated é at end", "ab\xC3", 0, false, 2},
        {"猫 then truncated", "\xE7\x8C\xAB \xE7\x8C", 0, false, 4},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const Utf8Case *c = &cases[i];
        size_t n = c->n ? c->n : strlen(c->s), bad = 12345;
        bool ok = utf8_valid(c->s, n, &bad);
        if (ok != c->valid || (!ok && bad != c->bad))
            fail_msg("case '%s': valid=%d bad=%zu, expected valid=%d bad=%zu", c->what, ok, bad,
                     c->valid, c->bad);
        if (!ok)
            assert_true(bad < n);
    }
    assert_true(utf8_valid("\xFF", 1, NULL) == false);  /* NULL offset is allowed */
}

/* Every proper prefix of a 4-byte character is invalid, whether the input
 * ends there or another character follows; the offset names the lead byte
 * when the input ends, the intruding byte otherwise. */
static void test_utf8_truncations(void **state)
{
    (void)state;
    const char emoji[] = "\xF0\x9F\x98\x80";  /* U+1F600 */
    for (size_t cut = 1; cut < 4; cut++) {
        char buf[16];
        memcpy(buf, "ab", 2);
        memcpy(buf + 2, emoji, cut);
        size_t bad = 99;
        assert_false(utf8_valid(buf, 2 + cut, &bad));
        assert_int_equal(bad, 2);

        buf[2 + cut] = 'z';  /* followed by ASCII */
        assert_false(utf8_valid(buf, 3 + cut, &bad));
        assert_int_equal(bad, 2 + cut);

        uint32_t cp;
        assert_int_equal(utf8_decode(buf + 2, cut, &cp), 0);
    }
}

static void test_utf8_decode(void **state)
{
    (void)state;
    uint32_t cp = 0;
    assert_int_equal(utf8_decode("\xE7\x8C\xAB", 3, &cp), 3);
    assert_int_equal(cp, 0x732B);  /* 猫 */
    assert_int_equal(utf8_decode("\xF0\x9F\x98\x80", 4, &cp), 4);
    assert_int_equal(cp, 0x1F600);
    assert_int_equal(utf8_decode("\xC3\xA9", 2, &cp), 2);
    assert_int_equal(cp, 0xE9);
    assert_int_equal(utf8_decode("A", 1, &cp), 1);
    assert_int_equal(cp, 'A');
    assert_int_equal(utf8_decode("A", 0, &cp), 0);
    assert_int_equal(utf8_decode("\xED\xA0\x80", 3, &cp), 0);
    assert_int_equal(utf8_decode("\xC0\x80", 2, &cp), 0);
}

/* ---- widths -------------------------------------------------------------- */

static void test_utf8_width(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int cols;
    } cases[] = {
        {"", 0},
        {"a", 1},
        {"cat", 3},
        {"\xE7\x8C\xAB", 2},                       /* 猫 */
        {"\xE8\x80\x81\xE9\xBC\xA0", 4},           /* 老鼠 */
        {"e\xCC\x81", 1},                          /* e + combining acute */
        {"\xC3\xA9", 1},                           /* precomposed é */
        {"\xF0\x9F\x98\x80", 2},                   /* 😀 */
        {"\xF0\x9F\x90\x88", 2},                   /* 🐈 */
        {"\xE3\x81\x82", 2},                       /* あ hiragana */
        {"\xE3\x82\xA2", 2},                       /* ア katakana */
        {"\xED\x95\x9C", 2},                       /* 한 Hangul */
        {"\xEF\xBC\xA1", 2},                       /* Ａ fullwidth */
        {"\xEF\xBD\xB1", 1},                       /* ｱ halfwidth katakana */
        {"\xE3\x80\x82", 2},                       /* 。 CJK full stop */
        {"\xE3\x80\x80", 2},                       /* ideographic space */
        {"\xE2\x80\x8B", 0},                       /* zero-width space */
        {"a\tb\n", 2},                             /* controls take no column */
        {"\xCE\xB1", 1},                           /* α */
        {"\xFF", 1},                               /* a bad byte shows as one cell */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int w = utf8_width(cases[i].s);
        if (w != cases[i].cols)
            fail_msg("case %zu (%s): width %d, expected %d", i, cases[i].s, w, cases[i].cols);
    }
}

static void test_utf8_prefix_for_width(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int max;
        size_t bytes;
        int cols;
    } cases[] = {
        {"\xE7\x8C\xAB\xE8\xBF\xBD\xE8\x80\x81\xE9\xBC\xA0", 5, 6, 4},  /* 猫追|老鼠: no half 老 */
        {"\xE7\x8C\xAB\xE8\xBF\xBD\xE8\x80\x81\xE9\xBC\xA0", 8, 12, 8},
        {"\xE7\x8C\xAB\xE8\xBF\xBD\xE8\x80\x81\xE9\xBC\xA0", 100, 12, 8},
        {"ab\xE7\x8C\xAB", 3, 2, 2},
        {"ab\xE7\x8C\xAB", 4, 5, 4},
        {"e\xCC\x81x", 1, 3, 1},  /* the accent stays with its e */
        {"ab\xE7\x8C\xAB\xCC\x81", 3, 2, 2},  /* ...and leaves with the 猫 it sits on */
        {"abc", 0, 0, 0},
        {"\xCC\x81" "abc", 0, 0, 0},  /* a lone mark still shows as a dotted circle */
        {"\xCC\x81" "abc", 1, 3, 1},
        {"abc", -3, 0, 0},
        {"", 5, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int cols = -1;
        size_t b = utf8_prefix_for_width(cases[i].s, cases[i].max, &cols);
        if (b != cases[i].bytes || cols != cases[i].cols)
            fail_msg("case %zu: %zu bytes %d cols, expected %zu bytes %d cols", i, b, cols,
                     cases[i].bytes, cases[i].cols);
    }
    assert_int_equal(utf8_prefix_for_width("abc", 2, NULL), 2);
}

/* ---- vocabulary ---------------------------------------------------------- */

static void test_vocab_specials_and_add(void **state)
{
    (void)state;
    Vocab v;
    Error e;
    vocab_init(&v);
    assert_int_equal(v.size, TOK_SPECIALS);
    assert_string_equal(vocab_token(&v, TOK_PAD), "<PAD>");
    assert_string_equal(vocab_token(&v, TOK_START), "<START>");
    assert_string_equal(vocab_token(&v, TOK_END), "<END>");
    assert_string_equal(vocab_token(&v, TOK_UNK), "<UNK>");
    assert_int_equal(vocab_find(&v, "<END>"), TOK_END);

    assert_int_equal(vocab_add(&v, "\xE7\x8C\xAB", &e), 4);
    assert_int_equal(vocab_add(&v, "cat", &e), 5);
    assert_int_equal(vocab_add(&v, "\xE7\x8C\xAB", &e), 4);  /* already there */
    assert_int_equal(vocab_add(&v, "<START>", &e), TOK_START);
    assert_int_equal(v.size, 6);
    assert_int_equal(vocab_find(&v, "ca"), -1);
    assert_int_equal(vocab_find_n(&v, "cats", 3), 5);
    assert_string_equal(vocab_token(&v, 5), "cat");
    assert_string_equal(vocab_token(&v, 6), "<UNK>");
    assert_string_equal(vocab_token(&v, -1), "<UNK>");

    assert_int_equal(vocab_add(&v, "", &e), -1);
    assert_string_equal(e.msg, "empty token");
    assert_int_equal(vocab_add(&v, "a b", &e), -1);
    assert_string_equal(e.msg, "token 'a b' contains whitespace at byte 1");
    assert_int_equal(vocab_add(&v, "a\xE3\x80\x80" "b", &e), -1);  /* U+3000 too */
    assert_int_equal(vocab_add(&v, "ab\xC3", &e), -1);
    assert_string_equal(e.msg, "token is not valid UTF-8 (bad byte at offset 2)");
    assert_int_equal(v.size, 6);
    vocab_free(&v);
    assert_int_equal(v.size, 0);
}

static void test_vocab_add_text(void **state)
{
    (void)state;
    Vocab v;
    Error e;
    vocab_init(&v);
    /* U+3000 separates, duplicates collapse, order is kept */
    assert_int_equal(vocab_add_text(&v, "  \xE7\x8C\xAB \xE8\xBF\xBD\xE3\x80\x80\xE8\x80\x81\xE9\xBC\xA0\t\xE7\x8C\xAB\n",
                                    "tokens", &e),
                     TF_OK);
    assert_int_equal(v.size, 7);
    assert_string_equal(v.tokens[4], "\xE7\x8C\xAB");
    assert_string_equal(v.tokens[5], "\xE8\xBF\xBD");
    assert_string_equal(v.tokens[6], "\xE8\x80\x81\xE9\xBC\xA0");
    assert_int_equal(vocab_add_text(&v, "", "tokens", &e), TF_OK);
    assert_int_equal(vocab_add_text(&v, "ok \x80", "lesson.ini:9", &e), TF_ERR_INPUT);
    assert_string_equal(e.msg, "lesson.ini:9: invalid UTF-8 at byte 3");
    assert_int_equal(v.size, 7);  /* validated before anything is added */
    /* many tokens: the array grows */
    char buf[64];
    for (int i = 0; i < 300; i++) {
        snprintf(buf, sizeof buf, "w%d", i);
        assert_int_equal(vocab_add(&v, buf, &e), 7 + i);
    }
    assert_int_equal(vocab_find(&v, "w299"), 306);
    vocab_free(&v);
}

/* ---- tokenizer ------------------------------------------------------------ */

typedef struct {
    int calls;
    char what[64];
    char token[300];
} Warnings;

static void on_warning(void *ctx, const char *what, const char *token)
{
    Warnings *w = ctx;
    w->calls++;
    snprintf(w->what, sizeof w->what, "%s", what);
    snprintf(w->token, sizeof w->token, "%s", token);
}

static void make_vocab(Vocab *v)
{
    Error e;
    vocab_init(v);
    /* 猫=4 追=5 老鼠=6 cat=7 chases=8 mouse=9 */
    assert_int_equal(vocab_add_text(v, "\xE7\x8C\xAB \xE8\xBF\xBD \xE8\x80\x81\xE9\xBC\xA0 cat chases mouse",
                                    "tokens", &e),
                     TF_OK);
}

/* Lookup is hashed: every one of many tokens is found at its id, prefixes
 * and absent words are not, and the cap holds. The time bound is loose
 * (a linear scan per token took minutes for this many, the hash well
 * under a second, also under ASan). */
static void test_vocab_many_tokens(void **state)
{
    (void)state;
    Vocab v;
    vocab_init(&v);
    Error err;
    char tok[32];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; v.size < VOCAB_MAX_TOKENS; i++) {
        snprintf(tok, sizeof tok, "w%d", i);
        if (vocab_add(&v, tok, &err) != TOK_SPECIALS + i)
            fail_msg("token %s: id %d (%s)", tok, vocab_find(&v, tok), err.msg);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    if (s > 5.0)
        fail_msg("adding %d tokens took %.1f s: lookup is not hashed", VOCAB_MAX_TOKENS, s);
    for (int i = 0; i < VOCAB_MAX_TOKENS - TOK_SPECIALS; i += 7) {
        snprintf(tok, sizeof tok, "w%d", i);
        assert_int_equal(vocab_find(&v, tok), TOK_SPECIALS + i);
        assert_int_equal(vocab_find_n(&v, tok, 1), -1);  /* "w" alone */
    }
    assert_int_equal(vocab_find(&v, "<END>"), TOK_END);
    assert_int_equal(vocab_find(&v, "w-1"), -1);
    assert_int_equal(vocab_find_n(&v, "w12x", 3), TOK_SPECIALS + 12);
    /* full: a new token is refused, an old one still found */
    assert_int_equal(vocab_add(&v, "one-more", &err), -1);
    assert_non_null(strstr(err.msg, "more than 262144 tokens"));
    assert_int_equal(vocab_add(&v, "w5", &err), TOK_SPECIALS + 5);
    vocab_free(&v);
}

static void test_tokenize_table(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        const char *text;
        int n;
        int ids[8];
        int unknown;  /* warnings expected */
    } cases[] = {
        {"CJK words", "\xE7\x8C\xAB \xE8\xBF\xBD \xE8\x80\x81\xE9\xBC\xA0", 3, {4, 5, 6}, 0},
        {"extra whitespace", "  \xE7\x8C\xAB\t\t\xE8\xBF\xBD\r\n \xE8\x80\x81\xE9\xBC\xA0  \n", 3, {4, 5, 6}, 0},
        {"ideographic space", "\xE7\x8C\xAB\xE3\x80\x80\xE8\xBF\xBD\xE3\x80\x80\xE8\x80\x81\xE9\xBC\xA0", 3, {4, 5, 6}, 0},
        {"a leading <START> and a final <END>", "<START> cat chases mouse <END>", 5, {1, 7, 8, 9, 2}, 0},
        {"a sentence of <START>", "<START>", 1, {TOK_START}, 0},
        {"a sentence of <END>", "<END>", 1, {TOK_END}, 0},
        {"specials glued to words are words", "<START>cat", 1, {TOK_UNK}, 1},
        {"case matters", "Cat <start>", 2, {TOK_UNK, TOK_UNK}, 2},
        {"punctuation stays on its word", "mouse.", 1, {TOK_UNK}, 1},
        {"no split inside CJK", "\xE7\x8C\xAB\xE8\xBF\xBD", 1, {TOK_UNK}, 1},
        {"empty", "", 0, {0}, 0},
        {"only whitespace", " \t\r\n\xE3\x80\x80", 0, {0}, 0},
        {"one token", "cat", 1, {7}, 0},
    };
    Vocab v;
    make_vocab(&v);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int ids[8] = {0}, n = -1;
        Warnings w = {0};
        Error e;
        Status st = tokenizer_encode_as(TOKENIZER_WORDS, &v, cases[i].text, "--src 1", ids, 8, &n, on_warning, &w, &e);
        if (st != TF_OK)
            fail_msg("case '%s': %s", cases[i].what, e.msg);
        if (n != cases[i].n || w.calls != cases[i].unknown)
            fail_msg("case '%s': %d tokens %d warnings, expected %d and %d", cases[i].what, n, w.calls,
                     cases[i].n, cases[i].unknown);
        for (int t = 0; t < n; t++)
            if (ids[t] != cases[i].ids[t])
                fail_msg("case '%s': token %d is %d, expected %d", cases[i].what, t, ids[t],
                         cases[i].ids[t]);
    }
    vocab_free(&v);
}

static void test_tokenize_unknown_warns(void **state)
{
    (void)state;
    Vocab v;
    make_vocab(&v);
    int ids[8], n;
    Warnings w = {0};
    Error e;
    /* 狗 is not in the vocabulary */
    assert_int_equal(tokenizer_encode_as(TOKENIZER_WORDS, &v, "\xE7\x8C\xAB \xE8\xBF\xBD \xE7\x8B\x97", "lesson.ini:12", ids, 8, &n,
                                      on_warning, &w, &e),
                     TF_OK);
    assert_int_equal(n, 3);
    assert_int_equal(ids[2], TOK_UNK);
    assert_int_equal(w.calls, 1);
    assert_string_equal(w.what, "lesson.ini:12");
    assert_string_equal(w.token, "\xE7\x8B\x97");
    /* no callback: still <UNK>, silently */
    assert_int_equal(tokenizer_encode_as(TOKENIZER_WORDS, &v, "dog", "x", ids, 8, &n, NULL, NULL, &e), TF_OK);
    assert_int_equal(ids[0], TOK_UNK);

    /* a very long unknown token is named, cut at a character boundary */
    char big[1200] = "";
    for (int i = 0; i < 300; i++)
        strcat(big, "\xE7\x8B\x97");  /* 900 bytes */
    w.calls = 0;
    assert_int_equal(tokenizer_encode_as(TOKENIZER_WORDS, &v, big, "x", ids, 8, &n, on_warning, &w, &e), TF_OK);
    assert_int_equal(w.calls, 1);
    size_t len = strlen(w.token);
    assert_true(len < 256 && len > 200);
    assert_string_equal(w.token + len - 3, "...");
    assert_true(utf8_valid(w.token, len, NULL));
    vocab_free(&v);
}

static void test_tokenize_errors(void **state)
{
    (void)state;
    Vocab v;
    make_vocab(&v);
    int ids[4], n = 7;
    Error e;
    assert_int_equal(tokenizer_encode_as(TOKENIZER_WORDS, &v, "cat \xFF mouse", "--src 1", ids, 4, &n, NULL, NULL, &e), TF_ERR_INPUT);
    assert_string_equal(e.msg, "--src 1: invalid UTF-8 at byte 4");
    assert_int_equal(n, 0);
    assert_int_equal(tokenizer_encode_as(TOKENIZER_WORDS, &v, "\xE7\x8C\xAB \xE7\x8C", "--src 1", ids, 4, &n, NULL, NULL, &e),
                     TF_ERR_INPUT);
    assert_string_equal(e.msg, "--src 1: invalid UTF-8 at byte 4");

    assert_int_equal(tokenizer_encode_as(TOKENIZER_WORDS, &v, "cat cat cat cat cat cat", "--tgt 2", ids, 4, &n, NULL, NULL, &e),
                     TF_ERR_INPUT);
    assert_string_equal(e.msg, "--tgt 2: 6 tokens, more than the limit of 4");
    assert_int_equal(n, 0);
    /* exactly at the limit is fine */
    assert_int_equal(tokenizer_encode_as(TOKENIZER_WORDS, &v, "cat cat cat cat", "--tgt 2", ids, 4, &n, NULL, NULL, &e), TF_OK);
    assert_int_equal(n, 4);
    /* cap 0 takes only the empty sentence */
    assert_int_equal(tokenizer_encode_as(TOKENIZER_WORDS, &v, " ", "x", ids, 0, &n, NULL, NULL, &e), TF_OK);
    assert_int_equal(tokenizer_encode_as(TOKENIZER_WORDS, &v, "cat", "x", ids, 0, &n, NULL, NULL, &e), TF_ERR_INPUT);
    vocab_free(&v);
}

/* Special tokens inside a sentence, and hidden characters in a word, are
 * refused naming the sentence, the word and its position. */
static void test_tokenize_refusals(void **state)
{
    (void)state;
    static const struct {
        const char *what, *text, *msg;
    } cases[] = {
        {"<PAD> inside", "cat <PAD> mouse", "--src 1: word 2 is <PAD>, a special token"},
        {"<UNK> at the end", "cat <UNK>", "--src 1: word 2 is <UNK>, a special token"},
        {"<START> not first", "cat <START>", "--src 1: word 2 is <START>, a special token"},
        {"two <START>", "<START> <START> cat", "--src 1: word 2 is <START>, a special token"},
        {"<END> not last", "cat <END> mouse", "--src 1: word 2 is <END>, a special token"},
        {"two <END>", "cat <END> <END>", "--src 1: word 2 is <END>, a special token"},
        {"<PAD> first", "<PAD> cat", "--src 1: word 1 is <PAD>, a special token"},
        {"ESC", "cat \x1b[2Kmouse", "--src 1: word 2 holds a control character (\\x1b)"},
        {"DEL", "cat\x7f", "--src 1: word 1 holds a control character (\\x7f)"},
        {"C1", "\xC2\x85" "cat", "--src 1: word 1 holds a control character (\\u0085)"},
        {"RLO", "cat mo\xE2\x80\xAEuse", "--src 1: word 2 holds a bidi control (\\u202e)"},
        {"LRI", "\xE2\x81\xA6" "cat", "--src 1: word 1 holds a bidi control (\\u2066)"},
        {"RLM", "cat\xE2\x80\x8F", "--src 1: word 1 holds a bidi control (\\u200f)"},
        {"ZWSP", "ca\xE2\x80\x8Bt", "--src 1: word 1 holds an invisible character (\\u200b)"},
        {"BOM", "\xEF\xBB\xBF" "cat", "--src 1: word 1 holds an invisible character (\\ufeff)"},
    };
    Vocab v;
    make_vocab(&v);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int ids[8], n = 7;
        Error e;
        Status st = tokenizer_encode_as(TOKENIZER_WORDS, &v, cases[i].text, "--src 1", ids, 8, &n, NULL, NULL, &e);
        if (st != TF_ERR_INPUT || strncmp(e.msg, cases[i].msg, strlen(cases[i].msg)) != 0)
            fail_msg("case '%s': status %d, '%s'; expected '%s'", cases[i].what, (int)st, st ? e.msg : "",
                     cases[i].msg);
        assert_int_equal(n, 0);
    }
    /* a zero width joiner spells words (Persian, emoji): allowed */
    int ids[8], n;
    Error e;
    assert_int_equal(tokenizer_encode_as(TOKENIZER_WORDS, &v, "\xD9\x85\xE2\x80\x8C\xD9\x8A cat", "x", ids, 8, &n, NULL, NULL, &e), TF_OK);
    assert_int_equal(n, 2);
    vocab_free(&v);
}

/* The classes, the escapes, and the file check's line and column. */
static void test_printable(void **state)
{
    (void)state;
    assert_int_equal(printable_class(0x1B), CHAR_CONTROL);
    assert_int_equal(printable_class(0x7F), CHAR_CONTROL);
    assert_int_equal(printable_class(0x9F), CHAR_CONTROL);
    assert_int_equal(printable_class(0xA0), CHAR_SHOWN);
    assert_int_equal(printable_class(0x202E), CHAR_BIDI);
    assert_int_equal(printable_class(0x2069), CHAR_BIDI);
    assert_int_equal(printable_class(0x061C), CHAR_BIDI);
    assert_int_equal(printable_class(0x200B), CHAR_INVISIBLE);
    assert_int_equal(printable_class(0xFEFF), CHAR_INVISIBLE);
    assert_int_equal(printable_class(0x200C), CHAR_SHOWN);  /* ZWNJ */
    assert_int_equal(printable_class(0x200D), CHAR_SHOWN);  /* ZWJ */
    assert_int_equal(printable_class(0x732B), CHAR_SHOWN);  /* 猫 */

    char buf[64];
    assert_string_equal(printable_copy(buf, sizeof buf, "FAIL\x1b[2K\rPASS"), "FAIL\\x1b[2K\\x0dPASS");
    assert_string_equal(printable_copy(buf, sizeof buf, "a\xE2\x80\xAE\xFF\xE7\x8C\xAB"), "a\\u202e\\xff\xE7\x8C\xAB");
    /* cut whole: never half an escape */
    assert_string_equal(printable_copy(buf, 7, "ab\x1b\x1b"), "ab\\x1b");

    char tmp[] = "/tmp/tf_printable_XXXXXX";
    int fd = mkstemp(tmp);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w+");
    printable_fputs("x\x1b]0;t\x07\ty\nz", f, true);
    rewind(f);
    char got[64] = "";
    size_t k = fread(got, 1, sizeof got - 1, f);
    got[k] = '\0';
    fclose(f);
    remove(tmp);
    assert_string_equal(got, "x\\x1b]0;t\\x07\ty\nz");

    int line;
    size_t col;
    char esc[PRINTABLE_ESC_MAX];
    const char *file = "\xEF\xBB\xBF[a]\r\nk = v\tw\nsays = \x1b[2KPASS\n";
    assert_string_equal(printable_file_problem(file, strlen(file), &line, &col, esc), "a control character");
    assert_int_equal(line, 3);
    assert_int_equal(col, 7);
    assert_string_equal(esc, "\\x1b");
    const char *lone_cr = "a\rb\n";
    assert_non_null(printable_file_problem(lone_cr, strlen(lone_cr), &line, &col, esc));
    const char *late_bom = "a\n\xEF\xBB\xBF";
    assert_string_equal(printable_file_problem(late_bom, strlen(late_bom), &line, &col, esc), "an invisible character");
    assert_int_equal(line, 2);
    const char *fine = "ok\n\tfine\r\n";
    assert_null(printable_file_problem(fine, strlen(fine), &line, &col, esc));
}

static void test_separator(void **state)
{
    (void)state;
    assert_int_equal(tokenizer_separator_len(" ", 1), 1);
    assert_int_equal(tokenizer_separator_len("\t", 1), 1);
    assert_int_equal(tokenizer_separator_len("\n", 1), 1);
    assert_int_equal(tokenizer_separator_len("\r", 1), 1);
    assert_int_equal(tokenizer_separator_len("\xE3\x80\x80", 3), 3);
    assert_int_equal(tokenizer_separator_len("\xE3\x80\x80", 2), 0);  /* cut short: not a space */
    assert_int_equal(tokenizer_separator_len("\xE3\x80\x81", 3), 0);  /* 、 */
    assert_int_equal(tokenizer_separator_len("\xC2\xA0", 2), 0);      /* no-break space joins */
    assert_int_equal(tokenizer_separator_len("a", 1), 0);
    assert_int_equal(tokenizer_separator_len("", 0), 0);
}

/* ---- the character-level tokenizer ----------------------------------------- */

/* 床=4 前=5 明=6 月=7 光=8 ，=9 。=10, and ▁=11 when space is true. */
static void make_char_vocab(Vocab *v, bool space)
{
    Error e;
    vocab_init(v);
    assert_int_equal(tokenizer_add_vocab(TOKENIZER_CHARS, v, space ? "床前明月光，。▁" : "床前 明月\n光，。", "tokens", &e),
                     TF_OK);
    assert_int_equal(v->size, TOK_SPECIALS + 7 + space);
}

/* Every character a token: CJK text as written, specials whole, spaces
 * skipped or read as ▁ when the vocabulary holds it. */
static void test_chars_encode_table(void **state)
{
    (void)state;
    enum { S = 11 };  /* ▁ */
    static const struct {
        const char *what, *text;
        bool space;  /* the vocabulary holds ▁ */
        int n, ids[8];
    } cases[] = {
        {"CJK as written", "床前明月光，", false, 6, {4, 5, 6, 7, 8, 9}},
        {"specials whole", "<START>床前<END>", false, 4, {TOK_START, 4, 5, TOK_END}},
        {"a space is skipped", "床 前", false, 2, {4, 5}},
        {"an ideographic space too", "床\xE3\x80\x80前", false, 2, {4, 5}},
        {"a space is ▁", "床 前", true, 3, {4, S, 5}},
        {"a run of spaces is one ▁", "床 \t 前。", true, 4, {4, S, 5, 10}},
        {"no ▁ at the ends", "  床前 ", true, 2, {4, 5}},
        {"▁ written", "床▁前", true, 3, {4, S, 5}},
        {"empty", " ", false, 0, {0}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Vocab v;
        make_char_vocab(&v, cases[i].space);
        int ids[8], n = -1;
        Error e;
        Warnings w = {0};
        Status st = tokenizer_encode_as(TOKENIZER_CHARS, &v, cases[i].text, "--tgt 1", ids, 8, &n, on_warning, &w, &e);
        if (st != TF_OK)
            fail_msg("case '%s': %s", cases[i].what, e.msg);
        if (n != cases[i].n)
            fail_msg("case '%s': %d tokens, expected %d", cases[i].what, n, cases[i].n);
        for (int k = 0; k < n; k++)
            if (ids[k] != cases[i].ids[k])
                fail_msg("case '%s': token %d is id %d, expected %d", cases[i].what, k, ids[k], cases[i].ids[k]);
        assert_int_equal(w.calls, 0);
        vocab_free(&v);
    }
}

/* An unknown character is <UNK>, and the warning names it alone. */
static void test_chars_unknown_warns(void **state)
{
    (void)state;
    Vocab v;
    make_char_vocab(&v, false);
    int ids[8], n;
    Error e;
    Warnings w = {0};
    assert_int_equal(tokenizer_encode_as(TOKENIZER_CHARS, &v, "床春月", "--tgt 1", ids, 8, &n, on_warning, &w, &e),
                     TF_OK);
    assert_int_equal(n, 3);
    assert_int_equal(ids[1], TOK_UNK);
    assert_int_equal(w.calls, 1);
    assert_string_equal(w.token, "春");
    assert_string_equal(w.what, "--tgt 1");
    /* the same text read as words is one unknown word */
    w.calls = 0;
    assert_int_equal(tokenizer_encode_as(TOKENIZER_WORDS, &v, "床春月", "--tgt 1", ids, 8, &n, on_warning, &w, &e),
                     TF_OK);
    assert_int_equal(n, 1);
    assert_string_equal(w.token, "床春月");
    vocab_free(&v);
}

/* What a character-level sentence may not hold, counted in characters. */
static void test_chars_refusals(void **state)
{
    (void)state;
    static const struct {
        const char *what, *text, *msg;
        int cap;
    } cases[] = {
        {"invalid UTF-8", "床前\xFF", "--tgt 1: invalid UTF-8 at byte 6", 8},
        {"cut character", "床\xE5\x89", "--tgt 1: invalid UTF-8 at byte 3", 8},
        {"bidi control", "床前\xE2\x80\xAE明", "--tgt 1: character 3 holds a bidi control (\\u202e)", 8},
        {"invisible", "床\xE2\x80\x8B", "--tgt 1: character 2 holds an invisible character (\\u200b)", 8},
        {"control", "床前明\x1b", "--tgt 1: character 4 holds a control character (\\x1b)", 8},
        {"<PAD> inside", "床<PAD>前", "--tgt 1: character 2 is <PAD>, a special token", 8},
        {"<END> not last", "床<END>前", "--tgt 1: character 2 is <END>, a special token", 8},
        {"too many", "床前明月光", "--tgt 1: 5 tokens, more than the limit of 4", 4},
    };
    Vocab v;
    make_char_vocab(&v, false);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int ids[8], n = 7;
        Error e;
        Status st = tokenizer_encode_as(TOKENIZER_CHARS, &v, cases[i].text, "--tgt 1", ids, cases[i].cap, &n, NULL,
                                        NULL, &e);
        if (st != TF_ERR_INPUT || strncmp(e.msg, cases[i].msg, strlen(cases[i].msg)) != 0)
            fail_msg("case '%s': status %d, '%s'; expected '%s'", cases[i].what, (int)st, st ? e.msg : "",
                     cases[i].msg);
        assert_int_equal(n, 0);
    }
    /* exactly at the limit is fine */
    int ids[4], n;
    Error e;
    assert_int_equal(tokenizer_encode_as(TOKENIZER_CHARS, &v, "床前明月", "--tgt 1", ids, 4, &n, NULL, NULL, &e), TF_OK);
    assert_int_equal(n, 4);
    vocab_free(&v);
}

/* A vocabulary text split as the tokenizer splits: characters (spaces
 * ignored, specials whole and not added again), or words. */
static void test_tokenizer_add_vocab(void **state)
{
    (void)state;
    Vocab v;
    Error e;
    vocab_init(&v);
    assert_int_equal(tokenizer_add_vocab(TOKENIZER_CHARS, &v, " 床前\t明 <START>月床\n", "tokens", &e), TF_OK);
    assert_int_equal(v.size, TOK_SPECIALS + 4);
    assert_string_equal(vocab_token(&v, 4), "床");
    assert_string_equal(vocab_token(&v, 7), "月");
    assert_int_equal(vocab_find(&v, "<"), -1);
    vocab_free(&v);

    vocab_init(&v);
    assert_int_equal(tokenizer_add_vocab(TOKENIZER_WORDS, &v, "床前 明月", "tokens", &e), TF_OK);
    assert_int_equal(v.size, TOK_SPECIALS + 2);
    assert_string_equal(vocab_token(&v, 4), "床前");
    vocab_free(&v);

    vocab_init(&v);
    assert_int_equal(tokenizer_add_vocab(TOKENIZER_CHARS, &v, "床前\xE6", "lesson.ini:9", &e), TF_ERR_INPUT);
    assert_string_equal(e.msg, "lesson.ini:9: invalid UTF-8 at byte 6");
    assert_int_equal(tokenizer_add_vocab(TOKENIZER_CHARS, &v, "床\x1b", "lesson.ini:9", &e), TF_ERR_INPUT);
    if (strncmp(e.msg, "lesson.ini:9: character 2: ", 27) != 0 || !strstr(e.msg, "control character"))
        fail_msg("message '%s'", e.msg);
    vocab_free(&v);
}

/* ---- token_text_join ---------------------------------------------------------- */

static void test_token_text_join(void **state)
{
    (void)state;
    const char *words[] = {"猫", "追", "老鼠"};
    const char *chars[] = {"<START>", "床", "前", TOKENIZER_SPACE, "月", "<UNK>", "<END>"};
    char buf[64];
    assert_int_equal(token_text_join(TOKENIZER_WORDS, buf, sizeof buf, words, 3), (int)strlen("猫 追 老鼠"));
    assert_string_equal(buf, "猫 追 老鼠");
    assert_int_equal(token_text_join(TOKENIZER_CHARS, buf, sizeof buf, words, 3), (int)strlen("猫追老鼠"));
    assert_string_equal(buf, "猫追老鼠");
    assert_int_equal(token_text_join(TOKENIZER_CHARS, buf, sizeof buf, chars, 7), (int)strlen("<START>床前 月<UNK><END>"));
    assert_string_equal(buf, "<START>床前 月<UNK><END>");
    /* a word-level ▁ is a word like any other */
    assert_int_equal(token_text_join(TOKENIZER_WORDS, buf, sizeof buf, chars + 2, 2), (int)strlen("前 ▁"));
    assert_string_equal(buf, "前 ▁");
    /* nothing, and no room */
    assert_int_equal(token_text_join(TOKENIZER_CHARS, buf, sizeof buf, chars, 0), 0);
    assert_string_equal(buf, "");
    assert_int_equal(token_text_join(TOKENIZER_WORDS, buf, 14, words, 3), -1);  /* 14 bytes and a NUL */
    assert_string_equal(buf, "");
    assert_int_equal(token_text_join(TOKENIZER_WORDS, buf, 15, words, 3), 14);
    assert_int_equal(token_text_join(TOKENIZER_CHARS, buf, 0, words, 3), -1);
}

/* A trace meta's [vocab] tokenizer = chars, and nothing else, means chars. */
static void test_token_text_kind_of_meta(void **state)
{
    (void)state;
    static const struct {
        const char *meta;
        int kind;
    } cases[] = {
        {"version = 1\n\n[model]\narch = decoder-only\n\n[vocab]\ntokenizer = chars\ntokens = 床前\n", TOKENIZER_CHARS},
        {"[vocab]\r\ntokenizer = chars\r\n", TOKENIZER_CHARS},
        {"version = 1\n\n[model]\narch = decoder-only\n\n[vocab]\ntokens = 猫 追\n", TOKENIZER_WORDS},
        {"[model]\ntokenizer = chars\n", TOKENIZER_WORDS},   /* not the [vocab] section */
        {"[vocab]\ntokenizer = words\n", TOKENIZER_WORDS},
        {"[vocab]\ntokenizer = charsx\n", TOKENIZER_WORDS},
        {"[vocab]\n[input]\ntokenizer = chars\n", TOKENIZER_WORDS},
        {"", TOKENIZER_WORDS},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if ((int)token_text_kind_of_meta(cases[i].meta) != cases[i].kind)
            fail_msg("case %zu: read as %d", i, (int)token_text_kind_of_meta(cases[i].meta));
}

/* What token_text_join prints, the tokenizer of the same kind reads back
 * as the same tokens. */
static void test_token_text_round_trip(void **state)
{
    (void)state;
    for (int kind = TOKENIZER_WORDS; kind <= TOKENIZER_CHARS; kind++) {
        Vocab v;
        Error e;
        vocab_init(&v);
        assert_int_equal(tokenizer_add_vocab((TokenizerKind)kind, &v, "床 前 明 月 光 ， ▁", "tokens", &e), TF_OK);
        const int ids[] = {TOK_START, 4, 5, 10, 6, 9, 7, 8, TOK_END};
        const int n = (int)(sizeof ids / sizeof ids[0]);
        const char *text[16];
        for (int i = 0; i < n; i++)
            text[i] = vocab_token(&v, ids[i]);
        char buf[128];
        assert_true(token_text_join((TokenizerKind)kind, buf, sizeof buf, text, n) > 0);
        int back[16], m;
        assert_int_equal(tokenizer_encode_as((TokenizerKind)kind, &v, buf, "x", back, 16, &m, NULL, NULL, &e), TF_OK);
        assert_int_equal(m, n);
        for (int i = 0; i < n; i++)
            if (back[i] != ids[i])
                fail_msg("%s: token %d of '%s' read back as %d, written %d", kind ? "chars" : "words", i, buf, back[i],
                         ids[i]);
        vocab_free(&v);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_valid_table),
        cmocka_unit_test(test_utf8_truncations),
        cmocka_unit_test(test_utf8_decode),
        cmocka_unit_test(test_utf8_width),
        cmocka_unit_test(test_utf8_prefix_for_width),
        cmocka_unit_test(test_vocab_specials_and_add),
        cmocka_unit_test(test_vocab_add_text),
        cmocka_unit_test(test_vocab_many_tokens),
        cmocka_unit_test(test_tokenize_table),
        cmocka_unit_test(test_tokenize_unknown_warns),
        cmocka_unit_test(test_tokenize_errors),
        cmocka_unit_test(test_tokenize_refusals),
        cmocka_unit_test(test_printable),
        cmocka_unit_test(test_separator),
        cmocka_unit_test(test_chars_encode_table),
        cmocka_unit_test(test_chars_unknown_warns),
        cmocka_unit_test(test_chars_refusals),
        cmocka_unit_test(test_tokenizer_add_vocab),
        cmocka_unit_test(test_token_text_join),
        cmocka_unit_test(test_token_text_round_trip),
        cmocka_unit_test(test_token_text_kind_of_meta),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
