/* test_plot.c — records drawn through gnuplot and the viz/ scripts, checked
 * by reading the images back (libpng): the requested size, not blank, the
 * diagonal of an identity-like attention darkest, the masked triangle of a
 * causal mask in the mask colour, the positional table's first row in the
 * palette's colours, CJK labels drawn as glyphs (not missing-glyph boxes),
 * the KV cache of a generation growing; SVG keeping token labels as text;
 * and the failures: gnuplot missing, gnuplot failing, bad options — with
 * no image or work file left behind.
 *
 * The scripts report where they drew each matrix (PlotOptions.geometry:
 * "panel PAGE X0 Y0 X1 Y1" in pixels), so cells are found exactly.
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
#include <sys/stat.h>
#include <unistd.h>

#include "plot/plot.h"
#include "trace/trace.h"

#include "../support/plot_fixture.h"
#include "../support/png_read.h"
#include "../support/scratch.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the test trace ---- */

#define T 4   /* tokens */
#define H 2   /* heads */
#define D 16  /* model width */
#define PE_T 6

static const char *const cjk[T] = {"猫", "追", "老鼠", "吃"};
static const char *const cjk_other[T] = {"我", "爱", "你们", "好"};  /* as wide as cjk, row by row */
static const char *const boxes[T] = {"□", "▯", "□□", "▯"};  /* what a missing glyph looks like */
static const char *const awkward[T] = {"\"hi\"", "two words", "a_b^{c}", "`x`@y"};
static const char *const dec_toks[T] = {"<START>", "cat", "chases", "mouse"};
static const char *const pe_toks[PE_T] = {"a", "b", "c", "d", "e", "f"};

static float identity_attn[H * T * T];  /* head 0: 0.85 on the diagonal */
static float causal_mask[T * T];
static float pe_table[PE_T * D];
static float stream_input[T * D];      /* token norms 1, 2, 3, 4 */
static float stream_resid[T * D];
#define GEN 9  /* decoding steps */
static float gen_weights[GEN][H * GEN]; /* step S: [head, 1, S + 1] */
static const char *const gen_toks[GEN] = {"<START>", "cat", "chases", "mouse", "追", "mouse", "追", "老鼠", "吃"};
static float gen_cross[GEN][H * T];     /* step S: [head, 1, T], keys the encoder memory (cjk) */
static float identity_single[T * T];
static float masked_scores[T * T];      /* -inf above the diagonal and in the last column */

static void fill(void)
{
    for (int h = 0; h < H; h++)
        for (int i = 0; i < T; i++)
            for (int j = 0; j < T; j++) {
                float v;
                if (h == 0)
                    v = i == j ? 0.85f : 0.05f;
                else  /* head 1 looks at the previous token */
                    v = j == (i > 0 ? i - 1 : 0) ? 0.7f : 0.1f;
                identity_attn[(h * T + i) * T + j] = v;
            }
    for (int i = 0; i < T; i++)
        for (int j = 0; j < T; j++) {
            causal_mask[i * T + j] = j > i ? -INFINITY : 0.0f;
            identity_single[i * T + j] = i == j ? 0.85f : 0.05f;
            /* causal + padding (the last key): -1.5 .. 1.5 where not masked */
            masked_scores[i * T + j] = j > i || j == T - 1 ? -INFINITY : (float)(i - j) - 1.5f;
        }
    for (int p = 0; p < PE_T; p++)
        for (int c = 0; c < D; c++) {
            double freq = 1.0 / pow(10000.0, (double)(c / 2 * 2) / D);
            pe_table[p * D + c] = (float)(c % 2 == 0 ? sin(p * freq) : cos(p * freq));
        }
    memset(stream_input, 0, sizeof stream_input);
    for (int t = 0; t < T; t++) {
        stream_input[t * D] = (float)(t + 1);  /* norm t + 1 */
        for (int c = 0; c < D; c++)
            stream_resid[t * D + c] = 0.5f;  /* norm 0.5 * sqrt(16) = 2 */
    }
    /* uneven rows (softmax of a fixed pattern), as a real decoder's are */
    for (int s = 0; s < GEN; s++)
        for (int h = 0; h < H; h++) {
            double z = 0, e[GEN];
            for (int k = 0; k <= s; k++)
                z += e[k] = exp(sin(1.7 * k + 0.9 * s + h));
            for (int k = 0; k <= s; k++)
                gen_weights[s][h * (s + 1) + k] = (float)(e[k] / z);
        }
    /* cross-attention reads the source backwards, as a reversing model does */
    for (int s = 0; s < GEN; s++)
        for (int h = 0; h < H; h++)
            for (int k = 0; k < T; k++)
                gen_cross[s][h * T + k] = k == T - 1 - s % T ? 0.7f : 0.1f;
}

static Record rec_attention(const char *name, const char *const *labels, const float *data)
{
    return (Record){.name = name, .kind = "weights", .ndim = 3, .dims = {H, T, T},
                    .dim_names = {"head", "query", "key"}, .data = data, .row_labels = labels,
                    .col_labels = labels, .formula = "softmax(masked) over keys",
                    .description = "Attention weights.", .q_source = "enc.input", .kv_source = "enc.input"};
}

static Record rec_mask(const char *name)
{
    return (Record){.name = name, .kind = "mask", .ndim = 2, .dims = {T, T}, .dim_names = {"query", "key"},
                    .data = causal_mask, .row_labels = dec_toks, .col_labels = dec_toks,
                    .formula = "0 = may attend, -inf = blocked", .description = "Causal mask."};
}

static Record rec_stream(const char *name, const float *data)
{
    return (Record){.name = name, .kind = "activation", .ndim = 2, .dims = {T, D},
                    .dim_names = {"token", "model"}, .data = data, .row_labels = cjk,
                    .formula = "x", .description = "The residual stream."};
}

static char gen_names[GEN][64];
static char gen_cross_names[GEN][64];

static void write_trace(const char *path)
{
    fill();
    Record recs[40];
    size_t n = 0;
    recs[n++] = (Record){.name = "enc.pos", .kind = "positions", .ndim = 2, .dims = {PE_T, D},
                         .dim_names = {"token", "model"}, .data = pe_table, .row_labels = pe_toks,
                         .formula = "PE(pos,2i) = sin(pos/10000^(2i/d))", .description = "Positions."};
    recs[n++] = rec_stream("enc.input", stream_input);
    recs[n++] = rec_attention("enc.0.attn.weights", cjk, identity_attn);
    recs[n++] = rec_stream("enc.0.resid_mid", stream_resid);
    recs[n++] = rec_attention("enc.1.attn.weights", cjk_other, identity_attn);
    recs[n++] = rec_attention("enc.2.attn.weights", boxes, identity_attn);
    recs[n++] = rec_attention("enc.3.attn.weights", awkward, identity_attn);
    recs[n++] = (Record){.name = "enc.1.attn.single", .kind = "weights", .ndim = 2, .dims = {T, T},
                         .dim_names = {"query", "key"}, .data = identity_single, .row_labels = cjk,
                         .col_labels = cjk, .formula = "", .description = ""};
    recs[n++] = rec_mask("dec.0.self_attn.mask");
    recs[n++] = (Record){.name = "dec.0.self_attn.masked", .kind = "scores", .ndim = 2, .dims = {T, T},
                         .dim_names = {"query", "key"}, .data = masked_scores, .row_labels = dec_toks,
                         .col_labels = dec_toks, .formula = "scores + mask", .description = ""};
    recs[n++] = rec_mask("dec.1.self_attn.mask");  /* the same again: left out of the defaults */
    for (int s = 0; s < GEN; s++) {
        snprintf(gen_names[s], sizeof gen_names[s], "gen.%d.dec.0.self_attn.weights", s);
        recs[n++] = (Record){.name = gen_names[s], .kind = "weights", .ndim = 3, .dims = {H, 1, (uint32_t)s + 1},
                             .dim_names = {"head", "query", "key"}, .data = gen_weights[s],
                             .row_labels = &gen_toks[s], .col_labels = gen_toks, .formula = "softmax",
                             .description = "One step of generation."};
        snprintf(gen_cross_names[s], sizeof gen_cross_names[s], "gen.%d.dec.0.cross_attn.weights", s);
        recs[n++] = (Record){.name = gen_cross_names[s], .kind = "weights", .ndim = 3, .dims = {H, 1, T},
                             .dim_names = {"head", "query", "key"}, .data = gen_cross[s],
                             .row_labels = &gen_toks[s], .col_labels = cjk, .formula = "softmax",
                             .description = "One step of generation, reading the encoder memory."};
    }
    plot_fixture_write(path, recs, n);
}

/* ---- fixture: a scratch directory with the trace, the reader, options ---- */

typedef PlotFixture Fixture;

static int setup(void **state)
{
    Fixture *f = plot_fixture_open("plot", "plot.trace", write_trace);
    if (!f)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    unsetenv("TRACEFORMER_GNUPLOT");
    return plot_fixture_close(*state);
}

static uint32_t find(const Fixture *f, const char *name)
{
    long i = trace_reader_find(f->r, name);
    if (i < 0)
        fail_msg("no record %s", name);
    return (uint32_t)i;
}

static void draw(Fixture *f, const char *name, char *written, size_t cap)
{
    Error err;
    error_clear(&err);
    if (plot_record(f->r, find(f, name), &f->o, written, cap, &err) != TF_OK)
        fail_msg("plot %s: %s", name, err.msg);
}

/* ---- images ---- */

static double luminance(const unsigned char *p)
{
    return 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
}

/* Not blank: many pixels differ from the background and there are many colours. */
static void assert_not_blank(const Image *im)
{
    size_t ink = 0;
    for (size_t k = 0; k < (size_t)im->w * im->h; k++) {
        const unsigned char *p = im->px + 3 * k;
        if (p[0] < 240 || p[1] < 240 || p[2] < 240)
            ink++;
    }
    if (ink < (size_t)im->w * im->h / 20)
        fail_msg("image nearly blank: %zu of %zu pixels inked", ink, (size_t)im->w * im->h);
}

static Panel read_panel(const char *geometry, int which)
{
    Panel p[64];
    const int n = png_read_panels(geometry, p, 64);
    if (which >= n || which >= 64)
        fail_msg("no panel %d in %s", which, geometry);
    return p[which];
}

/* ---- tests: what the images show ---- */

static void test_identity_attention(void **state)
{
    Fixture *f = *state;
    char path[4096];
    f->o.width = 640;
    f->o.height = 520;
    f->o.head = 0;
    f->o.geometry = f->geometry;
    draw(f, "enc.0.attn.weights", path, sizeof path);
    assert_non_null(strstr(path, "enc.0.attn.weights.head0.png"));
    Image im = png_read(path);
    assert_int_equal(im.w, 640);
    assert_int_equal(im.h, 520);
    assert_not_blank(&im);
    Panel p = read_panel(f->geometry, 0);
    double lum[T][T], rgb[3];
    for (int i = 0; i < T; i++)
        for (int j = 0; j < T; j++) {
            png_cell_rgb(&im, &p, T, T, i, j, rgb);
            lum[i][j] = luminance((unsigned char[]){(unsigned char)rgb[0], (unsigned char)rgb[1], (unsigned char)rgb[2]});
        }
    for (int i = 0; i < T; i++)
        for (int j = 0; j < T; j++)
            for (int k = 0; k < T; k++)
                if (i != j && lum[k][k] >= lum[i][j])
                    fail_msg("diagonal cell (%d,%d) luminance %.0f is not darker than cell (%d,%d) %.0f", k, k,
                             lum[k][k], i, j, lum[i][j]);
    /* 0.85 is the largest value: the palette's darkest end, #08306b */
    png_cell_rgb(&im, &p, T, T, 0, 0, rgb);
    png_assert_rgb_near(rgb, 0x08306b, 12, "diagonal cell");
    free(im.px);
}

/* The viewer's export: the tag goes after the record's name, and a
 * numbered export never replaces a file, not even one that is not an
 * image (a second x gives NAME-2.png, a third NAME-3.png). */
static void test_tag_and_numbered(void **state)
{
    Fixture *f = *state;
    char path[4096], want[4200];
    f->o.width = 320;
    f->o.height = 260;
    f->o.head = 1;
    f->o.tag = "swapped.padding-off";
    f->o.numbered = true;
    draw(f, "enc.0.attn.weights", path, sizeof path);
    snprintf(want, sizeof want, "%s/enc.0.attn.weights.swapped.padding-off.head1.png", f->out);
    assert_string_equal(path, want);
    draw(f, "enc.0.attn.weights", path, sizeof path);
    snprintf(want, sizeof want, "%s/enc.0.attn.weights.swapped.padding-off.head1-2.png", f->out);
    assert_string_equal(path, want);
    /* a file of the third name already: left alone, the fourth is used */
    snprintf(want, sizeof want, "%s/enc.0.attn.weights.swapped.padding-off.head1-3.png", f->out);
    FILE *keep = fopen(want, "w");
    assert_non_null(keep);
    fputs("mine", keep);
    fclose(keep);
    draw(f, "enc.0.attn.weights", path, sizeof path);
    assert_non_null(strstr(path, "head1-4.png"));
    char buf[8] = "";
    keep = fopen(want, "r");
    assert_non_null(keep);
    assert_non_null(fgets(buf, sizeof buf, keep));
    fclose(keep);
    assert_string_equal(buf, "mine");
    /* a tag with a path in it is refused */
    f->o.tag = "../x";
    Error err;
    assert_int_equal(plot_record(f->r, find(f, "enc.0.attn.weights"), &f->o, path, sizeof path, &err), TF_ERR_INPUT);
}

static void test_causal_mask(void **state)
{
    Fixture *f = *state;
    char path[4096];
    f->o.geometry = f->geometry;
    draw(f, "dec.0.self_attn.mask", path, sizeof path);
    Image im = png_read(path);
    assert_not_blank(&im);
    Panel p = read_panel(f->geometry, 0);
    for (int i = 0; i < T; i++)
        for (int j = 0; j < T; j++) {
            double rgb[3];
            char what[64];
            png_cell_rgb(&im, &p, T, T, i, j, rgb);
            snprintf(what, sizeof what, "mask cell (%d,%d)", i, j);
            /* viz/lib/common.gp: tf_mask_rgb, tf_allow_rgb */
            png_assert_rgb_near(rgb, j > i ? 0x6b6b6b : 0xdcefd6, 6, what);
        }
    free(im.px);
}

/* Signed values with -inf cells: a diverging scale over the finite values
 * only, the masked cells in the mask colour. */
static void test_masked_scores(void **state)
{
    Fixture *f = *state;
    char path[4096];
    f->o.geometry = f->geometry;
    draw(f, "dec.0.self_attn.masked", path, sizeof path);
    Image im = png_read(path);
    Panel p = read_panel(f->geometry, 0);
    double rgb[3];
    png_cell_rgb(&im, &p, T, T, 3, 0, rgb);
    png_assert_rgb_near(rgb, 0xb2182b, 10, "the largest value, 1.5: the red end");
    for (int i = 0; i < T - 1; i++) {
        png_cell_rgb(&im, &p, T, T, i, i, rgb);
        png_assert_rgb_near(rgb, 0x2166ac, 10, "the smallest value, -1.5: the blue end");
    }
    for (int i = 0; i < T; i++) {
        png_cell_rgb(&im, &p, T, T, i, T - 1, rgb);
        png_assert_rgb_near(rgb, 0x6b6b6b, 6, "-inf: the mask colour");
    }
    free(im.px);
}

static void test_positions(void **state)
{
    Fixture *f = *state;
    char path[4096];
    f->o.geometry = f->geometry;
    f->o.width = 1000;
    f->o.height = 700;
    draw(f, "enc.pos", path, sizeof path);
    assert_non_null(strstr(path, "enc.pos.png"));
    Image im = png_read(path);
    assert_int_equal(im.w, 1000);
    assert_int_equal(im.h, 700);
    assert_not_blank(&im);
    /* Row 0 (position 0): sin 0 = 0 in even columns (white, the middle of
     * the diverging palette), cos 0 = 1 in odd ones (its red end). */
    Panel p = read_panel(f->geometry, 0);
    for (int c = 0; c < D; c++) {
        double rgb[3];
        png_cell_rgb(&im, &p, PE_T, D, 0, c, rgb);
        png_assert_rgb_near(rgb, c % 2 ? 0xb2182b : 0xf7f7f7, 10, c % 2 ? "cos(0) = 1" : "sin(0) = 0");
    }
    free(im.px);
}

/* Ink (dark pixels) of a label region: count and bounding box. */
typedef struct {
    int n, x0, y0, x1, y1;
} Ink;

static Ink ink_of(const Image *im, int x0, int y0, int x1, int y1)
{
    Ink k = {0, x1, y1, x0 - 1, y0 - 1};
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            if (luminance(png_pixel(im, (uint32_t)x, (uint32_t)y)) < 200) {  /* thin strokes are grey */
                k.n++;
                k.x0 = x < k.x0 ? x : k.x0;
                k.x1 = x > k.x1 ? x : k.x1;
                k.y0 = y < k.y0 ? y : k.y0;
                k.y1 = y > k.y1 ? y : k.y1;
            }
    return k;
}

/* A missing glyph is drawn as a box: a rectangle whose four sides are ink
 * from end to end. True when at least three sides of the bounding box of
 * the ink in [x0, x1] × [y0, y1] are solid. */
static bool box_shaped(const Image *im, int x0, int y0, int x1, int y1)
{
    Ink k = ink_of(im, x0, y0, x1 + 1, y1 + 1);
    if (k.n == 0 || k.x1 - k.x0 < 3 || k.y1 - k.y0 < 3)
        return false;
    int solid = 0;
    for (int side = 0; side < 4; side++) {
        int n = 0, len = side < 2 ? k.x1 - k.x0 + 1 : k.y1 - k.y0 + 1;
        for (int t = 0; t < len; t++) {
            int x = side < 2 ? k.x0 + t : (side == 2 ? k.x0 : k.x1);
            int y = side < 2 ? (side == 0 ? k.y0 : k.y1) : k.y0 + t;
            n += luminance(png_pixel(im, (uint32_t)x, (uint32_t)y)) < 215;
        }
        solid += n >= len * 9 / 10;
    }
    return solid >= 3;
}

static bool column_inked(const Image *im, int x, int y0, int y1);

/* True when a glyph of the label (a run of inked columns) is box-shaped. */
static bool looks_like_box(const Image *im, const Ink *k)
{
    for (int x = k->x0; x <= k->x1;) {
        while (x <= k->x1 && !column_inked(im, x, k->y0, k->y1 + 1))
            x++;
        int start = x;
        while (x <= k->x1 && column_inked(im, x, k->y0, k->y1 + 1))
            x++;
        if (x > start && box_shaped(im, start, k->y0, x - 1, k->y1))
            return true;
    }
    return false;
}

static bool column_inked(const Image *im, int x, int y0, int y1)
{
    for (int y = y0; y < y1; y++)
        if (luminance(png_pixel(im, (uint32_t)x, (uint32_t)y)) < 200)
            return true;
    return false;
}

/* The row label of row `row` of T in a one-head heatmap: the first run of
 * inked columns left of the matrix, up to a gap of 6 empty columns (the
 * rotated axis title further left is not part of it). */
static Ink row_label_ink(const Image *im, const Panel *p, int row)
{
    double ch = (double)(p->y1 - p->y0) / T;
    int y0 = (int)(p->y0 + ch * row + 2), y1 = (int)(p->y0 + ch * (row + 1) - 2);
    int x = p->x0 - 3;
    while (x > 0 && !column_inked(im, x, y0, y1))
        x--;
    int right = x, gap = 0;
    while (x > 0 && gap < 6) {
        gap = column_inked(im, x, y0, y1) ? 0 : gap + 1;
        x--;
    }
    return ink_of(im, x + gap + 1, y0, right + 1, y1);
}

static void test_cjk_labels(void **state)
{
    Fixture *f = *state;
    char path[4096], other[4096];
    f->o.geometry = f->geometry;
    f->o.head = 0;
    draw(f, "enc.0.attn.weights", path, sizeof path);
    Image a = png_read(path);
    Panel pa = read_panel(f->geometry, 0);
    draw(f, "enc.1.attn.weights", other, sizeof other);  /* the same matrix labelled 我 爱 你们 好 */
    Image b = png_read(other);
    Panel pb = read_panel(f->geometry, 0);
    assert_int_equal(a.w, b.w);
    assert_int_equal(pa.x0, pb.x0);
    for (int row = 0; row < T; row++) {
        Ink ka = row_label_ink(&a, &pa, row), kb = row_label_ink(&b, &pb, row);
        /* drawn: a glyph's worth of ink, wide and tall enough */
        if (ka.n < 25 || ka.x1 - ka.x0 < 6 || ka.y1 - ka.y0 < 6)
            fail_msg("row %d label %s: too little ink (%d pixels)", row, cjk[row], ka.n);
        if (looks_like_box(&a, &ka))
            fail_msg("row %d label %s is drawn as a box: the font has no glyph for it", row, cjk[row]);
        if (looks_like_box(&b, &kb))
            fail_msg("row %d label %s is drawn as a box", row, cjk_other[row]);
        /* different characters, different pixels */
        size_t differ = 0, n = 0;
        for (int y = ka.y0; y <= ka.y1; y++)
            for (int x = ka.x0 - 2; x <= ka.x1 + 2; x++, n++)
                differ += fabs(luminance(png_pixel(&a, (uint32_t)x, (uint32_t)y)) -
                               luminance(png_pixel(&b, (uint32_t)x, (uint32_t)y))) > 60;
        if (differ < n / 10)
            fail_msg("row %d: labels %s and %s look the same (%zu of %zu pixels differ)", row, cjk[row],
                     cjk_other[row], differ, n);
    }
    /* The check can fail: boxes drawn on purpose are seen as boxes. */
    draw(f, "enc.2.attn.weights", other, sizeof other);
    Image c = png_read(other);
    Panel pc = read_panel(f->geometry, 0);
    for (int row = 0; row < T; row++) {
        Ink kc = row_label_ink(&c, &pc, row);
        if (kc.n == 0 || !looks_like_box(&c, &kc))
            fail_msg("row %d: the box %s was not recognised as a box", row, boxes[row]);
    }
    free(a.px);
    free(b.px);
    free(c.px);
}

static void test_svg_keeps_text(void **state)
{
    Fixture *f = *state;
    char path[4096];
    f->o.format = "svg";
    draw(f, "enc.0.attn.weights", path, sizeof path);
    assert_non_null(strstr(path, "enc.0.attn.weights.svg"));
    unsigned char *svg = scratch_read(path, NULL);
    assert_non_null(strstr((char *)svg, "<svg"));
    for (int k = 0; k < T; k++) {
        char want[32];
        snprintf(want, sizeof want, ">%s<", cjk[k]);
        if (!strstr((char *)svg, want))
            fail_msg("the SVG has no text element holding %s", cjk[k]);
    }
    assert_non_null(strstr((char *)svg, "enc.0.attn.weights"));
    free(svg);
}

/* Labels gnuplot would misread (a '"' opens a string in its data files, a
 * space splits a list of labels) or format (enhanced text): drawn as
 * written, the quote as ” and the space as ␣, every label in its place. */
static void test_awkward_labels(void **state)
{
    Fixture *f = *state;
    char path[4096];
    f->o.format = "svg";
    f->o.head = 0;
    draw(f, "enc.3.attn.weights", path, sizeof path);
    unsigned char *svg = scratch_read(path, NULL);
    const char *want[] = {">”hi”<", ">two␣words<", ">a_b^{c}<", ">`x`@y<"};
    for (size_t k = 0; k < ARRAY_LEN(want); k++)
        if (!strstr((char *)svg, want[k]))
            fail_msg("the SVG has no text %s", want[k]);
    free(svg);
}

static void test_pdf(void **state)
{
    Fixture *f = *state;
    char path[4096];
    f->o.format = "pdf";
    draw(f, "dec.0.self_attn.mask", path, sizeof path);
    size_t n;
    unsigned char *pdf = scratch_read(path, &n);
    assert_true(n > 1000);
    assert_memory_equal(pdf, "%PDF-", 5);
    free(pdf);
}

static void test_heads_grid_and_generation(void **state)
{
    Fixture *f = *state;
    char path[4096];
    f->o.geometry = f->geometry;
    draw(f, "enc.0.attn.weights", path, sizeof path);  /* no head: every head */
    assert_non_null(strstr(path, "/enc.0.attn.weights.png"));
    Image im = png_read(path);
    assert_not_blank(&im);
    Panel h0 = read_panel(f->geometry, 0), h1 = read_panel(f->geometry, 1);
    assert_int_equal(h0.page, 0);
    assert_int_equal(h1.page, 1);
    assert_true(h1.x0 > h0.x1);  /* side by side */
    /* one colour scale: head 1's 0.7 lighter than head 0's 0.85 */
    double a[3], b[3];
    png_cell_rgb(&im, &h0, T, T, 1, 1, a);
    png_cell_rgb(&im, &h1, T, T, 1, 0, b);
    assert_true(luminance((unsigned char[]){(unsigned char)a[0], (unsigned char)a[1], (unsigned char)a[2]}) <
                luminance((unsigned char[]){(unsigned char)b[0], (unsigned char)b[1], (unsigned char)b[2]}));
    free(im.px);

    /* generation: step S's row has S + 1 keys; the rest is not cached yet */
    Error err;
    if (plot_generation(f->r, "dec.0.self_attn.weights", &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("generation: %s", err.msg);
    assert_non_null(strstr(path, "/gen.dec.0.self_attn.weights.png"));
    im = png_read(path);
    Panel g = read_panel(f->geometry, 0);
    double first[3];
    png_cell_rgb(&im, &g, GEN, GEN, 0, 0, first);
    png_assert_rgb_near(first, 0x08306b, 12, "step 0's only key, weight 1: the darkest");
    /* one scale from 0 to 1: the last step's largest weight (below 0.5) is light */
    int top = 0;
    for (int k = 1; k < GEN; k++)
        if (gen_weights[GEN - 1][k] > gen_weights[GEN - 1][top])
            top = k;
    assert_true(gen_weights[GEN - 1][top] < 0.5f);
    double last[3];
    png_cell_rgb(&im, &g, GEN, GEN, GEN - 1, top, last);
    if (luminance((unsigned char[]){(unsigned char)last[0], (unsigned char)last[1], (unsigned char)last[2]}) < 100)
        fail_msg("the last step's largest weight %.2f is drawn dark (%.0f, %.0f, %.0f): the colour scale is not 0..1",
                 gen_weights[GEN - 1][top], last[0], last[1], last[2]);
    for (int s = 0; s < GEN; s++)
        for (int k = 0; k < GEN; k++) {
            double rgb[3];
            png_cell_rgb(&im, &g, GEN, GEN, s, k, rgb);
            bool cached = k <= s;
            bool empty = fabs(rgb[0] - 0xf2) < 4 && fabs(rgb[1] - 0xf2) < 4 && fabs(rgb[2] - 0xf2) < 4;
            if (cached == empty)
                fail_msg("generation step %d key %d: %s, colour (%.0f, %.0f, %.0f)", s, k,
                         cached ? "cached but drawn empty" : "not cached but coloured", rgb[0], rgb[1], rgb[2]);
        }
    free(im.px);
    assert_int_equal(plot_generation(f->r, "dec.9.self_attn.weights", &f->o, path, sizeof path, &err),
                     TF_ERR_INPUT);
}

/* The subtitle says what the keys are: the growing KV cache for
 * self-attention, the encoder memory (the same keys every step) for
 * cross-attention; and cross-attention rows have no empty cells. */
static void test_generation_subtitles(void **state)
{
    Fixture *f = *state;
    char path[4096];
    Error err;
    f->o.format = "svg";
    if (plot_generation(f->r, "dec.0.cross_attn.weights", &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("cross generation: %s", err.msg);
    assert_non_null(strstr(path, "/gen.dec.0.cross_attn.weights.svg"));
    char *svg = (char *)scratch_read(path, NULL);
    if (!strstr(svg, "against the encoder memory, the same keys every step"))
        fail_msg("the cross-attention figure's subtitle does not name the encoder memory");
    if (strstr(svg, "cache"))
        fail_msg("the cross-attention figure speaks of a cache");
    free(svg);
    if (plot_generation(f->r, "dec.0.self_attn.weights", &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("self generation: %s", err.msg);
    svg = (char *)scratch_read(path, NULL);
    if (!strstr(svg, "against the KV cache, one key more each step"))
        fail_msg("the self-attention figure's subtitle does not speak of the growing cache");
    if (strstr(svg, "encoder memory"))
        fail_msg("the self-attention figure speaks of the encoder memory");
    free(svg);
}

static void test_norms(void **state)
{
    Fixture *f = *state;
    char path[4096], dat[600];
    f->o.keep_data = true;
    Error err;
    if (plot_norms(f->r, f->r, &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("norms: %s", err.msg);
    assert_non_null(strstr(path, "/norms.png"));
    Image im = png_read(path);
    assert_not_blank(&im);
    free(im.px);
    snprintf(dat, sizeof dat, "%s/norms.dat", f->out);
    unsigned char *text = scratch_read(dat, NULL);
    /* enc.input: token norms 1, 2, 3, 4; enc.0.resid_mid: all 2 */
    assert_non_null(strstr((char *)text, "\n0 enc enc.input 2.5 1 4\n"));
    assert_non_null(strstr((char *)text, "\n1 enc enc.0.resid_mid 2 2 2\n"));
    assert_non_null(strstr((char *)text, "# d_model: 16\n"));
    free(text);
    snprintf(dat, sizeof dat, "%s/norms.compare.dat", f->out);
    assert_int_equal(access(dat, R_OK), 0);
}

/* ---- a deep stack: 8 + 8 layers with per-layer gradient norms ---- */

static int out_entries(const Fixture *f);
static void assert_out_holds(const Fixture *f, int before);

#define DEEP_L 8
#define DEEP_MAX_RECS (2 + DEEP_L * 4 + 2 + DEEP_L * 6 + 2)

static float deep_stream[T * D];               /* every token's norm: 1 */
static float deep_grad_enc[DEEP_L * 3];        /* input, output, weights: about 0.5 */
static float deep_grad_dec[DEEP_L * 3];        /* vanishing: 0 at layers 0, 1; 1e-30 .. 1 above */
static const char *const norm_cols[3] = {"input", "output", "weights"};
static char deep_names[DEEP_MAX_RECS][40];

/* A trace shaped like lesson 8's run without residuals: 84 stream records,
 * small stream norms (so no y tic of the top panel reads 7), and decoder
 * gradients from 0 and 1e-30 up to 1. The gradient panel's stats were once
 * filtered by the top panel's y range (0 to 4.3 here), which cut its x
 * axis below the last layers. */
static void write_deep_trace(const char *path)
{
    for (int k = 0; k < T * D; k++)
        deep_stream[k] = 0.25f;  /* sqrt(16 * 0.0625) = 1 */
    for (int l = 0; l < DEEP_L; l++) {
        for (int c = 0; c < 3; c++)
            deep_grad_enc[l * 3 + c] = 0.4f + 0.05f * (float)(l + c);
        /* layer 7: 1, each layer below 1e-6 times smaller; layers 0, 1: 0 */
        float v = l < 2 ? 0.0f : (float)pow(10.0, -6.0 * (DEEP_L - 1 - l));
        for (int c = 0; c < 3; c++)
            deep_grad_dec[l * 3 + c] = v;
    }
    Record recs[DEEP_MAX_RECS];
    size_t n = 0;
    const char *stacks[2] = {"enc", "dec"};
    const char *enc_parts[] = {"resid_mid", "ln1", "resid_post", "ln2"};
    const char *dec_parts[] = {"resid_self", "ln1", "resid_cross", "ln2", "resid_post", "ln3"};
    for (int st = 0; st < 2; st++) {
        const char *const *parts = st == 0 ? enc_parts : dec_parts;
        int n_parts = st == 0 ? 4 : 6;
        snprintf(deep_names[n], sizeof deep_names[n], "%s.input", stacks[st]);
        recs[n] = rec_stream(deep_names[n], deep_stream);
        n++;
        for (int l = 0; l < DEEP_L; l++)
            for (int k = 0; k < n_parts; k++) {
                snprintf(deep_names[n], sizeof deep_names[n], "%s.%d.%s", stacks[st], l, parts[k]);
                recs[n] = rec_stream(deep_names[n], deep_stream);
                n++;
            }
        snprintf(deep_names[n], sizeof deep_names[n], "%s.norm", stacks[st]);
        recs[n] = rec_stream(deep_names[n], deep_stream);
        n++;
    }
    for (int st = 0; st < 2; st++) {
        snprintf(deep_names[n], sizeof deep_names[n], "grad.norms.%s", stacks[st]);
        recs[n] = (Record){.name = deep_names[n], .kind = "grad", .ndim = 2, .dims = {DEEP_L, 3},
                           .dim_names = {"layer", "norm"}, .data = st == 0 ? deep_grad_enc : deep_grad_dec,
                           .col_labels = norm_cols, .formula = "||dL/dx||", .description = "Gradient norms."};
        n++;
    }
    plot_fixture_write(path, recs, n);
}

static TraceReader *open_deep(const Fixture *f, char *path, size_t cap)
{
    snprintf(path, cap, "%s/deep.trace", f->s->dir);
    write_deep_trace(path);
    TraceReader *r;
    Error err;
    if (trace_reader_open(&r, path, &err) != TF_OK)
        fail_msg("open %s: %s", path, err.msg);
    return r;
}

/* Pixels within tol of colour hex in each channel. */
static size_t count_rgb(const Image *im, unsigned hex, int tol)
{
    int want[3] = {(int)(hex >> 16) & 255, (int)(hex >> 8) & 255, (int)hex & 255};
    size_t n = 0;
    for (size_t k = 0; k < (size_t)im->w * im->h; k++) {
        const unsigned char *p = im->px + 3 * k;
        n += abs(p[0] - want[0]) <= tol && abs(p[1] - want[1]) <= tol && abs(p[2] - want[2]) <= tol;
    }
    return n;
}

/* A line figure: the encoder's and the decoder's colours are drawn
 * (viz/norms.gp line styles 1 and 2). */
static void assert_norms_lines(const Image *im)
{
    size_t enc = count_rgb(im, 0x1f78b4, 8), dec = count_rgb(im, 0xe66101, 8);
    if (enc < 500 || dec < 500)
        fail_msg("norms figure: %zu encoder-blue and %zu decoder-orange pixels, expected lines of both", enc, dec);
}

static void assert_svg_has(const char *svg, const char *want, const char *what)
{
    if (!strstr(svg, want))
        fail_msg("%s: the SVG has no '%s'", what, want);
}

/* Every layer on the gradient axis; one tic label per layer, not per
 * record; a title and a source line in place of the trace's path. */
static void test_norms_deep_stack(void **state)
{
    Fixture *f = *state;
    char trace[600], path[4096];
    TraceReader *r = open_deep(f, trace, sizeof trace);
    Error err;
    f->o.format = "svg";
    f->o.title = "A \"deep\" stack\twithout residuals";
    f->o.source = "lesson 8 · run off";
    if (plot_norms(r, NULL, &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("norms: %s", err.msg);
    unsigned char *svg = scratch_read(path, NULL);
    const char *text = (const char *)svg;
    /* the quote drawn as ”, the tab as a space */
    assert_svg_has(text, ">A ”deep” stack without residuals<", "the title");
    assert_svg_has(text, ">lesson 8 · run off<", "the source line");
    if (strstr(text, "deep.trace"))
        fail_msg("the source line should replace the trace's path, which the SVG still shows");
    /* stream norms are 1: the top panel's y tics stop at 1, so a 7 is the last layer's tic */
    assert_svg_has(text, "<text>7</text>", "the gradient axis's layer 7");
    assert_svg_has(text, "<text>6</text>", "layer 6");
    assert_svg_has(text, ">enc.3<", "a layer label");
    assert_svg_has(text, ">dec.7<", "the decoder's last layer label");
    assert_svg_has(text, ">enc.input<", "the input keeps its label");
    assert_svg_has(text, ">dec.norm<", "the final norm keeps its label");
    if (strstr(text, ">enc.3.ln1<") || strstr(text, ">dec.0.resid_self<"))
        fail_msg("84 stream records: labels per layer expected, found one per record");
    free(svg);

    /* A normal width for 84 records (one tic each, 38 px, made it 3600 px). */
    f->o.format = "png";
    f->o.title = f->o.source = NULL;
    if (plot_norms(r, NULL, &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("norms png: %s", err.msg);
    Image im = png_read(path);
    if (im.w > 2000 || im.w < 900)
        fail_msg("an 8 + 8 layer norms figure is %u px wide", im.w);
    assert_norms_lines(&im);
    free(im.px);
    trace_reader_close(r);
}

/* Two runs on one figure, as a lesson's "norms vs @off": named after both,
 * the legend naming each run by its label. */
static void test_norms_compare_labels(void **state)
{
    Fixture *f = *state;
    char trace[600], path[4096];
    TraceReader *r = open_deep(f, trace, sizeof trace);
    Error err;
    f->o.format = "svg";
    f->o.label = "with residuals";
    f->o.label2 = "without";
    f->o.suffix = ".vs-off";
    f->o.source = "lesson 8 · run main vs run off";
    if (plot_norms(r, f->r, &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("norms --compare: %s", err.msg);
    assert_non_null(strstr(path, "/norms.vs-off.svg"));
    unsigned char *svg = scratch_read(path, NULL);
    assert_svg_has((const char *)svg, "encoder  (with residuals)<", "the first run's legend");
    assert_svg_has((const char *)svg, "encoder  (without)<", "the second run's legend");
    assert_svg_has((const char *)svg, ">lesson 8 · run main vs run off<", "the source line");
    free(svg);

    /* a PNG of the same, read back */
    f->o.format = "png";
    if (plot_norms(r, f->r, &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("norms --compare png: %s", err.msg);
    assert_non_null(strstr(path, "/norms.vs-off.png"));
    Image im = png_read(path);
    assert_norms_lines(&im);
    free(im.px);

    /* refused: a suffix that could leave the directory, a title too long */
    int before = out_entries(f);
    f->o.suffix = "/../x";
    assert_int_equal(plot_norms(r, f->r, &f->o, path, sizeof path, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "suffix"));
    f->o.suffix = NULL;
    char long_title[PLOT_TEXT_MAX + 2];
    memset(long_title, 'x', sizeof long_title - 1);
    long_title[sizeof long_title - 1] = '\0';
    f->o.title = long_title;
    assert_int_equal(plot_norms(r, f->r, &f->o, path, sizeof path, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "title"));
    assert_out_holds(f, before);
    trace_reader_close(r);
}

/* A record's figure with a title and a source: both drawn, the record's
 * formula still in the subtitle. */
/* ---- figures for slides ---- */

/* The default page is a 16:9 slide in every format: PNG 1600 x 900 px,
 * SVG 1600 x 900 user units with its text as large relative to the page
 * as the PNG's (16 nominal = 21.33 px to the em, as pngcairo draws it at
 * 96 dpi), PDF 13.333 x 7.5 in (960 x 540 pt). */
static void test_slide_page(void **state)
{
    Fixture *f = *state;
    char path[4096];
    draw(f, "enc.0.attn.weights", path, sizeof path);
    Image im = png_read(path);
    if (im.w != 1600 || im.h != 900)
        fail_msg("default PNG page %ux%u, expected the 16:9 slide 1600x900", im.w, im.h);
    free(im.px);

    f->o.format = "svg";
    draw(f, "enc.0.attn.weights", path, sizeof path);
    unsigned char *svg = scratch_read(path, NULL);
    assert_svg_has((const char *)svg, "viewBox=\"0 0 1600 900\"", "the slide page");
    /* the tic labels' size: the layout's fontsize 16 at the page's scale,
     * times 4/3 (the svg terminal writes points as user units) */
    const char *t = strstr((const char *)svg, ">猫<");
    assert_non_null(t);
    const char *fs = NULL;
    for (const char *q = (const char *)svg; (q = strstr(q, "font-size=\"")) && q < t; q++)
        fs = q;
    assert_non_null(fs);
    double size = atof(fs + strlen("font-size=\""));
    if (size < 16.0 * 4 / 3 * 0.8)
        fail_msg("SVG tic labels %.2f user units on a 900-high page: smaller than the PNG's %.2f px to the em "
                 "(the svg terminal takes points as user units)", size, 16.0 * 4 / 3 * 0.8);
    free(svg);

    f->o.format = "pdf";
    draw(f, "enc.0.attn.weights", path, sizeof path);
    size_t n;
    unsigned char *pdf = scratch_read(path, &n);
    bool found = false;
    for (size_t k = 0; k + 24 < n && !found; k++)
        found = memcmp(pdf + k, "/MediaBox [ 0 0 960 540 ]", 25) == 0;
    if (!found)
        fail_msg("the PDF page is not 960 x 540 pt (13.333 x 7.5 in)");
    free(pdf);
}

/* Row title and the x tic labels of the row above it, in a heads grid of
 * NH heads: between the panels of two rows (geometry), the pixel rows
 * holding ink must form two groups, the row above's tic labels and this
 * row's panel titles, with background rows between them. */
#define MAX_HEADS 16
static float many_heads[MAX_HEADS * T * T];

static void check_heads_rows(Fixture *f, int nh)
{
    char tpath[600], path[4096];
    snprintf(tpath, sizeof tpath, "%s/heads%d.trace", f->s->dir, nh);
    for (int h = 0; h < nh; h++)
        for (int i = 0; i < T; i++)
            for (int j = 0; j < T; j++)
                many_heads[(h * T + i) * T + j] = j == (i + h) % T ? 0.7f : 0.1f;
    Record rec = rec_attention("enc.0.attn.weights", dec_toks, many_heads);
    rec.dims[0] = (uint32_t)nh;
    plot_fixture_write(tpath, &rec, 1);
    TraceReader *r;
    Error err;
    if (trace_reader_open(&r, tpath, &err) != TF_OK)
        fail_msg("open: %s", err.msg);
    f->o.geometry = f->geometry;
    unlink(f->geometry);
    if (plot_record(r, 0, &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("plot %d heads: %s", nh, err.msg);
    Image im = png_read(path);
    Panel p[MAX_HEADS];
    for (int k = 0; k < nh; k++)
        p[k] = read_panel(f->geometry, k);
    int checked = 0;
    for (int k = 0; k < nh; k++) {
        int above = -1;  /* the panel of the row above in the same column */
        for (int j = 0; j < nh; j++)
            if (p[j].x0 == p[k].x0 && p[j].y1 < p[k].y0 && (above < 0 || p[j].y1 > p[above].y1))
                above = j;
        if (above < 0)
            continue;
        /* scan the band between the two panels over the lower panel's width */
        int groups = 0, gap = 0, best_gap = 0;
        bool in_ink = false;
        for (int y = p[above].y1 + 2; y < p[k].y0 - 1; y++) {
            bool ink = false;
            for (int x = p[k].x0; x < p[k].x1 && !ink; x++)
                ink = luminance(png_pixel(&im, (uint32_t)x, (uint32_t)y)) < 200;
            if (ink && !in_ink) {
                groups++;
                if (groups == 2 && gap > best_gap)
                    best_gap = gap;
            }
            gap = ink ? 0 : gap + 1;
            in_ink = ink;
        }
        if (groups < 2 || best_gap < 4)
            fail_msg("%d heads: head %d's title touches the tic labels of head %d above it "
                     "(%d ink groups between y %d and %d, %d background rows between them)",
                     nh, k, above, groups, p[above].y1, p[k].y0, best_gap);
        checked++;
    }
    if (checked == 0)
        fail_msg("%d heads: expected more than one row of panels", nh);
    free(im.px);
    trace_reader_close(r);
}

static void test_heads_rows_apart(void **state)
{
    check_heads_rows(*state, 8);
    check_heads_rows(*state, 16);
}

/* A grid of long sequences (eight heads of 200 queries by 200 keys) is
 * laid out at the size of a small one, its cells below a layout pixel:
 * the text stays at its size on the slide. Laid out at four layout pixels
 * a cell, the figure was five times the slide and shrank to fit, the
 * titles and labels with it (three pixels high at 500 tokens). */
#define BIG_T 200
#define BIG_H 8
static void test_big_grid_text(void **state)
{
    Fixture *f = *state;
    char tpath[600], path[4096];
    snprintf(tpath, sizeof tpath, "%s/big-grid.trace", f->s->dir);
    float *w = calloc((size_t)BIG_H * BIG_T * BIG_T, sizeof *w);  /* [head, query, key] */
    assert_non_null(w);
    for (int h = 0; h < BIG_H; h++)
        for (int i = 0; i < BIG_T; i++)
            w[((size_t)h * BIG_T + i) * BIG_T + (i + h) % BIG_T] = 1.0f;
    Record rec = rec_attention("enc.0.attn.weights", NULL, w);
    rec.dims[0] = BIG_H;
    rec.dims[1] = rec.dims[2] = BIG_T;
    plot_fixture_write(tpath, &rec, 1);
    free(w);
    TraceReader *r;
    Error err;
    if (trace_reader_open(&r, tpath, &err) != TF_OK)
        fail_msg("open: %s", err.msg);
    f->o.format = "svg";
    if (plot_record(r, 0, &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("plot: %s", err.msg);
    unsigned char *svg = scratch_read(path, NULL);
    /* every text's size: the smallest is a tic label, 16 nominal */
    double smallest = 1e9;
    for (const char *q = (const char *)svg; (q = strstr(q, "font-size=\"")); q++) {
        const double size = atof(q + strlen("font-size=\""));
        if (size < smallest)
            smallest = size;
    }
    if (smallest < 16.0 * 4 / 3 * 0.6)
        fail_msg("%d heads of %d x %d: text %.2f user units on the 1600 x 900 slide, below 0.6 of its %.2f",
                 BIG_H, BIG_T, BIG_T, smallest, 16.0 * 4 / 3);
    free(svg);
    trace_reader_close(r);
}

/* The grey of a long sequence's masked keys is solid: with rows a pixel
 * or two high, boxes that only met left antialiased seams, the white of
 * the weights beneath in lines across the grey. Every pixel well inside
 * the masked triangle of a 200-token causal block is the mask's grey. */
static void test_big_mask_solid(void **state)
{
    Fixture *f = *state;
    char tpath[600], path[4096];
    snprintf(tpath, sizeof tpath, "%s/big-mask.trace", f->s->dir);
    float *mask = malloc((size_t)BIG_T * BIG_T * sizeof *mask);  /* [query, key] */
    float *w = malloc((size_t)BIG_T * BIG_T * sizeof *w);        /* [head 1, query, key] */
    assert_non_null(mask);
    assert_non_null(w);
    for (int i = 0; i < BIG_T; i++)
        for (int j = 0; j < BIG_T; j++) {
            mask[i * BIG_T + j] = j > i ? -INFINITY : 0.0f;
            w[i * BIG_T + j] = j > i ? 0.0f : 1.0f / (float)(i + 1);
        }
    Record recs[2] = {rec_mask("dec.0.self_attn.mask"), rec_attention("dec.0.self_attn.weights", NULL, w)};
    recs[0].dims[0] = recs[0].dims[1] = BIG_T;
    recs[0].data = mask;
    recs[0].row_labels = recs[0].col_labels = NULL;
    recs[1].dims[0] = 1;
    recs[1].dims[1] = recs[1].dims[2] = BIG_T;
    plot_fixture_write(tpath, recs, 2);
    free(mask);
    free(w);
    TraceReader *r;
    Error err;
    if (trace_reader_open(&r, tpath, &err) != TF_OK)
        fail_msg("open: %s", err.msg);
    f->o.geometry = f->geometry;
    if (plot_record(r, 1, &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("plot: %s", err.msg);
    Image im = png_read(path);
    Panel p = read_panel(f->geometry, 0);
    const double cw = (double)(p.x1 - p.x0) / BIG_T, ch = (double)(p.y1 - p.y0) / BIG_T;
    size_t off = 0, seen = 0;
    int first_x = -1, first_y = -1;
    for (int y = p.y0 + 2; y < p.y1 - 2; y++)
        for (int x = p.x0 + 2; x < p.x1 - 2; x++) {
            const double row = (y - p.y0) / ch, key = (x - p.x0) / cw;
            if (key < row + 3)  /* clear of the diagonal */
                continue;
            const unsigned char *px = png_pixel(&im, (uint32_t)x, (uint32_t)y);
            seen++;
            if (abs(px[0] - 0x6b) > 6 || abs(px[1] - 0x6b) > 6 || abs(px[2] - 0x6b) > 6) {
                if (off++ == 0) {
                    first_x = x;
                    first_y = y;
                }
            }
        }
    if (seen < 1000 || off > 0)
        fail_msg("%zu of %zu pixels inside the masked triangle are not the mask's grey #6b6b6b "
                 "(first at %d,%d)", off, seen, first_x, first_y);
    free(im.px);
    trace_reader_close(r);
}

/* Gradients of exactly 0 (underflowed) are drawn as vanished: the figure
 * says which gradients are 0 in which layers, from the data (the deep
 * trace's decoder gradients are 0 in layers 0 and 1, the encoder's
 * nowhere). */
static void test_norms_zero_note(void **state)
{
    Fixture *f = *state;
    char trace[600], path[4096];
    TraceReader *r = open_deep(f, trace, sizeof trace);
    Error err;
    f->o.format = "svg";
    if (plot_norms(r, NULL, &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("norms: %s", err.msg);
    unsigned char *svg = scratch_read(path, NULL);
    assert_svg_has((const char *)svg,
                   ">exactly 0 (underflowed), drawn as vanished: decoder stream gradient in layers 0-1, "
                   "decoder weight gradients in layers 0-1<", "the note on gradients of 0");
    if (strstr((const char *)svg, "encoder stream gradient in"))
        fail_msg("the encoder's gradients are not 0, yet the note names them");
    free(svg);
    /* two runs: a line per run, named after it */
    f->o.label = "run main";
    f->o.label2 = "run off";
    if (plot_norms(r, r, &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("norms --compare: %s", err.msg);
    svg = scratch_read(path, NULL);
    assert_svg_has((const char *)svg, ">run off: exactly 0 (underflowed), drawn as vanished: decoder stream",
                   "run off's note");
    assert_svg_has((const char *)svg, ">run main: exactly 0 (underflowed), drawn", "run main's note");
    free(svg);
    /* nothing 0: no note */
    f->o.label = f->o.label2 = NULL;
    if (plot_norms(f->r, NULL, &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("norms: %s", err.msg);
    svg = scratch_read(path, NULL);
    if (strstr((const char *)svg, "exactly 0 ("))
        fail_msg("a note on gradients of 0 for a trace without any");
    free(svg);
    trace_reader_close(r);
}

/* ---- the block's mask on its weights ---- */

static float causal_weights[H * T * T];  /* head 0: uniform over the visible keys, but row 3's
                                            first key 0 (an unmasked weight of exactly 0);
                                            head 1: the diagonal */

/* dec.0.self_attn.weights with its block's causal mask, and
 * dec.1.self_attn.weights, the same weights in a block without a mask
 * record (an old trace): drawn as before. */
static TraceReader *open_masked(const Fixture *f)
{
    for (int i = 0; i < T; i++)
        for (int j = 0; j < T; j++) {
            float u = j > i ? 0.0f : 1.0f / (float)(i + 1);
            if (i == T - 1)
                u = j == 0 ? 0.0f : 1.0f / (float)(T - 1);
            causal_weights[i * T + j] = u;
            causal_weights[(T + i) * T + j] = i == j ? 1.0f : 0.0f;
        }
    char path[600];
    snprintf(path, sizeof path, "%s/masked.trace", f->s->dir);
    Record recs[3];
    recs[0] = rec_mask("dec.0.self_attn.mask");
    recs[1] = rec_attention("dec.0.self_attn.weights", dec_toks, causal_weights);
    recs[2] = rec_attention("dec.1.self_attn.weights", dec_toks, causal_weights);
    plot_fixture_write(path, recs, 3);
    TraceReader *r;
    Error err;
    if (trace_reader_open(&r, path, &err) != TF_OK)
        fail_msg("open %s: %s", path, err.msg);
    return r;
}

/* Light pixels (a ×) in the middle of a cell: the central 40%. */
static size_t cell_light_centre(const Image *im, const Panel *p, int row, int col)
{
    double cw = (double)(p->x1 - p->x0) / T, ch = (double)(p->y1 - p->y0) / T;
    size_t n = 0;
    for (int y = (int)(p->y0 + ch * (row + 0.3)); y < (int)(p->y0 + ch * (row + 0.7)); y++)
        for (int x = (int)(p->x0 + cw * (col + 0.3)); x < (int)(p->x0 + cw * (col + 0.7)); x++)
            n += luminance(png_pixel(im, (uint32_t)x, (uint32_t)y)) > 200;
    return n;
}

/* Check the cells of panel `which`: masked (key after query) grey with a
 * ×, or, without the mask, every cell as its weight says. */
static void check_masked_cells(const Fixture *f, const char *path, int which, bool masked)
{
    Image im = png_read(path);
    Panel p = read_panel(f->geometry, which);
    for (int i = 0; i < T; i++)
        for (int j = 0; j < T; j++) {
            double rgb[3];
            char what[96];
            png_cell_rgb(&im, &p, T, T, i, j, rgb);
            if (j > i && masked) {
                snprintf(what, sizeof what, "panel %d: masked cell (%d,%d)", which, i, j);
                png_assert_rgb_near(rgb, 0x6b6b6b, 6, what);  /* viz/lib/common.gp: tf_mask_rgb */
                if (cell_light_centre(&im, &p, i, j) < 8)
                    fail_msg("%s: no × in it", what);
            } else if (j > i || (i == T - 1 && j == 0 && which == 0)) {
                /* weight 0: white, the sequential palette's 0 — masked or not,
                 * a weight of 0 says nothing about the mask */
                snprintf(what, sizeof what, "panel %d: cell (%d,%d) of weight 0%s", which, i, j,
                         masked ? ", not masked" : ", no mask record");
                png_assert_rgb_near(rgb, 0xf7fbff, 10, what);
            }
        }
    free(im.px);
}

/* The weights of a block with a mask record: the cells the mask hides are
 * grey with a × (read from the mask, not from a weight of 0: row 3's first
 * key has weight 0 and stays white), with a legend entry; the entropy
 * reference is uniform over the keys each row sees: mean of log2(t + 1),
 * (0 + 1 + 1.585 + 2) / 4 = 1.15 bits for a causal 4 x 4. Without a mask
 * record, drawn as before. */
static void test_masked_weights(void **state)
{
    Fixture *f = *state;
    TraceReader *r = open_masked(f);
    char path[4096];
    Error err;
    f->o.geometry = f->geometry;
    /* the heads grid */
    unlink(f->geometry);
    if (plot_record(r, 1, &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("plot dec.0.self_attn.weights: %s", err.msg);
    check_masked_cells(f, path, 0, true);
    check_masked_cells(f, path, 1, true);
    /* one head (heatmap.gp) */
    unlink(f->geometry);
    f->o.head = 0;
    if (plot_record(r, 1, &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("plot dec.0.self_attn.weights --head 0: %s", err.msg);
    check_masked_cells(f, path, 0, true);
    f->o.head = -1;
    /* no mask record: no grey */
    unlink(f->geometry);
    if (plot_record(r, 2, &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("plot dec.1.self_attn.weights: %s", err.msg);
    check_masked_cells(f, path, 0, false);

    /* the legend entry and the entropy reference, as text */
    f->o.format = "svg";
    if (plot_record(r, 1, &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("plot svg: %s", err.msg);
    unsigned char *svg = scratch_read(path, NULL);
    assert_svg_has((const char *)svg, "masked: the block's mask hides this key", "the legend entry");
    assert_svg_has((const char *)svg, "(uniform over the visible keys: 1.15)", "the causal entropy reference");
    free(svg);
    if (plot_record(r, 2, &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("plot svg: %s", err.msg);
    svg = scratch_read(path, NULL);
    if (strstr((const char *)svg, "masked: the block's mask"))
        fail_msg("a legend entry for masked cells without a mask record");
    assert_svg_has((const char *)svg, "(uniform over 4 keys: 2.00)", "the reference without a mask");
    free(svg);
    trace_reader_close(r);
}

/* The data file gnuplot reads holds the pages the figure draws, and no
 * others: one head's figure reads that head's page (a large record's
 * other heads would cost gnuplot a pass each), the grid every head; each
 * page states its values for the scripts' colour range. */
static void test_drawn_pages_only(void **state)
{
    Fixture *f = *state;
    TraceReader *r = open_masked(f);
    char path[4096], dat[600];
    Error err;
    f->o.keep_data = true;
    f->o.head = 1;
    if (plot_record(r, 1, &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("plot --head 1: %s", err.msg);
    snprintf(dat, sizeof dat, "%s/dec.0.self_attn.weights.head1.dat", f->out);
    char *text = (char *)scratch_read(dat, NULL);
    assert_non_null(strstr(text, "# 2 pages of 4 rows x 4 columns"));
    assert_non_null(strstr(text, "# pages in this file: 1 to 1\n# head 1\n"));
    if (strstr(text, "# head 0"))
        fail_msg("head 1's data file holds head 0's page");
    assert_non_null(strstr(text, "# values: min 0 max 1 nonfinite 0 neginf 0 whole 1\n"));
    free(text);
    Image im = png_read(path);
    assert_not_blank(&im);
    free(im.px);
    f->o.head = -1;
    f->o.geometry = f->geometry;
    unlink(f->geometry);
    if (plot_record(r, 1, &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("plot: %s", err.msg);
    snprintf(dat, sizeof dat, "%s/dec.0.self_attn.weights.dat", f->out);
    text = (char *)scratch_read(dat, NULL);
    assert_non_null(strstr(text, "# head 0\n"));
    assert_non_null(strstr(text, "# head 1\n"));
    assert_null(strstr(text, "# pages in this file"));
    free(text);
    /* each panel of the grid its own head (the panels read pages.bin at
     * their page's offset): cell (1, 0) has weight 1/2 in head 0, 0 in head 1 */
    im = png_read(path);
    for (int which = 0; which < 2; which++) {
        Panel p = read_panel(f->geometry, which);
        double rgb[3];
        png_cell_rgb(&im, &p, T, T, 1, 0, rgb);
        bool white = rgb[0] > 240 && rgb[1] > 240 && rgb[2] > 240;
        if (white != (which == 1))
            fail_msg("panel %d: cell (1, 0) is %s", which, white ? "white" : "coloured");
    }
    free(im.px);
    trace_reader_close(r);
}

/* Lesson 8's gradient panels: bars per layer, the stream gradient as a
 * fraction of the top layer's (left) and the weight gradients (right), on
 * a floor of 1e-6 where a vanished gradient is a ×. In the deep trace the
 * encoder's gradients are about 0.5 everywhere, the decoder's 1 at layer
 * 7, 1e-12 at layer 5, smaller below and 0 at layers 0 and 1. */
static void test_norms_gradient_bars(void **state)
{
    Fixture *f = *state;
    char trace[600], path[4096];
    TraceReader *r = open_deep(f, trace, sizeof trace);
    Error err;
    f->o.geometry = f->geometry;
    unlink(f->geometry);
    if (plot_norms(r, NULL, &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("norms: %s", err.msg);
    Image im = png_read(path);
    Panel ratio = read_panel(f->geometry, 0), weights = read_panel(f->geometry, 1);
    assert_int_equal(ratio.page, 1001);
    assert_int_equal(weights.page, 1002);
    if (!(ratio.x1 < weights.x0))
        fail_msg("the two gradient panels overlap: %d..%d and %d..%d", ratio.x0, ratio.x1, weights.x0, weights.x1);
    /* bar colours: 0.85 of the stack's colour over white (#1f78b4 and
     * #e66101 become #418cbf and #ea7927) */
    const unsigned enc_bar = 0x418cbf;
    for (int pk = 0; pk < 2; pk++) {
        const Panel *p = pk == 0 ? &ratio : &weights;
        double lw = (double)(p->x1 - p->x0) / DEEP_L;  /* one layer's width */
        for (int l = 0; l < DEEP_L; l++) {
            /* x: layer l's encoder bar at l - 0.2, the decoder's at l + 0.2;
             * a little above the floor */
            int xe = (int)(p->x0 + lw * (l + 0.5 - 0.2)), xd = (int)(p->x0 + lw * (l + 0.5 + 0.2));
            int yb = p->y1 - 4;
            double rgb[3];
            char what[96];
            png_mean_rgb(&im, xe - 2, yb - 3, xe + 3, yb, rgb);
            snprintf(what, sizeof what, "panel %d: layer %d's encoder bar", pk, l);
            png_assert_rgb_near(rgb, enc_bar, 14, what);
            /* the decoder: a bar at layer 7, vanished below 6; layer 6's
             * 1e-6 is float32's 9.9999997e-07, on the floor's edge */
            if (l == 6)
                continue;
            bool vanished = l < 6;
            size_t dark = 0, bar = 0;
            int yv = p->y1 - (int)((p->y1 - p->y0) * 0.12);
            for (int y = yv; y < p->y1 - 1; y++)
                for (int x = xd - (int)(lw * 0.15); x <= xd + (int)(lw * 0.15); x++) {
                    const unsigned char *px = png_pixel(&im, (uint32_t)x, (uint32_t)y);
                    dark += luminance(px) < 60;
                    bar += abs(px[0] - 0xea) < 14 && abs(px[1] - 0x79) < 14 && abs(px[2] - 0x27) < 14;
                }
            snprintf(what, sizeof what, "panel %d: layer %d's decoder gradient", pk, l);
            if (vanished && (dark < 10 || bar > 0))
                fail_msg("%s should be vanished, a × on the floor: %zu dark pixels, %zu of bar colour", what, dark,
                         bar);
            if (!vanished && (dark > 0 || bar < 20))
                fail_msg("%s should be a bar: %zu dark pixels, %zu of bar colour", what, dark, bar);
        }
    }
    free(im.px);

    f->o.format = "svg";
    if (plot_norms(r, NULL, &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("norms svg: %s", err.msg);
    unsigned char *svg = scratch_read(path, NULL);
    assert_svg_has((const char *)svg, ">stream gradient entering each layer ÷ leaving the top layer<", "the ratio panel");
    assert_svg_has((const char *)svg, ">weight gradients of each layer (L2 norm)<", "the weights panel");
    assert_svg_has((const char *)svg, ">vanished: below 1e-6 (0: underflowed)<", "the vanished legend entry");
    if (strstr((const char *)svg, "e-40") || strstr((const char *)svg, "e-35"))
        fail_msg("the gradient axis still reaches down to 1e-40");
    free(svg);
    trace_reader_close(r);
}

static void test_record_title_source(void **state)
{
    Fixture *f = *state;
    char path[4096];
    f->o.format = "svg";
    f->o.title = "Padding mask of the short sentence";
    f->o.source = "lesson 7 · run main · dec.0.self_attn.mask";
    draw(f, "dec.0.self_attn.mask", path, sizeof path);
    unsigned char *svg = scratch_read(path, NULL);
    assert_svg_has((const char *)svg, ">Padding mask of the short sentence<", "the title");
    assert_svg_has((const char *)svg, "lesson 7 · run main · dec.0.self_attn.mask<", "the source line");
    free(svg);
    f->o.head = 0;
    draw(f, "enc.0.attn.weights", path, sizeof path);  /* heatmap.gp */
    svg = scratch_read(path, NULL);
    assert_svg_has((const char *)svg, ">Padding mask of the short sentence<", "heatmap: the title");
    assert_svg_has((const char *)svg, "softmax(masked) over keys   ·   lesson 7", "heatmap: formula, then source");
    free(svg);
    f->o.head = -1;
    draw(f, "enc.0.attn.weights", path, sizeof path);  /* heads.gp */
    svg = scratch_read(path, NULL);
    assert_svg_has((const char *)svg, ">Padding mask of the short sentence<", "heads: the title");
    assert_svg_has((const char *)svg, "lesson 7 · run main", "heads: the source");
    free(svg);
}

/* ---- choosing figures ---- */

static bool list_has(const PlotFigureList *l, const char *name)
{
    for (size_t k = 0; k < l->n; k++)
        if (strcmp(l->items[k].name, name) == 0)
            return true;
    return false;
}

static void test_figure_lists(void **state)
{
    Fixture *f = *state;
    PlotFigureList l = {0};
    Error err;
    assert_int_equal(plot_list_defaults(f->r, &l, &err), TF_OK);
    const char *want[] = {"enc.pos", "enc.0.attn.weights", "enc.1.attn.weights", "enc.2.attn.weights",
                          "enc.3.attn.weights", "dec.0.self_attn.mask",
                          "norms", "gen.dec.0.self_attn.weights", "gen.dec.0.cross_attn.weights"};
    for (size_t k = 0; k < ARRAY_LEN(want); k++)
        if (!list_has(&l, want[k]))
            fail_msg("default figures lack %s", want[k]);
    assert_false(list_has(&l, "dec.1.self_attn.mask"));  /* a repeat of layer 0's */
    assert_false(list_has(&l, "enc.input"));
    assert_false(list_has(&l, "gen.0.dec.0.self_attn.weights"));
    assert_int_equal(l.n, ARRAY_LEN(want));
    plot_list_free(&l);

    size_t matched;
    assert_int_equal(plot_list_match(f->r, "enc.*.attn.weights", &l, &matched, &err), TF_OK);
    assert_int_equal(matched, 4);
    assert_int_equal(l.n, 4);
    assert_int_equal(plot_list_match(f->r, "enc.0.attn.weights", &l, &matched, &err), TF_OK);
    assert_int_equal(matched, 1);  /* counted, not added twice */
    assert_int_equal(l.n, 4);
    assert_int_equal(plot_list_match(f->r, "no*such", &l, &matched, &err), TF_OK);
    assert_int_equal(matched, 0);
    assert_int_equal(plot_list_match(f->r, "gen.dec.*", &l, &matched, &err), TF_OK);
    assert_int_equal(matched, 2);
    assert_int_equal(l.items[l.n - 1].kind, PLOT_FIG_GENERATION);
    plot_list_free(&l);
}

/* ---- a vocabulary of hundreds: the top tokens' columns ---- */

#define VT 2     /* positions */
#define VV 200   /* tokens */
#define VGEN 3   /* decoding steps */
static char vocab_buf[VV][8];
static const char *vocab_toks[VV];
static float vocab_probs[VT * VV];
static float vocab_gen[VGEN][VV];
static char vocab_gen_names[VGEN][40];
static const char *const vocab_rows[VT] = {"床", "前"};

/* Row i's token of rank r: id (11 + 17·r + 5·i) mod V, value 0.95 − 0.03·i
 * − 0.07·r, so sorted by value the best columns alternate between the
 * rows: row 0's best, row 1's best, row 0's second, ... */
static uint32_t vocab_id(int i, int r)
{
    return (uint32_t)((11 + 17 * r + 5 * i) % VV);
}

static void write_vocab_trace(const char *path)
{
    for (uint32_t j = 0; j < VV; j++) {
        snprintf(vocab_buf[j], sizeof vocab_buf[j], "w%u", j);
        vocab_toks[j] = vocab_buf[j];
    }
    for (int i = 0; i < VT; i++) {
        for (uint32_t j = 0; j < VV; j++)
            vocab_probs[i * VV + j] = 0.001f;
        for (int r = 0; r < 13; r++)
            vocab_probs[i * VV + vocab_id(i, r)] = 0.95f - 0.03f * (float)i - 0.07f * (float)r;
    }
    for (int g = 0; g < VGEN; g++)
        for (uint32_t j = 0; j < VV; j++)
            vocab_gen[g][j] = j == (uint32_t)(40 + g) ? 0.8f : 0.001f;
    Record recs[1 + VGEN];
    size_t n = 0;
    recs[n++] = (Record){.name = "dec.probs", .kind = "probs", .ndim = 2, .dims = {VT, VV},
                         .dim_names = {"token", "vocab"}, .data = vocab_probs, .row_labels = vocab_rows,
                         .col_labels = vocab_toks, .formula = "softmax(logits)", .description = "Probabilities."};
    for (int g = 0; g < VGEN; g++) {
        snprintf(vocab_gen_names[g], sizeof vocab_gen_names[g], "gen.%d.dec.probs", g);
        recs[n++] = (Record){.name = vocab_gen_names[g], .kind = "probs", .ndim = 2, .dims = {1, VV},
                             .dim_names = {"token", "vocab"}, .data = vocab_gen[g], .row_labels = &vocab_rows[g % VT],
                             .col_labels = vocab_toks, .formula = "softmax(logits)", .description = "One step."};
    }
    plot_fixture_write(path, recs, n);
}

static int setup_vocab(void **state)
{
    Fixture *f = plot_fixture_open("plot_vocab", "vocab.trace", write_vocab_trace);
    if (!f)
        return -1;
    *state = f;
    return 0;
}

/* dec.probs of 200 tokens is drawn as 24 columns, each row's best first in
 * turn, sorted by value: read back, column c's cell is dark in the row
 * that ranks it (row c mod 2) and pale in the other, and lighter column by
 * column; the title says "top 24 of 200 tokens". */
static void test_vocab_top_columns(void **state)
{
    Fixture *f = *state;
    char path[4096];
    f->o.geometry = f->geometry;
    draw(f, "dec.probs", path, sizeof path);
    assert_non_null(strstr(path, "/dec.probs.png"));  /* named as the record */
    Image im = png_read(path);
    Panel p = read_panel(f->geometry, 0);
    double prev = -1.0;
    for (int c = 0; c < 24; c++) {
        double on[3], off[3];
        png_cell_rgb(&im, &p, VT, 24, c % 2, c, on);
        png_cell_rgb(&im, &p, VT, 24, 1 - c % 2, c, off);
        double lon = luminance((unsigned char[]){(unsigned char)on[0], (unsigned char)on[1], (unsigned char)on[2]});
        double loff = luminance((unsigned char[]){(unsigned char)off[0], (unsigned char)off[1], (unsigned char)off[2]});
        if (!(lon + 20 < loff))
            fail_msg("column %d: the ranking row's cell (%.0f) is not darker than the other's (%.0f)", c, lon, loff);
        if (!(lon > prev))
            fail_msg("column %d: luminance %.0f, not lighter than the column before (%.0f): not sorted", c, lon, prev);
        prev = lon;
    }
    free(im.px);
    f->o.format = "svg";
    draw(f, "dec.probs", path, sizeof path);
    char *svg = (char *)scratch_read(path, NULL);
    if (!strstr(svg, "dec.probs (top 24 of 200 tokens)"))
        fail_msg("the title does not say it shows the top 24 of 200 tokens");
    /* labelled with the tokens: the best of row 0 and row 1, not row 0's 13th */
    char want[32];
    snprintf(want, sizeof want, ">w%u<", vocab_id(0, 0));
    assert_non_null(strstr(svg, want));
    snprintf(want, sizeof want, ">w%u<", vocab_id(1, 11));
    assert_non_null(strstr(svg, want));
    snprintf(want, sizeof want, ">w%u<", vocab_id(0, 12));
    assert_null(strstr(svg, want));
    free(svg);
    /* --all-columns: the title plain, and every token in its own column */
    f->o.all_columns = true;
    draw(f, "dec.probs", path, sizeof path);
    svg = (char *)scratch_read(path, NULL);
    assert_null(strstr(svg, "top 24"));
    free(svg);
    f->o.format = "png";
    draw(f, "dec.probs", path, sizeof path);
    im = png_read(path);
    p = read_panel(f->geometry, 0);
    double best_rgb[3], pale_rgb[3];
    png_cell_rgb(&im, &p, VT, VV, 0, (int)vocab_id(0, 0), best_rgb);
    png_cell_rgb(&im, &p, VT, VV, 0, 100, pale_rgb);
    png_assert_rgb_near(best_rgb, 0x08306b, 40, "row 0's best token, in its own column");
    png_assert_rgb_near(pale_rgb, 0xf7fbff, 40, "token 100, unlikely");
    free(im.px);
}

/* gen.dec.probs: a row per step, cut the same way; a GIF is refused. */
static void test_vocab_generation(void **state)
{
    Fixture *f = *state;
    char path[4096];
    Error err;
    f->o.format = "svg";
    if (plot_generation(f->r, "dec.probs", &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("gen.dec.probs: %s", err.msg);
    assert_non_null(strstr(path, "/gen.dec.probs.svg"));
    char *svg = (char *)scratch_read(path, NULL);
    if (!strstr(svg, "gen.dec.probs (top 24 of 200 tokens)"))
        fail_msg("the generation figure's title does not say top 24 of 200 tokens");
    assert_non_null(strstr(svg, ">w41<"));  /* step 1's prediction */
    free(svg);
    PlotFigureList l = {0};
    size_t matched;
    assert_int_equal(plot_list_match(f->r, "gen.dec.*", &l, &matched, &err), TF_OK);
    assert_int_equal(matched, 1);  /* a figure of its own, as the attention families */
    plot_list_free(&l);
    f->o.format = "gif";
    error_clear(&err);
    assert_int_equal(plot_generation(f->r, "dec.probs", &f->o, path, sizeof path, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "vocabulary"));
}

/* ---- failures ---- */

static void write_script(const char *path, const char *text)
{
    scratch_write(path, text, strlen(text));
    assert_int_equal(chmod(path, 0755), 0);
}

/* Entries of the output directory (0 when it does not exist). */
static int out_entries(const Fixture *f)
{
    int n = scratch_count_files(f->out);
    return n < 0 ? 0 : n;
}

/* No new image, temporary or work directory since `before`. */
static void assert_out_holds(const Fixture *f, int before)
{
    int got = out_entries(f);
    if (got != before)
        fail_msg("%s holds %d entries, expected %d", f->out, got, before);
}

/* The grid's panels draw from pages.bin, the pages as float32 one after
 * the other (lib/common.gp's page_bin), not from text a page; one head's
 * figure reads its page's text. A stand-in keeps what gnuplot was given. */
static void test_grid_binary_pages(void **state)
{
    Fixture *f = *state;
    TraceReader *r = open_masked(f);
    char prog[600], seen[600], script[2000], file[700], path[4096];
    Error err;
    snprintf(prog, sizeof prog, "%s/keeping-gnuplot", f->s->dir);
    snprintf(seen, sizeof seen, "%s/seen", f->s->dir);
    snprintf(script, sizeof script, "#!/bin/sh\nrm -rf '%s' && mkdir '%s' && cp ./* '%s'/ && exec gnuplot \"$@\"\n",
             seen, seen, seen);
    write_script(prog, script);
    setenv("TRACEFORMER_GNUPLOT", prog, 1);
    if (plot_record(r, 1, &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("plot: %s", err.msg);
    snprintf(file, sizeof file, "%s/pages.bin", seen);
    size_t size;
    unsigned char *pages = scratch_read(file, &size);
    assert_int_equal(size, sizeof causal_weights);  /* (head 2, query 4, key 4) */
    assert_memory_equal(pages, causal_weights, sizeof causal_weights);
    free(pages);
    snprintf(file, sizeof file, "%s/page0.dat", seen);
    assert_int_not_equal(access(file, F_OK), 0);
    f->o.head = 1;
    if (plot_record(r, 1, &f->o, path, sizeof path, &err) != TF_OK)
        fail_msg("plot --head 1: %s", err.msg);
    snprintf(file, sizeof file, "%s/pages.bin", seen);
    assert_int_not_equal(access(file, F_OK), 0);
    f->o.head = -1;
    unsetenv("TRACEFORMER_GNUPLOT");
    trace_reader_close(r);
}

/* gnuplot runs with GLIBC_TUNABLES asking glibc's malloc to keep memory
 * between a grid's panels (gnuplot.c), before a user's own tunables, so
 * that theirs win; our own environment is left as it was. */
static void test_gnuplot_environment(void **state)
{
    Fixture *f = *state;
    char prog[600], seen[600], script[1400], path[4096];
    snprintf(prog, sizeof prog, "%s/env-gnuplot", f->s->dir);
    snprintf(seen, sizeof seen, "%s/tunables", f->s->dir);
    snprintf(script, sizeof script, "#!/bin/sh\nprintf '%%s' \"$GLIBC_TUNABLES\" > '%s' && exec gnuplot \"$@\"\n", seen);
    write_script(prog, script);
    setenv("TRACEFORMER_GNUPLOT", prog, 1);
    const char *before = getenv("GLIBC_TUNABLES");
    char *saved = before ? strdup(before) : NULL;
    unsetenv("GLIBC_TUNABLES");
    draw(f, "enc.1.attn.single", path, sizeof path);
    char *text = (char *)scratch_read(seen, NULL);
    if (strncmp(text, "glibc.malloc.top_pad=", 21) != 0 || strchr(text, ':'))
        fail_msg("gnuplot's GLIBC_TUNABLES: '%s'", text);
    free(text);
    assert_null(getenv("GLIBC_TUNABLES"));
    setenv("GLIBC_TUNABLES", "glibc.malloc.arena_max=1", 1);
    draw(f, "enc.1.attn.single", path, sizeof path);
    text = (char *)scratch_read(seen, NULL);
    const char *tail = strrchr(text, ':');
    if (strncmp(text, "glibc.malloc.top_pad=", 21) != 0 || !tail || strcmp(tail, ":glibc.malloc.arena_max=1") != 0)
        fail_msg("gnuplot's GLIBC_TUNABLES with the user's: '%s'", text);
    free(text);
    assert_string_equal(getenv("GLIBC_TUNABLES"), "glibc.malloc.arena_max=1");
    if (saved)
        setenv("GLIBC_TUNABLES", saved, 1);
    else
        unsetenv("GLIBC_TUNABLES");
    free(saved);
    unsetenv("TRACEFORMER_GNUPLOT");
}

static void test_gnuplot_missing(void **state)
{
    Fixture *f = *state;
    char path[4096], prog[600];
    Error err;
    int before = out_entries(f);
    snprintf(prog, sizeof prog, "%s/no-such-gnuplot", f->s->dir);
    setenv("TRACEFORMER_GNUPLOT", prog, 1);
    assert_int_equal(plot_gnuplot_available(&err), TF_ERR_RUNTIME);
    assert_int_equal(plot_record(f->r, find(f, "enc.0.attn.weights"), &f->o, path, sizeof path, &err),
                     TF_ERR_RUNTIME);
    assert_non_null(strstr(err.msg, "no-such-gnuplot"));
    assert_non_null(strstr(err.hint, "apt-get install gnuplot-nox"));
    assert_out_holds(f, before);
    /* a program name not on PATH */
    setenv("TRACEFORMER_GNUPLOT", "traceformer-no-such-gnuplot", 1);
    assert_int_equal(plot_gnuplot_available(&err), TF_ERR_RUNTIME);
    assert_non_null(strstr(err.hint, "apt-get"));
    unsetenv("TRACEFORMER_GNUPLOT");
    assert_int_equal(plot_gnuplot_available(&err), TF_OK);
}

static void test_gnuplot_fails(void **state)
{
    Fixture *f = *state;
    char path[4096], prog[600];
    Error err;
    int before = out_entries(f);
    /* A stand-in that half-writes the image, complains, and fails. */
    snprintf(prog, sizeof prog, "%s/bad-gnuplot", f->s->dir);
    write_script(prog, "#!/bin/sh\nprintf 'PNG half' > image.png\n"
                       "echo '\"heatmap.gp\" line 7: something went wrong' >&2\nexit 1\n");
    setenv("TRACEFORMER_GNUPLOT", prog, 1);
    assert_int_equal(plot_record(f->r, find(f, "enc.0.attn.weights"), &f->o, path, sizeof path, &err),
                     TF_ERR_RUNTIME);
    assert_non_null(strstr(err.msg, "line 7: something went wrong"));
    assert_non_null(strstr(err.msg, "enc.0.attn.weights"));
    assert_out_holds(f, before);
    /* exits 0 but draws nothing */
    write_script(prog, "#!/bin/sh\nexit 0\n");
    assert_int_equal(plot_record(f->r, find(f, "enc.0.attn.weights"), &f->o, path, sizeof path, &err),
                     TF_ERR_RUNTIME);
    assert_non_null(strstr(err.msg, "no image"));
    assert_out_holds(f, before);
    unsetenv("TRACEFORMER_GNUPLOT");

    /* The real gnuplot on a broken script: its own message comes through. */
    char viz[600], lib[700];
    snprintf(viz, sizeof viz, "%s/badviz", f->s->dir);
    snprintf(lib, sizeof lib, "%s/heads.gp", viz);
    assert_int_equal(mkdir(viz, 0700), 0);
    write_script(lib, "set term pngcairo\nset output out\nplot sin(x) witth lines\n");
    f->o.viz_dir = viz;
    assert_int_equal(plot_record(f->r, find(f, "enc.0.attn.weights"), &f->o, path, sizeof path, &err),
                     TF_ERR_RUNTIME);
    assert_non_null(strstr(err.msg, "heads.gp\" line 3"));
    assert_out_holds(f, before);
    f->o.viz_dir = "/nonexistent/viz";
    assert_int_equal(plot_record(f->r, find(f, "enc.0.attn.weights"), &f->o, path, sizeof path, &err),
                     TF_ERR_RUNTIME);
    assert_non_null(strstr(err.hint, "TRACEFORMER_DATA"));
}

static void test_bad_options(void **state)
{
    Fixture *f = *state;
    char path[4096];
    Error err;
    int before = out_entries(f);
    struct {
        const char *format, *font;
        int w, h, head, batch;
        const char *want;
    } cases[] = {
        {"gif", NULL, 0, 0, -1, 0, "format 'gif'"},
        {"png", NULL, 10, 10, -1, 0, "size 10,10"},
        {"png", NULL, 800, 0, -1, 0, "size 800,0"},
        {"png", NULL, 30000, 600, -1, 0, "size 30000,600"},
        {"png", "Evil'; system('touch x')", 0, 0, -1, 0, "font"},
        {"png", "a`b`", 0, 0, -1, 0, "font"},
        {"png", NULL, 0, 0, 5, 0, "heads 0..1"},
        {"png", NULL, 0, 0, -1, -1, "batch -1"},
    };
    for (size_t k = 0; k < ARRAY_LEN(cases); k++) {
        plot_options_init(&f->o, f->viz, f->out);
        f->o.format = cases[k].format;
        f->o.font = cases[k].font;
        f->o.width = cases[k].w;
        f->o.height = cases[k].h;
        f->o.head = cases[k].head;
        f->o.batch = cases[k].batch;
        error_clear(&err);
        Status s = plot_record(f->r, find(f, "enc.0.attn.weights"), &f->o, path, sizeof path, &err);
        if (s != TF_ERR_INPUT || !strstr(err.msg, cases[k].want))
            fail_msg("case %zu: status %d, message '%s', expected 2 and '%s'", k, s, err.msg, cases[k].want);
    }
    /* --head on a record without heads; the font from the environment */
    plot_options_init(&f->o, f->viz, f->out);
    f->o.head = 0;
    assert_int_equal(plot_record(f->r, find(f, "enc.1.attn.single"), &f->o, path, sizeof path, &err),
                     TF_ERR_INPUT);
    f->o.head = -1;
    setenv("TRACEFORMER_FONT", "bad\"font", 1);
    assert_int_equal(plot_options_check(&f->o, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.hint, "TRACEFORMER_FONT"));
    unsetenv("TRACEFORMER_FONT");
    assert_out_holds(f, before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_identity_attention, setup, teardown),
        cmocka_unit_test_setup_teardown(test_causal_mask, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tag_and_numbered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_masked_scores, setup, teardown),
        cmocka_unit_test_setup_teardown(test_positions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cjk_labels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_svg_keeps_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_awkward_labels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pdf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_heads_grid_and_generation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_generation_subtitles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_norms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_norms_deep_stack, setup, teardown),
        cmocka_unit_test_setup_teardown(test_norms_compare_labels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slide_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_heads_rows_apart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_big_grid_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_big_mask_solid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_norms_zero_note, setup, teardown),
        cmocka_unit_test_setup_teardown(test_masked_weights, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drawn_pages_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_norms_gradient_bars, setup, teardown),
        cmocka_unit_test_setup_teardown(test_record_title_source, setup, teardown),
        cmocka_unit_test_setup_teardown(test_figure_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vocab_top_columns, setup_vocab, teardown),
        cmocka_unit_test_setup_teardown(test_vocab_generation, setup_vocab, teardown),
        cmocka_unit_test_setup_teardown(test_grid_binary_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gnuplot_environment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gnuplot_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gnuplot_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_options, setup, teardown),
    };
    return cmocka_run_group_tests_name("plot", tests, NULL, NULL);
}
