/* test_model_view.c — the model view (plot_model_view, viz/modelview.gp),
 * checked by reading the image back (libpng) at the panels the script
 * reports (PlotOptions.geometry):
 *   - a panel per layer × head, laid out a row per layer, a column per head;
 *   - one colour scale 0..1 for every panel: a weight of 1 is the same
 *     (darkest) colour in every panel, and a weight of 0.5 the palette's
 *     middle even where nothing in the figure is larger;
 *   - the cells the block's mask hides grey;
 *   - 6 layers × 8 heads of 9 tokens fit the 1600 x 900 slide, panels apart;
 *   - the default block and the refusals;
 *   - lesson 6's traces (two layers of four heads): the grid, and its
 *     causal first rows, a weight of exactly 1, one colour in every panel.
 * Set TF_TEST_PLOT_DIR=DIR to keep the images in DIR and look at them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson/lesson.h"
#include "plot/plot.h"
#include "trace/trace.h"

#include "../support/plot_fixture.h"
#include "../support/png_read.h"
#include "../support/scratch.h"

/* ---- the test traces ---- */

#define T 4   /* tokens */
#define H 3   /* heads */
#define L 2   /* layers */

static const char *const toks[T] = {"<START>", "cat", "chases", "mouse"};
static const char *const src_toks[T] = {"猫", "追", "老鼠", "吃"};
/* decoder self-attention, causal: row q spreads over keys 0..q; row 0 is
 * all on key 0 (weight 1) in every panel */
static float self_w[L][H * T * T];
static float causal[T * T];
/* encoder attention, no mask: nothing above 0.5 */
static float enc_w[L][H * T * T];

static void fill(void)
{
    for (int q = 0; q < T; q++)
        for (int k = 0; k < T; k++)
            causal[q * T + k] = k > q ? -INFINITY : 0.0f;
    for (int l = 0; l < L; l++)
        for (int h = 0; h < H; h++)
            for (int q = 0; q < T; q++)
                for (int k = 0; k < T; k++) {
                    float *w = &self_w[l][(h * T + q) * T + k];
                    /* row q: all on key (q + h + l) % (q + 1) of the visible ones */
                    *w = k > q ? 0.0f : k == (q + h + l) % (q + 1) ? 1.0f : 0.0f;
                    /* encoder: 0.5 on two keys, 0 on the others */
                    enc_w[l][(h * T + q) * T + k] = (k == q || k == (q + 1) % T) ? 0.5f : 0.0f;
                }
}

static Record weights(const char *name, const char *const *rows, const char *const *cols, const float *data)
{
    return (Record){.name = name, .kind = "weights", .ndim = 3, .dims = {H, T, T},
                    .dim_names = {"head", "query", "key"}, .data = data, .row_labels = rows,
                    .col_labels = cols, .formula = "softmax(masked) over keys", .description = "Weights."};
}

static Record mask(const char *name)
{
    return (Record){.name = name, .kind = "mask", .ndim = 2, .dims = {T, T}, .dim_names = {"query", "key"},
                    .data = causal, .row_labels = toks, .col_labels = toks,
                    .formula = "0 = may attend, -inf = blocked", .description = "Causal mask."};
}

/* An encoder (no mask) and a decoder's causal self-attention, L layers
 * each; no cross-attention. */
static void write_trace(const char *path)
{
    fill();
    Record recs[] = {
        weights("enc.0.attn.weights", src_toks, src_toks, enc_w[0]),
        weights("enc.1.attn.weights", src_toks, src_toks, enc_w[1]),
        mask("dec.0.self_attn.mask"),
        weights("dec.0.self_attn.weights", toks, toks, self_w[0]),
        mask("dec.1.self_attn.mask"),
        weights("dec.1.self_attn.weights", toks, toks, self_w[1]),
    };
    plot_fixture_write(path, recs, sizeof recs / sizeof recs[0]);
}

/* ---- fixture ---- */

typedef PlotFixture Fixture;

static int setup(void **state)
{
    Fixture *f = plot_fixture_open("model_view", "mv.trace", write_trace);
    if (!f)
        return -1;
    f->o.geometry = f->geometry;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    return plot_fixture_close(*state);
}

/* ---- images ---- */

static void draw(Fixture *f, const char *block, char *path, size_t cap)
{
    Error err;
    error_clear(&err);
    f->o.block = block;
    if (plot_model_view(f->r, &f->o, path, cap, &err) != TF_OK)
        fail_msg("model view %s: %s", block ? block : "(default)", err.msg);
}

/* The grid: L × H panels, page l·H + h at row l, column h, on the slide. */
static void assert_grid(const Panel *p, int n, int layers, int heads, const Image *im)
{
    assert_int_equal(n, layers * heads);
    for (int i = 0; i < n; i++) {
        assert_int_equal(p[i].page, i);
        int l = i / heads, h = i % heads;
        const Panel *first = &p[l * heads];  /* this row's head 0 */
        const Panel *top = &p[h];            /* this column's layer 0 */
        if (p[i].y0 != first->y0 || p[i].x0 != top->x0)
            fail_msg("panel %d (layer %d, head %d) at (%d, %d): not in its row and column", i, l, h, p[i].x0,
                     p[i].y0);
        if (h > 0 && p[i].x0 <= p[i - 1].x1)
            fail_msg("panel %d overlaps the one left of it", i);
        if (l > 0 && p[i].y0 <= p[i - heads].y1)
            fail_msg("panel %d overlaps the one above it", i);
        if (p[i].x0 < 0 || p[i].y0 < 0 || (uint32_t)p[i].x1 > im->w || (uint32_t)p[i].y1 > im->h)
            fail_msg("panel %d (%d,%d)-(%d,%d) is off the %ux%u page", i, p[i].x0, p[i].y0, p[i].x1, p[i].y1,
                     im->w, im->h);
    }
}

/* ---- tests ---- */

/* dec.self: a weight of 1 is one colour in every panel (the scale's dark
 * end), the masked cells grey; the default block of a trace without
 * cross-attention is the decoder's self-attention. */
static void test_one_scale_and_mask(void **state)
{
    Fixture *f = *state;
    char path[4096];
    draw(f, NULL, path, sizeof path);
    assert_non_null(strstr(path, "model-view.dec.self.png"));
    Image im = png_read(path);
    assert_int_equal(im.w, 1600);
    assert_int_equal(im.h, 900);
    Panel p[L * H];
    int n = png_read_panels(f->geometry, p, L * H);
    assert_grid(p, n, L, H, &im);
    double rgb[3];
    char what[96];
    for (int i = 0; i < n; i++) {
        int l = i / H, h = i % H;
        for (int q = 0; q < T; q++)
            for (int k = 0; k < T; k++) {
                png_cell_rgb(&im, &p[i], T, T, q, k, rgb);
                snprintf(what, sizeof what, "layer %d head %d cell (%d,%d)", l, h, q, k);
                if (k > q)  /* viz/lib/common.gp: tf_mask_rgb */
                    png_assert_rgb_near(rgb, 0x6b6b6b, 8, what);
                else if (self_w[l][(h * T + q) * T + k] == 1.0f)  /* the sequential palette's dark end */
                    png_assert_rgb_near(rgb, 0x08306b, 12, what);
                else  /* 0: its light end */
                    png_assert_rgb_near(rgb, 0xf7fbff, 12, what);
            }
    }
    free(im.px);
}

/* enc: nothing above 0.5, and still 0.5 is the middle of the 0..1 scale
 * (#6baed6), not its dark end as a scale fitted to the data would draw it. */
static void test_scale_is_0_to_1(void **state)
{
    Fixture *f = *state;
    char path[4096];
    draw(f, "enc", path, sizeof path);
    assert_non_null(strstr(path, "model-view.enc.png"));
    Image im = png_read(path);
    Panel p[L * H];
    int n = png_read_panels(f->geometry, p, L * H);
    assert_grid(p, n, L, H, &im);
    double rgb[3];
    for (int i = 0; i < n; i++) {
        png_cell_rgb(&im, &p[i], T, T, 0, 0, rgb);
        png_assert_rgb_near(rgb, 0x6baed6, 14, "a weight of 0.5");
        png_cell_rgb(&im, &p[i], T, T, 0, 2, rgb);
        png_assert_rgb_near(rgb, 0xf7fbff, 12, "a weight of 0");
    }
    free(im.px);
}

/* 6 layers × 8 heads of 9 tokens: 48 panels on the 1600 x 900 slide,
 * apart, their cells still several pixels wide. */
#define BL 6
#define BH 8
#define BT 9
static void test_large_model_fits_a_slide(void **state)
{
    Fixture *f = *state;
    static const char *const words[BT] = {"the", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog"};
    static float w[BL][BH * BT * BT];
    static char names[BL][48];
    Record recs[BL];
    for (int l = 0; l < BL; l++) {
        for (int i = 0; i < BH * BT * BT; i++)
            w[l][i] = 1.0f / BT;
        snprintf(names[l], sizeof names[l], "enc.%d.attn.weights", l);
        recs[l] = (Record){.name = names[l], .kind = "weights", .ndim = 3, .dims = {BH, BT, BT},
                           .dim_names = {"head", "query", "key"}, .data = w[l], .row_labels = words,
                           .col_labels = words, .formula = "softmax", .description = ""};
    }
    char trace[400];
    snprintf(trace, sizeof trace, "%s/big.trace", f->s->dir);
    plot_fixture_write(trace, recs, BL);
    TraceReader *r;
    Error err;
    if (trace_reader_open(&r, trace, &err) != TF_OK)
        fail_msg("%s", err.msg);
    char path[4096];
    f->o.block = NULL;  /* an encoder alone: enc by default */
    if (plot_model_view(r, &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("model view: %s", err.msg);
    trace_reader_close(r);
    assert_non_null(strstr(path, "model-view.enc.png"));
    Image im = png_read(path);
    Panel p[BL * BH];
    int n = png_read_panels(f->geometry, p, BL * BH);
    assert_grid(p, n, BL, BH, &im);
    for (int i = 0; i < n; i++)
        if ((p[i].x1 - p[i].x0) / BT < 6 || (p[i].y1 - p[i].y0) / BT < 6)
            fail_msg("panel %d: cells of %dx%d pixels", i, (p[i].x1 - p[i].x0) / BT, (p[i].y1 - p[i].y0) / BT);
    free(im.px);
}

/* Lesson 6, as `traceformer lesson 6 --traces DIR` writes it: its
 * decoder's self-attention in a grid of 2 layers × 4 heads; the first
 * query sees only itself (a weight of exactly 1, the dark end, in every
 * panel), the rest of its row is masked (grey); the default block of this
 * encoder-decoder trace is the cross-attention, the same grid. */
static void test_lesson_six(void **state)
{
    Fixture *f = *state;
    const char *src = getenv("TF_SOURCE_DIR");
    Lesson *l = NULL;
    Error err;
    error_clear(&err);
    if (lesson_load(&l, src && src[0] ? src : ".", "6", &err) != TF_OK)
        fail_msg("lesson 6: %s", err.msg);
    char dir[400];
    snprintf(dir, sizeof dir, "%s/l6", f->s->dir);
    LessonTraces t;
    if (lesson_run(l, NULL, dir, &t, &err) != TF_OK)
        fail_msg("lesson 6: run: %s", err.msg);
    const char *main_trace = lesson_trace_path(&t, "main");
    assert_non_null(main_trace);
    TraceReader *r;
    if (trace_reader_open(&r, main_trace, &err) != TF_OK)
        fail_msg("%s", err.msg);
    lesson_free(l);
    long w = trace_reader_find(r, "dec.0.self_attn.weights");
    assert_true(w >= 0);
    TraceRecord tr;
    assert_int_equal(trace_reader_get(r, (uint32_t)w, &tr, &err), TF_OK);
    int layers = 2, heads = (int)tr.rec.dims[0], rows = (int)tr.rec.dims[1], cols = (int)tr.rec.dims[2];
    assert_int_equal(heads, 4);
    assert_true(rows >= 2);
    assert_true(tr.rec.data[0] == 1.0f);  /* row 0 of head 0: all on key 0 */
    trace_record_release(&tr);

    char path[4096];
    f->o.block = "dec.self";
    if (plot_model_view(r, &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("model view: %s", err.msg);
    assert_non_null(strstr(path, "model-view.dec.self.png"));
    Image im = png_read(path);
    Panel p[16];
    int n = png_read_panels(f->geometry, p, 16);
    assert_grid(p, n, layers, heads, &im);
    double rgb[3];
    char what[64];
    for (int i = 0; i < n; i++) {
        png_cell_rgb(&im, &p[i], rows, cols, 0, 0, rgb);
        snprintf(what, sizeof what, "panel %d: the first query's weight of 1", i);
        png_assert_rgb_near(rgb, 0x08306b, 12, what);
        png_cell_rgb(&im, &p[i], rows, cols, 0, cols - 1, rgb);
        snprintf(what, sizeof what, "panel %d: the first query's last key, masked", i);
        png_assert_rgb_near(rgb, 0x6b6b6b, 8, what);
    }
    free(im.px);

    f->o.block = NULL;
    if (plot_model_view(r, &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("model view: %s", err.msg);
    assert_non_null(strstr(path, "model-view.dec.cross.png"));
    im = png_read(path);
    n = png_read_panels(f->geometry, p, 16);
    assert_grid(p, n, layers, heads, &im);
    free(im.px);
    trace_reader_close(r);
}

/* The refusals, before gnuplot runs: a block the trace lacks (naming those
 * it has), a block that is none, a head, a sentence out of range. */
static void test_refusals(void **state)
{
    Fixture *f = *state;
    char path[4096];
    Error err;
    int files = scratch_count_files(f->out);  /* -1: no directory yet */
    f->o.block = "dec.cross";
    assert_int_equal(plot_model_view_check(f->r, &f->o, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "no dec.cross attention"));
    assert_non_null(strstr(err.msg, "enc, dec.self"));
    assert_int_equal(plot_model_view(f->r, &f->o, path, sizeof path, &err), TF_ERR_INPUT);
    f->o.block = "cross";
    assert_int_equal(plot_model_view_check(f->r, &f->o, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "expected enc, dec.self or dec.cross"));
    f->o.block = "enc";
    f->o.batch = 1;
    assert_int_equal(plot_model_view_check(f->r, &f->o, &err), TF_ERR_INPUT);
    f->o.batch = 0;
    f->o.head = 0;
    assert_int_equal(plot_model_view_check(f->r, &f->o, &err), TF_ERR_INPUT);
    f->o.head = -1;
    assert_int_equal(plot_model_view_check(f->r, &f->o, &err), TF_OK);
    assert_int_equal(scratch_count_files(f->out), files);  /* nothing made */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_one_scale_and_mask, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scale_is_0_to_1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_large_model_fits_a_slide, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lesson_six, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
    };
    return cmocka_run_group_tests_name("model_view", tests, NULL, NULL);
}
