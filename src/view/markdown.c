/* markdown.c — a lesson's Markdown flowed, wrapped and styled for the
 * narration pane (markdown.h). */
#include "view/markdown.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/utf8.h"
#include "view/text.h"

/* ---- markdown_flow: paragraphs joined ---- */

/* The code point at s, 0 when it is ASCII or invalid. */
static uint32_t wide_cp(const char *s, size_t n)
{
    uint32_t cp;
    return n > 0 && (unsigned char)s[0] >= 0x80 && utf8_decode(s, n, &cp) > 0 ? cp : 0;
}

static bool is_wide_at(const char *s, size_t n)
{
    return wide_cp(s, n) >= 0x2E80;
}

/* Chinese punctuation (，。：“”（）...) joins without a space on either side. */
static bool is_cjk_punct_at(const char *s, size_t n)
{
    uint32_t cp = wide_cp(s, n);
    return (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFF65) || (cp >= 0x2018 && cp <= 0x201F) ||
           cp == 0x2014 || cp == 0x2026;
}

/* Inline markers (`, *) say nothing about the text they wrap: look past
 * them when deciding whether two joined lines need a space. */
static bool is_marker(char c)
{
    return c == '`' || c == '*';
}

/* The last character of out (of length n), markers aside: where it starts. */
static const char *last_char(const char *out, size_t n, size_t *len)
{
    while (n > 0 && is_marker(out[n - 1]))
        n--;
    size_t i = n;
    while (i > 0 && ((unsigned char)out[i - 1] & 0xC0) == 0x80)
        i--;
    i = i > 0 ? i - 1 : 0;
    *len = n - i;
    return out + i;
}

/* Two lines of a paragraph join with a space, as English does, except
 * between two Chinese characters and next to Chinese punctuation: "超过
 * 0.6" + "的权重" keeps its space, "老鼠”：" + "猫（" does not. */
static bool join_with_space(const char *out, size_t o, const char *line, size_t n)
{
    size_t ln, i = 0;
    const char *last = last_char(out, o, &ln);
    while (i < n && is_marker(line[i]))
        i++;
    if (is_cjk_punct_at(last, ln) || is_cjk_punct_at(line + i, n - i))
        return false;
    return !(is_wide_at(last, ln) && is_wide_at(line + i, n - i));
}

/* The columns of a list item's marker ("- ", "12. "), 0 for other lines. */
static size_t list_marker(const char *line, size_t n)
{
    if (n >= 2 && (line[0] == '-' || line[0] == '*' || line[0] == '+') && line[1] == ' ')
        return 2;
    size_t d = 0;
    while (d < n && line[d] >= '0' && line[d] <= '9')
        d++;
    if (d > 0 && d + 1 < n && (line[d] == '.' || line[d] == ')') && line[d + 1] == ' ')
        return d + 2;
    return 0;
}

static bool is_code_line(const char *line, size_t n)
{
    return n > 0 && (line[0] == '\t' || (n >= 4 && strncmp(line, "    ", 4) == 0));
}

static bool starts_block(const char *line, size_t n)
{
    return list_marker(line, n) > 0 || line[0] == '|' || line[0] == '#' || line[0] == '>' || is_code_line(line, n);
}

char *markdown_flow(const char *md)
{
    size_t cap = strlen(md) * 6 + 8;  /* a fenced line gains 4 spaces and a newline */
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t o = 0;
    bool fence = false, line_start = true, in_item = false;
    for (const char *p = md; *p;) {
        size_t n = strcspn(p, "\n");
        const char *line = p;
        p += n + (p[n] == '\n');
        while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' '))
            n--;
        /* A list item's continuation lines are indented under its text:
         * the indent is Markdown's, not the reader's (markdown_lines hangs them).
         * Elsewhere up to three spaces are only layout too. */
        bool cont = false;  /* a continuation line: joins, whatever it starts with */
        if (!fence && n > 0 && line[0] == ' ' && (in_item || !is_code_line(line, n))) {
            while (n > 0 && line[0] == ' ') {
                line++;
                n--;
            }
            cont = !line_start && list_marker(line, n) == 0;
        }
        if (n >= 3 && strncmp(line, "```", 3) == 0) {
            fence = !fence;
            if (!line_start)
                out[o++] = '\n';
            line_start = true;
            continue;
        }
        bool blank = n == 0;
        if (blank && !fence) {  /* a paragraph ends */
            in_item = false;
            if (o > 0 && !(o >= 2 && out[o - 1] == '\n' && out[o - 2] == '\n')) {
                if (!line_start)
                    out[o++] = '\n';
                out[o++] = '\n';
            }
            line_start = true;
            continue;
        }
        if (!cont && (fence || starts_block(line, n))) {
            if (!line_start)
                out[o++] = '\n';
            line_start = true;
            in_item = !fence && list_marker(line, n) > 0;
        }
        if (!line_start && join_with_space(out, o, line, n))
            out[o++] = ' ';
        bool alone = !cont && (fence || line[0] == '|' || line[0] == '#');  /* nothing joins these */
        if (line[0] == '#' && !fence && !cont) {  /* a heading: its words alone */
            while (n > 0 && *line == '#') {
                line++;
                n--;
            }
            while (n > 0 && *line == ' ') {
                line++;
                n--;
            }
        }
        if (fence) {  /* fenced code is indented code for markdown_lines */
            memcpy(out + o, "    ", 4);
            o += 4;
        }
        memcpy(out + o, line, n);
        o += n;
        line_start = false;
        if (alone) {
            out[o++] = '\n';
            line_start = true;
        }
    }
    while (o > 0 && out[o - 1] == '\n')
        o--;
    out[o] = '\0';
    return out;
}

/* ---- markdown_lines: wrapped and styled ---- */

/* One visible character of a block. */
typedef struct {
    size_t off;
    int len, width;
    unsigned style;
} Atom;

typedef struct {
    const char *t;
    bool ascii;
    Atom *a;
    int n;
} Atoms;

static void add_char(Atoms *A, size_t i, size_t end, unsigned style)
{
    int w, len = text_char(A->t + i, end - i, A->ascii, &w);
    A->a[A->n++] = (Atom){i, len, w, style};
}

/* A "**" at or after i (before end) that can close: not after a space. */
static bool strong_closes(const char *t, size_t i, size_t end)
{
    for (size_t j = i; j + 1 < end; j++)
        if (t[j] == '*' && t[j + 1] == '*' && j > i && t[j - 1] != ' ')
            return true;
    return false;
}

/* A lone "*" at or after i that can close an emphasis. */
static bool em_closes(const char *t, size_t i, size_t end)
{
    for (size_t j = i + 1; j < end; j++)
        if (t[j] == '*' && t[j - 1] != '*' && t[j - 1] != ' ' && (j + 1 >= end || t[j + 1] != '*'))
            return true;
    return false;
}

/* The visible characters of t[i, end) with their styles; the markers of
 * code spans and emphasis are consumed, and only when they pair up (a lone
 * backquote or an asterisk in "a * b" is text). */
static void parse_inline(Atoms *A, size_t i, size_t end, bool code_block)
{
    const char *t = A->t;
    unsigned st = code_block ? MD_CODE : 0;
    while (i < end) {
        char c = t[i];
        if (!code_block) {
            if (c == '\\' && i + 1 < end && strchr("`*_\\", t[i + 1])) {
                add_char(A, i + 1, end, st);
                i += 2;
                continue;
            }
            if (c == '`') {
                const char *close = memchr(t + i + 1, '`', end - i - 1);
                if (close && close > t + i + 1) {
                    size_t stop = (size_t)(close - t);
                    for (size_t k = i + 1; k < stop; k += (size_t)A->a[A->n - 1].len)
                        add_char(A, k, stop, st | MD_CODE);
                    i = stop + 1;
                    continue;
                }
            }
            if (c == '*' && i + 1 < end && t[i + 1] == '*') {
                if (st & MD_STRONG) {
                    if (i > 0 && t[i - 1] != ' ') {
                        st &= ~(unsigned)MD_STRONG;
                        i += 2;
                        continue;
                    }
                } else if (i + 2 < end && t[i + 2] != ' ' && strong_closes(t, i + 2, end)) {
                    st |= MD_STRONG;
                    i += 2;
                    continue;
                }
            } else if (c == '*') {
                if (st & MD_EM) {
                    if (i > 0 && t[i - 1] != ' ') {
                        st &= ~(unsigned)MD_EM;
                        i++;
                        continue;
                    }
                } else if (i + 1 < end && t[i + 1] != ' ' && em_closes(t, i, end)) {
                    st |= MD_EM;
                    i++;
                    continue;
                }
            }
        }
        size_t len = (size_t)text_char(t + i, end - i, A->ascii, NULL);
        add_char(A, i, end, st);
        i += len;
    }
}

static bool atom_is(const Atoms *A, int k, char c)
{
    return A->a[k].len == 1 && A->t[A->a[k].off] == c;
}

/* May a line start at atom k (ending before it)? */
static bool can_break(const Atoms *A, int k)
{
    if (atom_is(A, k - 1, ' '))
        return !atom_is(A, k, ' ');
    if ((A->a[k - 1].style & MD_CODE) && (A->a[k].style & MD_CODE))
        return false;  /* a code span breaks at its spaces only */
    const Atom *x = &A->a[k - 1], *y = &A->a[k];
    return text_can_break(A->t + x->off, (size_t)x->len, A->t + y->off, (size_t)y->len);
}

typedef struct {
    MdLine *lines;
    int max_lines, n_lines;
    MdSpan *spans;
    int max_spans, n_spans;
} Out;

static void start_line(Out *o, int indent)
{
    if (o->lines && o->n_lines < o->max_lines)
        o->lines[o->n_lines] = (MdLine){indent, o->n_spans, 0};
    o->n_lines++;
}

/* Add bytes [off, off + len) in style to the line just started, merging
 * with the span before when they touch. */
static void add_span(Out *o, size_t off, size_t len, unsigned style)
{
    if (!o->lines || o->n_lines > o->max_lines)
        return;
    MdLine *l = &o->lines[o->n_lines - 1];
    if (l->n_spans > 0) {
        MdSpan *last = &o->spans[o->n_spans - 1];
        if (last->style == style && last->off + last->len == off) {
            last->len += len;
            return;
        }
    }
    if (!o->spans || o->n_spans >= o->max_spans)
        return;
    o->spans[o->n_spans++] = (MdSpan){off, len, style};
    l->n_spans++;
}

/* One block (a line of flowed text, t[b, e)) wrapped into o. */
static void block_lines(Out *o, Atoms *A, size_t b, size_t e, int cols)
{
    const char *t = A->t;
    size_t marker = list_marker(t + b, e - b);
    bool code = marker == 0 && is_code_line(t + b, e - b);
    int hang = code ? 2 : (int)marker;
    if (cols - hang < 8)
        hang = 0;  /* too narrow to indent: the text matters more */
    int width = cols - hang > 0 ? cols - hang : 1;
    size_t from = b + marker;
    while (from < e && (code ? (t[from] == ' ' || t[from] == '\t') : t[from] == ' '))
        from++;
    A->n = 0;
    parse_inline(A, from, e, code);

    bool first = true;
    int p = 0;
    do {
        while (p < A->n && atom_is(A, p, ' '))
            p++;  /* a line starts with its text */
        int used = 0, q = p, brk = -1;
        for (; q < A->n; q++) {
            if (q > p && can_break(A, q))
                brk = q;
            if (used + A->a[q].width > width)
                break;
            used += A->a[q].width;
        }
        int end = q >= A->n ? A->n : brk > p ? brk : q > p ? q : p + 1;
        if (end > A->n)
            end = A->n;
        int last = end;
        while (last > p && atom_is(A, last - 1, ' '))
            last--;
        start_line(o, first && !code ? 0 : hang);
        if (first && marker > 0) {
            bool bullet = t[b] == '-' || t[b] == '*' || t[b] == '+';
            add_span(o, b, marker, bullet ? MD_BULLET : 0);
        }
        for (int k = p; k < last; k++)
            add_span(o, A->a[k].off, (size_t)A->a[k].len, A->a[k].style);
        first = false;
        p = end;
        while (p < A->n && atom_is(A, p, ' '))
            p++;
    } while (p < A->n);
}

int markdown_lines(const char *text, int cols, bool ascii, MdLine *lines, int max_lines, MdSpan *spans, int max_spans)
{
    size_t n = strlen(text);
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' ' || text[n - 1] == '\r'))
        n--;  /* trailing blank lines say nothing */
    if (cols < 1)
        cols = 1;
    Out o = {lines, lines ? max_lines : 0, 0, spans, spans ? max_spans : 0, 0};
    Atoms A = {text, ascii, malloc((n + 1) * sizeof(Atom)), 0};
    if (!A.a)
        return 0;
    for (size_t b = 0; b < n;) {
        size_t e = b;
        while (e < n && text[e] != '\n')
            e++;
        if (e == b)
            start_line(&o, 0);  /* the blank line between paragraphs */
        else
            block_lines(&o, &A, b, e, cols);
        b = e + 1;
    }
    free(A.a);
    return o.n_lines;
}
