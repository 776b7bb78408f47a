/* text.c — display widths, cutting, wrapping, ASCII fallback. */
#include "view/text.h"

#include <langinfo.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "text/printable.h"
#include "text/utf8.h"

/* One character of s: its bytes, its width, and how ASCII mode writes it. */
typedef struct {
    size_t len;      /* bytes in s */
    int width;       /* columns as drawn */
    char esc[PRINTABLE_ESC_MAX];  /* how it is drawn instead ("" for itself): a hidden
                                     character, or non-ASCII in ASCII mode */
} Char;

/* wcwidth speaks for the terminal only in a UTF-8 locale (glibc's wchar_t
 * is the code point there). */
static bool locale_is_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return MB_CUR_MAX > 1 && cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

/* Is cp one of the characters of the UTF-8 string set? */
static bool cp_in(const char *set, uint32_t cp)
{
    size_t n = strlen(set);
    for (size_t i = 0; i < n;) {
        uint32_t c;
        size_t len = utf8_decode(set + i, n - i, &c);
        if (len == 0)
            return false;
        if (c == cp)
            return true;
        i += len;
    }
    return false;
}

static int cp_columns(const char *s, size_t len, uint32_t cp)
{
    if (locale_is_utf8()) {
        int w = wcwidth((wchar_t)cp);
        if (w >= 0)
            return w;
    }
    char one[8];
    memcpy(one, s, len);
    one[len] = '\0';
    return utf8_width(one);
}

static void next_char(const char *s, size_t n, bool ascii, Char *c)
{
    /* Hidden characters (controls, bidi, zero-width) and bytes that are
     * not UTF-8 never reach the terminal: text/printable.h escapes them. */
    c->len = printable_next(s, n, false, c->esc);
    if (c->esc[0]) {
        c->width = (int)strlen(c->esc);
        return;
    }
    if ((unsigned char)s[0] < 0x80) {
        c->width = 1;
        return;
    }
    uint32_t cp;
    utf8_decode(s, n, &cp);
    if (ascii) {
        snprintf(c->esc, sizeof c->esc, cp > 0xFFFF ? "\\U%08x" : "\\u%04x", (unsigned)cp);
        c->width = (int)strlen(c->esc);
    } else
        c->width = cp_columns(s, c->len, cp);
}

int text_width(const char *s, bool ascii)
{
    size_t n = strlen(s);
    int w = 0;
    for (size_t i = 0; i < n;) {
        Char c;
        next_char(s + i, n - i, ascii, &c);
        w += c.width;
        i += c.len;
    }
    return w;
}

int text_digits(uint32_t n)
{
    int d = 1;
    while (n >= 10) {
        n /= 10;
        d++;
    }
    return d;
}

/* Append the character (or its escape) to buf; false when it does not fit. */
static bool put_char(char *buf, size_t cap, size_t *o, const char *s, const Char *c)
{
    const char *src = c->esc[0] ? c->esc : s;
    size_t len = c->esc[0] ? strlen(c->esc) : c->len;
    if (*o + len + 1 > cap)
        return false;
    memcpy(buf + *o, src, len);
    *o += len;
    buf[*o] = '\0';
    return true;
}

/* Append the characters of s while they fit in buf and in max_cols
 * columns (INT_MAX: no column limit); returns the columns appended. */
static int put_chars(char *buf, size_t cap, size_t *o, const char *s, bool ascii, int max_cols)
{
    size_t n = strlen(s);
    int used = 0;
    for (size_t i = 0; i < n;) {
        Char c;
        next_char(s + i, n - i, ascii, &c);
        if ((max_cols != INT_MAX && used + c.width > max_cols) || !put_char(buf, cap, o, s + i, &c))
            break;
        used += c.width;
        i += c.len;
    }
    return used;
}

int text_fit(char *buf, size_t cap, const char *s, int max_cols, bool ascii)
{
    if (cap == 0)
        return 0;
    buf[0] = '\0';
    if (max_cols <= 0)
        return 0;
    size_t o = 0;
    if (text_width(s, ascii) <= max_cols)
        return put_chars(buf, cap, &o, s, ascii, INT_MAX);
    /* Cut: keep one column for the ellipsis. */
    int used = put_chars(buf, cap, &o, s, ascii, max_cols - 1);
    const char *ell = ascii ? "~" : "\xe2\x80\xa6";
    size_t el = strlen(ell);
    if (o + el + 1 <= cap) {
        memcpy(buf + o, ell, el + 1);
        used++;
    }
    return used;
}

int text_cell(char *buf, size_t cap, const char *s, int cols, int align, bool ascii)
{
    if (cap == 0)
        return 0;
    buf[0] = '\0';
    if (cols <= 0)
        return 0;
    char tmp[512];
    int w = text_fit(tmp, sizeof tmp, s, cols, ascii);
    int pad = cols - w;
    int before = align < 0 ? 0 : align > 0 ? pad : pad / 2;
    int after = pad - before;
    snprintf(buf, cap, "%*s%s%*s", before, "", tmp, after, "");
    return cols;
}

int text_char(const char *s, size_t n, bool ascii, int *cols)
{
    Char c;
    next_char(s, n, ascii, &c);
    if (cols)
        *cols = c.width;
    return (int)c.len;
}

/* The code point at s (U+FFFD for an invalid byte). */
static uint32_t code_point(const char *s, size_t n)
{
    uint32_t cp;
    if ((unsigned char)s[0] < 0x80)
        return (unsigned char)s[0];
    return utf8_decode(s, n, &cp) ? cp : 0xFFFD;
}

/* Characters a line should not start with (closing punctuation) or end
 * with (opening punctuation), as Chinese typesetting keeps them. */
static bool no_line_start(uint32_t cp)
{
    static const char closing[] = ",.;:!?)]}%\xe3\x80\x81\xe3\x80\x82\xef\xbc\x8c\xef\xbc\x9b\xef\xbc\x9a"
                                  "\xef\xbc\x9f\xef\xbc\x81\xef\xbc\x89\xe3\x80\x8b\xe3\x80\x8d\xe3\x80\x8f"
                                  "\xe2\x80\x9d\xe2\x80\x99\xe2\x80\xa6\xe2\x80\x94\xef\xbc\x85\xc2\xb7";
    return cp_in(closing, cp);
}

static bool no_line_end(uint32_t cp)
{
    static const char opening[] = "([{\xef\xbc\x88\xe3\x80\x8a\xe3\x80\x8c\xe3\x80\x8e\xe2\x80\x9c\xe2\x80\x98";
    return cp_in(opening, cp);
}

static bool is_wide_cp(uint32_t cp)
{
    char one[8];
    size_t n = 0;
    if (cp < 0x80)
        return false;
    /* encode to measure with the locale-free table: the break rule must not
     * change with the terminal */
    if (cp < 0x800) {
        one[n++] = (char)(0xC0 | (cp >> 6));
    } else if (cp < 0x10000) {
        one[n++] = (char)(0xE0 | (cp >> 12));
        one[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
    } else {
        one[n++] = (char)(0xF0 | (cp >> 18));
        one[n++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        one[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
    }
    one[n++] = (char)(0x80 | (cp & 0x3F));
    one[n] = '\0';
    return utf8_width(one) == 2;
}

bool text_can_break(const char *a, size_t an, const char *b, size_t bn)
{
    uint32_t x = code_point(a, an), y = code_point(b, bn);
    if (x == ' ')
        return true;
    if (y == ' ' || no_line_start(y) || no_line_end(x))
        return false;
    return is_wide_cp(x) || is_wide_cp(y);
}

size_t text_wrap(const char *s, int cols, bool ascii, size_t *next)
{
    size_t n = strlen(s);
    size_t start = 0;
    while (start < n && s[start] == ' ')
        start++;
    if (start >= n) {
        *next = n;
        return 0;
    }
    if (cols < 1)
        cols = 1;
    /* brk: where the line may end, the latest one in reach: at a space, or
     * between two characters of which one is Chinese (CJK text has no
     * spaces and breaks between any two characters). */
    size_t i = start, brk = 0, prev = start;
    int used = 0;
    while (i < n && s[i] != '\n') {
        Char c;
        next_char(s + i, n - i, ascii, &c);
        if (i > start && s[i] != ' ' && text_can_break(s + prev, n - prev, s + i, n - i))
            brk = i;
        if (used + c.width > cols)
            break;
        if (s[i] == ' ')
            brk = i;
        used += c.width;
        prev = i;
        i += c.len;
    }
    size_t end = i;
    if (i < n && s[i] != '\n' && brk > start)
        end = brk;                        /* break between words */
    else if (end == start && i < n && s[i] != '\n') {
        Char c;                           /* one character wider than the line */
        next_char(s + i, n - i, ascii, &c);
        end = i + c.len;
    }
    while (end > start && s[end - 1] == ' ')
        end--;                            /* no trailing spaces */
    size_t nx = end;
    while (nx < n && s[nx] == ' ')
        nx++;
    if (nx < n && s[nx] == '\n')
        nx++;
    *next = nx;
    /* The caller prints s[0 .. return): report from the start of s so
     * leading spaces skipped above are not printed either. */
    return end;
}

int text_lines(const char *s, int cols, bool ascii, TextLine *out, int max)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r'))
        n--;  /* trailing blank lines say nothing */
    int count = 0;
    size_t off = 0;
    while (off < n) {
        size_t len = 0, next = 1;
        if (s[off] != '\n') {
            /* text_wrap stops at a newline and steps over it in next */
            len = text_wrap(s + off, cols, ascii, &next);
            if (off + len > n)
                len = n - off;
            if (next == 0)
                next = 1;  /* never stand still */
        }
        if (out && count < max)
            out[count] = (TextLine){off, len};
        count++;
        off += next;
    }
    return count;
}
