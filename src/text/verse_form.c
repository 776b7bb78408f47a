/* verse_form.c — counting the lines of generated verse (verse_form.h). */
#include "text/verse_form.h"

#include <stdint.h>
#include <string.h>

#include "text/tokenizer.h"
#include "text/utf8.h"

/* One sample being read: the line under way. */
typedef struct {
    VerseForm *f;
    int open;       /* characters of the line under way (capped: only ≥ VERSE_FORM_LONG matters) */
} Reader;

/* Is cp a line-end mark? *in_form: is it ， or 。 */
static bool is_mark(uint32_t cp, bool *in_form)
{
    bool comma_or_stop = cp == 0xFF0C || cp == 0x3002;  /* ， 。 */
    if (in_form)
        *in_form = comma_or_stop;
    return comma_or_stop || cp == 0xFF1F || cp == 0xFF01 || cp == 0xFF1B  /* ？ ！ ； */
           || cp == ',' || cp == '.' || cp == '?' || cp == '!' || cp == ';';
}

static void read_cp(Reader *r, uint32_t cp, bool generated)
{
    bool in_form;
    if (!is_mark(cp, &in_form)) {
        if (r->open < VERSE_FORM_LONG)
            r->open++;
        return;
    }
    if (generated) {
        VerseForm *f = r->f;
        const bool length = r->open == 5 || r->open == 7;
        f->lines++;
        f->right_length += length;
        f->in_form += length && in_form;
        f->by_length[r->open]++;
    }
    r->open = 0;
}

/* The characters of s[0 .. n): whitespace and ▁ are none. A byte that
 * does not start a valid character (a token text is the vocabulary's,
 * valid UTF-8; this is only a guard) counts as one. */
static void read_chars(Reader *r, const char *s, size_t n, size_t prompt_bytes)
{
    const size_t space_len = sizeof TOKENIZER_SPACE - 1;
    for (size_t i = 0; i < n;) {
        size_t sep = tokenizer_separator_len(s + i, n - i);
        if (sep) {
            i += sep;
            continue;
        }
        if (n - i >= space_len && memcmp(s + i, TOKENIZER_SPACE, space_len) == 0) {
            i += space_len;
            continue;
        }
        uint32_t cp = 0;
        size_t len = utf8_decode(s + i, n - i, &cp);
        if (len == 0) {
            len = 1;
            cp = 0xFFFD;
        }
        read_cp(r, cp, i >= prompt_bytes);
        i += len;
    }
}

void verse_form_init(VerseForm *f)
{
    memset(f, 0, sizeof *f);
}

void verse_form_add_tokens(VerseForm *f, const char *const *tokens, int n, int prompt)
{
    Reader r = {f, 0};
    f->samples++;
    for (int t = 0; t < n; t++) {
        const char *tok = tokens[t] ? tokens[t] : "";
        if (strcmp(tok, "<END>") == 0)
            break;
        if (strcmp(tok, "<START>") == 0 || strcmp(tok, "<PAD>") == 0)
            continue;
        const bool generated = t >= prompt;
        if (strcmp(tok, "<UNK>") == 0)
            read_cp(&r, 0xFFFD, generated);
        else
            read_chars(&r, tok, strlen(tok), generated ? 0 : (size_t)-1);
    }
}

Status verse_form_add_text(VerseForm *f, const char *text, size_t len, size_t prompt_bytes, const char *what,
                           Error *err)
{
    size_t bad;
    if (!utf8_valid(text, len, &bad))
        return error_set(err, TF_ERR_INPUT, "%s: byte %zu: not valid UTF-8", what, bad);
    Reader r = {f, 0};
    f->samples++;
    read_chars(&r, text, len, prompt_bytes);
    return TF_OK;
}

double verse_form_rate(const VerseForm *f)
{
    return f->lines > 0 ? (double)f->in_form / (double)f->lines : 0.0;
}
