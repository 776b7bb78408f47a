/* lineedit.c — a UTF-8 line editor: whole characters in, whole out. */
#include "view/lineedit.h"

#include <string.h>

#include "view/text.h"

/* The text holds only what lineedit_insert put there, so it is well
 * formed, and a character starts at every byte that is not 10xxxxxx. */
static bool is_continuation(char c)
{
    return ((unsigned char)c & 0xC0) == 0x80;
}

void lineedit_set(LineEdit *e, const char *text)
{
    size_t n = strlen(text);
    if (n > LINEEDIT_CAP - 1) {
        n = LINEEDIT_CAP - 1;
        while (n > 0 && is_continuation(text[n]))
            n--;  /* never keep half a character */
    }
    memcpy(e->text, text, n);
    e->text[n] = '\0';
    e->len = e->cur = n;
}

static size_t encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

bool lineedit_insert(LineEdit *e, uint32_t cp)
{
    /* Control characters (C0, DEL, C1), surrogates and what lies beyond
     * Unicode never become text: a sentence is something a person reads. */
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return false;
    char b[4];
    size_t n = encode(cp, b);
    if (e->len + n > LINEEDIT_CAP - 1)
        return false;
    memmove(e->text + e->cur + n, e->text + e->cur, e->len - e->cur + 1);
    memcpy(e->text + e->cur, b, n);
    e->len += n;
    e->cur += n;
    return true;
}

static size_t prev_boundary(const LineEdit *e, size_t at)
{
    if (at == 0)
        return 0;
    at--;
    while (at > 0 && is_continuation(e->text[at]))
        at--;
    return at;
}

static size_t next_boundary(const LineEdit *e, size_t at)
{
    if (at >= e->len)
        return e->len;
    at++;
    while (at < e->len && is_continuation(e->text[at]))
        at++;
    return at;
}

static void cut(LineEdit *e, size_t from, size_t to)
{
    memmove(e->text + from, e->text + to, e->len - to + 1);
    e->len -= to - from;
}

bool lineedit_backspace(LineEdit *e)
{
    if (e->cur == 0)
        return false;
    size_t from = prev_boundary(e, e->cur);
    cut(e, from, e->cur);
    e->cur = from;
    return true;
}

bool lineedit_delete(LineEdit *e)
{
    if (e->cur >= e->len)
        return false;
    cut(e, e->cur, next_boundary(e, e->cur));
    return true;
}

void lineedit_left(LineEdit *e)
{
    e->cur = prev_boundary(e, e->cur);
}

void lineedit_right(LineEdit *e)
{
    e->cur = next_boundary(e, e->cur);
}

void lineedit_home(LineEdit *e)
{
    e->cur = 0;
}

void lineedit_end(LineEdit *e)
{
    e->cur = e->len;
}

void lineedit_clear(LineEdit *e)
{
    e->text[0] = '\0';
    e->len = e->cur = 0;
}

/* Columns of text[from, to). */
static int span_width(const LineEdit *e, size_t from, size_t to, bool ascii)
{
    char buf[LINEEDIT_CAP];
    memcpy(buf, e->text + from, to - from);
    buf[to - from] = '\0';
    return text_width(buf, ascii);
}

size_t lineedit_window(const LineEdit *e, int cols, bool ascii, int *cursor_col)
{
    if (cols < 2)
        cols = 2;
    /* Start at the beginning when the cursor fits there; else start just
     * far enough right that the text before the cursor, plus the cursor's
     * own column, fills the line. */
    size_t start = 0;
    while (start < e->cur && span_width(e, start, e->cur, ascii) > cols - 1)
        start = next_boundary(e, start);
    *cursor_col = span_width(e, start, e->cur, ascii);
    return start;
}
