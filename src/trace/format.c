#include "trace/format.h"

#include <stdlib.h>

#include "text/printable.h"

static bool is_name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_';
}

const char *trace_name_problem(const char *s, size_t n)
{
    if (n == 0)
        return "is empty";
    if (n > TRACE_MAX_NAME)
        return "is longer than 127 bytes";
    for (size_t i = 0; i < n; i++)
        if (!is_name_char((unsigned char)s[i]))
            return "has a character other than letters, digits, '.' and '_'";
    /* Dot-separated parts, none empty: names become file names on export. */
    if (s[0] == '.' || s[n - 1] == '.')
        return "starts or ends with '.'";
    for (size_t i = 1; i < n; i++)
        if (s[i] == '.' && s[i - 1] == '.')
            return "has an empty part ('..')";
    return NULL;
}

/* Length of the UTF-8 sequence at s (at most n bytes) and its code point,
 * or 0 when malformed: overlong forms, surrogates and values past U+10FFFF
 * are refused. Never reads past s[n-1]. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        len = 2, min = 0x80, *cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, min = 0x800, *cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, min = 0x10000, *cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3F);
    }
    if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
        return 0;
    return len;
}

/* Why s[0..n) is not valid text (UTF-8 without control characters and
 * without NUL), or NULL. *at gets the offending byte's offset. */
static const char *trace_text_problem(const char *s, size_t n, size_t *at)
{
    const unsigned char *b = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        if (trace_text_plain(s + i, 1)) {  /* nothing to decode */
            i++;
            continue;
        }
        uint32_t cp;
        size_t len = utf8_seq(b + i, n - i, &cp);
        *at = i;
        if (len == 0)
            return "is not valid UTF-8";
        /* C0, DEL and C1 controls: a reader may print text to a terminal.
         * (Bidi and zero-width characters are legal; printers escape them.) */
        if (printable_class(cp) == CHAR_CONTROL)
            return cp == 0 ? "has a NUL byte inside" : "has a control character";
        i += len;
    }
    return NULL;
}

uint32_t trace_string_cap(StrClass cls)
{
    static const uint32_t caps[] = {
        [STR_NAME] = TRACE_MAX_NAME,
        [STR_SHORT] = TRACE_MAX_SHORT,
        [STR_TEXT] = TRACE_MAX_TEXT,
        [STR_LABEL] = TRACE_MAX_LABEL,
    };
    return caps[cls];
}

const char *trace_string_problem(StrClass cls, const char *s, size_t n, size_t *at)
{
    *at = 0;
    if (cls == STR_NAME)
        return trace_name_problem(s, n);
    if (n > trace_string_cap(cls))
        return "is longer than its limit";
    return trace_text_problem(s, n, at);
}

/* FNV-1a: short keys, no adversary worth more (worst case is slowness). */
static uint64_t name_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

bool trace_name_table_init(NameTable *t, size_t expected)
{
    size_t cap = 16;
    while (cap / 2 < expected) {
        if (cap > SIZE_MAX / 4 / sizeof *t->slots)
            return false;
        cap *= 2;
    }
    t->slots = calloc(cap, sizeof *t->slots);
    t->cap = t->slots ? cap : 0;
    t->used = 0;
    return t->slots != NULL;
}

void trace_name_table_free(NameTable *t)
{
    free(t->slots);
    t->slots = NULL;
    t->cap = 0;
    t->used = 0;
}

long trace_name_table_find(const NameTable *t, const char *name,
                           const char *(*name_at)(const void *ctx, uint32_t i), const void *ctx)
{
    if (!t->cap)
        return -1;
    size_t mask = t->cap - 1;
    for (size_t j = (size_t)name_hash(name) & mask;; j = (j + 1) & mask) {
        uint32_t v = t->slots[j];
        if (v == 0)
            return -1;
        if (strcmp(name_at(ctx, v - 1), name) == 0)
            return (long)(v - 1);
    }
}

static void place(uint32_t *slots, size_t cap, const char *name, uint32_t v)
{
    size_t mask = cap - 1;
    size_t j = (size_t)name_hash(name) & mask;
    while (slots[j] != 0)
        j = (j + 1) & mask;
    slots[j] = v;
}

bool trace_name_table_insert(NameTable *t, const char *name, uint32_t i,
                             const char *(*name_at)(const void *ctx, uint32_t i), const void *ctx)
{
    if ((t->used + 1) * 2 > t->cap) {
        if (t->cap > SIZE_MAX / 2 / sizeof *t->slots)
            return false;
        size_t cap = t->cap ? t->cap * 2 : 16;
        uint32_t *slots = calloc(cap, sizeof *slots);
        if (!slots)
            return false;
        for (size_t j = 0; j < t->cap; j++)
            if (t->slots[j])
                place(slots, cap, name_at(ctx, t->slots[j] - 1), t->slots[j]);
        free(t->slots);
        t->slots = slots;
        t->cap = cap;
    }
    place(t->slots, t->cap, name, i + 1);
    t->used++;
    return true;
}

/* Axis of r named name, or -1. */
static int axis_named(const Record *r, const char *name)
{
    for (int a = 0; a < r->ndim; a++)
        if (r->dim_names[a] && strcmp(r->dim_names[a], name) == 0)
            return a;
    return -1;
}

const char *trace_positions_problem(const Record *r, int *field)
{
    const int q = axis_named(r, "query"), k = axis_named(r, "key");
    int dummy;
    if (!field)
        field = &dummy;
    *field = REC_QUERY_POS;
    if (q < 0 && k < 0)
        return "has positions but no query or key axis";
    if (q < 0 && r->query_pos != 0)
        return "has a query position but no query axis (it must be 0)";
    if (q >= 0 && r->dims[q] - 1 > UINT32_MAX - r->query_pos)
        return "query positions run past 4294967295";
    *field = REC_KEY_POS;
    if (k < 0 && r->key_pos != 0)
        return "has a key position but no key axis (it must be 0)";
    if (k >= 0 && r->dims[k] - 1 > UINT32_MAX - r->key_pos)
        return "key positions run past 4294967295";
    return NULL;
}
