/* tokenizer.c — whitespace-separated tokens, looked up in a Vocab.
 *
 * Separators are ASCII space, tab, newline and carriage return, and also
 * U+3000 IDEOGRAPHIC SPACE, the full-width space a CJK input method types
 * between words, so "猫　追　老鼠" splits the same way as "猫 追 老鼠".
 * Nothing else splits: punctuation belongs to the token it touches
 * ("mouse." is its own token), which keeps the mapping from text to
 * tokens visible to a student. */
#include "text/tokenizer.h"

#include <string.h>

#include "text/utf8.h"

size_t token_separator_len(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    unsigned char c = (unsigned char)s[0];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        return 1;
    if (c == 0xE3 && n >= 3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80)
        return 3;  /* U+3000 */
    return 0;
}

Status tokenize(const Vocab *v, const char *text, const char *what, int *ids, int cap, int *n,
                TokenWarning warn, void *warn_ctx, Error *err)
{
    *n = 0;
    size_t len = strlen(text), bad;
    if (!utf8_valid(text, len, &bad))
        return error_set(err, TF_ERR_INPUT, "%s: invalid UTF-8 at byte %zu", what, bad);

    int count = 0;
    size_t i = 0;
    while (i < len) {
        size_t sep = token_separator_len(text + i, len - i);
        if (sep) {
            i += sep;
            continue;
        }
        size_t start = i;
        while (i < len && token_separator_len(text + i, len - i) == 0)
            i++;
        if (count < cap) {
            int id = vocab_find_n(v, text + start, i - start);
            if (id < 0) {
                id = TOK_UNK;
                if (warn) {
                    char tok[256];
                    utf8_copy_cut(tok, sizeof tok, text + start, i - start, true);
                    warn(warn_ctx, what, tok);
                }
            }
            ids[count] = id;
        }
        count++;  /* keep counting past cap so the message can say how many */
    }
    if (count > cap) {
        error_set(err, TF_ERR_INPUT, "%s: %d tokens, more than the limit of %d", what, count, cap);
        error_hint(err, "shorten the sentence");
        return TF_ERR_INPUT;
    }
    *n = count;
    return TF_OK;
}
