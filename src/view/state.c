/* state.c — the viewer's model: where we are, what is shown, and the
 * actions that change it. No terminal here. */
#include "view/state.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/row_stats.h"
#include "trace/record_name.h"
#include "view/curve.h"
#include "view/layout.h"
#include "view/quiz.h"
#include "view/words.h"

const char *view_tree_name(const void *ctx, uint32_t i)
{
    return trace_reader_name((const TraceReader *)ctx, i);
}

const char *view_trace_label(const ViewState *s, const TraceReader *r)
{
    /* A walk's runs are named in words: their files are temporary. */
    const char *run = NULL;
    if (r && r == s->a)
        run = s->a_run;
    else if (r && r == s->guide_b)
        run = s->b_run;
    const char *label = run && s->narration.run_label ? s->narration.run_label(s->narration.ctx, run, s->lang) : NULL;
    if (label && label[0] && !(r == s->origin && s->owned && !s->b_given))
        return label;
    if (r && r == s->owned)
        return "the re-run";
    if (r && r == s->origin && s->owned && !s->b_given)
        return "the first run";
    return r ? trace_reader_path(r) : "";
}

const char *view_name(const ViewState *s, uint32_t i)
{
    const char *n = trace_reader_name(s->a, i);
    return n ? n : "";
}

void view_message(ViewState *s, MessageKind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->msg, sizeof s->msg, fmt, ap);
    va_end(ap);
    s->msg_kind = kind;
}

/* ---- pages ---- */

int view_axis(const Record *r, const RecordPages *pg, const char *name)
{
    int leading = pg->batch_rows ? 1 : (pg->row_axis > 0 ? pg->row_axis : 0);
    for (int a = 0; a < leading; a++)
        if (r->dim_names[a] && strcmp(r->dim_names[a], name) == 0)
            return a;
    return -1;
}

size_t view_page_at(const Record *r, const RecordPages *pg, uint32_t head, uint32_t batch)
{
    if (pg->batch_rows)
        return batch < pg->pages ? batch : pg->pages - 1;
    if (!pg->paged)
        return 0;
    size_t page = 0;
    for (int a = 0; a < pg->row_axis; a++) {
        uint32_t want = 0;
        if (r->dim_names[a] && strcmp(r->dim_names[a], "head") == 0)
            want = head;
        else if (r->dim_names[a] && strcmp(r->dim_names[a], "batch") == 0)
            want = batch;
        if (want >= r->dims[a])
            want = r->dims[a] - 1;
        page = page * r->dims[a] + want;
    }
    return page;
}

size_t view_page(const ViewState *s, const Record *r, const RecordPages *pg)
{
    return view_page_at(r, pg, s->head, s->batch);
}

/* ---- what is on screen ---- */

const CachedRecord *view_current_full(const ViewState *s)
{
    return cache_find(&s->cache, s->a, s->cur);
}

const CachedRecord *view_current(const ViewState *s)
{
    const CachedRecord *c = cache_find(&s->cache, s->a, s->cur);
    const TopkView *t = &s->topk;
    if (c && t->active && t->reader == s->a && t->index == s->cur)
        return &t->shown;
    return c;
}

const CachedRecord *view_current_b(const ViewState *s)
{
    if (!s->compare || !s->b || s->cur_b < 0)
        return NULL;
    if (s->aligned.kind == ALIGN_PERMUTED)
        return &s->aligned_b;  /* B in A's token order */
    return cache_find(&s->cache, s->b, (uint32_t)s->cur_b);
}

const CachedRecord *view_mask(const ViewState *s)
{
    return s->mask_rec >= 0 ? cache_find(&s->cache, s->a, (uint32_t)s->mask_rec) : NULL;
}

Scale view_scale(const ViewState *s, const CachedRecord *c)
{
    return view_scale_range(s, record_kind_of(c->tr.rec.kind), c->stats.min, c->stats.max);
}

Scale view_scale_range(const ViewState *s, RecordKind kind, float min, float max)
{
    /* Stretched, weights and probabilities are coloured like any other
     * values: 0 to this record's largest, so nearly uniform attention
     * (every weight near 1/T) still shows its pattern. */
    return palette_scale_for(s->stretch && kind != RECORD_KIND_MASK ? RECORD_KIND_ACTIVATION : kind, min, max);
}

bool view_numbers_on(const ViewState *s)
{
    Panel p;
    return layout_first_panel(s, &p) && p.numbers;
}


/* ---- the block a record belongs to ---- */

/* The record `step` of the block name belongs to (record_name_sibling),
 * when the trace has it. */
static long sibling(const TraceReader *r, const char *name, const char *step)
{
    char buf[160];
    if (!r || !record_name_sibling(name, step, buf, sizeof buf))
        return -1;
    return trace_reader_find(r, buf);
}

/* Is the page of r a [query, key] matrix, so the mask lines up with it? */
static bool is_query_key(const Record *r)
{
    return r->ndim >= 2 && r->dim_names[r->ndim - 2] && r->dim_names[r->ndim - 1] &&
           strcmp(r->dim_names[r->ndim - 2], "query") == 0 && strcmp(r->dim_names[r->ndim - 1], "key") == 0;
}

/* ---- sync ---- */

/* The heads view's numbers for each head of w, the record on screen:
 * entropy and distance when all its heads hold probability rows, each
 * head's range otherwise. */
static void compute_head_stats(ViewState *s, const CachedRecord *w)
{
    s->n_head_stats = 0;
    if (!w || !w->ok)
        return;
    const Record *r = &w->tr.rec;
    int ha = view_axis(r, &w->pg, "head");
    if (ha < 0)
        return;
    if (w->serial == s->head_stats_serial && s->batch == s->head_stats_batch) {
        s->n_head_stats = s->head_stats_n;  /* the same values: the same numbers */
        return;
    }
    int n = (int)r->dims[ha];
    if (n > VIEW_MAX_HEADS)
        n = VIEW_MAX_HEADS;
    bool probs = true;
    for (int h = 0; h < n; h++) {
        size_t page = view_page_at(r, &w->pg, (uint32_t)h, s->batch);
        const float *m = export_pages_data(r, &w->pg, page);
        HeadStats *hs = &s->head_stats[h];
        memset(hs, 0, sizeof *hs);
        ValueStats vs;
        stats_of(m, w->pg.rows * w->pg.cols, &vs);
        hs->min = vs.min;
        hs->max = vs.max;
        /* float32 softmax rows sum to 1 within a few ulps per term */
        if (probs && !stats_rows_are_distributions(m, w->pg.rows, w->pg.cols, 1e-3))
            probs = false;
        /* distance in positions: a generation step's one query row is at
         * position S, not 0 (Record.query_pos) */
        RowStats rs;
        row_stats_page(m, w->pg.rows, w->pg.cols, r->query_pos, r->key_pos, &rs);
        hs->entropy_bits = rs.entropy_bits;
        hs->distance = rs.distance;
    }
    for (int h = 0; h < n; h++) {
        s->head_stats[h].distributions = probs;
        if (!probs)
            s->head_stats[h].entropy_bits = s->head_stats[h].distance = 0.0;
    }
    s->n_head_stats = n;
    s->head_stats_serial = w->serial;
    s->head_stats_batch = s->batch;
    s->head_stats_n = n;
    s->head_stats_passes++;
}

static void clamp_cursor(ViewState *s, const CachedRecord *c)
{
    if (!c->ok)
        return;
    uint32_t rows = (uint32_t)c->pg.rows, cols = (uint32_t)c->pg.cols;
    if (s->row >= rows)
        s->row = rows ? rows - 1 : 0;
    if (s->col >= cols)
        s->col = cols ? cols - 1 : 0;
    /* Zooming out further than the page is large means nothing. */
    while (s->pool_r > 1 && s->pool_r / 2 >= rows)
        s->pool_r /= 2;
    while (s->pool_c > 1 && s->pool_c / 2 >= cols)
        s->pool_c /= 2;
    if (s->pool_r < 1)
        s->pool_r = 1;
    if (s->pool_c < 1)
        s->pool_c = 1;
}

/* Keep the cursor inside the visible window of the first panel. */
static void scroll_to_cursor(ViewState *s)
{
    Panel p;
    if (!layout_first_panel(s, &p) || s->heads)
        return;
    uint32_t pr = s->row / p.pr, pc = s->col / p.pc;
    if (pr < s->top)
        s->top = pr;
    else if (pr >= s->top + p.cap_r)
        s->top = pr - p.cap_r + 1;
    if (p.R > p.cap_r && s->top > p.R - p.cap_r)
        s->top = p.R - p.cap_r;  /* no empty space below the last row */
    if (p.R <= p.cap_r)
        s->top = 0;
    if (pc < s->left)
        s->left = pc;
    else if (pc >= s->left + p.cap_c)
        s->left = pc - p.cap_c + 1;
    if (p.C > p.cap_c && s->left > p.C - p.cap_c)
        s->left = p.C - p.cap_c;
    if (p.C <= p.cap_c)
        s->left = 0;
}

static void sync_tree(ViewState *s)
{
    StepTree *t = &s->tree;
    if (s->tree_mode == TREE_FOLLOW)
        tree_follow(t, s->cur);
    if (s->focus == FOCUS_MATRIX || s->tree_node >= t->n_nodes)
        s->tree_node = t->rec_node[s->cur];
    ScreenLayout l;
    layout_screen(s, &l);
    int rows = layout_steps_rows(&l);
    if (rows <= 0)
        return;
    uint32_t row = tree_row_of_node(t, s->tree_node);
    /* Keep a little context above and below the row, as less does. */
    uint32_t margin = rows > 8 ? 2 : 0;
    if (row < s->tree_top + margin)
        s->tree_top = row > margin ? row - margin : 0;
    else if (row + margin >= s->tree_top + (uint32_t)rows)
        s->tree_top = row + margin - (uint32_t)rows + 1;
    if (t->n_visible <= (uint32_t)rows)
        s->tree_top = 0;
    else if (s->tree_top > t->n_visible - (uint32_t)rows)
        s->tree_top = t->n_visible - (uint32_t)rows;
}

void view_sync(ViewState *s)
{
    if (s->cur >= s->count)
        s->cur = s->count ? s->count - 1 : 0;
    const CachedRecord *c = cache_fetch(&s->cache, s->a, s->cur);
    const char *name = view_name(s, s->cur);
    clamp_cursor(s, c);

    s->mask_rec = sibling(s->a, name, RECORD_STEP_MASK);
    s->weights_rec = sibling(s->a, name, RECORD_STEP_WEIGHTS);
    s->cur_b = compare_pair(s->b, name);
    s->mask_rec_b = s->cur_b >= 0 ? sibling(s->b, name, RECORD_STEP_MASK) : -1;

    if (s->mask_overlay && s->mask_rec >= 0)
        cache_fetch(&s->cache, s->a, (uint32_t)s->mask_rec);
    s->n_head_stats = 0;
    if (s->heads)  /* the record on screen: its own heads, its own numbers */
        compute_head_stats(s, cache_fetch(&s->cache, s->a, s->cur));
    memset(&s->cmp, 0, sizeof s->cmp);
    compare_align_free(&s->aligned);
    if (s->compare && s->cur_b >= 0) {
        const CachedRecord *cb = cache_fetch(&s->cache, s->b, (uint32_t)s->cur_b);
        if (s->mask_overlay && s->mask_rec_b >= 0)
            cache_fetch(&s->cache, s->b, (uint32_t)s->mask_rec_b);
        /* the fetches above may not evict c: the cache holds six, a screen needs five */
        c = cache_fetch(&s->cache, s->a, s->cur);
        if (c->ok && cb->ok) {
            compare_align(&c->tr.rec, &cb->tr.rec, &s->aligned);
            if (s->aligned.kind == ALIGN_PERMUTED) {
                /* B as the screen shows it: its values under A's tokens.
                 * Its own mask would no longer line up: no overlay on B. */
                s->aligned_b = (CachedRecord){.reader = s->b, .index = (uint32_t)s->cur_b, .used = true, .ok = true};
                s->aligned_b.tr.rec = s->aligned.rec;
                curve_pages_of(&s->aligned_b.tr.rec, &s->aligned_b.pg);
                stats_of(s->aligned.data, record_numel(&s->aligned.rec), &s->aligned_b.stats);
                s->mask_rec_b = -1;
                compare_stats(&c->tr.rec, &s->aligned.rec, &s->cmp);
            } else {
                compare_stats(&c->tr.rec, &cb->tr.rec, &s->cmp);
            }
        }
    }
    /* last: the fetches above may have evicted nothing it points into,
     * and what it shows decides the cursor's range */
    view_topk_sync(s);
    clamp_cursor(s, view_current(s));
    snapshot_place(s->count, view_tree_name, s->a, s->cur, &s->snap);
    view_guide_sync(s);
    view_quiz_sync(s);
    if (s->narr_rec != s->cur) {  /* another record's narration starts at its top */
        s->narr_rec = s->cur;
        s->narr_top = 0;
        s->show_intro = false;
    }
    sync_tree(s);
    scroll_to_cursor(s);
}

/* ---- init ---- */

Status view_init(ViewState *s, const ViewConfig *cfg, Error *err)
{
    memset(s, 0, sizeof *s);
    s->a = cfg->a;
    s->b = cfg->b;
    s->count = trace_reader_count(cfg->a);
    s->theme = cfg->theme;
    s->narration = cfg->narration;
    s->rerun = cfg->rerun;
    s->export = cfg->export;
    s->origin = cfg->a;
    s->b_given = cfg->b != NULL;
    s->lang = cfg->lang;
    s->present = cfg->present && cfg->narration.lookup;
    s->guide_step = -1;
    if (cfg->run) {
        s->run = *cfg->run;
        s->run.trace[0] = '\0';
        s->have_run = true;
    }
    if (s->narration.n_steps && s->narration.step) {
        int n = s->narration.n_steps(s->narration.ctx);
        /* Step k of the walk is guide_rec[k]; one that cannot be read
         * keeps its place with no record, so the numbering stays the walk's. */
        for (int k = 0; k < n && k < VIEW_MAX_GUIDE; k++) {
            ViewGuideStep g = {0};
            bool ok = s->narration.step(s->narration.ctx, k, VIEW_LANG_EN, &g) && g.record;
            snprintf(s->guide_rec[k], VIEW_GUIDE_NAME, "%s", ok ? g.record : "");
            snprintf(s->guide_run[k], sizeof s->guide_run[k], "%s",
                     ok && g.run && strcmp(g.run, "main") != 0 ? g.run : "");
            s->n_guide = k + 1;
        }
    }
    s->lines = cfg->lines;
    s->cols = cfg->cols;
    s->pool_r = s->pool_c = 1;
    s->numbers = NUMBERS_AUTO;
    s->tree_mode = TREE_FOLLOW;
    s->cur_b = s->mask_rec = s->mask_rec_b = s->weights_rec = -1;
    s->topk.want_id = -1;
    if (s->count == 0)
        return error_set(err, TF_ERR_INPUT, "%s: the trace holds no records, so there is nothing to view",
                         trace_reader_path(cfg->a));
    Status st = tree_build(&s->tree, s->count, view_tree_name, s->a, err);
    if (st)
        return st;
    if (cfg->start) {
        long i = trace_reader_find(s->a, cfg->start);
        if (i < 0) {
            tree_free(&s->tree);
            return error_set(err, TF_ERR_INPUT, "%s: no record named '%s'", trace_reader_path(cfg->a),
                             cfg->start);
        }
        s->cur = (uint32_t)i;
    }
    view_sync(s);
    if (s->n_guide > 0 && !s->present) {  /* presentation mode's status line says N and P itself */
        view_format(s->msg, sizeof s->msg, s->lang, WORD_GREETING, s->n_guide,
                    s->narration.intro ? view_word(s->lang, WORD_GREETING_INTRO) : "");
        s->msg_kind = MSG_NOTICE;
    }
    const CachedRecord *c = view_current(s);
    if (!c->ok) {
        /* A trace that fails on the first record it is asked for is
         * refused before the screen is taken: say what the reader said. */
        Error e = c->err;
        view_free(s);
        *err = e;
        return e.msg[0] ? TF_ERR_INPUT : error_set(err, TF_ERR_INPUT, "record cannot be read");
    }
    return TF_OK;
}

void view_free(ViewState *s)
{
    view_drop_records(s);
    tree_free(&s->tree);
    if (s->guide_b)
        trace_reader_close(s->guide_b);
    s->guide_b = NULL;
    if (s->run_a)
        trace_reader_close(s->run_a);
    s->run_a = NULL;
    if (s->owned)
        trace_reader_close(s->owned);
    s->owned = NULL;
}

/* ---- actions ---- */

void view_goto(ViewState *s, uint32_t index)
{
    if (index >= s->count)
        return;
    s->cur = index;
    view_sync(s);
}

void view_step(ViewState *s, int delta)
{
    long to = (long)s->cur + delta;
    if (to < 0) {
        view_say(s, MSG_NOTICE, WORD_MSG_FIRST_RECORD);
        to = 0;
    } else if (to >= (long)s->count) {
        view_say(s, MSG_NOTICE, WORD_MSG_LAST_RECORD, s->count);
        to = (long)s->count - 1;
    }
    s->focus = FOCUS_MATRIX;
    view_goto(s, (uint32_t)to);
}

static bool leading_step(ViewState *s, const char *axis_name, int delta, uint32_t *value, Word none_msg)
{
    const CachedRecord *c = view_current(s);
    if (!c || !c->ok)
        return false;
    int ax = view_axis(&c->tr.rec, &c->pg, axis_name);
    if (ax < 0) {
        view_say(s, MSG_NOTICE, none_msg, view_name(s, s->cur));
        return false;
    }
    long n = c->tr.rec.dims[ax];
    long v = (long)(*value < n ? *value : (uint32_t)(n - 1)) + delta;
    v = ((v % n) + n) % n;
    *value = (uint32_t)v;
    view_sync(s);
    return true;
}

void view_step_head(ViewState *s, int delta)
{
    leading_step(s, "head", delta, &s->head, WORD_MSG_NO_HEAD_AXIS);
}

void view_step_batch(ViewState *s, int delta)
{
    leading_step(s, "batch", delta, &s->batch, WORD_MSG_NO_BATCH_AXIS);
}

/* } / { on a training snapshot: the same family at the next larger /
 * smaller S (snapshots.h). */
static void step_snapshot(ViewState *s, int delta)
{
    const char *family = record_name_train_family(view_name(s, s->cur));
    long to = delta > 0 ? s->snap.next : s->snap.prev;
    if (to < 0) {
        view_say(s, MSG_NOTICE, delta > 0 ? WORD_MSG_LAST_SNAPSHOT : WORD_MSG_FIRST_SNAPSHOT, family,
                 s->snap.step);
        return;
    }
    s->focus = FOCUS_MATRIX;
    view_goto(s, (uint32_t)to);
}

void view_step_layer(ViewState *s, int delta)
{
    if (s->snap.step >= 0) {
        step_snapshot(s, delta);
        return;
    }
    const char *name = view_name(s, s->cur);
    RecordName rn;
    record_name_parse(name, &rn);
    if (rn.layer < 0) {
        /* In a training trace } and { also step through snapshots: say so. */
        bool training = snapshot_any(s->count, view_tree_name, s->a);
        view_say(s, MSG_NOTICE, training ? WORD_MSG_NO_SNAPSHOT : WORD_MSG_NO_LAYER, name);
        return;
    }
    long layer = rn.layer + delta;
    if (layer < 0) {
        view_say(s, MSG_NOTICE, WORD_MSG_LAYER_0, name);
        return;
    }
    char want[160] = "";
    long i = record_name_with_layer(name, layer, want, sizeof want) ? trace_reader_find(s->a, want) : -1;
    if (i < 0) {
        view_say(s, MSG_NOTICE, delta > 0 ? WORD_MSG_LAST_LAYER : WORD_MSG_FIRST_LAYER, want, layer - delta);
        return;
    }
    s->focus = FOCUS_MATRIX;
    view_goto(s, (uint32_t)i);
}

bool view_jump(ViewState *s, const char *name)
{
    long i = trace_reader_find(s->a, name);
    if (i < 0) {
        Search q;
        search_clear(&q);
        snprintf(q.text, sizeof q.text, "%s", name);
        q.len = strlen(q.text);
        const char *near = search_suggest(&q, s->a);
        if (near)
            view_say(s, MSG_ERROR, WORD_MSG_NO_RECORD_NEAR, name, near);
        else
            view_say(s, MSG_ERROR, WORD_MSG_NO_RECORD, name);
        return false;
    }
    s->focus = FOCUS_MATRIX;
    view_goto(s, (uint32_t)i);
    return true;
}

void view_move(ViewState *s, int drow, int dcol)
{
    Panel p;
    if (!layout_first_panel(s, &p))
        return;
    long r = (long)(s->row / p.pr) + drow, c = (long)(s->col / p.pc) + dcol;
    r = r < 0 ? 0 : r >= (long)p.R ? (long)p.R - 1 : r;
    c = c < 0 ? 0 : c >= (long)p.C ? (long)p.C - 1 : c;
    s->row = (uint32_t)r * p.pr;
    s->col = (uint32_t)c * p.pc;
    view_sync(s);
}

/* Zoom out one step: double the pooling along each axis whose cells do not
 * all fit on screen yet. False when both already fit (nothing changed). */
static bool pool_more(ViewState *s, const Panel *p)
{
    bool more = false;
    if (p->R > p->cap_r && s->pool_r < p->rows) {
        s->pool_r *= 2;
        more = true;
    }
    if (p->C > p->cap_c && s->pool_c < p->cols) {
        s->pool_c *= 2;
        more = true;
    }
    return more;
}

void view_zoom(ViewState *s, int delta)
{
    Panel p;
    if (!layout_first_panel(s, &p))
        return;
    if (s->heads) {
        view_say(s, MSG_NOTICE, WORD_MSG_HEADS_FIT);
        return;
    }
    if (delta < 0) {
        if (!pool_more(s, &p)) {
            view_say(s, MSG_NOTICE, WORD_MSG_ALL_IN_VIEW_ZOOM);
            return;
        }
    } else {
        if (s->pool_r == 1 && s->pool_c == 1) {
            view_say(s, MSG_NOTICE, WORD_MSG_ONE_TO_ONE);
            return;
        }
        s->pool_r = s->pool_r > 1 ? s->pool_r / 2 : 1;
        s->pool_c = s->pool_c > 1 ? s->pool_c / 2 : 1;
    }
    s->top = s->left = 0;
    view_sync(s);
}

void view_zoom_fit(ViewState *s)
{
    if (s->heads)
        return;
    if (s->pool_r > 1 || s->pool_c > 1) {
        s->pool_r = s->pool_c = 1;
        s->top = s->left = 0;
        view_sync(s);
        return;
    }
    Panel p;
    for (int guard = 0; guard < 64 && layout_first_panel(s, &p); guard++)
        if (!pool_more(s, &p))
            break;
    if (s->pool_r == 1 && s->pool_c == 1)
        view_say(s, MSG_NOTICE, WORD_MSG_ALL_IN_VIEW);
    s->top = s->left = 0;
    view_sync(s);
}

void view_resize(ViewState *s, int lines, int cols)
{
    s->lines = lines;
    s->cols = cols;
    view_sync(s);
}

void view_toggle_numbers(ViewState *s)
{
    bool on = view_numbers_on(s);
    s->numbers = on ? NUMBERS_OFF : NUMBERS_ON;
    if (!on && (s->pool_r > 1 || s->pool_c > 1)) {
        s->pool_r = s->pool_c = 1;  /* numbers are values, so 1:1 */
        s->top = s->left = 0;
    }
    view_sync(s);
    view_say(s, MSG_NOTICE, WORD_MSG_NUMBERS, view_word(s->lang, s->numbers == NUMBERS_ON ? WORD_ON : WORD_OFF));
}

void view_toggle_mask(ViewState *s)
{
    const CachedRecord *c = view_current(s);
    if (!s->mask_overlay) {
        if (s->mask_rec < 0) {
            view_say(s, MSG_NOTICE, WORD_MSG_NO_MASK);
            return;
        }
        if (c && c->ok && !is_query_key(&c->tr.rec)) {
            view_say(s, MSG_NOTICE, WORD_MSG_MASK_WHERE);
            return;
        }
    }
    s->mask_overlay = !s->mask_overlay;
    view_sync(s);
    view_say(s, MSG_NOTICE, WORD_MSG_MASK_OVERLAY, view_word(s->lang, s->mask_overlay ? WORD_MSG_MASK_ON : WORD_MSG_MASK_OFF));
}

void view_toggle_stretch(ViewState *s)
{
    s->stretch = !s->stretch;
    view_say(s, MSG_NOTICE, s->stretch ? WORD_MSG_STRETCHED : WORD_MSG_UNIT_SCALE);
}

void view_toggle_heads(ViewState *s)
{
    if (s->heads) {
        s->heads = false;
        view_sync(s);
        return;
    }
    const CachedRecord *c = view_current(s);
    if (c && c->ok && view_axis(&c->tr.rec, &c->pg, "head") < 0) {
        /* Inside a block but on a record without heads (mask, concat,
         * out): show the block's attention weights. */
        if (s->weights_rec < 0) {
            view_say(s, MSG_NOTICE, WORD_MSG_NO_HEADS_VIEW, view_name(s, s->cur));
            return;
        }
        s->cur = (uint32_t)s->weights_rec;
    }
    s->heads = true;
    s->compare = false;
    s->focus = FOCUS_MATRIX;
    view_sync(s);
}

void view_toggle_compare(ViewState *s)
{
    if (!s->b) {
        view_message(s, MSG_NOTICE, "nothing to compare with: start with  traceformer view A.trace "
                                    "--compare B.trace");
        return;
    }
    s->compare = !s->compare;
    if (s->compare)
        s->heads = false;
    view_sync(s);
    if (s->compare && s->cur_b < 0)
        view_say(s, MSG_NOTICE, WORD_MSG_NOT_IN_B, view_name(s, s->cur), trace_reader_path(s->b));
}

void view_tree_move(ViewState *s, int delta)
{
    StepTree *t = &s->tree;
    if (t->n_visible == 0)
        return;
    s->focus = FOCUS_STEPS;
    long row = (long)tree_row_of_node(t, s->tree_node) + delta;
    row = row < 0 ? 0 : row >= (long)t->n_visible ? (long)t->n_visible - 1 : row;
    s->tree_node = t->visible[row];
    const TreeNode *n = &t->nodes[s->tree_node];
    if (!n->group)
        s->cur = n->first;
    view_sync(s);
    /* Following may have folded the rows around: stay on the same node. */
    if (!t->nodes[s->tree_node].group)
        s->tree_node = t->rec_node[s->cur];
}

void view_tree_toggle(ViewState *s)
{
    StepTree *t = &s->tree;
    if (s->tree_node >= t->n_nodes)
        return;
    uint32_t k = s->tree_node;
    if (!t->nodes[k].group) {  /* on a record: fold the group around it */
        k = t->nodes[k].parent;
        if (k == TREE_NONE)
            return;
    }
    s->tree_mode = TREE_MANUAL;
    tree_toggle(t, k);
    s->tree_node = k;
    view_sync(s);
}

void view_tree_cycle_mode(ViewState *s)
{
    if (s->tree_mode == TREE_FOLLOW) {
        s->tree_mode = TREE_ALL;
        tree_expand_all(&s->tree);
        view_say(s, MSG_NOTICE, WORD_MSG_TREE_ALL);
    } else {
        s->tree_mode = TREE_FOLLOW;
        view_say(s, MSG_NOTICE, WORD_MSG_TREE_FOLLOW);
    }
    s->tree_node = s->tree.rec_node[s->cur];
    view_sync(s);
}

void view_perform_pending(ViewState *s)
{
    if (s->pending == PENDING_RERUN) {
        view_perform_rerun(s);
        return;
    }
    if (s->pending == PENDING_MODEL_VIEW) {
        view_perform_model_view(s);
        return;
    }
    if (s->pending != PENDING_EXPORT)
        return;
    view_perform_export(s);
}
