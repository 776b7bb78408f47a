/* token_text.c — joining tokens for printing: spaces between words,
 * nothing between characters.
 *
 * In a character-level text a space is itself a token (▁, U+2581, as the
 * vocabulary must spell it: a token holds no whitespace); printed, it is
 * a space again. Two tokens side by side never merge into something the
 * tokenizer would read otherwise, except a special written next to a
 * character, which the tokenizer also reads whole. */
#include "text/token_text.h"

#include <stdbool.h>
#include <string.h>

int token_text_join(TokenizerKind kind, char *buf, size_t cap, const char *const *tokens, int n)
{
    if (cap == 0)
        return -1;
    buf[0] = '\0';
    const bool chars = kind == TOKENIZER_CHARS;
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        const char *t = tokens[i] ? tokens[i] : "";
        if (chars && strcmp(t, TOKENIZER_SPACE) == 0)
            t = " ";
        const size_t sep = !chars && i > 0, tl = strlen(t);
        if (len + sep + tl + 1 > cap) {
            buf[0] = '\0';
            return -1;
        }
        if (sep)
            buf[len++] = ' ';
        memcpy(buf + len, t, tl);
        len += tl;
        buf[len] = '\0';
    }
    return (int)len;
}
