/* corpus.c — reading a fortune file or plain text into poems (corpus.h). */
#include "train/corpus.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/regular_file.h"
#include "text/tokenizer.h"
#include "text/utf8.h"

#define TITLE_OPEN "\xe3\x80\x8a"                    /* 《 */
#define TITLE_CLOSE "\xe3\x80\x8b"                   /* 》 */
#define AUTHOR_MARK "\xe4\xbd\x9c\xe8\x80\x85\xef\xbc\x9a"  /* 作者： */

typedef struct {
    const char *name;
    Error *err;
    /* the body being built: text_[start .. len) */
    char *out;
    size_t len, start;
    int body_line;          /* 0 while the poem has no body line yet */
    uint32_t last;          /* the body's last code point */
    /* the poems so far */
    CorpusPoem *poems;
    size_t *at;             /* (cap) where each body starts in out */
    int n, cap;
} Parse;

/* Latin script, for the joining rule: ASCII letters, digits, punctuation,
 * and the letters of Latin-1 Supplement and Latin Extended-A/B. */
static bool latin(uint32_t cp)
{
    return (cp >= 0x21 && cp <= 0x7e) || (cp >= 0xc0 && cp <= 0x24f && cp != 0xd7 && cp != 0xf7);
}

static bool starts_with(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && memcmp(s, prefix, k) == 0;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* A colour escape at s (n bytes, s[0] = ESC): ESC [ parameter bytes
 * (0x30–0x3F) intermediate bytes (0x20–0x2F) one final byte (0x40–0x7E).
 * Its length, or 0 when s does not hold one. */
static size_t escape_len(const unsigned char *s, size_t n)
{
    if (n < 2 || s[1] != '[')
        return 0;
    size_t i = 2;
    while (i < n && s[i] >= 0x30 && s[i] <= 0x3f)
        i++;
    while (i < n && s[i] >= 0x20 && s[i] <= 0x2f)
        i++;
    return i < n && s[i] >= 0x40 && s[i] <= 0x7e ? i + 1 : 0;
}

/* Line `line_no` (n bytes at s, its end removed; `offset` its place in the
 * file) cleaned into buf: escapes gone, spaces collapsed and trimmed.
 * Returns the cleaned length, or (size_t)-1 with the error set. */
static size_t clean_line(Parse *p, const char *s, size_t n, int line_no, size_t offset, char *buf)
{
    size_t len = 0;
    bool space = false;  /* a space is pending before the next character */
    for (size_t i = 0; i < n;) {
        const unsigned char c = (unsigned char)s[i];
        if (c == 0x1b) {
            size_t k = escape_len((const unsigned char *)s + i, n - i);
            if (k == 0) {
                error_set(p->err, TF_ERR_INPUT, "%s:%d:%zu: an ESC byte that does not start a colour escape "
                          "(ESC [ ... m) at byte offset %zu", p->name, line_no, i + 1, offset + i);
                return (size_t)-1;
            }
            i += k;
            continue;
        }
        size_t sep = tokenizer_separator_len(s + i, n - i);
        if (sep > 0 && c != '\r' && c != '\n') {
            space = len > 0;
            i += sep;
            continue;
        }
        uint32_t cp;
        size_t k = utf8_decode(s + i, n - i, &cp);
        if (k == 0) {
            error_set(p->err, TF_ERR_INPUT, "%s:%d:%zu: invalid UTF-8 (byte 0x%02x at byte offset %zu)", p->name,
                      line_no, i + 1, c, offset + i);
            error_hint(p->err, "a corpus is UTF-8 text; convert it with iconv -t UTF-8");
            return (size_t)-1;
        }
        if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
            error_set(p->err, TF_ERR_INPUT, "%s:%d:%zu: control character U+%04X at byte offset %zu", p->name,
                      line_no, i + 1, (unsigned)cp, offset + i);
            return (size_t)-1;
        }
        if (space)
            buf[len++] = ' ';
        space = false;
        memcpy(buf + len, s + i, k);
        len += k;
        i += k;
    }
    return len;
}

static uint32_t first_cp(const char *s, size_t n)
{
    uint32_t cp = 0;
    utf8_decode(s, n, &cp);
    return cp;
}

static uint32_t last_cp(const char *s, size_t n)
{
    size_t i = n;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
        i--;
    return i > 0 ? first_cp(s + i - 1, n - i + 1) : 0;
}

/* The poem being built ends: keep it if it has a body. */
static Status end_poem(Parse *p)
{
    if (!p->body_line)
        return TF_OK;
    if (p->n == p->cap) {
        int cap = p->cap ? 2 * p->cap : 64;
        CorpusPoem *poems = realloc(p->poems, (size_t)cap * sizeof *poems);
        if (poems)
            p->poems = poems;
        size_t *at = realloc(p->at, (size_t)cap * sizeof *at);
        if (at)
            p->at = at;
        if (!poems || !at)
            return error_set(p->err, TF_ERR_RUNTIME, "%s: out of memory for %d poems", p->name, cap);
        p->cap = cap;
    }
    p->out[p->len++] = '\0';
    p->poems[p->n] = (CorpusPoem){.line = p->body_line};
    p->at[p->n++] = p->start;
    p->start = p->len;
    p->body_line = 0;
    return TF_OK;
}

/* A cleaned, non-empty line: a title or author line at the head of a poem
 * is dropped; anything else joins the body. */
static void add_line(Parse *p, const char *s, size_t n, int line_no)
{
    if (!p->body_line && ((starts_with(s, n, TITLE_OPEN) && ends_with(s, n, TITLE_CLOSE)) ||
                          starts_with(s, n, AUTHOR_MARK)))
        return;
    if (!p->body_line)
        p->body_line = line_no;
    else if (latin(p->last) && latin(first_cp(s, n)))
        p->out[p->len++] = ' ';
    memcpy(p->out + p->len, s, n);
    p->len += n;
    p->last = last_cp(s, n);
}

/* The next line of data[at..n): its length without the line end (LF or
 * CRLF) in *len, the offset after its end returned. */
static size_t next_line(const char *data, size_t n, size_t at, size_t *len)
{
    const char *nl = memchr(data + at, '\n', n - at);
    size_t end = nl ? (size_t)(nl - data) : n;
    *len = end - at;
    if (*len > 0 && data[end - 1] == '\r')
        (*len)--;
    return nl ? end + 1 : n;
}

static bool is_percent_line(const char *s, size_t n)
{
    return n == 1 && s[0] == '%';
}

Status corpus_parse(Corpus *c, const char *data, size_t n, const char *name, Error *err)
{
    memset(c, 0, sizeof *c);
    if (n > CORPUS_MAX_BYTES)
        return error_set(err, TF_ERR_INPUT, "%s: %zu bytes: a corpus may hold at most %u bytes", name, n,
                         CORPUS_MAX_BYTES);
    size_t at = 0;
    if (n >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
        at = 3;  /* a byte-order mark */
    const size_t body_start = at;
    /* A fortune file if any line is "%". */
    for (size_t i = at, len; i < n && !c->fortune;) {
        size_t next = next_line(data, n, i, &len);
        c->fortune = is_percent_line(data + i, len);
        i = next;
    }
    /* Every body is at most its lines, plus a space per line join and a
     * NUL per poem: never more than the file plus one byte per line. */
    Parse p = {.name = name, .err = err};
    p.out = malloc(2 * n + 2);
    char *line = malloc(CORPUS_MAX_LINE + 1);
    Status st = p.out && line ? TF_OK : error_set(err, TF_ERR_RUNTIME, "%s: out of memory", name);
    int line_no = 0;
    for (size_t len; st == TF_OK && at < n;) {
        const size_t start = at;
        at = next_line(data, n, at, &len);
        line_no++;
        if (len > CORPUS_MAX_LINE) {
            st = error_set(err, TF_ERR_INPUT, "%s:%d: a line of %zu bytes: at most %d are read", name, line_no, len,
                           CORPUS_MAX_LINE);
            break;
        }
        if (c->fortune && is_percent_line(data + start, len)) {
            st = end_poem(&p);
            continue;
        }
        size_t k = clean_line(&p, data + start, len, line_no, start, line);
        if (k == (size_t)-1) {
            st = TF_ERR_INPUT;
        } else if (k == 0) {
            if (!c->fortune)
                st = end_poem(&p);  /* a blank line ends a poem of plain text */
        } else {
            add_line(&p, line, k, line_no);
        }
    }
    if (st == TF_OK)
        st = end_poem(&p);
    free(line);
    if (st == TF_OK && p.n == 0)
        st = error_set(err, TF_ERR_INPUT, "%s: no poem in %zu bytes%s", name, n - body_start,
                       n - body_start ? " (only titles, authors, separators and blank lines)" : " (the file is empty)");
    if (st != TF_OK) {
        free(p.out);
        free(p.poems);
        free(p.at);
        memset(c, 0, sizeof *c);
        return st;
    }
    for (int i = 0; i < p.n; i++)
        p.poems[i].text = p.out + p.at[i];
    free(p.at);
    c->n = p.n;
    c->poems = p.poems;
    c->text_ = p.out;
    return TF_OK;
}

Status corpus_read(Corpus *c, const char *path, Error *err)
{
    memset(c, 0, sizeof *c);
    FILE *f;
    Status st = regular_fopen(path, &f, err);
    if (st)
        return st;
    /* Read one byte past the limit, to tell a file of the limit from a
     * longer one without trusting its size. */
    char *data = malloc((size_t)CORPUS_MAX_BYTES + 1);
    size_t n = data ? fread(data, 1, (size_t)CORPUS_MAX_BYTES + 1, f) : 0;
    if (!data)
        st = error_set(err, TF_ERR_RUNTIME, "%s: out of memory", path);
    else if (ferror(f))
        st = error_set(err, TF_ERR_INPUT, "%s: cannot read", path);
    else if (n > CORPUS_MAX_BYTES)
        st = error_set(err, TF_ERR_INPUT, "%s: larger than %u bytes, the most a corpus may hold", path,
                       CORPUS_MAX_BYTES);
    fclose(f);
    if (st == TF_OK)
        st = corpus_parse(c, data, n, path, err);
    free(data);
    return st;
}

void corpus_free(Corpus *c)
{
    free(c->poems);
    free(c->text_);
    memset(c, 0, sizeof *c);
}
