/* test_topk.c — a vocabulary thousands of tokens wide: which columns are
 * shown (core/topk.h: one row's best, every row's best together), and the
 * viewer's top-k view of such a record (view/topk_view.c): the cursor's
 * row ranked, best first, as many as fit; a row change ranks again; t
 * shows every column with the cursor on the same token and comes back;
 * the copy it holds is rows × k, not rows × V; a vocabulary that fits is
 * shown whole; a record without a vocabulary axis says so.
 *
 * The trace is written by hand (tests/support/plot_fixture.h), so the
 * ranking of every row is known: 2000 tokens, CJK punctuation among them. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/topk.h"
#include "trace/trace.h"
#include "view/keys.h"
#include "view/layout.h"
#include "view/state.h"

#include "../support/plot_fixture.h"
#include "../support/scratch.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- core/topk.h ---- */

static void test_row_best_first(void **state)
{
    (void)state;
    const float row[] = {0.1f, 0.5f, -INFINITY, 0.3f, NAN, 0.5f, 0.2f};
    uint32_t out[7];
    /* ties by index (1 before 5), −∞ after the finite, NaN last */
    assert_int_equal(topk_row(row, 7, 7, out), 7);
    const uint32_t want[] = {1, 5, 3, 6, 0, 2, 4};
    for (size_t j = 0; j < 7; j++)
        assert_int_equal(out[j], want[j]);
    assert_int_equal(topk_row(row, 7, 3, out), 3);
    assert_int_equal(out[0], 1);
    assert_int_equal(out[1], 5);
    assert_int_equal(out[2], 3);
    assert_int_equal(topk_row(row, 7, 0, out), 0);
    assert_int_equal(topk_row(row, 2, 5, out), 2);  /* k > V: all of them */
    assert_int_equal(out[0], 1);
    assert_int_equal(out[1], 0);
    /* the rank agrees with the order */
    for (size_t j = 0; j < 7; j++)
        assert_int_equal(topk_rank(row, 7, want[j]), j);
    assert_int_equal(topk_rank(row, 7, 99), 7);
}

/* A long row, its best k against a full sort by hand. */
static void test_row_against_sort(void **state)
{
    (void)state;
    enum { V = 3000, K = 40 };
    static float row[V];
    uint32_t seed = 12345;
    for (size_t j = 0; j < V; j++) {
        seed = seed * 1103515245u + 12345u;
        row[j] = (float)((seed >> 8) % 1000) / 1000.0f;  /* many ties */
    }
    uint32_t out[K];
    assert_int_equal(topk_row(row, V, K, out), K);
    for (size_t j = 0; j < K; j++) {
        assert_int_equal(topk_rank(row, V, out[j]), j);
        if (j > 0)
            assert_true(row[out[j - 1]] > row[out[j]] || (row[out[j - 1]] == row[out[j]] && out[j - 1] < out[j]));
    }
}

/* Every row gets its best in before any row its second best; sorted by the
 * column's largest value. */
static void test_union_round_robin(void **state)
{
    (void)state;
    enum { R = 3, V = 10 };
    float m[R * V];
    for (size_t i = 0; i < R * V; i++)
        m[i] = 0.01f;
    /* row 0: 2 (0.9), 3 (0.8); row 1: 7 (0.3), 8 (0.25); row 2: 2 (0.5), 5 (0.4) */
    m[0 * V + 2] = 0.9f, m[0 * V + 3] = 0.8f;
    m[1 * V + 7] = 0.3f, m[1 * V + 8] = 0.25f;
    m[2 * V + 2] = 0.5f, m[2 * V + 5] = 0.4f;
    uint32_t scratch[R * 4], out[4];
    /* k = 2: the best of rows 0 and 1 (row 2's best, 2, is in already) */
    assert_int_equal(topk_union(m, R, V, 2, scratch, out), 2);
    assert_int_equal(out[0], 2);
    assert_int_equal(out[1], 7);
    /* k = 4: then the second bests, 3 (row 0) and 8 (row 1), sorted by
     * their largest values: 2 0.9, 3 0.8, 7 0.3, 8 0.25 — row 2's 5 (0.4)
     * did not get in, for row 0's and row 1's second bests came first */
    assert_int_equal(topk_union(m, R, V, 4, scratch, out), 4);
    const uint32_t want[] = {2, 3, 7, 8};
    for (size_t j = 0; j < 4; j++)
        assert_int_equal(out[j], want[j]);
    assert_int_equal(topk_union(m, R, V, 0, scratch, out), 0);
    /* fewer columns than k: every column, once */
    uint32_t scratch2[R * 16], out2[16];
    assert_int_equal(topk_union(m, R, V, 16, scratch2, out2), V);
    for (size_t a = 0; a < V; a++)
        for (size_t b = a + 1; b < V; b++)
            assert_int_not_equal(out2[a], out2[b]);
}

/* ---- the viewer ---- */

#define TOK 4       /* positions */
#define VOC 2000    /* tokens */
#define SMALL 6

static char tok_buf[VOC][8];
static const char *tok[VOC];
static float probs[TOK * VOC];
static float small[TOK * SMALL];
static float act[TOK * 8];
static float target[TOK];
#define TALL 40     /* more rows than the screen has lines: no numbers */
static float tall[TALL * VOC];
static const char *tall_rows[TALL];
static const char *target_labels[TOK];
static const char *const rows[TOK] = {"床", "前", "明", "月"};
static const char *const small_toks[SMALL] = {"a", "b", "c", "d", "e", "f"};

/* Row i's best tokens: id best(i, r) at rank r, value 0.5 / (r + 1). */
static uint32_t best(int i, int r)
{
    return (uint32_t)((7 + 13 * r + 101 * i) % VOC);
}

static void write_vocab_trace(const char *path)
{
    static const char *const punct[] = {"\xef\xbc\x8c", "\xe3\x80\x82", "\xe3\x80\x81", "\xef\xbc\x9f"};
    for (uint32_t j = 0; j < VOC; j++) {
        if (j < ARRAY_LEN(punct))
            snprintf(tok_buf[j], sizeof tok_buf[j], "%s", punct[j]);
        else {  /* U+4E00 + j */
            uint32_t cp = 0x4E00 + j;
            tok_buf[j][0] = (char)(0xE0 | (cp >> 12));
            tok_buf[j][1] = (char)(0x80 | ((cp >> 6) & 0x3F));
            tok_buf[j][2] = (char)(0x80 | (cp & 0x3F));
            tok_buf[j][3] = '\0';
        }
        tok[j] = tok_buf[j];
    }
    for (int i = 0; i < TOK; i++) {
        for (uint32_t j = 0; j < VOC; j++)
            probs[i * VOC + j] = 1e-5f;
        for (int r = 0; r < 30; r++)
            probs[i * VOC + best(i, r)] = 0.5f / (float)(r + 1);
    }
    for (size_t k = 0; k < ARRAY_LEN(small); k++)
        small[k] = (float)k / (float)ARRAY_LEN(small);
    for (size_t k = 0; k < ARRAY_LEN(act); k++)
        act[k] = (float)k;
    for (size_t k = 0; k < ARRAY_LEN(tall); k++)
        tall[k] = (float)((k * 7919) % 1000) / 1e5f;
    for (int i = 0; i < TALL; i++)
        tall_rows[i] = tok[100 + i];
    tall[0 * VOC + 2] = 0.9f;  /* row 0's best: token 2, 、 */
    /* row 0 should have predicted its third best; row 1 a token it gives
     * the floor value (1e-5, as 1969 others): ranked after the 30 best and
     * after the floor's tokens of smaller index */
    target[0] = (float)best(0, 2);
    target[1] = 1500.0f;
    target[2] = (float)best(2, 0);
    target[3] = (float)best(3, 29);
    for (int i = 0; i < TOK; i++)
        target_labels[i] = tok[(uint32_t)target[i]];
    Record recs[] = {
        {.name = "dec.input", .kind = "activation", .ndim = 2, .dims = {TOK, 8}, .dim_names = {"token", "model"},
         .data = act, .row_labels = rows, .formula = "x", .description = "The input."},
        {.name = "dec.probs", .kind = "probs", .ndim = 2, .dims = {TOK, VOC}, .dim_names = {"token", "vocab"},
         .data = probs, .row_labels = rows, .col_labels = tok, .formula = "softmax(logits)",
         .description = "The next token's probabilities."},
        {.name = "dec.target", .kind = "tokens", .ndim = 1, .dims = {TOK}, .dim_names = {"token"},
         .data = target, .row_labels = NULL, .col_labels = target_labels, .formula = "target",
         .description = "What each position should predict."},
        {.name = "tall.probs", .kind = "probs", .ndim = 2, .dims = {TALL, VOC}, .dim_names = {"token", "vocab"},
         .data = tall, .row_labels = tall_rows, .col_labels = tok, .formula = "softmax(logits)",
         .description = "Forty positions."},
        {.name = "small.probs", .kind = "probs", .ndim = 2, .dims = {TOK, SMALL}, .dim_names = {"token", "vocab"},
         .data = small, .row_labels = rows, .col_labels = small_toks, .formula = "softmax(logits)",
         .description = "A toy vocabulary."},
    };
    plot_fixture_write(path, recs, ARRAY_LEN(recs));
}

typedef struct {
    Scratch *dir;
    TraceReader *r;
    ViewState v;
} Fixture;

/* What the x key handed to the drawing: the columns and the title. */
static struct {
    uint32_t cols;
    bool all_columns;
    char title[400];
} exported;

static Status record_export(void *ctx, const Record *rec, int head, int batch, const ViewExportInfo *info,
                            char *written, size_t cap, Error *err)
{
    (void)ctx, (void)head, (void)batch, (void)err;
    exported.cols = rec->dims[rec->ndim - 1];
    exported.all_columns = info->all_columns;
    snprintf(exported.title, sizeof exported.title, "%s", info->title ? info->title : "");
    snprintf(written, cap, "x.png");
    return TF_OK;
}

static int setup_view(void **state)
{
    Fixture *f = calloc(1, sizeof *f);
    if (!f || !(f->dir = scratch_open("topk", NULL)))
        return -1;
    char path[600];
    snprintf(path, sizeof path, "%s/vocab.trace", f->dir->dir);
    write_vocab_trace(path);
    Error err;
    if (trace_reader_open(&f->r, path, &err))
        return -1;
    ViewConfig cfg = {.a = f->r, .start = "dec.probs", .theme = {true, true}, .lines = 30, .cols = 100,
                      .export = {.fn = record_export}};
    if (view_init(&f->v, &cfg, &err)) {
        fprintf(stderr, "view_init: %s\n", err.msg);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown_view(void **state)
{
    Fixture *f = *state;
    view_free(&f->v);
    trace_reader_close(f->r);
    int rc = scratch_close(f->dir);
    free(f);
    return rc;
}

static Panel panel0(const ViewState *s)
{
    ScreenLayout l;
    Panel p[LAYOUT_MAX_PANELS];
    layout_screen(s, &l);
    assert_true(layout_panels(s, &l, p, LAYOUT_MAX_PANELS) >= 1);
    return p[0];
}

/* The shown columns are row `row`'s best tokens, best first, labelled. */
static void assert_ranked_by(const ViewState *s, int row)
{
    const TopkView *t = &s->topk;
    const CachedRecord *c = view_current(s);
    assert_true(t->active);
    assert_int_equal(t->row, row);
    for (uint32_t j = 0; j < t->k; j++) {
        assert_int_equal(t->ids[j], best(row, (int)j));
        assert_string_equal(c->tr.rec.col_labels[j], tok[best(row, (int)j)]);
        /* every row's value of that token, from the record as stored */
        for (int i = 0; i < TOK; i++)
            assert_true(c->tr.rec.data[i * t->k + j] == probs[i * VOC + t->ids[j]]);
    }
}

static void test_view_shows_top_k(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    const TopkView *t = &s->topk;
    assert_true(t->active);
    assert_int_equal(t->n, VOC);
    assert_true(t->k >= 3 && t->k <= 30);
    assert_ranked_by(s, 0);
    /* the screen shows every one of the k columns, with numbers */
    Panel p = panel0(s);
    assert_int_equal(p.cols, t->k);
    assert_int_equal(p.vc, t->k);
    assert_true(p.numbers);
    /* the record as stored is still there, whole */
    const CachedRecord *full = view_current_full(s);
    assert_int_equal(full->tr.rec.dims[1], VOC);
    assert_int_equal(view_current(s)->tr.rec.dims[1], t->k);
    assert_string_equal(view_current(s)->tr.rec.name, "dec.probs");
    /* the copy is rows × k values, not rows × V */
    assert_true(t->data_cap <= (size_t)TOK * VIEW_TOPK_MAX);
    /* a narrower screen: fewer columns, still the best ones first */
    uint32_t wide_k = t->k;
    view_resize(s, 30, 60);
    assert_true(t->active);
    assert_true(t->k < wide_k);
    assert_ranked_by(s, 0);
}

static void test_view_row_ranks_again(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    view_move(s, 0, 2);  /* rank 3 of row 0 */
    assert_int_equal(s->col, 2);
    view_move(s, 1, 0);  /* row 1: ranked by its own values, the cursor keeps its rank */
    assert_int_equal(s->row, 1);
    assert_int_equal(s->col, 2);
    assert_ranked_by(s, 1);
    view_key(s, 'j');
    view_key(s, 'j');
    assert_ranked_by(s, 3);
    view_key(s, 'j');  /* the last row stays */
    assert_ranked_by(s, 3);
}

static void test_view_all_columns_and_back(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    const TopkView *t = &s->topk;
    view_move(s, 1, 3);  /* row 1, rank 4 */
    uint32_t id = best(1, 3);
    assert_int_equal(t->ids[s->col], id);
    view_key(s, 't');
    assert_false(t->active);
    assert_true(t->all);
    assert_int_equal(s->col, id);  /* the same token, among all 2000 */
    assert_int_equal(view_current(s)->tr.rec.dims[1], VOC);
    Panel p = panel0(s);
    assert_int_equal(p.cols, VOC);
    assert_true(p.left * p.pc <= id && id < (p.left + p.vc) * p.pc);  /* scrolled to it */
    assert_non_null(strstr(s->msg, "all 2000 columns"));
    /* back: top k, the cursor on that token's rank */
    view_key(s, 't');
    assert_true(t->active);
    assert_false(t->all);
    assert_ranked_by(s, 1);
    assert_int_equal(s->col, 3);
    assert_non_null(strstr(s->msg, "of 2000 tokens"));
    /* a token not among the k shown: the cursor goes to the best */
    view_key(s, 't');
    s->col = 1999;
    view_sync(s);
    view_key(s, 't');
    assert_true(t->active);
    assert_int_equal(s->col, 0);
    /* every column is a preference kept from record to record */
    view_key(s, 't');
    view_key(s, 'n');
    view_key(s, 'p');
    assert_false(t->active);
    assert_int_equal(view_current(s)->tr.rec.dims[1], VOC);
}

/* The token the cursor's row should have predicted: its rank in the row. */
static void test_view_target_rank(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    const TopkView *t = &s->topk;
    assert_true(t->has_target);
    assert_false(t->target_chosen);
    assert_int_equal(t->target_id, best(0, 2));
    assert_int_equal(t->target_rank, 2);
    assert_true(t->target_value == 0.5f / 3.0f);
    view_key(s, 'j');
    assert_true(t->has_target);
    assert_int_equal(t->target_id, 1500);
    uint32_t below = 0;  /* floor tokens of smaller index than 1500 */
    for (uint32_t j = 0; j < 1500; j++)
        below += probs[1 * VOC + j] == 1e-5f;
    assert_int_equal(t->target_rank, 30 + below);
    view_key(s, 'j');
    assert_int_equal(t->target_rank, 0);
    view_key(s, 'j');
    assert_int_equal(t->target_rank, 29);
}

/* x: the image has the columns on screen, and its title says which. */
static void test_view_export(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    view_key(s, 'j');
    view_key(s, 'x');
    view_perform_pending(s);
    assert_int_equal(exported.cols, s->topk.k);
    assert_true(exported.all_columns);  /* not cut again by the plot */
    char want[80];
    snprintf(want, sizeof want, "dec.probs   top %u of 2000 tokens, by row 1", s->topk.k);
    if (strcmp(exported.title, want) != 0)
        fail_msg("title '%s', expected '%s'", exported.title, want);
    view_key(s, 't');
    view_key(s, 'x');
    view_perform_pending(s);
    assert_int_equal(exported.cols, VOC);
    assert_true(exported.all_columns);
    assert_string_equal(exported.title, "dec.probs");
}

/* Too many rows for numbers: coloured cells, each wide enough for its
 * label, as many as fit, every one labelled. */
static void test_view_tall_record(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    assert_true(view_jump(s, "tall.probs"));
    const TopkView *t = &s->topk;
    assert_true(t->active);
    Panel p = panel0(s);
    assert_false(p.numbers);
    assert_int_equal(p.cols, t->k);
    assert_int_equal(p.vc, t->k);  /* all shown, none scrolled off */
    assert_true(p.cw >= 3);        /* a CJK label (2 columns) and a gap */
    int room = p.r.x + p.r.w - p.cx;
    assert_true((int)t->k * p.cw <= room);
    assert_true((int)(t->k + 1) * 3 > room || t->k == VIEW_TOPK_MAX);  /* and no fewer than fit */
    assert_int_equal(t->ids[0], 2);
}

static void test_view_small_vocab_and_others(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    assert_true(view_jump(s, "small.probs"));
    assert_false(s->topk.active);  /* six tokens fit: shown whole, in their order */
    assert_int_equal(panel0(s).cols, SMALL);
    view_key(s, 't');
    assert_non_null(strstr(s->msg, "fit on the screen"));
    assert_false(s->topk.active);
    assert_true(view_jump(s, "dec.input"));
    assert_false(s->topk.active);
    view_key(s, 't');
    assert_non_null(strstr(s->msg, "vocabulary axis"));
    assert_true(view_jump(s, "dec.probs"));
    assert_true(s->topk.active);
    /* compare and the heads view show records as stored */
    view_toggle_compare(s);  /* no B: nothing to compare, top k stays */
    assert_true(s->topk.active);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_row_best_first),
        cmocka_unit_test(test_row_against_sort),
        cmocka_unit_test(test_union_round_robin),
        cmocka_unit_test_setup_teardown(test_view_shows_top_k, setup_view, teardown_view),
        cmocka_unit_test_setup_teardown(test_view_row_ranks_again, setup_view, teardown_view),
        cmocka_unit_test_setup_teardown(test_view_all_columns_and_back, setup_view, teardown_view),
        cmocka_unit_test_setup_teardown(test_view_target_rank, setup_view, teardown_view),
        cmocka_unit_test_setup_teardown(test_view_tall_record, setup_view, teardown_view),
        cmocka_unit_test_setup_teardown(test_view_export, setup_view, teardown_view),
        cmocka_unit_test_setup_teardown(test_view_small_vocab_and_others, setup_view, teardown_view),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
