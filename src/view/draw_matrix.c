/* draw_matrix.c — the matrix pane: one heatmap panel (or three in
 * compare, or one per head), token labels on both axes, the cell cursor,
 * the mask overlay, and the legend line with the colour scale, the
 * specials and the visible window. */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "trace/export.h"
#include "view/compare.h"
#include "view/curve.h"
#include "view/draw.h"
#include "view/paint.h"
#include "view/quiz.h"
#include "view/text.h"
#include "view/words.h"

/* Where a panel's values come from: a page of A or B, or A − B. */
typedef struct {
    const float *a;        /* (rows, cols) page */
    const float *b;        /* diff: B's page, else NULL */
    uint32_t cols;
    const float *mask;     /* overlay: the mask page (rows, cols), else NULL */
} Source;

static float src_at(const void *ctx, size_t i, size_t j)
{
    const Source *s = ctx;
    float a = s->a[i * s->cols + j];
    return s->b ? compare_diff(a, s->b[i * s->cols + j]) : a;
}

static float mask_at(const void *ctx, size_t i, size_t j)
{
    const Source *s = ctx;
    return s->mask[i * s->cols + j];
}

/* The value of pooled cell (R, C). */
static float cell_value(const Source *src, const Panel *p, uint32_t R, uint32_t C)
{
    if (p->pr == 1 && p->pc == 1)
        return src_at(src, R, C);
    size_t r0 = (size_t)R * p->pr, c0 = (size_t)C * p->pc;
    size_t r1 = r0 + p->pr > p->rows ? p->rows : r0 + p->pr;
    size_t c1 = c0 + p->pc > p->cols ? p->cols : c0 + p->pc;
    return stats_pool_fn(src_at, src, r0, r1, c0, c1);
}

/* Hidden by the mask: every value of the pooled cell is −∞ in the mask. */
static bool cell_masked(const Source *src, const Panel *p, uint32_t R, uint32_t C)
{
    if (!src->mask)
        return false;
    size_t r0 = (size_t)R * p->pr, c0 = (size_t)C * p->pc;
    size_t r1 = r0 + p->pr > p->rows ? p->rows : r0 + p->pr;
    size_t c1 = c0 + p->pc > p->cols ? p->cols : c0 + p->pc;
    float m = stats_pool_fn(mask_at, src, r0, r1, c0, c1);
    return isinf(m) && m < 0;
}

/* ---- one panel ---- */

typedef struct {
    const ViewState *s;
    const Panel *p;
    const Record *rec;          /* labels come from here */
    const RecordPages *pg;
    Source src;
    Scale scale;
    bool cursor;                /* draw the cell cursor */
} PanelDraw;

static bool is_cursor(const PanelDraw *d, uint32_t R, uint32_t C)
{
    return d->cursor && d->s->row / d->p->pr == R && d->s->col / d->p->pc == C;
}

/* Display width of the widest label among the visible columns. */
static int widest_col_label(const PanelDraw *d)
{
    const Panel *p = d->p;
    char buf[32];
    int w = 0;
    for (uint32_t k = 0; k < p->vc; k++) {
        uint32_t C = p->left + k;
        int lw = text_width(layout_col_label(d->rec, d->pg, p->page, C * p->pc, buf, sizeof buf), !d->s->theme.utf8);
        w = lw > w ? lw : w;
    }
    return w;
}

/* Column labels: one per column when they fit (tokens cut by display
 * width, so 猫 and 老鼠 keep their columns), else one every few columns,
 * tokens or indices, with the cursor's column marked. */
static void draw_col_header(const PanelDraw *d)
{
    const ViewState *s = d->s;
    const Panel *p = d->p;
    if (!p->hdr)
        return;
    int y = p->r.y + 1;
    bool tokens = d->rec->col_labels != NULL;
    int gap = p->cw > 1 ? 1 : 0, room = p->cw - gap;
    int widest = tokens ? widest_col_label(d) : text_digits(p->cols ? p->cols - 1 : 0);
    /* A token cut to fewer than three columns is "…" or one letter and a
     * "…": then every few columns, each label readable. */
    bool per_col = widest <= room || (tokens && room >= 3);
    uint32_t cur_c = s->col / p->pc;
    int end = p->cx + (int)p->vc * p->cw;
    char buf[32];
    if (per_col) {
        for (uint32_t k = 0; k < p->vc; k++) {
            uint32_t C = p->left + k;
            const char *lab = layout_col_label(d->rec, d->pg, p->page, C * p->pc, buf, sizeof buf);
            paint_role(s, d->cursor && C == cur_c ? ROLE_CURSOR_LABEL : ROLE_LABEL);
            paint_cell_text(s, y, p->cx + (int)k * p->cw + gap, lab, room, p->cw > 1 ? 0 : -1);
        }
        return;
    }
    /* Every step-th column: tokens get at least three columns (or their
     * whole width), indices their digits and a space. */
    int want = tokens ? (widest < 3 ? widest : 3) : widest + 1;
    uint32_t step = 1;
    static const uint32_t nice[] = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000};
    for (size_t i = 0; i < sizeof nice / sizeof nice[0]; i++) {
        step = nice[i];
        if ((int)step * p->cw - (tokens ? 1 : 0) >= want)
            break;
    }
    int lab_w = (int)step * p->cw - (tokens ? 1 : 0);
    paint_role(s, tokens ? ROLE_LABEL : ROLE_DIM);
    for (uint32_t k = 0; k < p->vc; k++) {
        uint32_t C = p->left + k;
        if (C % step)
            continue;
        int x = p->cx + (int)k * p->cw;
        const char *lab = tokens ? layout_col_label(d->rec, d->pg, p->page, C * p->pc, buf, sizeof buf) : buf;
        if (!tokens)
            snprintf(buf, sizeof buf, "%u", C * p->pc);
        paint_text(s, y, x, lab, end - x < lab_w ? end - x : lab_w);
    }
    if (d->cursor && cur_c >= p->left && cur_c < p->left + p->vc) {
        int x = p->cx + (int)(cur_c - p->left) * p->cw;
        const char *lab = tokens ? layout_col_label(d->rec, d->pg, p->page, s->col, buf, sizeof buf) : buf;
        if (!tokens)
            snprintf(buf, sizeof buf, "%u", s->col);
        int w = text_width(lab, !s->theme.utf8);
        if (w > lab_w)
            w = lab_w;
        int right = p->r.x + p->r.w;
        paint_role(s, ROLE_CURSOR_LABEL);
        paint_text(s, y, x + w > right ? right - w : x, lab, w);
    }
}

static void draw_row_labels(const PanelDraw *d)
{
    const ViewState *s = d->s;
    const Panel *p = d->p;
    if (!p->label_w)
        return;
    uint32_t cur_r = s->row / p->pr;
    char buf[32];
    if (!p->half) {
        for (uint32_t k = 0; k < p->vr; k++) {
            uint32_t R = p->top + k;
            bool hot = d->cursor && R == cur_r;
            paint_role(s, hot ? ROLE_CURSOR_LABEL : ROLE_LABEL);
            int y = p->cy + (int)k * p->rh + p->rh / 2;
            paint_cell_text(s, y, p->r.x, layout_row_label(d->rec, d->pg, p->page, R * p->pr, buf, sizeof buf),
                            p->label_w, -1);
        }
        return;
    }
    /* Two rows per line: "upper/lower". */
    int hw = (p->label_w - 1) / 2;
    for (uint32_t k = 0; 2 * k < p->vr; k++) {
        uint32_t R = p->top + 2 * k;
        int y = p->cy + (int)k;
        paint_role(s, d->cursor && R == cur_r ? ROLE_CURSOR_LABEL : ROLE_LABEL);
        paint_cell_text(s, y, p->r.x, layout_row_label(d->rec, d->pg, p->page, R * p->pr, buf, sizeof buf), hw, 1);
        paint_role(s, ROLE_DIM);
        mvaddstr(y, p->r.x + hw, "/");
        if (2 * k + 1 < p->vr) {
            paint_role(s, d->cursor && R + 1 == cur_r ? ROLE_CURSOR_LABEL : ROLE_LABEL);
            paint_cell_text(s, y, p->r.x + hw + 1,
                            layout_row_label(d->rec, d->pg, p->page, (R + 1) * p->pr, buf, sizeof buf), hw, -1);
        }
    }
}

/* One full-mode cell: cw columns × rh lines. */
static void draw_cell_full(const PanelDraw *d, uint32_t R, uint32_t C)
{
    const ViewState *s = d->s;
    const Panel *p = d->p;
    float v = cell_value(&d->src, p, R, C);
    bool masked = cell_masked(&d->src, p, R, C);
    bool cur = is_cursor(d, R, C);
    int level = palette_level(&d->scale, v);
    int x = p->cx + (int)(C - p->left) * p->cw;
    int y0 = p->cy + (int)(R - p->top) * p->rh;
    char num[48] = "";
    if (p->numbers) {
        /* Right-aligned in the format's width, and that field centred in
         * the cell: the decimal points of a column line up however wide
         * its cells have grown. */
        char raw[32];
        numfmt_cell(raw, sizeof raw, v, &p->nf);
        snprintf(num, sizeof num, "%*s", p->nf.width, raw);
    }
    if (s->theme.color) {
        /* The cursor is orange, as the labels of its row and column are. */
        int bg = cur ? PALETTE_CURSOR_COLOR : masked ? PALETTE_MASK_COLOR : palette_color(&d->scale, level);
        paint_colors(palette_ink(bg), bg, cur ? A_BOLD : A_NORMAL);
        for (int line = 0; line < p->rh; line++) {
            const char *text = "";
            if (line == p->rh / 2) {
                if (p->numbers)
                    text = num;
                else if ((level == PALETTE_MASKED || masked) && p->cw >= 2)
                    text = palette_glyph(&d->scale, PALETTE_MASKED, s->theme.utf8);
                else if (level == PALETTE_POS_INF || level == PALETTE_NAN)
                    text = palette_glyph(&d->scale, level, s->theme.utf8);
            }
            if (p->cw > 1) {
                mvaddch(y0 + line, x, ' ');
                paint_cell_text(s, y0 + line, x + 1, text, p->cw - 1, 0);
            } else
                paint_cell_text(s, y0 + line, x, text, 1, 0);
        }
        return;
    }
    /* Monochrome: the number, or the level's glyph across the cell. */
    paint_role(s, ROLE_NORMAL);
    if (cur)
        attr_on(A_REVERSE | A_BOLD, NULL);
    for (int line = 0; line < p->rh; line++) {
        if (p->numbers) {
            const char *gap = masked ? palette_glyph(&d->scale, PALETTE_MASKED, s->theme.utf8) : " ";
            mvaddstr(y0 + line, x, gap);
            paint_cell_text(s, y0 + line, x + 1, line == p->rh / 2 ? num : "", p->cw - 1, 0);
        } else {
            const char *g = palette_glyph(&d->scale, masked ? PALETTE_MASKED : level, s->theme.utf8);
            paint_fill(y0 + line, x, p->cw, g);
        }
    }
}

static int half_color(const PanelDraw *d, uint32_t R, uint32_t C)
{
    if (is_cursor(d, R, C))
        return PALETTE_CURSOR_COLOR;
    if (cell_masked(&d->src, d->p, R, C))
        return PALETTE_MASK_COLOR;
    return palette_color(&d->scale, palette_level(&d->scale, cell_value(&d->src, d->p, R, C)));
}

/* A column curve's bar for pooled row R, right of its cell: as long as
 * |value| against the largest |value| of the scale, so the column of bars
 * is the curve on its side. Eighths of a block in UTF-8, '#' in ASCII;
 * a negative value (a difference A − B) is shaded instead ('-'), its sign
 * then visible without colour. */
static void draw_bar(const PanelDraw *d, uint32_t R)
{
    const ViewState *s = d->s;
    const Panel *p = d->p;
    float v = cell_value(&d->src, p, R, 0);
    double top = fmax(fabs((double)d->scale.lo), fabs((double)d->scale.hi));
    int y = p->cy + (int)(R - p->top) * p->rh, x = p->cx + p->cw + 1;
    if (!isfinite(v) || !(top > 0.0))
        return;
    double frac = fabs((double)v) / top;
    int eighths = (int)lround((frac > 1.0 ? 1.0 : frac) * p->bar_w * 8);
    bool neg = v < 0.0f, utf8 = s->theme.utf8;
    paint_role(s, is_cursor(d, R, 0) ? ROLE_CURSOR_LABEL : ROLE_LABEL);
    int full = eighths / 8;
    paint_fill(y, x, full, neg ? (utf8 ? "\xe2\x96\x91" : "-") : (utf8 ? "\xe2\x96\x88" : "#"));
    static const char *const part[8] = {"", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d",
                                        "\xe2\x96\x8c", "\xe2\x96\x8b", "\xe2\x96\x8a", "\xe2\x96\x89"};
    if (!neg && utf8 && eighths % 8 && full < p->bar_w)
        mvaddstr(y, x + full, part[eighths % 8]);  /* ▏ … ▉ */
}

static void draw_cells(const PanelDraw *d)
{
    const Panel *p = d->p;
    if (!p->half) {
        for (uint32_t k = 0; k < p->vr; k++) {
            for (uint32_t j = 0; j < p->vc; j++)
                draw_cell_full(d, p->top + k, p->left + j);
            if (p->bar_w > 0)
                draw_bar(d, p->top + k);
        }
        return;
    }
    /* ▀: the upper row is the foreground, the lower the background. */
    for (uint32_t k = 0; 2 * k < p->vr; k++) {
        uint32_t R = p->top + 2 * k;
        for (uint32_t j = 0; j < p->vc; j++) {
            uint32_t C = p->left + j;
            int fg = half_color(d, R, C);
            int bg = 2 * k + 1 < p->vr ? half_color(d, R + 1, C) : -1;
            paint_colors(fg, bg, A_NORMAL);
            paint_fill(p->cy + (int)k, p->cx + (int)j * p->cw, p->cw, "\xe2\x96\x80");
        }
    }
}

static void draw_panel(const PanelDraw *d, const char *title, bool hot)
{
    const ViewState *s = d->s;
    paint_role(s, hot ? ROLE_FOCUS_TITLE : ROLE_PANE_TITLE);
    paint_text(s, d->p->r.y, d->p->r.x, title, d->p->r.w);
    draw_col_header(d);
    draw_row_labels(d);
    draw_cells(d);
}

/* A panel with nothing to draw: say why. */
static void draw_note(const ViewState *s, const Panel *p, const char *title, const char *note)
{
    paint_role(s, ROLE_PANE_TITLE);
    paint_text(s, p->r.y, p->r.x, title, p->r.w);
    paint_role(s, ROLE_DIM);
    size_t off = 0, next;
    int y = p->r.y + 2;
    while (y < p->r.y + p->r.h && note[off]) {
        size_t len = text_wrap(note + off, p->r.w, !s->theme.utf8, &next);
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)len, note + off);
        paint_text(s, y++, p->r.x, line, p->r.w);
        off += next;
        if (!len)
            break;
    }
}

/* ---- the pane ---- */

static const float *mask_page(const ViewState *s, const CachedRecord *m, const Panel *p)
{
    if (!s->mask_overlay || !m || !m->ok || m->pg.rows != p->rows || m->pg.cols != p->cols)
        return NULL;
    return export_pages_data(&m->tr.rec, &m->pg, view_page(s, &m->tr.rec, &m->pg));
}

static bool query_key(const Record *r)
{
    return r->ndim >= 2 && strcmp(r->dim_names[r->ndim - 2], "query") == 0 &&
           strcmp(r->dim_names[r->ndim - 1], "key") == 0;
}

static void draw_pane_title(const ViewState *s, const ScreenLayout *l)
{
    const Rect *m = &l->matrix;
    paint_hline(s, ROLE_BORDER, m->y, m->x, m->w);
    char title[400], shape[200];
    shape[0] = '\0';
    const CachedRecord *full = view_current_full(s);  /* its shape as stored, not its top k */
    if (full && full->ok)
        export_shape_text(&full->tr.rec, shape, sizeof shape);
    const char *mode = s->heads ? view_word(s->lang, WORD_MODE_HEADS)
                       : s->compare && s->b ? view_word(s->lang, WORD_MODE_COMPARE) : "";
    snprintf(title, sizeof title, " %s %s%s ", view_name(s, s->cur), shape, mode);
    paint_role(s, s->focus == FOCUS_MATRIX ? ROLE_FOCUS_TITLE : ROLE_PANE_TITLE);
    paint_text(s, m->y, m->x + 1, title, m->w - 2);
}

/* "0 ▆▆▆ 1" and the specials, then the window. */
static void draw_legend(const ViewState *s, const ScreenLayout *l, const Panel *p, int n,
                        const Scale *sc, const CachedRecord *c)
{
    const Rect *m = &l->matrix;
    int y = m->y + m->h - 1, x = m->x, end = m->x + m->w;
    char buf[160];
    bool utf8 = s->theme.utf8;
    paint_role(s, ROLE_DIM);
    snprintf(buf, sizeof buf, "%.3g ", (double)(sc->kind == SCALE_DIVERGING ? -sc->hi : sc->lo));
    x += paint_text(s, y, x, buf, end - x);
    int levels = palette_levels(sc);
    for (int lv = 0; lv < levels && x < end; lv++) {
        if (s->theme.color) {
            paint_colors(-1, palette_color(sc, lv), A_NORMAL);
            mvaddch(y, x++, ' ');
        } else {
            paint_role(s, ROLE_NORMAL);
            x += paint_text(s, y, x, palette_glyph(sc, lv, utf8), end - x);
        }
    }
    paint_role(s, ROLE_DIM);
    snprintf(buf, sizeof buf, " %.3g", (double)sc->hi);
    x += paint_text(s, y, x, buf, end - x);
    bool neg_inf = c->stats.n_neg_inf > 0 || s->mask_overlay;
    if (neg_inf && x + 4 < end) {
        x += 2;
        if (s->theme.color) {
            paint_colors(palette_ink(PALETTE_MASK_COLOR), PALETTE_MASK_COLOR, A_NORMAL);
            x += paint_text(s, y, x, palette_glyph(sc, PALETTE_MASKED, utf8), 1);
        } else {
            paint_role(s, ROLE_NORMAL);
            x += paint_text(s, y, x, palette_glyph(sc, PALETTE_MASKED, utf8), 1);
        }
        paint_role(s, ROLE_DIM);
        x += paint_text(s, y, x, view_word(s->lang, s->mask_overlay ? WORD_LEGEND_HIDDEN : WORD_LEGEND_MASKED), end - x);
    }
    if (n < 1)
        return;
    /* The visible window, in the page's own rows and columns. */
    const Panel *q = &p[0];
    char win[200];
    uint32_t r0 = q->top * q->pr, r1 = (q->top + q->vr) * q->pr, c0 = q->left * q->pc,
             c1 = (q->left + q->vc) * q->pc;
    r1 = r1 > q->rows ? q->rows : r1;
    c1 = c1 > q->cols ? q->cols : c1;
    if (s->topk.active)
        view_format(win, sizeof win, s->lang, WORD_WIN_TOPK, r0, r1 - 1, q->rows, s->topk.k, s->topk.n);
    else if (s->heads)
        view_format(win, sizeof win, s->lang, WORD_WIN_HEADS, n, q->rows, q->cols,
                    q->pr > 1 || q->pc > 1 ? view_word(s->lang, WORD_WIN_POOLED) : "");
    else if (q->bar_w > 0 && q->pr > 1)  /* a column curve: rows only */
        view_format(win, sizeof win, s->lang, WORD_WIN_ROWS_MEAN, r0, r1 - 1, q->rows, q->pr);
    else if (q->bar_w > 0 && r1 - r0 < q->rows)
        view_format(win, sizeof win, s->lang, WORD_WIN_ROWS, r0, r1 - 1, q->rows);
    else if (q->pr > 1 || q->pc > 1)
        view_format(win, sizeof win, s->lang, WORD_WIN_MEAN, r0, r1 - 1, q->rows, c0, c1 - 1, q->cols, q->pr,
                    q->pc);
    else if (r1 - r0 < q->rows || c1 - c0 < q->cols)
        view_format(win, sizeof win, s->lang, WORD_WIN_PART, r0, r1 - 1, q->rows, c0, c1 - 1, q->cols);
    else
        view_format(win, sizeof win, s->lang, WORD_WIN_ALL, q->rows, q->cols);
    int ww = text_width(win, !utf8);
    if (x + 3 + ww <= end) {
        paint_role(s, ROLE_DIM);
        paint_text(s, y, end - ww - 1, win, ww);
    }
}

/* "head 3  entropy 1.44 bits  distance 1.09" for attention weights,
 * "head 3  min -2.31  max 4.07" for anything else; shorter when narrow. */
static void head_title(const ViewState *s, const Panel *p, char *buf, size_t cap)
{
    int h = p->head;
    if (h < 0 || h >= s->n_head_stats) {
        view_format(buf, cap, s->lang, WORD_HEAD_N, h);
        return;
    }
    if (!s->head_stats[h].distributions) {
        float lo = s->head_stats[h].min, hi = s->head_stats[h].max;
        if (lo > hi)
            view_format(buf, cap, s->lang, WORD_HEAD_NO_FINITE, h);
        else if (p->r.w >= 27)
            view_format(buf, cap, s->lang, WORD_HEAD_MIN_MAX, h, (double)lo, (double)hi);
        else
            snprintf(buf, cap, "h%d %.3g..%.3g", h, lo, hi);
        return;
    }
    double e = s->head_stats[h].entropy_bits, d = s->head_stats[h].distance;
    if (p->r.w >= 40)
        view_format(buf, cap, s->lang, WORD_HEAD_ENTROPY, h, e, d);
    else if (p->r.w >= 27)
        view_format(buf, cap, s->lang, WORD_HEAD_ENTROPY_SHORT, h, e, d);
    else
        snprintf(buf, cap, "h%d H%.2f d%.2f", h, e, d);
}

void draw_matrix(const ViewState *s, const ScreenLayout *l)
{
    const CachedRecord *c = view_current(s);
    if (!c)
        return;
    draw_pane_title(s, l);
    if (view_quiz_hides(s)) {  /* a question first: no numbers, no colours */
        Panel p = {.r = l->panels};
        draw_note(s, &p, view_word(s->lang, WORD_Q_HIDDEN_TITLE), view_word(s->lang, WORD_Q_HIDDEN));
        return;
    }
    if (!c->ok) {
        Panel p = {.r = l->panels};
        draw_note(s, &p, view_word(s->lang, WORD_NOTE_UNREADABLE), c->err.msg);
        return;
    }
    Panel p[LAYOUT_MAX_PANELS];
    int n = layout_panels(s, l, p, LAYOUT_MAX_PANELS);
    const Record *r = &c->tr.rec;
    const CachedRecord *cb = view_current_b(s);
    Scale sc = view_scale(s, c);
    if (cb && cb->ok && s->cmp.same_shape)
        sc = view_scale_range(s, record_kind_of(r->kind), fminf(c->stats.min, cb->stats.min), fmaxf(c->stats.max, cb->stats.max));
    const CachedRecord *mask = query_key(r) ? view_mask(s) : NULL;
    char title[256], pt[160];

    for (int i = 0; i < n; i++) {
        PanelDraw d = {.s = s, .p = &p[i], .rec = r, .pg = &c->pg, .scale = sc, .cursor = true};
        d.src.a = export_pages_data(r, &c->pg, p[i].page);
        d.src.cols = p[i].cols;
        d.src.mask = mask_page(s, mask, &p[i]);
        export_pages_title(r, &c->pg, p[i].page, pt, sizeof pt);
        const char *rows_name = c->pg.row_axis >= 0 ? r->dim_names[c->pg.row_axis] : "";
        const char *cols_name = r->dim_names[c->pg.col_axis];
        if (p[i].head >= 0) {  /* heads view */
            head_title(s, &p[i], title, sizeof title);
            draw_panel(&d, title, (uint32_t)p[i].head == s->head);
            continue;
        }
        if (p[i].source == PANEL_A) {
            if (s->compare && s->b)
                snprintf(title, sizeof title, "A %s%s%s", view_trace_label(s, s->a), pt[0] ? "  " : "", pt);
            else if (pt[0])
                snprintf(title, sizeof title, "%s  (%s x %s)", pt, rows_name, cols_name);
            else if (curve_is_column(r))
                view_format(title, sizeof title, s->lang, WORD_CURVE_TITLE, cols_name);
            else if (c->pg.row_axis >= 0)
                snprintf(title, sizeof title, "%s x %s", rows_name, cols_name);
            else
                snprintf(title, sizeof title, "%s", cols_name);
            draw_panel(&d, title, false);
            continue;
        }
        if (p[i].source == PANEL_B) {
            if (!cb) {
                snprintf(title, sizeof title, "B %s", view_trace_label(s, s->b));
                draw_note(s, &p[i], title, view_word(s->lang, WORD_NOTE_NOT_IN_B));
                continue;
            }
            if (!cb->ok) {
                draw_note(s, &p[i], view_word(s->lang, WORD_NOTE_B_UNREADABLE), cb->err.msg);
                continue;
            }
            char ptb[160];
            export_pages_title(&cb->tr.rec, &cb->pg, p[i].page, ptb, sizeof ptb);
            snprintf(title, sizeof title, "B %s%s%s", view_trace_label(s, s->b), ptb[0] ? "  " : "", ptb);
            PanelDraw db = d;
            db.rec = &cb->tr.rec;
            db.pg = &cb->pg;
            db.src.a = export_pages_data(&cb->tr.rec, &cb->pg, p[i].page);
            db.src.mask = mask_page(s, s->mask_rec_b >= 0 ? cache_find(&s->cache, s->b, (uint32_t)s->mask_rec_b) : NULL,
                                    &p[i]);
            if (!s->cmp.same_shape)
                db.scale = view_scale(s, cb);
            draw_panel(&db, title, false);
            continue;
        }
        /* A − B */
        if (!cb || !cb->ok) {
            draw_note(s, &p[i], "A - B", view_word(s->lang, WORD_NOTE_NOTHING_TO_SUBTRACT));
            continue;
        }
        if (!s->cmp.same_shape) {
            char sa[160], sb[160], note[400];
            export_shape_text(r, sa, sizeof sa);
            export_shape_text(&cb->tr.rec, sb, sizeof sb);
            view_format(note, sizeof note, s->lang, WORD_NOTE_SHAPES_DIFFER, sa, sb);
            draw_note(s, &p[i], "A - B", note);
            continue;
        }
        snprintf(title, sizeof title, "A - B  max |A-B| %.3g", (double)s->cmp.max_abs);
        PanelDraw dd = d;
        dd.src.b = export_pages_data(&cb->tr.rec, &cb->pg, p[i].page);
        dd.src.mask = NULL;
        dd.scale = palette_scale_diverging(s->cmp.max_abs);
        draw_panel(&dd, title, false);
    }
    draw_legend(s, l, p, n, &sc, c);
}
