/* printable.c — hidden characters: what they are, how they are shown,
 * and where a text that must not hold them first does. */
#include "text/printable.h"

#include <string.h>

#include "text/utf8.h"

CharClass printable_class(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
        return CHAR_CONTROL;
    if (cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
        (cp >= 0x2066 && cp <= 0x2069))
        return CHAR_BIDI;
    if (cp == 0x200B || cp == 0x2060 || cp == 0xFEFF)
        return CHAR_INVISIBLE;
    return CHAR_SHOWN;
}

/* "a control character", "a bidi control", "an invisible character". */
static const char *printable_class_name(CharClass c)
{
    switch (c) {
    case CHAR_CONTROL:
        return "a control character";
    case CHAR_BIDI:
        return "a bidi control";
    case CHAR_INVISIBLE:
        return "an invisible character";
    case CHAR_SHOWN:
        break;
    }
    return "a character";
}

/* The character at s: its length, its code point (*cp; the byte itself
 * when invalid) and whether it is valid UTF-8. */
static size_t decode(const char *s, size_t n, uint32_t *cp, bool *valid)
{
    const unsigned char b = (unsigned char)s[0];
    if (b < 0x80) {
        *cp = b;
        *valid = true;
        return 1;
    }
    size_t len = utf8_decode(s, n, cp);
    *valid = len > 0;
    if (!*valid) {
        *cp = b;
        return 1;
    }
    return len;
}

size_t printable_next(const char *s, size_t n, bool lines, char esc[PRINTABLE_ESC_MAX])
{
    uint32_t cp;
    bool valid;
    size_t len = decode(s, n, &cp, &valid);
    esc[0] = '\0';
    if (!valid || cp < 0x80) {
        if (!valid || (printable_class(cp) == CHAR_CONTROL && !(lines && (cp == '\n' || cp == '\t'))))
            snprintf(esc, PRINTABLE_ESC_MAX, "\\x%02x", (unsigned)cp);
        return len;
    }
    if (printable_class(cp) != CHAR_SHOWN)
        snprintf(esc, PRINTABLE_ESC_MAX, "\\u%04x", (unsigned)cp);
    return len;
}

void printable_fputs(const char *s, FILE *f, bool lines)
{
    const size_t n = strlen(s);
    size_t i = 0;
    while (i < n) {
        /* runs of plain characters go out in one write */
        size_t start = i;
        char esc[PRINTABLE_ESC_MAX];
        size_t len = 0;
        while (i < n) {
            len = printable_next(s + i, n - i, lines, esc);
            if (esc[0])
                break;
            i += len;
        }
        fwrite(s + start, 1, i - start, f);
        if (i < n) {
            fputs(esc, f);
            i += len;
        }
    }
}

char *printable_copy(char *buf, size_t cap, const char *s)
{
    const size_t n = strlen(s);
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        char esc[PRINTABLE_ESC_MAX];
        size_t len = printable_next(s + i, n - i, false, esc);
        const char *piece = esc[0] ? esc : s + i;
        size_t plen = esc[0] ? strlen(esc) : len;
        if (w + plen + 1 > cap)
            break;
        memcpy(buf + w, piece, plen);
        w += plen;
        i += len;
    }
    if (cap)
        buf[w < cap ? w : cap - 1] = '\0';
    return buf;
}

/* The first character of s[0..n) that may not be there, or NULL; a file
 * allows what `file` lets through. */
static const char *first_problem(const char *s, size_t n, bool file, size_t *at, char esc[PRINTABLE_ESC_MAX])
{
    char own[PRINTABLE_ESC_MAX];
    if (!esc)
        esc = own;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        bool valid;
        size_t len = decode(s + i, n - i, &cp, &valid);
        *at = i;
        if (!valid) {
            snprintf(esc, PRINTABLE_ESC_MAX, "\\x%02x", (unsigned)cp);
            return "invalid UTF-8";
        }
        bool allowed = printable_class(cp) == CHAR_SHOWN;
        if (file && !allowed)
            allowed = cp == '\n' || cp == '\t' || (cp == '\r' && i + 1 < n && s[i + 1] == '\n') ||
                      (cp == 0xFEFF && i == 0);
        if (!allowed) {
            printable_next(s + i, n - i, false, esc);
            return printable_class_name(printable_class(cp));
        }
        i += len;
    }
    return NULL;
}

const char *printable_text_problem(const char *s, size_t n, size_t *at, char esc[PRINTABLE_ESC_MAX])
{
    return first_problem(s, n, false, at, esc);
}

const char *printable_file_problem(const char *s, size_t n, int *line, size_t *col,
                                   char esc[PRINTABLE_ESC_MAX])
{
    size_t at = 0;
    const char *why = first_problem(s, n, true, &at, esc);
    if (!why)
        return NULL;
    size_t start = 0;
    int l = 1;
    for (size_t i = 0; i < at; i++)
        if (s[i] == '\n') {
            l++;
            start = i + 1;
        }
    *line = l;
    *col = at - start;
    return why;
}

Status printable_file_check(const char *s, size_t n, const char *name, Error *err)
{
    int line;
    size_t col;
    char esc[PRINTABLE_ESC_MAX];
    const char *why = printable_file_problem(s, n, &line, &col, esc);
    if (!why)
        return TF_OK;
    Status st = error_set(err, TF_ERR_INPUT, "%s:%d: %s %s at byte %zu of the line", name, line, why, esc, col + 1);
    error_hint(err, "the file must be plain UTF-8 text: terminal controls, bidi controls and invisible "
                    "characters would change what a reader sees");
    return st;
}
