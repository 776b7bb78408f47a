/* test_view_training.c — the viewer on a training trace (src/trace/FORMAT.md,
 * "Training"), without a terminal: } and { step a snapshot's record to the
 * same record at the next and previous snapshot by step number (the head,
 * the cursor and the scroll kept, as between layers), say so at either end
 * and on a record that is no snapshot; the title's training step comes from
 * the same place; a one-axis curve is a column of N rows with its steps as
 * row labels, numbers and a bar, and zooms out to fit; a curve with a
 * second axis shows numbers whenever its columns fit; a curve without
 * labels has its rows labelled as FORMAT.md reads its axis (update i + 1,
 * train.eval.step's values).
 *
 * The navigation itself (snapshots.h) is checked first on a table of names
 * alone; then on a small trace written through the trace writer with the
 * names and axes a training trace has. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/trace.h"
#include "view/curve.h"
#include "view/keys.h"
#include "view/layout.h"
#include "view/snapshots.h"
#include "view/state.h"
#include "view/tree.h"
#include "view/words.h"

#include "../support/scratch.h"

/* ---- the navigation on names alone ---- */

static const char *const table[] = {
    "train.0.src.tokens",            /* 0 */
    "train.0.enc.0.attn.weights",    /* 1 */
    "train.0.enc.1.attn.weights",    /* 2 */
    "train.20.enc.0.attn.weights",   /* 3 */
    "train.40.src.tokens",           /* 4: a snapshot without the family */
    "train.100.enc.0.attn.weights",  /* 5: written before 60, later in training */
    "train.60.enc.0.attn.weights",   /* 6 */
    "train.loss",                    /* 7: a curve, no snapshot */
    "enc.0.attn.weights",            /* 8: a forward pass's record */
    "gen.3.dec.0.self_attn.weights", /* 9: a generation step, no snapshot */
};
#define N_TABLE ((uint32_t)(sizeof table / sizeof table[0]))

static const char *table_name(const void *ctx, uint32_t i)
{
    (void)ctx;
    return i < N_TABLE ? table[i] : NULL;
}

static void test_place_by_step_number(void **state)
{
    (void)state;
    SnapshotPlace p;
    assert_true(snapshot_place(N_TABLE, table_name, NULL, 3, &p));
    assert_int_equal(p.step, 20);
    assert_int_equal(p.prev, 1);        /* train.0 */
    assert_int_equal(p.prev_step, 0);
    assert_int_equal(p.next, 6);        /* train.60, not train.100 that comes first in the file */
    assert_int_equal(p.next_step, 60);
    assert_int_equal(p.index, 1);
    assert_int_equal(p.count, 4);       /* 0, 20, 60, 100: train.40 has no enc.0.attn.weights */
    assert_int_equal(p.first, 0);
    assert_int_equal(p.last, 100);

    assert_true(snapshot_place(N_TABLE, table_name, NULL, 5, &p));  /* the last */
    assert_int_equal(p.next, -1);
    assert_int_equal(p.prev, 6);
    assert_int_equal(p.index, 3);
    assert_true(snapshot_place(N_TABLE, table_name, NULL, 1, &p));  /* the first */
    assert_int_equal(p.prev, -1);
    assert_int_equal(p.next, 3);

    /* a family of its own: the one snapshot of train.0.enc.1 */
    assert_true(snapshot_place(N_TABLE, table_name, NULL, 2, &p));
    assert_int_equal(p.count, 1);
    assert_int_equal(p.next, -1);
    assert_int_equal(p.prev, -1);
    /* src.tokens: 0 and 40 */
    assert_true(snapshot_place(N_TABLE, table_name, NULL, 0, &p));
    assert_int_equal(p.next, 4);

    for (uint32_t i = 7; i < N_TABLE; i++) {
        assert_false(snapshot_place(N_TABLE, table_name, NULL, i, &p));
        assert_int_equal(p.step, -1);
        assert_int_equal(p.next, -1);
        assert_int_equal(p.prev, -1);
    }
    assert_false(snapshot_place(N_TABLE, table_name, NULL, N_TABLE, &p));
    assert_true(snapshot_any(N_TABLE, table_name, NULL));
}

/* Only the forward pass's records: no snapshot anywhere. */
static const char *forward_name(const void *ctx, uint32_t i)
{
    (void)ctx;
    return table[8 + i];
}

static void test_no_snapshots(void **state)
{
    (void)state;
    assert_false(snapshot_any(2, forward_name, NULL));
}

/* ---- a training trace ---- */

#define STEPS 50   /* updates: snapshots at 0, 10, 20 */
#define PARTS 3

typedef struct {
    Scratch *dir;
    TraceReader *r;
    ViewState v;
} Fixture;

static const char *const toks[] = {"a", "b", "c"};
static const char *const parts[] = {"embed", "enc.0", "generator"};

static void add(TraceWriter *w, Record *rec, uint32_t *idx)
{
    Error err = {0};
    rec->exec_index = (*idx)++;
    if (trace_writer_add(w, rec, &err))
        fail_msg("writing %s: %s", rec->name, err.msg);
}

/* train.S.enc.L.attn.weights for S = 0, 10, 20 and L = 0, 1 (each value
 * marks its S, so a test sees which snapshot is on screen), train.S.loss,
 * then the curves: train.loss [step=50] and train.grad_norm.parts
 * [step=50, part=3], labelled "1" ... "50". */
static void write_training_trace(const char *path)
{
    TraceWriter *w;
    Error err = {0};
    assert_int_equal(trace_writer_open(&w, path, "task = copy\nevery = 10\n", &err), TF_OK);
    uint32_t idx = 0;
    for (int S = 0; S <= 20; S += 10) {
        char name[64];
        for (int L = 0; L < 2; L++) {
            float m[2 * 3 * 3];
            for (int i = 0; i < 18; i++)
                m[i] = (float)S + (float)i / 100.0f;
            snprintf(name, sizeof name, "train.%d.enc.%d.attn.weights", S, L);
            Record rec = {.name = name, .kind = "weights", .ndim = 3, .dims = {2, 3, 3},
                          .dim_names = {"head", "query", "key"}, .data = m, .row_labels = toks, .col_labels = toks,
                          .formula = "softmax(masked)", .description = "the probe's attention"};
            add(w, &rec, &idx);
        }
        float loss = 3.0f - (float)S / 10.0f;
        snprintf(name, sizeof name, "train.%d.loss", S);
        Record rec = {.name = name, .kind = "loss", .ndim = 1, .dims = {1}, .dim_names = {""}, .data = &loss,
                      .formula = "CE", .description = "the probe's loss"};
        add(w, &rec, &idx);
    }
    static char label_text[STEPS][8];
    static const char *labels[STEPS];
    float curve[STEPS], per_part[STEPS * PARTS];
    for (int i = 0; i < STEPS; i++) {
        snprintf(label_text[i], sizeof label_text[i], "%d", i + 1);
        labels[i] = label_text[i];
        curve[i] = 3.0f / (float)(i + 1);
        for (int p = 0; p < PARTS; p++)
            per_part[i * PARTS + p] = (float)(p + 1) / (float)(i + 1);
    }
    Record loss = {.name = "train.loss", .kind = "curve", .ndim = 1, .dims = {STEPS}, .dim_names = {"step"},
                   .data = curve, .col_labels = labels, .formula = "mean CE", .description = "loss per update"};
    add(w, &loss, &idx);
    /* As train_trace.c writes them: no labels; FORMAT.md says what the
     * index counts. */
    Record acc = {.name = "train.accuracy", .kind = "curve", .ndim = 1, .dims = {STEPS}, .dim_names = {"step"},
                  .data = curve, .formula = "acc", .description = "accuracy per update"};
    add(w, &acc, &idx);
    Record gp = {.name = "train.grad_norm.parts", .kind = "curve", .ndim = 2, .dims = {STEPS, PARTS},
                 .dim_names = {"step", "part"}, .data = per_part, .col_labels = parts,
                 .formula = "|g|", .description = "gradient norm per part"};
    add(w, &gp, &idx);
    float eval_step[3] = {0, 10, 20}, eval_loss[3] = {3.0f, 2.5f, 1.25f};
    Record es = {.name = "train.eval.step", .kind = "curve", .ndim = 1, .dims = {3}, .dim_names = {"eval"},
                 .data = eval_step, .formula = "S", .description = "when"};
    add(w, &es, &idx);
    Record el = {.name = "train.eval.loss", .kind = "curve", .ndim = 1, .dims = {3}, .dim_names = {"eval"},
                 .data = eval_loss, .formula = "CE", .description = "held-out loss"};
    add(w, &el, &idx);
    float lengths[2] = {3, 4};  /* no train.lengths.length of its length: indices */
    Record la = {.name = "train.lengths.accuracy", .kind = "curve", .ndim = 1, .dims = {2},
                 .dim_names = {"length"}, .data = lengths, .formula = "acc", .description = "by length"};
    add(w, &la, &idx);
    assert_int_equal(trace_writer_finish(w, &err), TF_OK);
}

static int setup(void **state)
{
    Fixture *f = calloc(1, sizeof *f);
    if (!f || !(f->dir = scratch_open("view_training", "x.train.trace")))
        return -1;
    write_training_trace(f->dir->path);
    Error err;
    if (trace_reader_open(&f->r, f->dir->path, &err))
        return -1;
    ViewConfig cfg = {.a = f->r, .start = "train.10.enc.0.attn.weights", .theme = {true, true}, .lines = 40,
                      .cols = 120};
    if (view_init(&f->v, &cfg, &err)) {
        fprintf(stderr, "view_init: %s\n", err.msg);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    view_free(&f->v);
    trace_reader_close(f->r);
    scratch_close(f->dir);
    free(f);
    return 0;
}

static const char *cur_name(const ViewState *s)
{
    return view_name(s, s->cur);
}

static float cur_value(const ViewState *s)
{
    const CachedRecord *c = view_current(s);
    assert_true(c && c->ok);
    size_t page = view_page(s, &c->tr.rec, &c->pg);
    return export_pages_data(&c->tr.rec, &c->pg, page)[(size_t)s->row * c->pg.cols + s->col];
}

static void test_braces_step_through_snapshots(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    assert_string_equal(cur_name(s), "train.10.enc.0.attn.weights");
    assert_int_equal(s->snap.step, 10);
    assert_int_equal(s->snap.last, 20);
    view_key(s, ']');   /* head 1 */
    view_key(s, 'j');
    view_key(s, 'j');
    view_key(s, 'l');   /* query c, key b */
    uint32_t head = s->head, row = s->row, col = s->col;
    assert_int_equal(head, 1);
    float before = cur_value(s);

    view_key(s, '}');
    assert_string_equal(cur_name(s), "train.20.enc.0.attn.weights");
    assert_int_equal(s->snap.step, 20);
    assert_int_equal(s->head, head);
    assert_int_equal(s->row, row);
    assert_int_equal(s->col, col);
    assert_true(cur_value(s) == before + 10.0f);  /* the same cell, ten updates on */
    assert_int_equal(s->msg_kind, MSG_NONE);

    view_key(s, '}');   /* the last snapshot: stays, says so */
    assert_string_equal(cur_name(s), "train.20.enc.0.attn.weights");
    assert_int_equal(s->msg_kind, MSG_NOTICE);
    assert_string_equal(s->msg, "no later snapshot of enc.0.attn.weights: training step 20 is the last one");

    view_key(s, '{');
    view_key(s, '{');
    assert_string_equal(cur_name(s), "train.0.enc.0.attn.weights");
    assert_int_equal(s->head, head);
    assert_int_equal(s->row, row);
    view_key(s, '{');
    assert_string_equal(cur_name(s), "train.0.enc.0.attn.weights");
    assert_string_equal(s->msg, "no earlier snapshot of enc.0.attn.weights: training step 0 is the first one");

    /* a snapshot's record without a layer steps the same way */
    assert_true(view_jump(s, "train.0.loss"));
    view_key(s, '}');
    assert_string_equal(cur_name(s), "train.10.loss");

    /* and in Chinese */
    s->lang = VIEW_LANG_ZH;
    view_key(s, '}');
    view_key(s, '}');
    assert_string_equal(cur_name(s), "train.20.loss");
    assert_string_equal(s->msg, "loss 没有更晚的快照：训练第 20 步是最后一个");
}

static void test_braces_off_a_snapshot(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    assert_true(view_jump(s, "train.loss"));
    assert_int_equal(s->snap.step, -1);
    view_key(s, '}');
    assert_string_equal(cur_name(s), "train.loss");
    assert_int_equal(s->msg_kind, MSG_NOTICE);
    assert_string_equal(s->msg, "train.loss is neither a training snapshot (train.S.*) nor inside a layer: "
                                "} and { move between those");
    s->lang = VIEW_LANG_ZH;
    view_key(s, '{');
    assert_non_null(strstr(s->msg, "既不是训练快照"));
}

/* Every snapshot's groups in the outline read "step S". */
static void test_outline_says_step(void **state)
{
    Fixture *f = *state;
    const StepTree *t = &f->v.tree;
    int found = 0;
    for (uint32_t k = 0; k < t->n_nodes; k++) {
        char label[128];
        tree_label(t, k, view_tree_name, f->r, label, sizeof label);
        found += strncmp(label, "step 10", 7) == 0;
    }
    assert_true(found >= 1);
}

static void test_curve_is_a_column(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    assert_true(view_jump(s, "train.loss"));
    const CachedRecord *c = view_current(s);
    assert_true(c->ok);
    assert_true(curve_is_column(&c->tr.rec));
    assert_int_equal(c->pg.rows, STEPS);
    assert_int_equal(c->pg.cols, 1);

    ScreenLayout l;
    Panel p[LAYOUT_MAX_PANELS];
    layout_screen(s, &l);
    assert_int_equal(layout_panels(s, &l, p, LAYOUT_MAX_PANELS), 1);
    assert_int_equal(p[0].rows, STEPS);
    assert_int_equal(p[0].cols, 1);
    assert_true(p[0].numbers);            /* a value per row, though the rows scroll */
    assert_true(p[0].bar_w >= 20);        /* and a bar beside it */
    assert_false(p[0].half);
    assert_true(p[0].label_w >= 2);       /* "50" */
    assert_true(p[0].cap_r < STEPS);      /* 40 lines: the column scrolls */
    char buf[32];
    assert_string_equal(layout_row_label(&c->tr.rec, &c->pg, 0, 49, buf, sizeof buf), "50");
    assert_string_equal(layout_row_label(&c->tr.rec, &c->pg, 0, 0, buf, sizeof buf), "1");

    /* the cursor walks the steps; the window follows */
    view_key(s, KEY_NPAGE);
    view_key(s, KEY_NPAGE);
    assert_true(s->row > p[0].cap_r);
    assert_true(cur_value(s) == 3.0f / (float)(s->row + 1));
    layout_screen(s, &l);
    layout_panels(s, &l, p, LAYOUT_MAX_PANELS);
    assert_true(s->row / p[0].pr >= p[0].top && s->row / p[0].pr < p[0].top + p[0].vr);

    /* z: runs of steps averaged into rows until the whole run fits, bars kept */
    view_key(s, 'z');
    layout_screen(s, &l);
    layout_panels(s, &l, p, LAYOUT_MAX_PANELS);
    assert_true(p[0].pr > 1);
    assert_int_equal(p[0].pc, 1);
    assert_true(p[0].R <= p[0].cap_r);
    assert_false(p[0].numbers);           /* a mean is not a value of the record */
    assert_true(p[0].bar_w > 0);
}

/* Curves without labels are labelled as FORMAT.md reads their axis. */
static void test_curve_rows_say_what_they_count(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    char buf[32];
    static const struct {
        const char *record;
        uint32_t row;
        const char *label;
    } cases[] = {
        {"train.accuracy", 0, "1"},          /* index i: update i + 1 */
        {"train.accuracy", 49, "50"},
        {"train.eval.loss", 0, "0"},         /* train.eval.step's values */
        {"train.eval.loss", 2, "20"},
        {"train.eval.step", 1, "10"},
        {"train.grad_norm.parts", 0, "1"},   /* a two-axis curve's rows */
        {"train.grad_norm.parts", 9, "10"},
        {"train.lengths.accuracy", 1, "1"},  /* its axis record is missing: the index */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        assert_true(view_jump(s, cases[k].record));
        const CachedRecord *c = view_current(s);
        assert_true(c->ok);
        const char *got = layout_row_label(&c->tr.rec, &c->pg, 0, cases[k].row, buf, sizeof buf);
        if (strcmp(got, cases[k].label) != 0)
            fail_msg("%s row %u: '%s', want '%s'", cases[k].record, cases[k].row, got, cases[k].label);
    }
    /* whole values print whole: train.eval.step's cells read 10, not 10.00 */
    assert_true(view_jump(s, "train.eval.step"));
    assert_true(view_current(s)->whole);
    ScreenLayout l;
    Panel p;
    layout_screen(s, &l);
    assert_int_equal(layout_panels(s, &l, &p, 1), 1);
    assert_int_equal(p.nf.decimals, 0);
    assert_true(view_jump(s, "train.eval.loss"));
    assert_false(view_current(s)->whole);
    /* the info pane's cursor line reads the same labels */
    assert_true(view_jump(s, "train.accuracy"));
    assert_string_equal(curve_row_label(&view_current(s)->tr.rec, 4), "5");
}

/* A curve's cells: four significant digits of its largest value, every row
 * with the same decimals, so a learning rate of 0.0013 does not read 0.00. */
static void test_curve_numbers_keep_their_digits(void **state)
{
    (void)state;
    static const struct {
        float min, max, v;
        bool whole;
        const char *want;
    } cases[] = {
        {2.2e-5f, 0.0013258f, 0.0013258f, false, "0.001326"},  /* a learning rate */
        {2.2e-5f, 0.0013258f, 2.2097e-5f, false, "0.000022"},
        {1.44f, 3.41f, 3.3362f, false, "3.336"},                 /* a loss */
        {0.07f, 0.4494f, 0.0778f, false, "0.0778"},              /* an accuracy */
        {0.0f, 60.0f, 20.5f, false, "20.50"},
        {0.0f, 60.0f, 20.0f, true, "20"},                        /* train.eval.step */
        {-0.5f, 0.25f, -0.5f, false, "-0.5000"},                 /* a difference A - B */
        {1.0f, 12345.0f, 12345.0f, false, "1e+04"},              /* beyond 9999: as any record */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        ValueStats st = {.min = cases[k].min, .max = cases[k].max, .n_finite = 2};
        NumberFormat nf = curve_numfmt(&st, cases[k].whole);
        char buf[32];
        numfmt_cell(buf, sizeof buf, cases[k].v, &nf);
        if (strcmp(buf, cases[k].want) != 0 || (int)strlen(buf) > nf.width)
            fail_msg("%g in [%g, %g]: '%s' (width %d), want '%s'", (double)cases[k].v, (double)cases[k].min,
                     (double)cases[k].max, buf, nf.width, cases[k].want);
    }
}

static void test_two_axis_curve_has_numbers(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    assert_true(view_jump(s, "train.grad_norm.parts"));
    const CachedRecord *c = view_current(s);
    assert_false(curve_is_column(&c->tr.rec));
    ScreenLayout l;
    Panel p[LAYOUT_MAX_PANELS];
    layout_screen(s, &l);
    assert_int_equal(layout_panels(s, &l, p, LAYOUT_MAX_PANELS), 1);
    assert_int_equal(p[0].rows, STEPS);
    assert_int_equal(p[0].cols, PARTS);
    assert_true(p[0].cap_r < STEPS);
    assert_true(p[0].numbers);
    assert_int_equal(p[0].bar_w, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_place_by_step_number),
        cmocka_unit_test(test_no_snapshots),
        cmocka_unit_test_setup_teardown(test_braces_step_through_snapshots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_braces_off_a_snapshot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outline_says_step, setup, teardown),
        cmocka_unit_test_setup_teardown(test_curve_is_a_column, setup, teardown),
        cmocka_unit_test_setup_teardown(test_curve_rows_say_what_they_count, setup, teardown),
        cmocka_unit_test(test_curve_numbers_keep_their_digits),
        cmocka_unit_test_setup_teardown(test_two_axis_curve_has_numbers, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
