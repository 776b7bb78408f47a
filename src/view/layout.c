/* layout.c — panes, panels and cell geometry from the state. */
#include "view/layout.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "trace/export.h"
#include "view/curve.h"
#include "view/markdown.h"
#include "view/present.h"
#include "view/text.h"

#define STEPS_MIN_SCREEN 80   /* narrower screens drop the steps pane */
#define INFO_RIGHT_SCREEN 140 /* wider ones put the info pane on the right */
#define NARR_RIGHT_SCREEN 100 /* narration beside the matrix from here, else below it */
#define ROW_LABEL_MAX 12
#define LABEL_CELL_MAX 8      /* a token label widens its cells up to this */
#define CELL_MAX 10           /* cells grow to this whenever there is room */
#define CELL_BIG 24           /* and small matrices further, to about square cells */
#define CURVE_BAR_MAX 60      /* the widest bar of a column curve */

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static uint32_t ceil_div(uint32_t a, uint32_t b)
{
    return b ? (a + b - 1) / b : a;
}

void layout_claims(const ViewState *s, ClaimsGeometry *g)
{
    memset(g, 0, sizeof *g);
    bool ascii = !s->theme.utf8;
    g->w = s->cols - 4 < 96 ? s->cols - 4 : 96;
    g->tw = g->w - 4 - 6;
    if (g->tw < 8)
        return;
    for (int i = 0; i < s->run.n_claims; i++)
        g->need += text_lines(view_claim_text(s, i), g->tw, ascii, NULL, 0) + (s->run.claims[i].measured[0] ? 1 : 0) +
                   view_claim_starts_facts(s, i);  /* the facts' header */
    int extra = 2 + (s->run.settings[0] ? 1 : 0);  /* the borders (the hint sits on the lower one), the settings */
    g->h = g->need + extra;
    if (g->h > s->lines - 2)
        g->h = s->lines - 2;
    g->y0 = s->lines - 1 - g->h;
    g->x0 = (s->cols - g->w) / 2;
    g->max_top = g->need - (g->h - extra);
    if (g->max_top < 0)
        g->max_top = 0;
}

/* The matrix and the info pane in the area (y, x, h, w): info below, or
 * on the right when the area is wide. */
static void matrix_and_info(ScreenLayout *l, int y, int x, int h, int w)
{
    if (w >= INFO_RIGHT_SCREEN) {
        int iw = 46;
        l->matrix = (Rect){y, x, h, w - iw - 1};
        l->info = (Rect){y, x + w - iw, h, iw};
    } else {
        int ih = clampi(h * 2 / 5, 5, 11);
        l->matrix = (Rect){y, x, h - ih, w};
        l->info = (Rect){y + h - ih, x, ih, w};
    }
}

void layout_screen(const ViewState *s, ScreenLayout *l)
{
    memset(l, 0, sizeof *l);
    if (s->lines < VIEW_MIN_LINES || s->cols < VIEW_MIN_COLS) {
        l->too_small = true;
        return;
    }
    if (s->present && s->narration.lookup) {
        present_layout(s, l);
        return;
    }
    l->title = (Rect){0, 0, 1, s->cols};
    l->status = (Rect){s->lines - 1, 0, 1, s->cols};
    int body_y = 1, body_h = s->lines - 2, x = 0;
    if (s->narration.lookup) {
        if (s->cols >= NARR_RIGHT_SCREEN) {
            /* Narration on the right, the whole height: it is what a
             * student reads at every step. */
            int nw = clampi(s->cols * 3 / 10, 32, 56);
            int left = s->cols - nw - 1;
            l->narr = (Rect){body_y, s->cols - nw, body_h, nw};
            if (left >= STEPS_MIN_SCREEN) {
                int sw = clampi(left / 4, 24, 30);
                l->steps = (Rect){body_y, 0, body_h, sw};
                x = sw + 1;
            }
            matrix_and_info(l, body_y, x, body_h, left - x);
        } else {
            /* Narrow: matrix, narration, info, one above the other; the
             * steps pane gives way (N and P walk the lesson). */
            int ih = clampi(body_h / 4, 3, 7);
            int nh = clampi(body_h / 3, 4, 12);
            while (body_h - ih - nh < 5 && ih > 3)
                ih--;
            while (body_h - ih - nh < 5 && nh > 3)
                nh--;
            int mh = body_h - ih - nh;
            l->matrix = (Rect){body_y, 0, mh, s->cols};
            l->narr = (Rect){body_y + mh, 0, nh, s->cols};
            l->info = (Rect){body_y + mh + nh, 0, ih, s->cols};
        }
    } else {
        if (s->cols >= STEPS_MIN_SCREEN) {
            int sw = clampi(s->cols / 4, 24, 34);
            l->steps = (Rect){body_y, 0, body_h, sw};
            x = sw + 1;  /* one column of border */
        }
        matrix_and_info(l, body_y, x, body_h, s->cols - x);
    }
    l->panels = (Rect){l->matrix.y + 1, l->matrix.x, l->matrix.h - 2, l->matrix.w};
}

void layout_narration(const ViewState *s, const ScreenLayout *l, NarrationGeometry *g)
{
    if (s->present && s->narration.lookup) {
        present_layout_narration(s, l, g);
        return;
    }
    memset(g, 0, sizeof *g);
    g->foot_y = -1;
    const Rect *r = &l->narr;
    if (r->w <= 0 || r->h < 2)
        return;
    g->x = r->x + 1;  /* a column of margin each side */
    g->w = r->w - 2;
    if (g->w < 4)
        g->w = r->w;
    bool ascii = !s->theme.utf8;
    int rows = r->h - 1, y = r->y + 1;
    if (s->rerun.run && rows >= 4) {  /* the footer: the run and its claims */
        g->foot_y = r->y + r->h - 1;
        rows--;
    }
    ViewGuideStep st;
    if (!s->show_intro && view_guide_current(s, &st) && st.note && st.note[0]) {
        int n = text_lines(st.note, g->w, ascii, NULL, 0);
        int most = rows >= 6 ? 3 : rows >= 3 ? 1 : 0;
        g->note_rows = n < most ? n : most;
        g->note_y = y;
        /* a blank line between the note and the text, when there is room */
        int used = g->note_rows ? g->note_rows + (rows >= 8 ? 1 : 0) : 0;
        y += used;
        rows -= used;
    }
    bool fb;
    const char *text = view_narration_text(s, &fb);
    g->text_y = y;
    g->text_rows = rows > 0 ? rows : 0;
    g->n_lines = text ? markdown_lines(text, g->w, ascii, NULL, 0, NULL, 0) + (fb ? 1 : 0) : 1;
}

int layout_steps_rows(const ScreenLayout *l)
{
    return l->steps.w > 0 ? l->steps.h - 1 : 0;
}

/* ---- one panel ---- */

/* The record's name for an index, or the index itself in buf. */
static const char *label_or_index(const char *lab, uint32_t index, char *buf, size_t cap)
{
    if (lab)
        return lab;
    snprintf(buf, cap, "%u", index);
    return buf;
}

const char *layout_row_label(const Record *r, const RecordPages *pg, size_t page, uint32_t i, char *buf,
                             size_t cap)
{
    if (curve_is_column(r))  /* its steps down the side */
        return label_or_index(curve_row_label(r, i), i, buf, cap);
    return label_or_index(export_pages_row_label(r, pg, page, i), i, buf, cap);
}

const char *layout_col_label(const Record *r, const RecordPages *pg, size_t page, uint32_t j, char *buf,
                             size_t cap)
{
    return label_or_index(export_pages_col_label(r, pg, page, j), j, buf, cap);
}

/* Widest row label of the page (0 when the rows are not labelled at all:
 * a 1-D record or one sentence of a batch is a single unnamed row). */
static int row_label_width(const Record *r, const RecordPages *pg, size_t page, bool ascii)
{
    if ((r->ndim == 1 && !curve_is_column(r)) || pg->batch_rows)
        return 0;
    int w = 0;
    char buf[24];
    for (uint32_t i = 0; i < pg->rows && w < ROW_LABEL_MAX; i++) {
        int lw = text_width(layout_row_label(r, pg, page, i, buf, sizeof buf), ascii);
        w = lw > w ? lw : w;
    }
    return w < ROW_LABEL_MAX ? w : ROW_LABEL_MAX;
}

/* Widest column label (tokens); 0 when the columns are not labelled. */
static int col_label_width(const Record *r, const RecordPages *pg, size_t page, bool ascii)
{
    if (!r->col_labels || curve_is_column(r))  /* a column curve's labels are its rows' */
        return 0;
    int w = 0;
    for (uint32_t j = 0; j < pg->cols && w < CELL_MAX; j++) {
        const char *lab = export_pages_col_label(r, pg, page, j);
        int lw = lab ? text_width(lab, ascii) : 0;
        w = lw > w ? lw : w;
    }
    return w;
}

static bool is_whole(const CachedRecord *c)
{
    return record_kind_is_whole(record_kind_of(c->tr.rec.kind));
}

/* Columns per cell with numbers: the widest number and a column of gap.
 * This is the compact width that decides whether numbers fit; token
 * labels above narrower cells are cut by display width. */
static int number_cell_width(const NumberFormat *nf)
{
    return nf->width + 1;
}

/* Whether a rows × cols page shows whole, with numbers, in lines × width
 * cells (width after the row labels). */
static bool numbers_fit(uint32_t rows, uint32_t cols, int lines, int width, int cw_num)
{
    return rows <= (uint32_t)(lines > 0 ? lines : 0) && (long)cols * cw_num <= width;
}

/* Row labels and a column of border beside them. */
static int label_cols(int lw)
{
    return lw + (lw ? 1 : 0);
}

/* Geometry of panel p (r, page, rows, cols set) for record c. fit: choose
 * the pooling that shows the whole page (heads view); else the state's
 * zoom and scroll. */
static void fit_panel(const ViewState *s, const CachedRecord *c, Panel *p, bool fit, const ValueStats *st)
{
    const Record *r = &c->tr.rec;
    bool ascii = !s->theme.utf8;
    bool column = curve_is_column(r);
    p->nf = column ? curve_numfmt(st, c->whole) : numfmt_for(st, is_whole(c));
    int avail_h = p->r.h - 1;
    p->hdr = avail_h >= 3 && !column ? 1 : 0;  /* a column curve's one column needs no heading */
    int lines = avail_h - p->hdr;
    if (lines < 1)
        lines = 1;
    int lw = row_label_width(r, &c->pg, p->page, ascii);
    if (lw > p->r.w / 3)
        lw = p->r.w / 3;
    if (fit && p->r.w < 24)
        lw = 0;  /* a small head's panel: the cells matter more than labels cut to "…" */
    int clw = col_label_width(r, &c->pg, p->page, ascii);
    int cw_num = number_cell_width(&p->nf);
    int cw_lab = clw ? (clw < LABEL_CELL_MAX ? clw : LABEL_CELL_MAX) + 1 : 0;
    int full_w = p->r.w - label_cols(lw);

    /* Numbers: always when asked, when the whole page fits with them when
     * automatic, never when pooled (a mean is not a value of the record). */
    bool pooled = !fit && (s->pool_r > 1 || s->pool_c > 1);
    /* A curve is read a row (a step) at a time, like a table: numbers
     * when its columns fit across, however many rows scroll below. */
    uint32_t rows_seen = curve_is_curve(r) && p->rows > (uint32_t)lines ? (uint32_t)lines : p->rows;
    bool fits_num = numbers_fit(rows_seen, p->cols, lines, full_w, cw_num);
    switch (s->numbers) {
    case NUMBERS_ON: p->numbers = !pooled && (!fit || fits_num); break;
    case NUMBERS_OFF: p->numbers = false; break;
    default: p->numbers = !pooled && fits_num; break;
    }
    bool half_ok = s->theme.color && s->theme.utf8 && !p->numbers && !column;  /* a bar a line */

    if (fit) {
        uint32_t rows_cap = (uint32_t)lines * (half_ok ? 2u : 1u);
        p->pr = ceil_div(p->rows, rows_cap);
    } else {
        p->pr = s->pool_r ? s->pool_r : 1;
        p->pc = s->pool_c ? s->pool_c : 1;
    }
    if (p->pr < 1)
        p->pr = 1;
    p->R = ceil_div(p->rows, p->pr);
    p->half = half_ok && p->R > (uint32_t)lines;
    p->label_w = p->half && lw ? (2 * lw + 1 < ROW_LABEL_MAX + 2 ? 2 * lw + 1 : ROW_LABEL_MAX + 2) : lw;
    if (p->label_w > p->r.w / 3)
        p->label_w = p->r.w / 3;
    int avail_w = p->r.w - label_cols(p->label_w);
    if (avail_w < 1)
        avail_w = 1;
    if (fit)
        p->pc = ceil_div(p->cols, (uint32_t)avail_w);
    if (p->pc < 1)
        p->pc = 1;
    p->C = ceil_div(p->cols, p->pc);

    if (p->numbers) {
        /* The compact width, so forced numbers show as many columns as
         * fit; the labels' width when every column still fits with it. */
        p->cw = cw_lab > cw_num && (long)p->C * cw_lab <= avail_w ? cw_lab : cw_num;
    } else {
        int want = clw ? clampi(clw + 1, 2, LABEL_CELL_MAX) : 2;
        p->cw = (long)p->C * want <= avail_w ? want : clampi(avail_w / (int)p->C, 1, want);
    }
    /* Room left over goes to the cells: up to CELL_MAX columns, and for
     * small matrices, which have lines to spare, on towards square cells
     * (a terminal cell is about twice as tall as wide), so a 3 × 3 fills
     * the pane instead of a corner of it. */
    int lines_per_row = p->half ? 1 : lines / (int)(p->R ? p->R : 1);
    int most = clampi(2 * lines_per_row + 2, CELL_MAX, CELL_BIG);
    p->rh = 1;
    if (column) {
        /* One line a step, the cell as wide as its number, and the room
         * left to the bar (a bar wider than ~60 columns says no more). */
        p->bar_w = clampi(avail_w - p->cw - 1, 0, CURVE_BAR_MAX);
    } else {
        while (p->cw < most && (long)p->C * (p->cw + 1) <= avail_w)
            p->cw++;
        if (!p->half)
            p->rh = clampi(lines_per_row, 1, p->cw / 2 > 1 ? p->cw / 2 : 1);
    }

    if (fit) {
        p->top = p->left = 0;
    } else {
        p->top = s->top < p->R ? s->top : p->R - 1;
        p->left = s->left < p->C ? s->left : p->C - 1;
    }
    p->cap_r = p->half ? (uint32_t)lines * 2 : (uint32_t)(lines / p->rh);
    if (p->cap_r < 1)
        p->cap_r = 1;
    p->vr = p->R - p->top < p->cap_r ? p->R - p->top : p->cap_r;
    p->cap_c = (uint32_t)(avail_w / p->cw);
    if (p->cap_c < 1)
        p->cap_c = 1;
    p->vc = p->C - p->left < p->cap_c ? p->C - p->left : p->cap_c;
    p->cy = p->r.y + 1 + p->hdr;
    p->cx = p->r.x + label_cols(p->label_w);
}

static Panel base_panel(Rect r, PanelSource src, const CachedRecord *c, size_t page, int head)
{
    Panel p;
    memset(&p, 0, sizeof p);
    p.r = r;
    p.source = src;
    p.page = page;
    p.head = head;
    p.rows = (uint32_t)c->pg.rows;
    p.cols = (uint32_t)c->pg.cols;
    return p;
}

/* Heads: the grid (columns × rows of panels) that gives each head the most
 * room — first one where every head shows its numbers, then the largest
 * cells (a square cell is two columns by one line). */
static void head_grid(const Rect *area, int n, uint32_t rows, uint32_t cols, int cw_num, int label_w,
                      int *gc, int *gr)
{
    double best = -1;
    bool best_num = false;
    *gc = 1;
    *gr = n;
    for (int k = 1; k <= n; k++) {
        int nr = (n + k - 1) / k;
        int pw = (area->w - (k - 1)) / k, ph = area->h / nr;
        if (pw < 10 || ph < 3)
            continue;
        int cells_w = pw - label_cols(label_w), lines = ph - 2;
        bool num = numbers_fit(rows, cols, lines, cells_w, cw_num);
        double sc = fmin((double)cells_w / cols / 2.0, (double)lines * 2.0 / rows / 2.0);
        if ((num && !best_num) || (num == best_num && sc > best + 1e-9)) {
            best = sc;
            best_num = num;
            *gc = k;
            *gr = nr;
        }
    }
}

int layout_panels(const ViewState *s, const ScreenLayout *l, Panel *out, int max)
{
    const CachedRecord *c = view_current(s);
    if (l->too_small || !c || !c->ok || max < 1 || l->panels.h < 2)
        return 0;
    const Record *r = &c->tr.rec;
    const RecordPages *pg = &c->pg;
    size_t page = view_page(s, r, pg);
    int head_axis = view_axis(r, pg, "head");

    if (s->heads && head_axis >= 0) {
        int n = (int)r->dims[head_axis];
        if (n > max)
            n = max;
        int gc, gr;
        NumberFormat nf = numfmt_for(&c->stats, is_whole(c));
        int cw_num = number_cell_width(&nf);
        int lw = row_label_width(r, pg, page, !s->theme.utf8);
        if (s->numbers == NUMBERS_OFF)
            cw_num = 1 << 20;  /* numbers are off: only the cell size counts */
        head_grid(&l->panels, n, (uint32_t)pg->rows, (uint32_t)pg->cols, cw_num, lw, &gc, &gr);
        int pw = (l->panels.w - (gc - 1)) / gc, ph = l->panels.h / gr;
        for (int h = 0; h < n; h++) {
            Rect pr = {l->panels.y + (h / gc) * ph, l->panels.x + (h % gc) * (pw + 1), ph, pw};
            size_t pgi = view_page_at(r, pg, (uint32_t)h, s->batch);
            out[h] = base_panel(pr, PANEL_A, c, pgi, h);
            fit_panel(s, c, &out[h], true, &c->stats);
        }
        return n;
    }

    /* Records of different shapes are not a comparison: A alone, and the
     * info pane gives B's shape. */
    const CachedRecord *cb_any = view_current_b(s);
    bool other_shape = cb_any && cb_any->ok && !s->cmp.same_shape;
    if (s->compare && s->b && max >= 3 && !other_shape) {
        /* Side by side or one above the other: first the way that shows
         * the whole page with numbers (unless they are off), then side by
         * side when the columns fit across as coloured cells. */
        int pw = (l->panels.w - 2) / 3;
        int ph = l->panels.h / 3;
        ValueStats all = c->stats;
        const CachedRecord *cb = view_current_b(s);
        bool same = cb && cb->ok && s->cmp.same_shape;
        if (same) {
            all.min = fminf(fminf(all.min, cb->stats.min), -s->cmp.max_abs);
            all.max = fmaxf(fmaxf(all.max, cb->stats.max), s->cmp.max_abs);
            all.n_neg_inf += cb->stats.n_neg_inf;
        }
        NumberFormat nf = numfmt_for(&all, is_whole(c));
        int cw_num = number_cell_width(&nf);
        int lw = row_label_width(r, pg, page, !s->theme.utf8);
        uint32_t rows = (uint32_t)pg->rows, cols = (uint32_t)pg->cols;
        bool side_num = numbers_fit(rows, cols, l->panels.h - 2, pw - label_cols(lw < pw / 3 ? lw : pw / 3), cw_num);
        bool stack_num = ph >= 3 && numbers_fit(rows, cols, ph - 2, l->panels.w - label_cols(lw), cw_num);
        bool stacked;
        if (s->numbers != NUMBERS_OFF && (side_num || stack_num))
            stacked = !side_num;
        else
            stacked = (long)cols * 2 + 8 > pw && ph >= (int)rows + 2 && ph >= 3;
        Rect rects[3];
        for (int k = 0; k < 3; k++)
            rects[k] = stacked ? (Rect){l->panels.y + k * ph, l->panels.x, ph, l->panels.w}
                               : (Rect){l->panels.y, l->panels.x + k * (pw + 1), l->panels.h, pw};
        /* One geometry for all three, so scrolling and the cursor agree,
         * with numbers wide enough for A, B and their difference. */
        out[0] = base_panel(rects[0], PANEL_A, c, page, -1);
        fit_panel(s, c, &out[0], false, &all);
        for (int k = 1; k < 3; k++) {
            out[k] = out[0];
            out[k].r = rects[k];
            out[k].source = (PanelSource)k;
            out[k].cy = rects[k].y + 1 + out[k].hdr;
            out[k].cx = rects[k].x + out[k].label_w + (out[k].label_w ? 1 : 0);
        }

        return 3;
    }

    out[0] = base_panel(l->panels, PANEL_A, c, page, -1);
    fit_panel(s, c, &out[0], false, &c->stats);
    if (s->present)
        present_centre_panel(s, &out[0]);
    return 1;
}

bool layout_hit(const Panel *p, int y, int x, uint32_t *row, uint32_t *col)
{
    if (y < p->cy || x < p->cx)
        return false;
    uint32_t dy = (uint32_t)(y - p->cy), dx = (uint32_t)(x - p->cx);
    uint32_t pr = p->half ? dy * 2 : dy / (uint32_t)(p->rh > 0 ? p->rh : 1);
    uint32_t pc = dx / (uint32_t)(p->cw > 0 ? p->cw : 1);
    if (pr >= p->vr || pc >= p->vc)
        return false;
    *row = (p->top + pr) * p->pr;
    *col = (p->left + pc) * p->pc;
    if (*row >= p->rows || *col >= p->cols)
        return false;
    return true;
}

bool layout_first_panel(const ViewState *s, Panel *out)
{
    ScreenLayout l;
    Panel p[LAYOUT_MAX_PANELS];
    layout_screen(s, &l);
    if (layout_panels(s, &l, p, LAYOUT_MAX_PANELS) < 1)
        return false;
    *out = p[0];
    return true;
}
