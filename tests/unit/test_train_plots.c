/* test_train_plots.c — the figures of training traces (plot_train_curves,
 * plot_film, viz/training.gp, viz/film.gp) and the animated GIFs
 * (--format gif: film.gp a frame per snapshot or decoding step), checked
 * by reading the images back (libpng, tests/support/gif_read):
 *   - the loss figure: the slide page, one plot area, a log y axis when
 *     the loss spans more than a factor of 20 (and none for accuracy), a
 *     second run's colour there only when it is compared;
 *   - the film strip: at most 8 snapshots by default, the first and the
 *     last always; --at's steps; one colour scale 0..1, so attention
 *     sharpening reads as a cell darkening from the first panel to the
 *     last; one head or the mean of the heads;
 *   - a GIF: a frame per snapshot (or per --at step), a frame per step of
 *     generation; other figures refuse gif;
 *   - the refusals, before anything is drawn: not a training trace, a
 *     block the snapshots lack, a step without a snapshot, a head out of
 *     range.
 * The traces are written here (synthetic, shaped as src/trace/FORMAT.md's
 * "Training" says); tests/cli/test_train_plots.sh draws real ones.
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

#include "plot/film.h"
#include "plot/plot.h"
#include "trace/trace.h"

#include "../support/gif_read.h"
#include "../support/plot_fixture.h"
#include "../support/png_read.h"
#include "../support/scratch.h"

/* ---- the test traces ---- */

#define N 60        /* updates */
#define EVALS 4     /* evaluations at 0, 20, 40, 60 */
#define SNAPS 13    /* snapshots at 0, 5, ..., 60 */
#define HEADS 2
#define TQ 4        /* the probe's target tokens: the queries */
#define TS 3        /* its source tokens: the keys */

static const char *const tgt_toks[TQ] = {"<START>", "c", "b", "a"};
static const char *const src_toks[TS] = {"a", "b", "c"};

/* The key query q comes to look at: the reversed source. */
static int target(int q)
{
    return q < TS ? TS - 1 - q : 0;
}

typedef struct {
    float loss[N], acc[N], lr[N], gnorm[N];
    float eval_step[EVALS], eval_loss[EVALS], eval_acc[EVALS];
    float cross[SNAPS][HEADS * TQ * TS];
    float enc[SNAPS][HEADS * TS * TS];
    char names[2 * SNAPS][64];
} TrainData;

static TrainData run_a, run_b;

/* Head 0 sharpens from 1/3 everywhere (step 0) to 1 on the target key
 * (step 60); head 1 stays uniform. */
static void fill_snapshots(TrainData *d)
{
    for (int s = 0; s < SNAPS; s++) {
        double p = 1.0 / 3 + (2.0 / 3) * (5.0 * s) / N;
        for (int q = 0; q < TQ; q++)
            for (int k = 0; k < TS; k++) {
                d->cross[s][(0 * TQ + q) * TS + k] = (float)(k == target(q) ? p : (1 - p) / 2);
                d->cross[s][(1 * TQ + q) * TS + k] = 1.0f / 3;
            }
        for (int i = 0; i < HEADS * TS * TS; i++)
            d->enc[s][i] = 1.0f / 3;
    }
}

/* a: a loss falling from 4 to 0.05 (a factor of 80); b: slower, to 0.5 */
static void fill(TrainData *d, double tau, double floor_)
{
    for (int i = 0; i < N; i++) {
        d->loss[i] = (float)(4 * exp(-(i + 1) / tau) + floor_);
        d->acc[i] = (float)(1 - exp(-(i + 1) / tau));
        d->lr[i] = (float)(1e-3 * fmin(1.0, (i + 1) / 10.0));
        d->gnorm[i] = (float)(2 * exp(-(i + 1) / 30.0) + 0.1);
    }
    for (int e = 0; e < EVALS; e++) {
        d->eval_step[e] = (float)(20 * e);
        d->eval_loss[e] = (float)(4 * exp(-20.0 * e / tau) + floor_ + 0.01);
        d->eval_acc[e] = (float)(1 - exp(-20.0 * e / tau));
    }
    fill_snapshots(d);
}

static Record curve(const char *name, const char *axis, uint32_t n, const float *data)
{
    return (Record){.name = name, .kind = "curve", .ndim = 1, .dims = {n}, .dim_names = {axis}, .data = data,
                    .formula = "", .description = "A curve."};
}

static Record weights(const char *name, uint32_t q, uint32_t k, const char *const *rows, const char *const *cols,
                      const float *data)
{
    return (Record){.name = name, .kind = "weights", .ndim = 3, .dims = {HEADS, q, k},
                    .dim_names = {"head", "query", "key"}, .data = data, .row_labels = rows, .col_labels = cols,
                    .formula = "softmax(masked) over keys", .description = "Weights."};
}

static void write_training(const char *path, TrainData *d)
{
    Record recs[7 + 2 * SNAPS + 3];
    size_t n = 0;
    for (int s = 0; s < SNAPS; s++) {
        snprintf(d->names[2 * s], sizeof d->names[0], "train.%d.enc.0.attn.weights", 5 * s);
        snprintf(d->names[2 * s + 1], sizeof d->names[0], "train.%d.dec.0.cross_attn.weights", 5 * s);
        recs[n++] = weights(d->names[2 * s], TS, TS, src_toks, src_toks, d->enc[s]);
        recs[n++] = weights(d->names[2 * s + 1], TQ, TS, tgt_toks, src_toks, d->cross[s]);
    }
    recs[n++] = curve("train.loss", "step", N, d->loss);
    recs[n++] = curve("train.accuracy", "step", N, d->acc);
    recs[n++] = curve("train.lr", "step", N, d->lr);
    recs[n++] = curve("train.grad_norm", "step", N, d->gnorm);
    recs[n++] = curve("train.eval.step", "eval", EVALS, d->eval_step);
    recs[n++] = curve("train.eval.loss", "eval", EVALS, d->eval_loss);
    recs[n++] = curve("train.eval.accuracy", "eval", EVALS, d->eval_acc);
    plot_fixture_write(path, recs, n);
}

static void write_a(const char *path)
{
    fill(&run_a, 12, 0.04);
    write_training(path, &run_a);
}

/* A forward pass, no training: what `traceformer run` writes. */
static float plain_w[HEADS * TS * TS];
static void write_plain(const char *path)
{
    for (int i = 0; i < HEADS * TS * TS; i++)
        plain_w[i] = 1.0f / 3;
    Record r = weights("enc.0.attn.weights", TS, TS, src_toks, src_toks, plain_w);
    plot_fixture_write(path, &r, 1);
}

/* A generation: gen.S.dec.0.self_attn.weights [head, query=1, key=S+1]. */
#define GSTEPS 5
static const char *const gen_toks[GSTEPS + 1] = {"<START>", "I", "love", "cats", "too", "<END>"};
static float gen_w[GSTEPS][HEADS * (GSTEPS + 1)];
static char gen_names[GSTEPS][64];
static void write_generation(const char *path)
{
    Record recs[GSTEPS];
    for (int s = 0; s < GSTEPS; s++) {
        for (int h = 0; h < HEADS; h++)
            for (int k = 0; k <= s; k++)
                gen_w[s][h * (s + 1) + k] = 1.0f / (float)(s + 1);
        snprintf(gen_names[s], sizeof gen_names[s], "gen.%d.dec.0.self_attn.weights", s);
        recs[s] = (Record){.name = gen_names[s], .kind = "weights", .ndim = 3, .dims = {HEADS, 1, (uint32_t)s + 1},
                           .dim_names = {"head", "query", "key"}, .data = gen_w[s], .row_labels = &gen_toks[s],
                           .col_labels = gen_toks, .formula = "softmax", .description = "Weights."};
    }
    plot_fixture_write(path, recs, GSTEPS);
}

/* ---- fixture: a.train.trace, and beside it b.train.trace, plain.trace, gen.trace ---- */

typedef struct {
    PlotFixture *f;
    TraceReader *b, *plain, *gen;
} Fixture;

static TraceReader *open_beside(PlotFixture *f, const char *file, void (*write)(const char *))
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", f->s->dir, file);
    write(path);
    TraceReader *r;
    Error err;
    if (trace_reader_open(&r, path, &err) != TF_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return NULL;
    }
    return r;
}

static void write_b(const char *path)
{
    fill(&run_b, 30, 0.5);
    write_training(path, &run_b);
}

static int setup(void **state)
{
    Fixture *x = calloc(1, sizeof *x);
    if (!x || !(x->f = plot_fixture_open("train_plots", "a.train.trace", write_a)))
        return -1;
    x->f->o.geometry = x->f->geometry;
    x->b = open_beside(x->f, "b.train.trace", write_b);
    x->plain = open_beside(x->f, "plain.trace", write_plain);
    x->gen = open_beside(x->f, "gen.trace", write_generation);
    *state = x;
    return x->b && x->plain && x->gen ? 0 : -1;
}

static int teardown(void **state)
{
    Fixture *x = *state;
    trace_reader_close(x->b);
    trace_reader_close(x->plain);
    trace_reader_close(x->gen);
    int rc = plot_fixture_close(x->f);
    free(x);
    return rc;
}

/* ---- helpers ---- */

static bool ends_with(const char *s, const char *end)
{
    size_t n = strlen(s), e = strlen(end);
    return n >= e && strcmp(s + n - e, end) == 0;
}

/* Pixels of the area of panel p within tol of colour hex. */
static long count_near(const Image *im, const Panel *p, unsigned hex, int tol)
{
    long n = 0;
    int want[3] = {(int)(hex >> 16) & 255, (int)(hex >> 8) & 255, (int)hex & 255};
    for (int y = p->y0; y < p->y1; y++)
        for (int x = p->x0; x < p->x1; x++) {
            const unsigned char *px = png_pixel(im, (uint32_t)x, (uint32_t)y);
            if (abs(px[0] - want[0]) <= tol && abs(px[1] - want[1]) <= tol && abs(px[2] - want[2]) <= tol)
                n++;
        }
    return n;
}

/* Does the data file beside an image (keep_data: NAME.dat) hold text? */
static bool dat_has(const char *image, const char *text)
{
    char dat[4200];
    snprintf(dat, sizeof dat, "%.*s.dat", (int)(strrchr(image, '.') - image), image);
    char *s = (char *)scratch_read(dat, NULL);
    bool has = strstr(s, text) != NULL;
    free(s);
    return has;
}

/* ---- training curves ---- */

#define RUN1_RGB 0x1f78b4  /* viz/training.gp: the first run's colour */
#define RUN2_RGB 0xd7301f  /* the second's */

/* The loss of one run: the slide, one plot area, the first run's colour
 * in it and not the second's; a log axis for a loss from 4 to 0.05. */
static void test_loss(void **state)
{
    Fixture *x = *state;
    char path[4096];
    Error err;
    error_clear(&err);
    x->f->o.keep_data = true;
    if (plot_train_curves(x->f->r, NULL, "loss", &x->f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("loss: %s", err.msg);
    assert_true(ends_with(path, "/loss.png"));
    Image im = png_read(path);
    assert_int_equal(im.w, 1600);
    assert_int_equal(im.h, 900);
    Panel p[2];
    assert_int_equal(png_read_panels(x->f->geometry, p, 2), 1);
    if (count_near(&im, &p[0], RUN1_RGB, 10) < 200)
        fail_msg("the run's held-out curve is not drawn in its colour");
    assert_int_equal(count_near(&im, &p[0], RUN2_RGB, 10), 0);
    free(im.px);
    assert_true(dat_has(path, "# log_y: 1"));
    assert_true(dat_has(path, "# run 1: a\n"));

    /* accuracy: 0..1, never a log axis */
    if (plot_train_curves(x->f->r, NULL, "accuracy", &x->f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("accuracy: %s", err.msg);
    assert_true(ends_with(path, "/accuracy.png"));
    assert_true(dat_has(path, "# log_y: 0"));
    x->f->o.keep_data = false;
}

/* --compare: the second run on the same axes, in its own colour, named
 * by its file; labels name them instead when given. */
static void test_loss_compared(void **state)
{
    Fixture *x = *state;
    char path[4096];
    Error err;
    error_clear(&err);
    const TraceReader *more[] = {x->b};
    x->f->o.more = more;
    x->f->o.n_more = 1;
    x->f->o.keep_data = true;
    Status s = plot_train_curves(x->f->r, NULL, "loss", &x->f->o, path, sizeof path, &err);
    if (s != TF_OK)
        fail_msg("loss of two runs: %s", err.msg);
    Image im = png_read(path);
    Panel p[2];
    assert_int_equal(png_read_panels(x->f->geometry, p, 2), 1);
    if (count_near(&im, &p[0], RUN1_RGB, 10) < 200 || count_near(&im, &p[0], RUN2_RGB, 10) < 200)
        fail_msg("both runs' curves should be drawn, each in its colour");
    free(im.px);
    assert_true(dat_has(path, "# runs: 2"));
    assert_true(dat_has(path, "# run 2: b\n"));
    x->f->o.label = "pre-LN";
    x->f->o.label2 = "post-LN";
    if (plot_train_curves(x->f->r, NULL, "loss", &x->f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("labelled: %s", err.msg);
    assert_true(dat_has(path, "# run 1: pre-LN\n"));
    assert_true(dat_has(path, "# run 2: post-LN\n"));
    x->f->o.label = x->f->o.label2 = NULL;
    x->f->o.more = NULL;
    x->f->o.n_more = 0;
    x->f->o.keep_data = false;
}

/* The curves without evaluations draw too. */
static void test_lr_and_grad_norm(void **state)
{
    Fixture *x = *state;
    static const char *const curves[] = {"lr", "grad-norm"};
    for (size_t k = 0; k < 2; k++) {
        char path[4096], end[32];
        Error err;
        error_clear(&err);
        if (plot_train_curves(x->f->r, x->b, curves[k], &x->f->o, path, sizeof path, &err) != TF_OK)
            fail_msg("%s: %s", curves[k], err.msg);
        snprintf(end, sizeof end, "/%s.png", curves[k]);
        assert_true(ends_with(path, end));
        Image im = png_read(path);
        Panel p[2];
        assert_int_equal(png_read_panels(x->f->geometry, p, 2), 1);
        if (count_near(&im, &p[0], RUN2_RGB, 10) < 100)
            fail_msg("%s: the compared run is not drawn", curves[k]);
        free(im.px);
    }
}

/* Not a training trace: refused, naming the record, nothing drawn. */
static void test_curves_refused(void **state)
{
    Fixture *x = *state;
    char path[4096];
    Error err;
    error_clear(&err);
    int before = scratch_count_files(x->f->out);
    assert_int_equal(plot_train_curves(x->plain, NULL, "loss", &x->f->o, path, sizeof path, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "no train.loss record"));
    assert_int_equal(plot_train_curves(x->f->r, x->plain, "accuracy", &x->f->o, path, sizeof path, &err),
                     TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "plain.trace"));
    assert_int_equal(plot_train_curves(x->f->r, NULL, "perplexity", &x->f->o, path, sizeof path, &err),
                     TF_ERR_INPUT);
    assert_int_equal(scratch_count_files(x->f->out), before);
}

/* ---- the film strip ---- */

/* By default every snapshot up to 8, else 8 evenly chosen, the first and
 * the last always: of 0, 5, ..., 60 (13), these. */
static void test_film_default_choice(void **state)
{
    Fixture *x = *state;
    Film film;
    Error err;
    error_clear(&err);
    if (film_build_training(x->f->r, &x->f->o, false, &film, &err) != TF_OK)
        fail_msg("%s", err.msg);
    static const long want[] = {0, 10, 15, 25, 35, 45, 50, 60};
    assert_int_equal(film.frames, 8);
    for (int k = 0; k < 8; k++)
        assert_int_equal(film.steps[k], want[k]);
    assert_string_equal(film.block, "dec.0.cross_attn");  /* the default block */
    assert_int_equal(film.queries, TQ);
    assert_int_equal(film.keys, TS);
    /* the mean of the two heads: at step 60, (1 + 1/3) / 2 on the target */
    assert_float_equal(film.data[7 * TQ * TS + 1 * TS + target(1)], 2.0 / 3, 1e-6);
    film_free(&film);
    /* a GIF takes every snapshot */
    if (film_build_training(x->f->r, &x->f->o, true, &film, &err) != TF_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(film.frames, SNAPS);
    film_free(&film);

    char path[4096];
    if (plot_film(x->f->r, &x->f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("film: %s", err.msg);
    assert_true(ends_with(path, "/film.dec.0.cross_attn.png"));
    Image im = png_read(path);
    Panel p[16];
    int n = png_read_panels(x->f->geometry, p, 16);
    assert_int_equal(n, 8);
    for (int i = 0; i < n; i++)
        if (p[i].x0 < 0 || p[i].y0 < 0 || (uint32_t)p[i].x1 > im.w || (uint32_t)p[i].y1 > im.h ||
            (i > 0 && p[i].y0 == p[i - 1].y0 && p[i].x0 <= p[i - 1].x1))
            fail_msg("panel %d is off the page or overlaps the one before", i);
    free(im.px);
}

/* --at 0,60 --head 0: two panels; the target cell goes from 1/3 (light,
 * as one 0..1 scale draws it, not the darkest as a panel scaled to its own
 * data would) to 1 (the palette's dark end); the others from 1/3 to 0. */
static void test_film_sharpens(void **state)
{
    Fixture *x = *state;
    const long at[] = {0, 60};
    x->f->o.at = at;
    x->f->o.n_at = 2;
    x->f->o.head = 0;
    char path[4096];
    Error err;
    error_clear(&err);
    if (plot_film(x->f->r, &x->f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("film: %s", err.msg);
    assert_true(ends_with(path, "/film.dec.0.cross_attn.head0.png"));
    Image im = png_read(path);
    Panel p[4];
    assert_int_equal(png_read_panels(x->f->geometry, p, 4), 2);
    double first[3], last[3], other[3];
    for (int q = 0; q < TQ; q++) {
        png_cell_rgb(&im, &p[0], TQ, TS, q, target(q), first);
        png_cell_rgb(&im, &p[1], TQ, TS, q, target(q), last);
        png_cell_rgb(&im, &p[1], TQ, TS, q, (target(q) + 1) % TS, other);
        png_assert_rgb_near(last, 0x08306b, 12, "a weight of 1 at step 60");
        png_assert_rgb_near(other, 0xf7fbff, 12, "a weight of 0 at step 60");
        if (first[0] < 120)
            fail_msg("row %d at step 0: a weight of 1/3 drawn dark (%.0f,%.0f,%.0f): not one 0..1 scale", q,
                     first[0], first[1], first[2]);
    }
    free(im.px);
    x->f->o.at = NULL;
    x->f->o.n_at = 0;
    x->f->o.head = -1;
}

/* Refusals, before any image: not a training trace, a block the
 * snapshots lack, a step without a snapshot, a head out of range. */
static void test_film_refused(void **state)
{
    Fixture *x = *state;
    char path[4096];
    Error err;
    error_clear(&err);
    int before = scratch_count_files(x->f->out);
    assert_int_equal(plot_film(x->plain, &x->f->o, path, sizeof path, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "no training snapshots"));

    x->f->o.block = "dec.1.cross_attn";
    assert_int_equal(plot_film(x->f->r, &x->f->o, path, sizeof path, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "its snapshots have: enc.0.attn, dec.0.cross_attn"));
    x->f->o.block = "enc.0.attn";
    assert_int_equal(plot_film_check(x->f->r, &x->f->o, &err), TF_OK);
    x->f->o.block = NULL;

    const long at[] = {0, 52};
    x->f->o.at = at;
    x->f->o.n_at = 2;
    assert_int_equal(plot_film(x->f->r, &x->f->o, path, sizeof path, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "--at 52"));
    assert_non_null(strstr(err.msg, "0, 5, 10, 15"));
    x->f->o.at = NULL;
    x->f->o.n_at = 0;

    x->f->o.head = HEADS;
    assert_int_equal(plot_film(x->f->r, &x->f->o, path, sizeof path, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "heads 0..1"));
    x->f->o.head = -1;
    assert_int_equal(scratch_count_files(x->f->out), before);
}

/* ---- GIFs ---- */

static void test_film_gif(void **state)
{
    Fixture *x = *state;
    char path[4096];
    Error err;
    error_clear(&err);
    x->f->o.format = PLOT_FORMAT_GIF;
    if (plot_film(x->f->r, &x->f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("film gif: %s", err.msg);
    assert_true(ends_with(path, "/film.dec.0.cross_attn.gif"));
    GifInfo g = gif_read(path);
    assert_int_equal(g.frames, SNAPS);  /* every snapshot */
    assert_int_equal(g.loops, 1);
    assert_int_equal(g.w, 1280);
    assert_int_equal(g.h, 720);
    const long at[] = {0, 30, 60};
    x->f->o.at = at;
    x->f->o.n_at = 3;
    if (plot_film(x->f->r, &x->f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("film gif --at: %s", err.msg);
    assert_int_equal(gif_read(path).frames, 3);
    x->f->o.at = NULL;
    x->f->o.n_at = 0;
    x->f->o.format = "png";
}

/* A generation trace: a frame per decoding step; frame S holds steps
 * 0..S and names only their tokens, the rest "·" and NaN (grey). */
static void test_generation_gif(void **state)
{
    Fixture *x = *state;
    char path[4096];
    Error err;
    error_clear(&err);
    Film film;
    if (film_build_generation(x->gen, "dec.0.self_attn.weights", &x->f->o, &film, &err) != TF_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(film.frames, GSTEPS);
    const uint32_t Q = film.queries, K = film.keys;
    assert_int_equal(Q, GSTEPS);
    assert_int_equal(K, GSTEPS);
    assert_int_equal(film.label_sets, GSTEPS);
    /* frame 1: rows 0 and 1, keys 0 and 1 */
    assert_string_equal(film.row_ptrs[1 * Q + 1], "I");
    assert_string_equal(film.row_ptrs[1 * Q + 2], "\xc2\xb7");
    assert_string_equal(film.col_ptrs[1 * K + 1], "I");
    assert_string_equal(film.col_ptrs[1 * K + 2], "\xc2\xb7");
    assert_float_equal(film.data[(1 * Q + 1) * K + 1], 0.5, 1e-6);
    assert_true(isnan(film.data[(1 * Q + 2) * K + 0]));
    assert_true(isnan(film.data[(1 * Q + 1) * K + 2]));
    /* the last frame: everything */
    assert_string_equal(film.row_ptrs[(GSTEPS - 1) * Q + GSTEPS - 1], gen_toks[GSTEPS - 1]);
    film_free(&film);

    x->f->o.format = PLOT_FORMAT_GIF;
    if (plot_generation(x->gen, "dec.0.self_attn.weights", &x->f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("generation gif: %s", err.msg);
    assert_true(ends_with(path, "/gen.dec.0.self_attn.weights.gif"));
    assert_int_equal(gif_read(path).frames, GSTEPS);
    x->f->o.head = 1;
    if (plot_generation(x->gen, "dec.0.self_attn.weights", &x->f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("generation gif, head 1: %s", err.msg);
    assert_true(ends_with(path, "/gen.dec.0.self_attn.weights.head1.gif"));
    x->f->o.head = HEADS;
    assert_int_equal(plot_generation(x->gen, "dec.0.self_attn.weights", &x->f->o, path, sizeof path, &err),
                     TF_ERR_INPUT);
    x->f->o.head = -1;
    x->f->o.format = "png";
}

/* Only those two animate: every other figure refuses gif. */
static void test_gif_refused_elsewhere(void **state)
{
    Fixture *x = *state;
    char path[4096];
    Error err;
    error_clear(&err);
    x->f->o.format = PLOT_FORMAT_GIF;
    int before = scratch_count_files(x->f->out);
    assert_int_equal(plot_options_check(&x->f->o, &err), TF_ERR_INPUT);
    assert_int_equal(plot_train_curves(x->f->r, NULL, "loss", &x->f->o, path, sizeof path, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "only the film strip and the gen.NAME figures animate"));
    assert_int_equal(plot_record(x->plain, 0, &x->f->o, path, sizeof path, &err), TF_ERR_INPUT);
    assert_int_equal(scratch_count_files(x->f->out), before);
    x->f->o.format = "png";
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loss),
        cmocka_unit_test(test_loss_compared),
        cmocka_unit_test(test_lr_and_grad_norm),
        cmocka_unit_test(test_curves_refused),
        cmocka_unit_test(test_film_default_choice),
        cmocka_unit_test(test_film_sharpens),
        cmocka_unit_test(test_film_refused),
        cmocka_unit_test(test_film_gif),
        cmocka_unit_test(test_generation_gif),
        cmocka_unit_test(test_gif_refused_elsewhere),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
