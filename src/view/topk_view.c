/* topk_view.c — a record thousands of tokens wide, shown as the tokens
 * that matter: by default the k columns with the largest values in the
 * cursor's row, best first, each labelled with its token; t shows every
 * column instead (scrolling, as any wide matrix), and t again comes back.
 *
 * Why the cursor's row and not every row's best together: the question a
 * student brings to dec.probs or gen.S.dec.probs is "what did the model
 * predict here?", and the answer is one row read left to right — 明 0.41,
 * 月 0.12, 光 0.05 — the ranking itself. The other rows show the same
 * tokens' values, so reading down a column answers the next question,
 * "where else was 月 likely?". Moving the cursor to another row ranks
 * again, and the cursor keeps its rank (the best token of each row, one
 * after another, with j and k). The plots, which have no cursor, take
 * the union of every row's best instead (core/topk.h).
 *
 * k is what fits: as many columns as show with their numbers, else as
 * many coloured cells as fit at their labels' width; a vocabulary that
 * fits whole is shown whole, as before, and so is every record in
 * compare and the heads view (B and A − B pair cells by position). The
 * view is a record of its own — the same name, leading axes and rows,
 * the last axis cut to the k tokens — that view_current hands out, so
 * drawing, the cursor, scrolling and the info pane need nothing new;
 * view_current_full is the record as stored. Its values are a copy
 * (pages × rows × k floats), made again when the cursor changes row: a
 * 2000-wide record costs one pass over one row (well under a
 * millisecond).
 *
 * When the trace says which token the row should have predicted
 * (dec.target, teacher forcing) or which one a generation step chose
 * (gen.S.token), the info pane gives that token's rank in the row: the
 * student sees not only what the model liked but how far down the right
 * answer was. */
#include <stdlib.h>
#include <string.h>

#include "core/topk.h"
#include "trace/record_name.h"
#include "view/curve.h"
#include "view/layout.h"
#include "view/state.h"
#include "view/text.h"
#include "view/words.h"

bool view_topk_vocab_axis(const Record *r)
{
    return r->ndim >= 1 && r->dim_names[r->ndim - 1] && strcmp(r->dim_names[r->ndim - 1], "vocab") == 0 &&
           r->col_labels != NULL;
}

void view_topk_drop(ViewState *s)
{
    free(s->topk.data);
    s->topk.data = NULL;
    s->topk.data_cap = 0;
    s->topk.active = false;
}

/* The top-k record of c with the first k of t->ids; false (nothing
 * shown) when its values cannot be held. */
static bool build(ViewState *s, const CachedRecord *c, uint32_t k)
{
    TopkView *t = &s->topk;
    const Record *r = &c->tr.rec;
    size_t lines = c->pg.pages * c->pg.rows, cols = c->pg.cols;  /* every row of every page */
    if (k == 0 || lines > SIZE_MAX / VIEW_TOPK_MAX)
        return false;
    size_t need = lines * k;
    if (need > t->data_cap) {
        float *d = realloc(t->data, need * sizeof *d);
        if (!d)
            return false;
        t->data = d;
        t->data_cap = need;
    }
    for (size_t q = 0; q < lines; q++)
        for (uint32_t j = 0; j < k; j++)
            t->data[q * k + j] = r->data[q * cols + t->ids[j]];
    for (uint32_t j = 0; j < k; j++) {
        const char *lab = export_pages_col_label(r, &c->pg, t->page, t->ids[j]);
        t->labels[j] = lab ? lab : "?";
    }
    CachedRecord *v = &t->shown;
    *v = *c;  /* stats and whole of the whole record: the colour scale and number
                 format are the record's, not its best few's */
    v->axis_labels = NULL;
    v->tr.owned = NULL;
    v->tr.rec.dims[r->ndim - 1] = k;
    v->tr.rec.data = t->data;
    v->tr.rec.col_labels = t->labels;
    v->tr.rec.col_label_sets = 1;  /* one set for every page: the same tokens */
    curve_pages_of(&v->tr.rec, &v->pg);
    t->k = k;
    t->active = true;
    return true;
}

/* The record saying which token row `row` of page `page` of c should
 * have predicted or did choose: X.dec.target for X.dec.probs and
 * X.dec.logits (teacher forcing, training snapshots), gen.S.token for
 * gen.S.dec.probs, gen.S.dec.logits and gen.S.sampling. */
static void find_target(ViewState *s, const CachedRecord *c, size_t page, uint32_t row)
{
    TopkView *t = &s->topk;
    t->has_target = false;
    const char *name = view_name(s, s->cur);
    char want[200];
    size_t n = strlen(name);
    static const char *const ends[] = {"dec.probs", "dec.logits", "sampling"};
    RecordName rn;
    record_name_parse(name, &rn);
    bool gen = rn.gen_step >= 0;
    size_t cut = 0;  /* the prefix before the family: "train.50." */
    bool found = false;
    for (size_t k = 0; k < sizeof ends / sizeof ends[0] && !found; k++) {
        size_t e = strlen(ends[k]);
        found = n >= e && strcmp(name + n - e, ends[k]) == 0 && (n == e || name[n - e - 1] == '.');
        cut = found ? n - e : 0;
    }
    if (!found)
        return;
    if (gen)
        snprintf(want, sizeof want, "gen.%ld.token", rn.gen_step);
    else if (strcmp(name + cut, "sampling") == 0)
        return;
    else
        snprintf(want, sizeof want, "%.*sdec.target", (int)cut, name);
    long i = trace_reader_find(s->a, want);
    if (i < 0 || (uint32_t)i == s->cur)
        return;
    const CachedRecord *tr = cache_fetch(&s->cache, s->a, (uint32_t)i);
    if (!tr->ok)
        return;
    /* [token] or [batch, token]: one id a row of c's pages */
    size_t ids = record_numel(&tr->tr.rec), at = page * c->pg.rows + row;
    if (at >= ids)
        return;
    float v = tr->tr.rec.data[at];
    if (!(v >= 0.0f) || v >= (float)c->pg.cols || v != (float)(uint32_t)v)
        return;
    const float *m = export_pages_data(&c->tr.rec, &c->pg, page) + (size_t)row * c->pg.cols;  /* (V) */
    t->target_id = (uint32_t)v;
    t->target_rank = (uint32_t)topk_rank(m, c->pg.cols, t->target_id);
    t->target_value = m[t->target_id];
    t->target_chosen = gen;
    t->has_target = true;
}

void view_topk_sync(ViewState *s)
{
    TopkView *t = &s->topk;
    t->active = false;
    const CachedRecord *c = cache_find(&s->cache, s->a, s->cur);
    if (!c || !c->ok || t->all || s->heads || (s->compare && s->b) || c->pg.batch_rows || c->pg.cols < 2 ||
        c->pg.rows == 0 || !view_topk_vocab_axis(&c->tr.rec)) {
        t->want_id = -1;
        return;
    }
    /* Every column, when they all fit as readable cells: nothing to choose. */
    uint32_t pool_c = s->pool_c;
    s->pool_c = 1;
    Panel p;
    if (!layout_first_panel(s, &p) || (c->pg.cols <= p.cap_c && p.cw >= 2)) {
        s->pool_c = pool_c;
        t->want_id = -1;
        return;
    }
    const Record *r = &c->tr.rec;
    t->reader = s->a;
    t->index = s->cur;
    t->n = (uint32_t)c->pg.cols;
    t->page = view_page(s, r, &c->pg);
    t->row = s->row < c->pg.rows ? s->row : (uint32_t)c->pg.rows - 1;
    const float *m = export_pages_data(r, &c->pg, t->page);  /* (rows, V) */
    t->ranked = (uint32_t)topk_row(m + (size_t)t->row * c->pg.cols, c->pg.cols, VIEW_TOPK_MAX, t->ids);
    find_target(s, c, t->page, t->row);
    c = cache_find(&s->cache, s->a, s->cur);  /* still held: the cache keeps the most recent */
    if (!c || !c->ok)
        return;

    /* As many as fit with their numbers, else as coloured cells. */
    if (!build(s, c, t->ranked) || !layout_first_panel(s, &p)) {
        t->active = false;
        return;
    }
    /* Coloured cells wide enough for their labels (the widest shown and a
     * column of gap, at least 3 and at most 8, as layout.c widens cells):
     * every column labelled, the point of showing so few. The most that
     * fit at the width their own labels ask for. */
    int avail_cells = p.r.x + p.r.w - p.cx, lab_w = 2;
    uint32_t k_cells = 1;
    for (uint32_t j = 0; j < t->ranked; j++) {
        int w = text_width(t->labels[j], !s->theme.utf8);
        lab_w = w > lab_w ? w : lab_w;
        int cell = lab_w + 1 > 8 ? 8 : lab_w + 1;
        if ((long)(j + 1) * cell > avail_cells)
            break;
        k_cells = j + 1;
    }
    bool done = false;
    if (s->numbers != NUMBERS_OFF) {
        int avail = p.r.x + p.r.w - p.cx;
        uint32_t k_num = avail > 0 ? (uint32_t)(avail / (p.nf.width + 1)) : 0;
        if (k_num > t->ranked)
            k_num = t->ranked;
        Panel pn;
        if (k_num >= 3 && build(s, c, k_num) && layout_first_panel(s, &pn) && pn.numbers)
            done = true;
    }
    if (!done && !build(s, c, k_cells)) {
        t->active = false;
        return;
    }
    if (t->want_id >= 0) {  /* back from every column: the cursor's token, if shown */
        s->col = 0;
        for (uint32_t j = 0; j < t->k; j++)
            if (t->ids[j] == (uint32_t)t->want_id)
                s->col = j;
        t->want_id = -1;
    }
}

void view_toggle_all_columns(ViewState *s)
{
    TopkView *t = &s->topk;
    const CachedRecord *c = view_current_full(s);
    if (!c || !c->ok || !view_topk_vocab_axis(&c->tr.rec)) {
        view_say(s, MSG_NOTICE, WORD_MSG_TOPK_WHERE);
        return;
    }
    bool was = t->active && t->reader == s->a && t->index == s->cur;
    if (was) {
        s->col = s->col < t->k ? t->ids[s->col] : 0;  /* the same token, among all */
        t->all = true;
        view_sync(s);
        view_say(s, MSG_NOTICE, WORD_MSG_ALL_COLUMNS, t->n);
        return;
    }
    t->all = false;
    t->want_id = s->col;
    view_sync(s);
    if (t->active)
        view_say(s, MSG_NOTICE, WORD_MSG_TOPK, t->k, t->n);
    else
        view_say(s, MSG_NOTICE, WORD_MSG_TOPK_FITS, (unsigned)c->pg.cols);
}
