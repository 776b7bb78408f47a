/* fuzz_tokenizer.c — the vocabulary, the tokenizer and the UTF-8 helpers
 * on any bytes.
 *
 * The input is a vocabulary text (whitespace-separated tokens, as
 * [vocab] tokens = gives them), the line "%%%%" (FUZZ_SEPARATOR), and a
 * sentence. The vocabulary is built, the sentence tokenized against it
 * (each unknown word reported through the warning callback), and the
 * sentence's bytes go through every UTF-8 helper the viewer and the
 * command line use to measure and cut text. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "text/token_text.h"
#include "text/tokenizer.h"
#include "text/utf8.h"
#include "text/vocab.h"

static volatile size_t sink;

static void on_unknown(void *ctx, const char *what, const char *token)
{
    (void)ctx;
    sink += strlen(what) + strlen(token);
}

/* s: n bytes followed by a NUL (the measuring helpers take C strings). */
static void utf8_helpers(const char *s, size_t n)
{
    size_t bad = 0;
    if (!utf8_valid(s, n, &bad)) {
        if (bad >= n)
            abort();  /* the documented promise: *bad_offset < n */
        return;
    }
    for (size_t at = 0; at < n;) {
        uint32_t cp;
        size_t len = utf8_decode(s + at, n - at, &cp);
        if (len == 0 || len > n - at)
            abort();  /* valid text decodes all the way */
        at += len;
    }
    if (memchr(s, '\0', n))
        return;  /* the measuring helpers would stop at the NUL */
    int cols = 0;
    sink += (size_t)utf8_width(s);
    for (int w = 0; w < 12; w += 3)
        sink += utf8_prefix_for_width(s, w, &cols) + (size_t)cols;
    char cut[8];
    utf8_copy_cut(cut, sizeof cut, s, n, true);
    if (!utf8_valid(cut, strlen(cut), NULL))
        abort();  /* cutting never splits a character */
    utf8_copy_cut(cut, 1, s, n, false);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *part[2];
    size_t len[2];
    fuzz_split(data, size, part, len, 2);
    char *vocab_text = fuzz_strndup(part[0], len[0]);
    char *sentence = fuzz_strndup(part[1], len[1]);

    Vocab v;
    vocab_init(&v);
    Error err;
    if (vocab_add_text(&v, vocab_text, "fuzz vocabulary", &err) == TF_OK) {
        int ids[64], n = 0;
        if (tokenizer_encode_as(TOKENIZER_WORDS, &v, sentence, "fuzz sentence", ids, 64, &n, on_unknown, NULL, &err) == TF_OK) {
            for (int i = 0; i < n; i++)
                sink += strlen(vocab_token(&v, ids[i]));
        }
    }
    for (int i = 0; i < v.size; i++)
        if (vocab_find(&v, v.tokens[i]) != i)
            abort();  /* every token is found at its own id */
    vocab_free(&v);

    /* the same text as a character-level model reads it, printed by
     * token_text_join and read again (not always to the same ids: an
     * unknown character prints as <UNK>, and ▁ next to a space merges) */
    vocab_init(&v);
    if (tokenizer_add_vocab(TOKENIZER_CHARS, &v, vocab_text, "fuzz vocabulary", &err) == TF_OK) {
        int ids[64], back[64], n = 0, m = 0;
        if (tokenizer_encode_as(TOKENIZER_CHARS, &v, sentence, "fuzz sentence", ids, 64, &n, on_unknown, NULL,
                                &err) == TF_OK) {
            const char *text[64];
            char joined[64 * 16 + 1];
            for (int i = 0; i < n; i++)
                text[i] = vocab_token(&v, ids[i]);
            if (token_text_join(TOKENIZER_CHARS, joined, sizeof joined, text, n) < 0)
                abort();  /* a token of a character-level vocabulary is at most a special's 7 bytes */
            if (tokenizer_encode_as(TOKENIZER_CHARS, &v, joined, "fuzz joined", back, 64, &m, NULL, NULL, &err) ==
                TF_OK)
                for (int i = 0; i < m; i++)
                    sink += (size_t)back[i];
        }
    }
    vocab_free(&v);

    utf8_helpers(sentence, len[1]);
    for (size_t at = 0; at < len[1]; at++)
        sink += tokenizer_separator_len((const char *)part[1] + at, len[1] - at);
    free(vocab_text);
    free(sentence);
    return 0;
}
