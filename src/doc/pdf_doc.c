/* pdf_doc.c — a printed document through cairo's PDF surface, text laid
 * out by pango (see pdf_doc.h). */
#include "doc/pdf_doc.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A4 in points, and the margins. */
#define PAGE_W 595.276
#define PAGE_H 841.89
#define MARGIN_X 56.0
#define MARGIN_TOP 52.0
#define MARGIN_BOTTOM 60.0
#define TEXT_W (PAGE_W - 2 * MARGIN_X)
#define BOTTOM (PAGE_H - MARGIN_BOTTOM)
#define PARA_GAP 5.0     /* between paragraphs */
#define LIST_INDENT 14.0
#define HANG 10.0        /* a list item's text after its bullet */
#define QUOTE_INDENT 12.0

/* DejaVu for Latin text, WenQuanYi for Chinese (fontconfig falls back to
 * whatever has the glyph when neither has it). */
#define SANS "DejaVu Sans, WenQuanYi Micro Hei"
#define MONO "DejaVu Sans Mono, WenQuanYi Micro Hei Mono"

struct PdfDoc {
    cairo_surface_t *surface;
    cairo_t *cr;
    PangoContext *ctx;
    PdfDocWrite write;
    void *write_ctx;
    bool write_failed;
    int pages;
    double y;  /* where the next block goes on the current page */
};

static const struct {
    const char *font;
    double grey;  /* 0 black */
    double gap;   /* space after a block of this style */
} styles[] = {
    [PDF_TEXT_BODY] = {SANS " 10", 0.0, PARA_GAP},
    [PDF_TEXT_SMALL] = {SANS " 8.5", 0.35, 3.0},
    [PDF_TEXT_MONO] = {MONO " 9", 0.0, 3.0},
    [PDF_TEXT_BOLD] = {SANS " Bold 10", 0.0, 3.0},
    [PDF_TEXT_BOLD_SMALL] = {SANS " Bold 9", 0.0, 1.5},
    [PDF_TEXT_MONO_SMALL] = {MONO " 7.5", 0.2, 1.0},
    [PDF_TEXT_TITLE] = {SANS " Bold 22", 0.0, 14.0},
    [PDF_TEXT_H1] = {SANS " Bold 15", 0.0, 8.0},
    [PDF_TEXT_H2] = {SANS " Bold 12", 0.0, 5.0},
};

static cairo_status_t write_bytes(void *closure, const unsigned char *data, unsigned int len)
{
    PdfDoc *d = closure;
    if (d->write_failed || !d->write(d->write_ctx, data, len)) {
        d->write_failed = true;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

Status pdf_doc_open(PdfDoc **out, PdfDocWrite write, void *ctx, const char *lang, Error *err)
{
    *out = NULL;
    PdfDoc *d = calloc(1, sizeof *d);
    if (!d)
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    d->write = write;
    d->write_ctx = ctx;
    d->surface = cairo_pdf_surface_create_for_stream(write_bytes, d, PAGE_W, PAGE_H);
    if (cairo_surface_status(d->surface) != CAIRO_STATUS_SUCCESS) {
        Status st = error_set(err, TF_ERR_RUNTIME, "cannot make a PDF: %s",
                              cairo_status_to_string(cairo_surface_status(d->surface)));
        cairo_surface_destroy(d->surface);
        free(d);
        return st;
    }
    d->cr = cairo_create(d->surface);
    d->ctx = pango_cairo_create_context(d->cr);
    pango_context_set_language(d->ctx, pango_language_from_string(lang && strcmp(lang, "zh") == 0 ? "zh-cn" : "en"));
    /* metrics as printed: no hinting that rounds to a screen's pixels */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(d->ctx, fo);
    cairo_font_options_destroy(fo);
    d->y = MARGIN_TOP;
    *out = d;
    return TF_OK;
}

static void page_number(PdfDoc *d)
{
    char n[16];
    snprintf(n, sizeof n, "%d", d->pages);
    PangoLayout *lay = pango_layout_new(d->ctx);
    PangoFontDescription *fd = pango_font_description_from_string(styles[PDF_TEXT_SMALL].font);
    pango_layout_set_font_description(lay, fd);
    pango_font_description_free(fd);
    pango_layout_set_text(lay, n, -1);
    int w, h;
    pango_layout_get_size(lay, &w, &h);
    cairo_set_source_rgb(d->cr, 0.45, 0.45, 0.45);
    cairo_move_to(d->cr, (PAGE_W - (double)w / PANGO_SCALE) / 2, PAGE_H - MARGIN_BOTTOM / 2 - 6);
    pango_cairo_show_layout(d->cr, lay);
    g_object_unref(lay);
}

void pdf_doc_page(PdfDoc *d)
{
    if (d->pages > 0)
        cairo_show_page(d->cr);
    d->pages++;
    d->y = MARGIN_TOP;
    page_number(d);
}

static void ensure_page(PdfDoc *d)
{
    if (d->pages == 0)
        pdf_doc_page(d);
}

double pdf_doc_room(const PdfDoc *d)
{
    return d->pages == 0 ? BOTTOM - MARGIN_TOP : BOTTOM - d->y;
}

int pdf_doc_pages(const PdfDoc *d)
{
    return d->pages;
}

void pdf_doc_space(PdfDoc *d, double points)
{
    ensure_page(d);
    d->y += points;
    if (d->y > BOTTOM)
        d->y = BOTTOM;
}

/* ---- one block of text ---- */

typedef enum { BLOCK_PLAIN, BLOCK_MARKUP } BlockText;

typedef struct {
    PdfTextStyle style;
    double indent;   /* left, points */
    double hang;     /* the lines after the first indented this much more (a list item) */
    bool bar;        /* a quoted line: a bar at its left */
} BlockShape;

/* A layout of text (pango markup when markup is true; plain text too when
 * the markup does not parse, rather than nothing). */
static PangoLayout *block_layout(PdfDoc *d, const char *text, bool markup, const BlockShape *b)
{
    PangoLayout *lay = pango_layout_new(d->ctx);
    PangoFontDescription *fd = pango_font_description_from_string(styles[b->style].font);
    pango_layout_set_font_description(lay, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(lay, (int)((TEXT_W - b->indent) * PANGO_SCALE));
    pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
    if (b->hang > 0)
        pango_layout_set_indent(lay, (int)(-b->hang * PANGO_SCALE));
    if (markup && pango_parse_markup(text, -1, 0, NULL, NULL, NULL, NULL))
        pango_layout_set_markup(lay, text, -1);
    else
        pango_layout_set_text(lay, text, -1);
    return lay;
}

static double layout_height(PangoLayout *lay)
{
    int w, h;
    pango_layout_get_size(lay, &w, &h);
    return (double)h / PANGO_SCALE;
}

/* Draw lay line by line from d->y, starting a new page where a line does
 * not fit. */
static void put_layout(PdfDoc *d, PangoLayout *lay, const BlockShape *b)
{
    ensure_page(d);
    PangoLayoutIter *it = pango_layout_get_iter(lay);
    const double grey = styles[b->style].grey;
    do {
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        const double h = (double)logical.height / PANGO_SCALE;
        const double base = (double)(pango_layout_iter_get_baseline(it) - logical.y) / PANGO_SCALE;
        if (d->y + h > BOTTOM && d->y > MARGIN_TOP)
            pdf_doc_page(d);
        const double x = MARGIN_X + b->indent + (double)logical.x / PANGO_SCALE;
        if (b->bar) {
            cairo_set_source_rgb(d->cr, 0.55, 0.65, 0.85);
            cairo_rectangle(d->cr, MARGIN_X + b->indent - QUOTE_INDENT + 2, d->y, 3, h);
            cairo_fill(d->cr);
        }
        cairo_set_source_rgb(d->cr, grey, grey, grey);
        cairo_move_to(d->cr, x, d->y + base);
        pango_cairo_show_layout_line(d->cr, pango_layout_iter_get_line_readonly(it));
        d->y += h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    d->y += styles[b->style].gap;
}

/* Put (or, when measure is non-NULL, only add up the height of) one block. */
static void block(PdfDoc *d, const char *text, bool markup, const BlockShape *b, double *measure)
{
    PangoLayout *lay = block_layout(d, text, markup, b);
    if (measure)
        *measure += layout_height(lay) + styles[b->style].gap;
    else
        put_layout(d, lay, b);
    g_object_unref(lay);
}

/* ---- growing strings ---- */

typedef struct {
    char *s;
    size_t len, cap;
    bool failed;
} Buf;

static void buf_add(Buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *more = realloc(b->s, cap);
        if (!more) {
            b->failed = true;
            return;
        }
        b->s = more;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void buf_str(Buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

/* Text as pango markup takes it: & < > escaped. */
static void buf_escaped(Buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': buf_str(b, "&amp;"); break;
        case '<': buf_str(b, "&lt;"); break;
        case '>': buf_str(b, "&gt;"); break;
        default: buf_add(b, &s[i], 1);
        }
    }
}

/* ---- plain text ---- */

static void text_blocks(PdfDoc *d, PdfTextStyle style, const char *text)
{
    BlockShape b = {.style = style};
    const char *p = text;
    for (;;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = malloc(n + 1);
        if (!line)
            return;
        memcpy(line, p, n);
        line[n] = '\0';
        block(d, line, false, &b, NULL);
        free(line);
        if (!nl)
            break;
        p = nl + 1;
    }
}

void pdf_doc_text(PdfDoc *d, PdfTextStyle style, const char *text)
{
    text_blocks(d, style, text);
}


/* ---- Markdown ---- */

/* Inline Markdown of one paragraph as pango markup: `code`, **bold**,
 * *italic*; everything else escaped. */
static void inline_markup(Buf *out, const char *s)
{
    bool bold = false, italic = false;
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '`') {
            const char *end = strchr(s + i + 1, '`');
            if (end) {
                buf_str(out, "<span font_family=\"" MONO "\">");
                buf_escaped(out, s + i + 1, (size_t)(end - (s + i + 1)));
                buf_str(out, "</span>");
                i = (size_t)(end - s);
                continue;
            }
        } else if (s[i] == '*' && s[i + 1] == '*' && (bold || (s[i + 2] && s[i + 2] != ' ' && strstr(s + i + 2, "**")))) {
            buf_str(out, bold ? "</b>" : "<b>");
            bold = !bold;
            i++;
            continue;
        } else if (s[i] == '*' && (italic ? i > 0 && s[i - 1] != ' '
                                          : s[i + 1] && s[i + 1] != ' ' && strchr(s + i + 1, '*'))) {
            buf_str(out, italic ? "</i>" : "<i>");
            italic = !italic;
            continue;
        }
        buf_escaped(out, s + i, 1);
    }
    /* an unclosed mark is closed, so the markup parses */
    if (italic)
        buf_str(out, "</i>");
    if (bold)
        buf_str(out, "</b>");
}

/* Join a paragraph's lines: with a space between Latin words, with
 * nothing where either side is Chinese (a line break inside a Chinese
 * sentence is no space). */
static void join_line(Buf *para, const char *line, size_t n)
{
    while (n > 0 && (*line == ' ' || *line == '\t')) {
        line++;
        n--;
    }
    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
        n--;
    if (para->len > 0 && n > 0) {
        const unsigned char last = (unsigned char)para->s[para->len - 1];
        const unsigned char first = (unsigned char)line[0];
        if (last < 0x80 && first < 0x80)
            buf_add(para, " ", 1);
    }
    buf_add(para, line, n);
}

typedef enum { PARA_NONE, PARA_TEXT, PARA_ITEM, PARA_QUOTE, PARA_HEADING } ParaKind;

typedef struct {
    PdfDoc *d;
    double *measure;
    Buf para;       /* the paragraph being gathered, as written */
    ParaKind kind;
    Buf code;       /* a code block being gathered */
    bool in_fence;
    bool prev_blank;
} Md;

static void flush_para(Md *m)
{
    if (m->kind == PARA_NONE || m->para.len == 0) {
        m->kind = PARA_NONE;
        m->para.len = 0;
        return;
    }
    Buf mk = {0};
    BlockShape b = {.style = PDF_TEXT_BODY};
    if (m->kind == PARA_ITEM) {
        b.indent = LIST_INDENT - HANG;
        b.hang = HANG;
    } else if (m->kind == PARA_QUOTE) {
        b.indent = QUOTE_INDENT;
        b.bar = true;
        buf_str(&mk, "<b>");
    } else if (m->kind == PARA_HEADING) {
        b.style = PDF_TEXT_BOLD;
    }
    inline_markup(&mk, m->para.s);
    if (m->kind == PARA_QUOTE)
        buf_str(&mk, "</b>");
    if (!mk.failed)
        block(m->d, mk.s, true, &b, m->measure);
    free(mk.s);
    m->kind = PARA_NONE;
    m->para.len = 0;
}

static void flush_code(Md *m)
{
    if (m->code.len == 0)
        return;
    while (m->code.len > 0 && m->code.s[m->code.len - 1] == '\n')
        m->code.s[--m->code.len] = '\0';
    BlockShape b = {.style = PDF_TEXT_MONO, .indent = LIST_INDENT};
    block(m->d, m->code.s, false, &b, m->measure);
    m->code.len = 0;
}

static bool starts_item(const char *line, size_t n, size_t *skip)
{
    if (n >= 2 && (line[0] == '-' || line[0] == '*' || line[0] == '+') && line[1] == ' ') {
        *skip = 2;
        return true;
    }
    size_t i = 0;
    while (i < n && i < 3 && line[i] >= '0' && line[i] <= '9')
        i++;
    if (i > 0 && i + 1 < n && (line[i] == '.' || line[i] == ')') && line[i + 1] == ' ') {
        *skip = 0;  /* the number stays, as written */
        return true;
    }
    return false;
}

static void md_line(Md *m, const char *line, size_t n)
{
    if (n >= 3 && strncmp(line, "```", 3) == 0) {
        flush_para(m);
        if (m->in_fence)
            flush_code(m);
        m->in_fence = !m->in_fence;
        m->prev_blank = false;
        return;
    }
    if (m->in_fence) {
        buf_add(&m->code, line, n);
        buf_add(&m->code, "\n", 1);
        return;
    }
    size_t lead = 0;
    while (lead < n && line[lead] == ' ')
        lead++;
    const bool blank = lead == n;
    /* four-space indented code: after a blank line, or going on */
    if (!blank && lead >= 4 && (m->code.len > 0 || (m->prev_blank && m->kind == PARA_NONE))) {
        buf_add(&m->code, line + 4, n - 4);
        buf_add(&m->code, "\n", 1);
        m->prev_blank = false;
        return;
    }
    if (blank) {
        flush_para(m);
        if (m->code.len > 0)
            buf_add(&m->code, "\n", 1);
        m->prev_blank = true;
        return;
    }
    flush_code(m);
    m->prev_blank = false;
    size_t skip;
    if (line[0] == '#') {
        flush_para(m);
        size_t h = 0;
        while (h < n && line[h] == '#')
            h++;
        while (h < n && line[h] == ' ')
            h++;
        m->kind = PARA_HEADING;
        join_line(&m->para, line + h, n - h);
        flush_para(m);
    } else if (line[0] == '>') {
        flush_para(m);
        size_t q = 1;
        if (q < n && line[q] == ' ')
            q++;
        m->kind = PARA_QUOTE;
        join_line(&m->para, line + q, n - q);
        flush_para(m);  /* each quoted line is its own (an action line) */
    } else if (lead == 0 && starts_item(line, n, &skip)) {
        flush_para(m);
        m->kind = PARA_ITEM;
        buf_str(&m->para, skip ? "• " : "");
        if (skip == 0) {
            join_line(&m->para, line, n);
        } else {
            /* the bullet stays glued to the item's first word */
            Buf *p = &m->para;
            const char *t = line + skip;
            buf_add(p, t, n - skip);
        }
    } else {
        if (m->kind == PARA_NONE)
            m->kind = PARA_TEXT;
        join_line(&m->para, line, n);
    }
}

static void markdown(PdfDoc *d, const char *md, double *measure)
{
    Md m = {.d = d, .measure = measure, .prev_blank = true};
    const char *p = md;
    for (;;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        md_line(&m, p, n);
        if (!nl)
            break;
        p = nl + 1;
    }
    flush_para(&m);
    flush_code(&m);
    free(m.para.s);
    free(m.code.s);
}

void pdf_doc_markdown(PdfDoc *d, const char *md)
{
    markdown(d, md, NULL);
}

double pdf_doc_markdown_height(PdfDoc *d, const char *md)
{
    double h = 0;
    markdown(d, md, &h);
    return h;
}

/* ---- images ---- */

#define MIN_IMAGE_H 120.0  /* less room than this left: the image goes on a new page */

Status pdf_doc_image(PdfDoc *d, const char *png_path, double max_height, Error *err)
{
    cairo_surface_t *img = cairo_image_surface_create_from_png(png_path);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        Status st = error_set(err, TF_ERR_RUNTIME, "%s: cannot read the image: %s", png_path,
                              cairo_status_to_string(cairo_surface_status(img)));
        cairo_surface_destroy(img);
        return st;
    }
    ensure_page(d);
    const double pw = cairo_image_surface_get_width(img), ph = cairo_image_surface_get_height(img);
    double room = pdf_doc_room(d);
    if (room < MIN_IMAGE_H && (max_height <= 0 || max_height > room)) {
        pdf_doc_page(d);
        room = pdf_doc_room(d);
    }
    double h = max_height > 0 && max_height < room ? max_height : room;
    double s = TEXT_W / pw;
    if (ph * s > h)
        s = h / ph;
    if (s > 1.0)
        s = 1.0;  /* a pixel to a point at most: small images stay sharp */
    const double x = MARGIN_X + (TEXT_W - pw * s) / 2;
    cairo_save(d->cr);
    cairo_translate(d->cr, x, d->y);
    cairo_scale(d->cr, s, s);
    cairo_set_source_surface(d->cr, img, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(d->cr), CAIRO_FILTER_BEST);
    cairo_paint(d->cr);
    cairo_restore(d->cr);
    cairo_surface_destroy(img);
    d->y += ph * s + PARA_GAP * 2;
    return TF_OK;
}

/* ---- the end ---- */

void pdf_doc_free(PdfDoc *d)
{
    if (!d)
        return;
    g_object_unref(d->ctx);
    cairo_destroy(d->cr);
    cairo_surface_destroy(d->surface);
    free(d);
}

Status pdf_doc_finish(PdfDoc *d, Error *err)
{
    ensure_page(d);
    cairo_surface_finish(d->surface);
    cairo_status_t cs = cairo_status(d->cr);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(d->surface);
    const bool write_failed = d->write_failed;
    pdf_doc_free(d);
    if (write_failed)
        return error_set(err, TF_ERR_RUNTIME, "cannot write the PDF");
    if (cs != CAIRO_STATUS_SUCCESS)
        return error_set(err, TF_ERR_RUNTIME, "cannot make the PDF: %s", cairo_status_to_string(cs));
    return TF_OK;
}

void pdf_doc_release_caches(void)
{
    pango_cairo_font_map_set_default(NULL);
    cairo_debug_reset_static_data();
    FcFini();
}
