/* draw_info.c — the info pane: what the current record is, its shape,
 * formula and description, its values, the value under the cursor with
 * its tokens (for a vocabulary-wide record, the token's rank in its row
 * and where the row's target or chosen token ranks), and where an
 * attention block's Q, K and V came from (a lesson's narration has its
 * own pane: draw_narration.c). Most important first, so a short pane cuts
 * the least important lines. */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "trace/export.h"
#include "view/compare.h"
#include "view/curve.h"
#include "view/draw.h"
#include "view/numfmt.h"
#include "view/paint.h"
#include "view/quiz.h"
#include "view/stats.h"
#include "view/text.h"
#include "view/words.h"

#define HEAD_W 9  /* "formula  " */

typedef struct {
    const ViewState *s;
    int y, y_end, x, w;
} Lines;

/* "heading  text", the text wrapped under itself. Returns false when the
 * pane is full. */
static bool field(Lines *L, const char *heading, const char *text, Role role)
{
    if (L->y >= L->y_end)
        return false;
    int tw = L->w - HEAD_W;
    if (tw < 8) {  /* too narrow for headings: text only */
        tw = L->w;
        heading = NULL;
    }
    if (heading) {
        paint_role(L->s, ROLE_HEADING);
        paint_text(L->s, L->y, L->x, heading, HEAD_W - 1);
    }
    int tx = heading ? L->x + HEAD_W : L->x;
    size_t off = 0, next;
    bool first = true;
    do {
        if (L->y >= L->y_end)
            return false;
        size_t len = text_wrap(text + off, tw, !L->s->theme.utf8, &next);
        if (len == 0 && !first)
            break;
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)len, text + off);
        paint_role(L->s, role);
        paint_text(L->s, L->y, tx, line, tw);
        L->y++;
        off += next;
        first = false;
    } while (text[off]);
    return true;
}

/* "query 猫 (0), key 老鼠 (2)" for the cursor of record r. */
static void cursor_place(const ViewState *s, const Record *r, const RecordPages *pg, size_t page, char *buf,
                         size_t cap)
{
    char rowpart[200] = "";
    const char *col_name = r->dim_names[pg->col_axis][0] ? r->dim_names[pg->col_axis] : "col";
    if (curve_is_column(r)) {  /* one axis, down the screen: "step 51 (50)" */
        const char *rl = curve_row_label(r, s->row);
        if (rl)
            snprintf(buf, cap, "%s %s (%u)", col_name, rl, s->row);
        else
            snprintf(buf, cap, "%s %u", col_name, s->row);
        return;
    }
    if (pg->row_axis >= 0 && !pg->batch_rows) {
        const char *row_name = r->dim_names[pg->row_axis][0] ? r->dim_names[pg->row_axis] : "row";
        const char *rl = export_pages_row_label(r, pg, page, s->row);
        if (rl)
            snprintf(rowpart, sizeof rowpart, "%s %s (%u), ", row_name, rl, s->row);
        else
            snprintf(rowpart, sizeof rowpart, "%s %u, ", row_name, s->row);
    }
    const char *cl = export_pages_col_label(r, pg, page, s->col);
    const TopkView *t = &s->topk;
    if (cl && t->active && s->col < t->k) {  /* the token's own index, and its rank in the row */
        char rank[80];
        view_format(rank, sizeof rank, s->lang, WORD_TOPK_RANK, t->ids[s->col], s->col + 1);
        snprintf(buf, cap, "%s%s %s%s", rowpart, col_name, cl, rank);
    } else if (cl)
        snprintf(buf, cap, "%s%s %s (%u)", rowpart, col_name, cl, s->col);
    else
        snprintf(buf, cap, "%s%s %u", rowpart, col_name, s->col);
}

static bool is_probability(const Record *r)
{
    return record_kind_is_distribution(record_kind_of(r->kind));
}

static void cursor_lines(Lines *L, const CachedRecord *c)
{
    const ViewState *s = L->s;
    const Record *r = &c->tr.rec;
    const RecordPages *pg = &c->pg;
    size_t page = view_page(s, r, pg);
    const float *m = export_pages_data(r, pg, page);
    float v = m[(size_t)s->row * pg->cols + s->col];
    char place[300], val[64], text[700];
    cursor_place(s, r, pg, page, place, sizeof place);
    numfmt_exact(val, sizeof val, v);

    if (s->heads) {
        /* The same cell in every head. */
        int ha = view_axis(r, pg, "head");
        size_t o = (size_t)snprintf(text, sizeof text, "%s:", place);
        for (uint32_t h = 0; ha >= 0 && h < r->dims[ha] && o < sizeof text; h++) {
            const float *mh = export_pages_data(r, pg, view_page_at(r, pg, h, s->batch));
            char hv[32];
            numfmt_exact(hv, sizeof hv, mh[(size_t)s->row * pg->cols + s->col]);
            o += (size_t)snprintf(text + o, sizeof text - o, " h%u %.6s", h, hv);
        }
        field(L, view_word(s->lang, WORD_CURSOR), text, ROLE_VALUE);
        return;
    }
    const CachedRecord *cb = view_current_b(s);
    if (s->compare && cb && cb->ok && s->cmp.same_shape) {
        const float *mb = export_pages_data(&cb->tr.rec, &cb->pg, page);
        float vb = mb[(size_t)s->row * pg->cols + s->col];
        char bv[64], dv[64];
        numfmt_exact(bv, sizeof bv, vb);
        numfmt_exact(dv, sizeof dv, compare_diff(v, vb));
        snprintf(text, sizeof text, "%s: A %s  B %s  A-B %s", place, val, bv, dv);
        field(L, view_word(s->lang, WORD_CURSOR), text, ROLE_VALUE);
        return;
    }
    int n = snprintf(text, sizeof text, "%s = %s", place, val);
    uint32_t pr = s->pool_r, pc = s->pool_c;
    if ((pr > 1 || pc > 1) && n > 0 && (size_t)n < sizeof text) {
        float mean = stats_pool(m, pg->rows, pg->cols, s->row, s->row + pr, s->col, s->col + pc);
        char mv[64];
        numfmt_exact(mv, sizeof mv, mean);
        n += view_format(text + n, sizeof text - (size_t)n, s->lang, WORD_POOL_MEAN, pr, pc, mv);
    }
    if (is_probability(r) && n > 0 && (size_t)n < sizeof text) {
        /* the sum of the whole row, not of the top k on screen */
        const CachedRecord *full = view_current_full(s);
        const Record *fr = full && full->ok ? &full->tr.rec : r;
        const RecordPages *fpg = full && full->ok ? &full->pg : pg;
        const float *fm = export_pages_data(fr, fpg, page);
        view_format(text + n, sizeof text - (size_t)n, s->lang, WORD_ROW_SUM,
                    stats_row_sum(fm + (size_t)s->row * fpg->cols, fpg->cols));
    }
    field(L, view_word(s->lang, WORD_CURSOR), text, ROLE_VALUE);
}

void draw_info(const ViewState *s, const ScreenLayout *l)
{
    const Rect *r = &l->info;
    const CachedRecord *c = view_current(s);
    if (r->h < 2 || !c)
        return;
    bool right = r->x > l->matrix.x;  /* the info pane beside the matrix */
    if (right)
        paint_vline(s, ROLE_BORDER, r->y, r->x - 1, r->h);
    paint_hline(s, ROLE_BORDER, r->y, r->x, r->w);
    paint_role(s, ROLE_PANE_TITLE);
    paint_text(s, r->y, r->x + 1, view_word(s->lang, WORD_INFO), r->w - 2);
    ViewLang g = s->lang;

    Lines L = {s, r->y + 1, r->y + r->h, r->x + 1, r->w - 2};
    char text[1200];
    const char *name = view_name(s, s->cur);
    if (!c->ok) {
        field(&L, view_word(g, WORD_RECORD), name, ROLE_VALUE);
        field(&L, view_word(g, WORD_ERROR), c->err.msg, ROLE_ERROR);
        return;
    }
    const Record *rec = &c->tr.rec;
    int o = snprintf(text, sizeof text, "%s", name);
    if (o > 0 && (size_t)o < sizeof text)
        view_format(text + o, sizeof text - (size_t)o, g, WORD_EXEC_KIND, rec->exec_index,
                    rec->kind[0] ? rec->kind : "-");
    if (!field(&L, view_word(g, WORD_NAME), text, ROLE_VALUE))
        return;

    char shape[200], pt[160];
    const CachedRecord *full = view_current_full(s);
    export_shape_text(full && full->ok ? &full->tr.rec : rec, shape, sizeof shape);
    export_pages_title(rec, &c->pg, view_page(s, rec, &c->pg), pt, sizeof pt);
    o = snprintf(text, sizeof text, "%s", shape);
    if (pt[0] && !s->heads && o > 0 && (size_t)o < sizeof text)
        o += view_format(text + o, sizeof text - (size_t)o, g, WORD_SHOWING, pt);
    if (s->topk.active && o > 0 && (size_t)o < sizeof text) {  /* "top 12 of 1783 tokens, by row 3" */
        if (c->pg.rows > 1)
            view_format(text + o, sizeof text - (size_t)o, g, WORD_TOPK_SHOWN, s->topk.k, s->topk.n, s->topk.row);
        else
            view_format(text + o, sizeof text - (size_t)o, g, WORD_TOPK_SHOWN_ONE, s->topk.k, s->topk.n);
    }
    if (!field(&L, view_word(g, WORD_SHAPE), text, ROLE_NORMAL))
        return;
    if (view_quiz_hides(s)) {  /* a question first: not even the cursor's value */
        field(&L, view_word(g, WORD_VALUES), view_word(g, WORD_Q_HIDDEN_TITLE), ROLE_DIM);
        return;
    }

    cursor_lines(&L, c);
    const TopkView *t = &s->topk;
    if (t->active && t->has_target && full && full->ok) {  /* where the right token ranks */
        char v[48];
        const char *lab = export_pages_col_label(&full->tr.rec, &full->pg, t->page, t->target_id);
        numfmt_exact(v, sizeof v, t->target_value);
        view_format(text, sizeof text, g, WORD_TARGET_LINE, lab ? lab : "?", t->target_id, t->target_rank + 1, t->n, v);
        if (!field(&L, view_word(g, t->target_chosen ? WORD_CHOSEN : WORD_TARGET), text, ROLE_VALUE))
            return;
    }
    if (rec->formula[0] && !field(&L, view_word(g, WORD_FORMULA), rec->formula, ROLE_NORMAL))
        return;
    if (rec->description[0] && !field(&L, view_word(g, WORD_WHAT), rec->description, ROLE_NORMAL))
        return;

    const ValueStats *st = &c->stats;
    char mn[32], mx[32];
    numfmt_exact(mn, sizeof mn, st->min);
    numfmt_exact(mx, sizeof mx, st->max);
    int n = st->n_finite ? view_format(text, sizeof text, g, WORD_MIN_MAX_MEAN, mn, mx, st->mean)
                         : snprintf(text, sizeof text, "%s", view_word(g, WORD_NO_FINITE));
    if (st->n_neg_inf && n > 0)
        n += snprintf(text + n, sizeof text - (size_t)n, "  -inf x%zu", st->n_neg_inf);
    if ((st->n_pos_inf || st->n_nan) && n > 0)
        snprintf(text + n, sizeof text - (size_t)n, "  +inf x%zu  nan x%zu", st->n_pos_inf, st->n_nan);
    if (!field(&L, view_word(g, WORD_VALUES), text, ROLE_NORMAL))
        return;

    if (s->compare && s->b) {
        const CachedRecord *cb = view_current_b(s);
        if (!cb)
            view_format(text, sizeof text, g, WORD_B_MISSING, view_trace_label(s, s->b), name);
        else if (!cb->ok)
            view_format(text, sizeof text, g, WORD_B_UNREADABLE, cb->err.msg);
        else if (!s->cmp.same_shape) {
            char sb[120];
            export_shape_text(&cb->tr.rec, sb, sizeof sb);
            view_format(text, sizeof text, g, WORD_B_OTHER_SHAPE, name, sb);
        } else if (s->cmp.n_differ == 0)
            snprintf(text, sizeof text, "%s", view_word(g, WORD_B_IDENTICAL));
        else
            view_format(text, sizeof text, g, WORD_B_DIFFER, s->cmp.n_differ,
                        record_numel(rec), (double)s->cmp.max_abs);
        if (!field(&L, view_word(g, WORD_A_VS_B), text, ROLE_NORMAL))
            return;
        /* how B's cells were paired with A's */
        const AlignedRecord *al = &s->aligned;
        text[0] = '\0';
        if (al->kind == ALIGN_PERMUTED)
            snprintf(text, sizeof text, "%s",
                     view_word(g, al->rows && al->cols ? WORD_PAIRED_BOTH : al->rows ? WORD_PAIRED_ROWS : WORD_PAIRED_COLS));
        else if (al->kind == ALIGN_IMPOSSIBLE && cb && cb->ok)
            view_format(text, sizeof text, g, WORD_PAIRED_BY_POSITION, al->why);
        if (text[0] && !field(&L, view_word(g, WORD_PAIRED), text, ROLE_NORMAL))
            return;
    }
    if (rec->q_source || rec->kv_source) {
        view_format(text, sizeof text, g, WORD_QK_SOURCES,
                    rec->q_source ? rec->q_source : "-", rec->kv_source ? rec->kv_source : "-");
        if (!field(&L, view_word(g, WORD_SOURCE), text, ROLE_NORMAL))
            return;
    }
}
