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

TokenizerKind token_text_kind_of_meta(const char *meta)
{
    bool in_vocab = false;
    for (const char *line = meta; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\r'))
            len--;
        if (len > 0 && line[0] == '[')
            in_vocab = len == 7 && memcmp(line, "[vocab]", 7) == 0;
        else if (in_vocab && len == 17 && memcmp(line, "tokenizer = chars", 17) == 0)
            return TOKENIZER_CHARS;
        line = end ? end + 1 : NULL;
    }
    return TOKENIZER_WORDS;
}
