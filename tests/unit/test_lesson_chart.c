/* test_lesson_chart.c — a lesson's charts ([chart.NAME]): numbers the
 * claim language computes, drawn against x.
 *
 *   - lesson 9's chart: `lesson --plot` writes scaling.png and its table
 *     scaling.dat; the table holds what the claims measure, to 1e-6 (the
 *     scores' std at d_k = 256 not divided, 20.08, and the others); the image has its four panels,
 *     each with both series' colours; with "zh" its texts are Chinese;
 *   - a chart drawn by plot_chart reports one panel per panel;
 *   - a broken chart is refused with lesson.ini:LINE: at load (a bad x
 *     list, a series with the wrong number of values, an expression that
 *     does not parse), after running (a record that is not there), and
 *     when plotted (an expression that is not one number). */
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

#include "lesson/lesson.h"
#include "plot/plot.h"

#include "../support/png_read.h"
#include "../support/scratch.h"

static const char *data_dir(void)
{
    const char *d = getenv("TF_SOURCE_DIR");
    return d && *d ? d : ".";
}

static void viz_dir(char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/viz", data_dir());
}

/* ---- the table ---- */

/* Value at the i-th x (from 0) of block "panel P, series S" of a chart
 * table; NAN when missing. */
static double table_value(const char *text, int panel, int series, int i)
{
    char head[64];
    snprintf(head, sizeof head, "# block: panel %d, series %d\n", panel, series);
    const char *at = strstr(text, head);
    if (!at)
        return NAN;
    at += strlen(head);
    for (int k = 0; k < i && at; k++) {
        at = strchr(at, '\n');
        if (at)
            at++;
    }
    double x, v;
    return at && sscanf(at, "%lf %lf", &x, &v) == 2 ? v : NAN;
}

/* ---- images ---- */

/* Pixels of [x0, x1) × [y0, y1) within 40 of colour rgb in every channel. */
static long count_colour(const Image *im, uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1, const int rgb[3])
{
    long n = 0;
    for (uint32_t y = y0; y < y1; y++)
        for (uint32_t x = x0; x < x1; x++) {
            const unsigned char *p = im->px + ((size_t)y * im->w + x) * 3;
            n += abs(p[0] - rgb[0]) < 40 && abs(p[1] - rgb[1]) < 40 && abs(p[2] - rgb[2]) < 40;
        }
    return n;
}

/* chart.gp's first two series colours: #1f78b4 (solid), #d7301f (dashed). */
static const int series_rgb[2][3] = {{0x1f, 0x78, 0xb4}, {0xd7, 0x30, 0x1f}};

/* ---- lesson 9 ---- */

typedef struct {
    int n;
    char last[1024];
} Done;

static void note_done(void *ctx, const LessonFigure *f, const char *path)
{
    (void)f;
    Done *d = ctx;
    d->n++;
    snprintf(d->last, sizeof d->last, "%s", path);
}

static void test_lesson9_chart(void **state)
{
    const Scratch *s = *state;
    Lesson *l = NULL;
    Error err = {0};
    if (lesson_load(&l, data_dir(), "9", &err) != TF_OK)
        fail_msg("lesson 9: %s", err.msg);
    char traces[400], out[400], viz[4096], path[600];
    snprintf(traces, sizeof traces, "%s/traces", s->dir);
    snprintf(out, sizeof out, "%s/plot", s->dir);
    viz_dir(viz, sizeof viz);
    LessonTraces t;
    if (lesson_run(l, NULL, traces, &t, &err) != TF_OK || lesson_validate(l, &t, &err) != TF_OK)
        fail_msg("lesson 9: %s", err.msg);
    Done d = {0};
    if (lesson_plot(l, &t, viz, out, "png", "en", note_done, &d, &err) != TF_OK)
        fail_msg("lesson 9 --plot: %s", err.msg);
    snprintf(path, sizeof path, "%s/scaling.png", out);
    assert_string_equal(d.last, path);  /* the chart comes after the figures */

    /* the table: what the claims measure */
    snprintf(path, sizeof path, "%s/scaling.dat", out);
    char *text = (char *)scratch_read(path, NULL);
    assert_non_null(strstr(text, "# x: d_k\n# log_x: 1\n# log_y: 0\n# panels: 4\n"));
    assert_non_null(strstr(text, "# panel 1: standard deviation of the scores\n"));
    assert_non_null(strstr(text, "# series 4 2: not divided\n"));
    const double std_off_256 = table_value(text, 1, 2, 3);
    if (!(fabs(std_off_256 - 20.08) <= 5e-3))
        fail_msg("std(enc.0.attn.scores@d256_off) in the table: %.9g, expected 20.08", std_off_256);
    /* the same numbers as the claims' evaluator gives, to the table's 9 digits */
    ClaimResult *res;
    int failed;
    assert_int_equal(lesson_check(l, &t, &res, &failed, &err), TF_OK);
    assert_int_equal(failed, 0);
    for (int c = 0; c < lesson_claim_count(l); c++) {
        double a, b, z, want[2];
        if (strcmp(res[c].id, "spread") == 0) {  /* "A < 2 and B < 2 and C > 8" */
            assert_int_equal(sscanf(res[c].measured, "%lf < 2 and %lf < 2 and %lf > 8", &a, &b, &z), 3);
            if (!(fabs(z - std_off_256) <= 1e-6))
                fail_msg("claim spread measured %s; the table has %.9g", res[c].measured, std_off_256);
            want[0] = table_value(text, 1, 1, 3);
            want[1] = table_value(text, 1, 2, 0);
        } else if (strcmp(res[c].id, "saturates") == 0) {  /* "A > 0.8 and B < 0.65" */
            assert_int_equal(sscanf(res[c].measured, "%lf > 0.8 and %lf", &a, &b), 2);
            want[0] = table_value(text, 3, 2, 3);
            want[1] = table_value(text, 3, 1, 3);
        } else if (strcmp(res[c].id, "no_gradient") == 0) {  /* "A < 0.5 * B", B measured as 0.5 * B */
            assert_int_equal(sscanf(res[c].measured, "%lf < %lf", &a, &b), 2);
            b /= 0.5;
            want[0] = table_value(text, 4, 2, 3);
            want[1] = table_value(text, 4, 1, 3);
        } else {
            continue;
        }
        if (!(fabs(a - want[0]) <= 1e-6 && fabs(b - want[1]) <= 1e-6))
            fail_msg("claim %s measured %s; the table has %.9g and %.9g", res[c].id, res[c].measured, want[0],
                     want[1]);
    }
    free(res);
    /* divided, the spread stays near 1 at every d_k; not divided, it grows */
    for (int i = 0; i < 4; i++) {
        assert_true(table_value(text, 1, 1, i) < 1.3);
        if (i)
            assert_true(table_value(text, 1, 2, i) > 1.5 * table_value(text, 1, 2, i - 1));
    }
    free(text);

    /* the image: four panels in a 2 × 2 grid, each with both series */
    snprintf(path, sizeof path, "%s/scaling.png", out);
    Image im = png_read(path);
    assert_int_equal(im.w, 1600);
    assert_int_equal(im.h, 900);
    const uint32_t top = 90;  /* below the heading */
    for (int q = 0; q < 4; q++) {
        uint32_t x0 = (q % 2) * im.w / 2, y0 = top + (q / 2) * (im.h - top) / 2;
        uint32_t x1 = x0 + im.w / 2, y1 = y0 + (im.h - top) / 2;
        for (int k = 0; k < 2; k++) {
            long n = count_colour(&im, x0, y0, x1, y1, series_rgb[k]);
            if (n < 300)
                fail_msg("panel %d: %ld pixels of series %d's colour", q + 1, n, k + 1);
        }
    }
    free(im.px);

    /* in Chinese: the .zh texts */
    snprintf(out, sizeof out, "%s/plot-zh", s->dir);
    if (lesson_plot(l, &t, viz, out, "svg", "zh", NULL, NULL, &err) != TF_OK)
        fail_msg("lesson 9 --plot --lang zh: %s", err.msg);
    snprintf(path, sizeof path, "%s/scaling.dat", out);
    text = (char *)scratch_read(path, NULL);
    assert_non_null(strstr(text, "# panel 1: 分数的标准差\n"));
    assert_non_null(strstr(text, "# series 1 1: 除以 √d_k\n"));
    free(text);
    snprintf(path, sizeof path, "%s/scaling.svg", out);
    text = (char *)scratch_read(path, NULL);
    assert_non_null(strstr(text, "除法的作用"));
    free(text);
    lesson_free(l);
}

/* ---- plot_chart on its own ---- */

static void test_plot_chart_panels(void **state)
{
    const Scratch *s = *state;
    char viz[4096], geometry[400], written[1024];
    viz_dir(viz, sizeof viz);
    snprintf(geometry, sizeof geometry, "%s/geometry.txt", s->dir);
    PlotChart c;
    memset(&c, 0, sizeof c);
    c.name = "three";
    c.x_label = "n";
    c.n_x = 3;
    c.x[0] = 1;
    c.x[1] = 2;
    c.x[2] = 5;
    c.n_panels = 3;
    const char *titles[] = {"one \"quoted\"", "two", "three"};
    for (int p = 0; p < 3; p++) {
        c.panels[p].title = titles[p];
        c.panels[p].n_series = p + 1;
        for (int k = 0; k <= p; k++) {
            c.panels[p].series[k].label = k ? "other" : "first";
            for (int i = 0; i < 3; i++)
                c.panels[p].series[k].y[i] = (k + 1) * (i + 1) + p;
        }
    }
    PlotOptions o;
    plot_options_init(&o, viz, s->dir);
    o.geometry = geometry;
    o.keep_data = true;
    Error err = {0};
    if (plot_chart(&c, &o, written, sizeof written, &err) != TF_OK)
        fail_msg("plot_chart: %s", err.msg);
    char *geo = (char *)scratch_read(geometry, NULL);
    int lines = 0;
    for (char *p = geo; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 3);
    int page, x0, y0, x1, y1, x0b, y0b, x1b, y1b;
    assert_int_equal(sscanf(geo, "panel %d %d %d %d %d\npanel %d %d %d %d %d", &page, &x0, &y0, &x1, &y1, &page, &x0b,
                            &y0b, &x1b, &y1b),
                     10);
    assert_true(x1 < x0b);  /* side by side */
    assert_int_equal(y0, y0b);
    free(geo);
    char path[600];
    snprintf(path, sizeof path, "%s/three.dat", s->dir);
    char *text = (char *)scratch_read(path, NULL);
    assert_non_null(strstr(text, "# log_x: 0\n"));  /* 5 is not a power of 2 */
    assert_non_null(strstr(text, "# panel 1: one ”quoted”\n"));
    free(text);

    /* refused before drawing */
    c.x[2] = 2;
    assert_int_equal(plot_chart(&c, &o, written, sizeof written, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "increase"));
    c.x[2] = 5;
    c.log_y = true;  /* a log y axis with a value of 0 or below */
    const double was = c.panels[0].series[0].y[0];
    c.panels[0].series[0].y[0] = 0;
    assert_int_equal(plot_chart(&c, &o, written, sizeof written, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "a log y axis, but panel 1, series 1 has 0"));
    c.panels[0].series[0].y[0] = was;
    c.log_y = false;
    c.name = "../up";
    assert_int_equal(plot_chart(&c, &o, written, sizeof written, &err), TF_ERR_INPUT);
}

/* ---- refusals ---- */

static const char chart_ini[] =
    "[lesson]\n"                                                                  /* 1 */
    "title = A tiny chart\n"                                                      /* 2 */
    "[model]\n"                                                                   /* 3 */
    "d_model = 8\n"                                                               /* 4 */
    "heads = 2\n"                                                                 /* 5 */
    "d_ff = 16\n"                                                                 /* 6 */
    "layers = 1\n"                                                                /* 7 */
    "[input]\n"                                                                   /* 8 */
    "src = a b c\n"                                                               /* 9 */
    "[run.off]\n"                                                                 /* 10 */
    "scale = off\n"                                                               /* 11 */
    "[steps]\n"                                                                   /* 12 */
    "step = enc.0.attn.weights | the weights\n"                                   /* 13 */
    "[claim.rows]\n"                                                              /* 14 */
    "says = Rows sum to 1.\n"                                                     /* 15 */
    "check = max(abs(rowsum(enc.0.attn.weights) - 1)) <= 1e-6\n"                  /* 16 */
    "breaks = scale\n"                                                            /* 17 */
    "[chart.spread]\n"                                                            /* 18 */
    "title = The spread\n"                                                        /* 19 */
    "x = run | 1; 2\n"                                                            /* 20 */
    "panel = std\n"                                                               /* 21 */
    "series = scores | std(enc.0.attn.scores); std(enc.0.attn.scores@off)\n"      /* 22 */
    "panel = largest weight\n"                                                    /* 23 */
    "series = mean | mean(rowmax(enc.0.attn.weights)); mean(rowmax(enc.0.attn.weights@off))\n"; /* 24 */
static const char chart_md[] = "# Tiny\n\nIntro.\n\n## enc.0.attn.weights\nLook at the rows.\n";

typedef struct {
    const char *find, *replace;
    int when;                    /* 0: lesson_load refuses it; 1: lesson_validate; 2: lesson_plot */
    const char *message;
} BadChart;

static const BadChart bad_charts[] = {
    /* x */
    {"x = run | 1; 2", "x = run | 1; two", 0, "lesson.ini:20: x = 'run | 1; two': 'two' is not a finite number"},
    {"x = run | 1; 2", "x = run | 2; 1", 0, "lesson.ini:20: x = 'run | 2; 1': the values must increase"},
    {"x = run | 1; 2", "x = run | 1;; 2", 0, "lesson.ini:20: x = 'run | 1;; 2': value 2 is empty"},
    {"x = run | 1; 2", "x = 1; 2", 0, "lesson.ini:20: x = '1; 2': expected x = NAME | 4; 16; 64"},
    {"x = run | 1; 2", "x = run | 1", 0, "lesson.ini:20: x = 'run | 1': give 2 to 8 values"},
    {"x = run | 1; 2\n", "x = run | 1; 2\nlog_x = maybe\n", 0, "lesson.ini:21: log_x = 'maybe': yes or no"},
    {"x = run | 1; 2\n", "x = run | 1; 2\nlog_y = maybe\n", 0, "lesson.ini:21: log_y = 'maybe': yes or no"},
    {"x = run | 1; 2\n", "x = run | 1; 2\nlog_y = yes\nlog_y = no\n", 0, "lesson.ini:22: [chart.spread] has two log_y lines"},
    {"x = run | 1; 2\n", "x = run | 0; 2\nlog_x = yes\n", 0, "lesson.ini:20: log_x = yes, but x = 0 is not above 0"},
    {"x = run | 1; 2\n", "", 0, "lesson.ini:21: series comes before x"},
    /* series */
    {"std(enc.0.attn.scores); std(enc.0.attn.scores@off)", "std(enc.0.attn.scores)", 0,
     "lesson.ini:22: series 'scores' has 1 value, x has 2"},
    {"std(enc.0.attn.scores); std(enc.0.attn.scores@off)", "std(enc.0.attn.scores); 1; 2", 0,
     "lesson.ini:22: series 'scores' has 3 values, x has 2"},
    {"std(enc.0.attn.scores); std(enc.0.attn.scores@off)", "std(enc.0.attn.scores; std(enc.0.attn.scores@off)", 0,
     "lesson.ini:22: series 'scores', value 1 'std(enc.0.attn.scores': column"},
    {"std(enc.0.attn.scores); std(enc.0.attn.scores@off)", "std(enc.0.attn.scores) < 1; 2", 0,
     "lesson.ini:22: series 'scores', value 1 'std(enc.0.attn.scores) < 1': column 24 (at '< 1'): expected the end of "
     "the expression"},
    {"std(enc.0.attn.scores@off)\n", "std(enc.0.attn.scores@nope)\n", 0,
     "lesson.ini:22: 'enc.0.attn.scores@nope' names run 'nope'"},
    {"series = scores | ", "series = ", 0, "lesson.ini:22: series = 'std(enc.0.attn.scores); std(enc.0.attn.scor"},
    {"panel = std\n", "", 0, "lesson.ini:21: series comes before any panel"},
    {"panel = largest weight\nseries = mean",
     "panel = largest weight\npanel = empty\nseries = mean", 0, "lesson.ini:23: panel 'largest weight' has no series"},
    /* the section */
    {"title = The spread\n", "", 0, "lesson.ini:18: [chart.spread] has no title"},
    {"[chart.spread]", "[chart.norms]", 0, "lesson.ini:18: [chart.norms]: the name 'norms' is the norms figure's"},
    {"[chart.spread]", "[chart.a b]", 0, "lesson.ini:18: [chart.a b]: a chart name is"},
    {"title = The spread\n", "title = The spread\ncolour = red\n", 0, "lesson.ini:20: unknown key 'colour' in a chart"},
    {"panel = std\n", "panel = std\npanel.zh = 标准差\npanel.zh = 又一个\n", 0, "lesson.ini:23: panel.zh given twice"},
    /* only the traces can tell */
    {"std(enc.0.attn.scores@off)\n", "std(enc.0.attn.scroes@off)\n", 1,
     "lesson.ini:22: claim record 'enc.0.attn.scroes' matches no record of run off"},
    {"mean(rowmax(enc.0.attn.weights@off))", "rowmax(enc.0.attn.weights@off)", 2,
     "lesson.ini:24: chart spread, series 'mean' at run = 2: the value is [head 2, query 3], 6 values; reduce it"},
};

static void test_bad_charts_refused(void **state)
{
    const Scratch *s = *state;
    char dir[600], path[700], viz[4096];
    viz_dir(viz, sizeof viz);
    snprintf(dir, sizeof dir, "%s/98-chart", s->dir);
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/lesson.md", dir);
    scratch_write(path, chart_md, strlen(chart_md));
    /* the good one loads, runs and plots */
    for (int i = -1; i < (int)(sizeof bad_charts / sizeof bad_charts[0]); i++) {
        const BadChart *b = i >= 0 ? &bad_charts[i] : NULL;
        char ini[4096];
        const char *at = b ? strstr(chart_ini, b->find) : NULL;
        if (b && !at)
            fail_msg("case %d: '%s' is not in the lesson", i, b->find);
        if (b)
            snprintf(ini, sizeof ini, "%.*s%s%s", (int)(at - chart_ini), chart_ini, b->replace,
                     at + strlen(b->find));
        else
            snprintf(ini, sizeof ini, "%s", chart_ini);
        snprintf(path, sizeof path, "%s/lesson.ini", dir);
        scratch_write(path, ini, strlen(ini));
        Lesson *l = NULL;
        Error err = {0};
        Status st = lesson_load(&l, data_dir(), dir, &err);
        int when = 0;
        if (st == TF_OK) {
            char out[800];
            snprintf(out, sizeof out, "%s/run%d", s->dir, i + 1);
            LessonTraces t;
            when = 1;
            st = lesson_run(l, NULL, out, &t, &err);
            if (st == TF_OK)
                st = lesson_validate(l, &t, &err);
            if (st == TF_OK) {
                when = 2;
                snprintf(out, sizeof out, "%s/plot%d", s->dir, i + 1);
                st = lesson_plot(l, &t, viz, out, "png", "en", NULL, NULL, &err);
            }
            lesson_free(l);
        }
        if (!b) {
            if (st != TF_OK)
                fail_msg("the good chart lesson: %s", err.msg);
            snprintf(path, sizeof path, "%s/plot0/spread.png", s->dir);
            struct stat sb;
            assert_int_equal(stat(path, &sb), 0);
            continue;
        }
        if (st != TF_ERR_INPUT || when != b->when || !strstr(err.msg, b->message))
            fail_msg("case %d: status %d at stage %d, message '%s'; expected stage %d and '%s'", i, st, when, err.msg,
                     b->when, b->message);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate_setup_teardown(test_lesson9_chart, scratch_setup, scratch_teardown, NULL),
        cmocka_unit_test_prestate_setup_teardown(test_plot_chart_panels, scratch_setup, scratch_teardown, NULL),
        cmocka_unit_test_prestate_setup_teardown(test_bad_charts_refused, scratch_setup, scratch_teardown, NULL),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
