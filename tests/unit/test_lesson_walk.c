/* test_lesson_walk.c — every shipped lesson walked in the viewer, start to
 * end with N and back with P, through the state API (no terminal), with
 * the command line's own lesson adapter (src/cli/lesson_view.c), in
 * English and in Chinese: every lesson `lesson --list` names.
 *
 * At every step: the step is the one expected, in order, each visited
 * once each way; the record on screen is the step's record, read from the
 * trace of the step's own run (a lesson's swapped sentence, positions off,
 * generation are runs of their own); the run is named in words, never a
 * temporary path; a comparison is shown exactly where the lesson asks
 * for one. tests/cli/test_lesson_walk.sh walks the same in a terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/lesson_view.h"
#include "lesson/lesson.h"
#include "view/keys.h"
#include "view/quiz.h"
#include "view/state.h"

#include "../support/scratch.h"

#define KEY_CTRL(c) ((c) & 0x1f)

static const char *data_dir(void)
{
    const char *d = getenv("TF_SOURCE_DIR");
    return d && d[0] ? d : ".";
}

/* A shipped lesson in the viewer, without a terminal, at 130x40. */
typedef struct {
    Lesson *l;
    LessonView *lv;
    ViewConfig cfg;
    ViewState s;
} Opened;

static void open_lesson(Opened *o, int number, ViewLang lang, const ViewExport *export)
{
    char which[8];
    snprintf(which, sizeof which, "%d", number);
    Error err;
    error_clear(&err);
    if (lesson_load(&o->l, data_dir(), which, &err) != TF_OK ||
        lesson_view_prepare(&o->lv, o->l, lang == VIEW_LANG_ZH ? "zh" : "en", NULL, &o->cfg, &err) != TF_OK) {
        fprintf(stderr, "lesson %d: %s\n", number, err.msg);
        fail();
    }
    if (export)
        o->cfg.export = *export;
    o->cfg.theme = (ViewTheme){true, true};
    o->cfg.lines = 40;
    o->cfg.cols = 130;
    assert_int_equal(view_init(&o->s, &o->cfg, &err), TF_OK);
}

static void close_lesson(Opened *o)
{
    view_free(&o->s);
    lesson_view_free(o->lv);
    lesson_free(o->l);
}

/* What the viewer must show at step k. */
static void check_step(const ViewState *s, const ViewConfig *cfg, int k, int lesson, ViewLang lang)
{
    ViewGuideStep g = {0};
    assert_true(cfg->narration.step(cfg->narration.ctx, k, lang, &g));
    const char *run = g.run && strcmp(g.run, "main") != 0 ? g.run : "";
    if (!s->guide_on || s->guide_step != k || strcmp(view_name(s, s->cur), g.record) != 0 ||
        strcmp(s->a_run, run) != 0) {
        fprintf(stderr, "lesson %d, step %d: expected %s on run '%s'; the viewer shows %s on run '%s' (step %d, %s)\n",
                lesson, k + 1, g.record, run, view_name(s, s->cur), s->a_run, s->guide_step + 1,
                s->guide_on ? "on it" : "off the path");
        fail();
    }
    /* the step's own run's trace, by file */
    const char *path = cfg->narration.run_trace(cfg->narration.ctx, g.run ? g.run : "main");
    assert_non_null(path);
    assert_string_equal(trace_reader_path(s->a), path);
    const CachedRecord *c = view_current(s);
    assert_true(c && c->ok);
    /* named in words, in the viewer's language */
    const char *label = view_trace_label(s, s->a);
    char want[64];
    snprintf(want, sizeof want, "%s%s \xe2\x80\x94", lang == VIEW_LANG_ZH ? "运行：" : "run: ", run[0] ? run : "main");
    if (strncmp(label, want, strlen(want)) != 0) {
        fprintf(stderr, "lesson %d, step %d: the run is labelled '%s', expected it to start with '%s'\n", lesson,
                k + 1, label, want);
        fail();
    }
    assert_null(strstr(label, "/"));
    assert_null(strstr(label, ".trace"));
    /* a comparison exactly where the lesson asks for one */
    if (g.compare) {
        assert_true(s->compare);
        assert_non_null(s->b);
        assert_string_equal(s->b_run, g.compare);
        assert_true(view_current_b(s) != NULL);
        assert_true(s->cmp.same_shape);
        assert_int_not_equal(s->aligned.kind, ALIGN_IMPOSSIBLE);
    } else {
        assert_false(s->compare);
    }
}

static void walk_lesson(int number, ViewLang lang)
{
    Opened o;
    open_lesson(&o, number, lang, NULL);
    ViewState *s = &o.s;
    const ViewConfig *cfg = &o.cfg;
    int n = cfg->narration.n_steps(cfg->narration.ctx);
    assert_true(n >= 2);
    assert_int_equal(s->n_guide, n);

    int seen_fwd[VIEW_MAX_GUIDE] = {0}, seen_back[VIEW_MAX_GUIDE] = {0};
    check_step(s, cfg, 0, number, lang);
    seen_fwd[0]++;
    for (int k = 1; k < n; k++) {
        view_key(s, 'N');
        check_step(s, cfg, k, number, lang);
        seen_fwd[s->guide_step]++;
    }
    view_key(s, 'N');  /* past the end: stays, and says so */
    assert_int_equal(s->guide_step, n - 1);
    assert_true(s->guide_on);
    assert_non_null(strstr(s->msg, lang == VIEW_LANG_ZH ? "最后一步" : "last step"));
    seen_back[n - 1]++;
    for (int k = n - 2; k >= 0; k--) {
        view_key(s, 'P');
        check_step(s, cfg, k, number, lang);
        seen_back[s->guide_step]++;
    }
    view_key(s, 'P');
    assert_int_equal(s->guide_step, 0);
    assert_non_null(strstr(s->msg, lang == VIEW_LANG_ZH ? "第一步" : "first step"));
    for (int k = 0; k < n; k++) {
        if (seen_fwd[k] != 1 || seen_back[k] != 1)
            fprintf(stderr, "lesson %d: step %d visited %d times forward, %d back\n", number, k + 1, seen_fwd[k],
                    seen_back[k]);
        assert_int_equal(seen_fwd[k], 1);
        assert_int_equal(seen_back[k], 1);
    }
    printf("    lesson %d (%s): %d of %d steps each way\n", number, lang == VIEW_LANG_ZH ? "zh" : "en", n, n);
    close_lesson(&o);
}

static void test_walk_every_lesson(void **state)
{
    (void)state;
    /* every lesson --list names (lesson 10 trains its models first) */
    LessonInfo *list;
    int n;
    Error err;
    error_clear(&err);
    assert_int_equal(lesson_list(data_dir(), &list, &n, &err), TF_OK);
    assert_true(n >= 10);
    for (int i = 0; i < n; i++)
        for (int lang = 0; lang < VIEW_N_LANGS; lang++)
            walk_lesson(list[i].number, (ViewLang)lang);
    lesson_list_free(list);
}

/* Lesson 3's swapped sentence: compared by token, not by position. Without
 * positions the encoder's output for 老鼠 追 猫 is that of 猫 追 老鼠 with
 * its rows permuted, so once B is put in A's token order A − B is ~0; by
 * position it is not. With sinusoidal positions the aligned difference
 * stays large: the claim the lesson makes, visible on screen. */
static void test_swapped_rows_aligned(void **state)
{
    (void)state;
    Opened o;
    open_lesson(&o, 3, VIEW_LANG_EN, NULL);
    ViewState *s = &o.s;
    bool nopos = false, sinus = false;
    for (int guard = 0; guard < 64 && !strstr(s->msg, "last step"); guard++) {
        ViewGuideStep g = {0};
        view_guide_current(s, &g);
        if (s->compare && strcmp(view_name(s, s->cur), "enc.1.resid_post") == 0) {
            assert_int_equal(s->aligned.kind, ALIGN_PERMUTED);
            assert_true(s->aligned.rows);
            /* position by position the rows differ a lot */
            const CachedRecord *ca = view_current(s), *raw = cache_find(&s->cache, s->b, (uint32_t)s->cur_b);
            assert_non_null(raw);
            CompareStats by_position;
            compare_stats(&ca->tr.rec, &raw->tr.rec, &by_position);
            assert_true(by_position.max_abs > 0.1f);
            if (strcmp(s->a_run, "swapped") == 0) {
                nopos = true;
                assert_true(s->cmp.max_abs <= 1e-5f);
            } else if (strcmp(s->a_run, "sinusoidal_swapped") == 0) {
                sinus = true;
                assert_true(s->cmp.max_abs > 0.01f);
            }
        }
        view_key(s, 'N');
    }
    assert_true(nopos);
    assert_true(sinus);
    close_lesson(&o);
}

/* The x key: the matrix on screen, from the run on screen, named after
 * the run and the switches; in compare view all three panels. A recording
 * hook stands in for gnuplot (tests/cli/test_lesson_walk.sh exports real
 * images). */
typedef struct {
    int n;
    char tag[3][200], title[3][400], source[3][400];
    char mask[3][160];  /* the name of the block's mask handed over, "" when none */
    float first[3];
} Exported;

static Status record_export(void *ctx, const Record *rec, int head, int batch, const ViewExportInfo *info,
                            char *written, size_t cap, Error *err)
{
    (void)head;
    (void)batch;
    (void)err;
    Exported *e = ctx;
    if (e->n < 3) {
        snprintf(e->tag[e->n], sizeof e->tag[0], "%s", info->tag ? info->tag : "");
        snprintf(e->title[e->n], sizeof e->title[0], "%s", info->title ? info->title : "");
        snprintf(e->source[e->n], sizeof e->source[0], "%s", info->source ? info->source : "");
        snprintf(e->mask[e->n], sizeof e->mask[0], "%s", info->mask ? info->mask->name : "");
        e->first[e->n] = rec->data[0];
    }
    e->n++;
    snprintf(written, cap, "image-%d.png", e->n);
    return TF_OK;
}

static void test_export_names_run_and_switch(void **state)
{
    (void)state;
    Exported ex = {0};
    Opened o;
    open_lesson(&o, 3, VIEW_LANG_EN, &(ViewExport){record_export, &ex, NULL});
    ViewState *s = &o.s;
    /* the padding mask toggled: every run re-run with it off */
    view_key(s, 'D');
    view_perform_pending(s);
    assert_int_equal(s->msg_kind, MSG_NOTICE);
    while (!(s->compare && strcmp(s->a_run, "swapped") == 0 && strcmp(view_name(s, s->cur), "enc.0.attn.weights") == 0) &&
           !strstr(s->msg, "last step"))
        view_key(s, 'N');
    assert_true(s->compare);
    if (view_quiz_hides(s))  /* the step asks first: skipped, its numbers shown */
        view_key(s, KEY_CTRL('x'));
    view_key(s, 'x');
    view_perform_pending(s);
    assert_int_equal(ex.n, 3);  /* A, B and A − B */
    assert_string_equal(ex.tag[0], "swapped.padding-off");
    assert_string_equal(ex.tag[1], "padding-off");
    assert_string_equal(ex.tag[2], "swapped.padding-off.minus.padding-off");
    assert_non_null(strstr(ex.title[0], "enc.0.attn.weights (padding mask off)"));
    assert_non_null(strstr(ex.source[0], "run: swapped"));
    assert_non_null(strstr(ex.source[1], "run: main"));
    assert_null(strstr(ex.source[0], "/"));
    /* A − B of the aligned pair: 0 (no positions: a permutation) */
    assert_true(ex.first[2] == 0.0f);
    assert_non_null(strstr(s->msg, "image-1.png, image-2.png, image-3.png"));
    close_lesson(&o);
}

/* The x key on an attention block's weights hands the block's mask over
 * with them, so the image marks the masked cells as the screen does; a
 * record of a block without a mask goes without one. */
static void test_export_with_mask(void **state)
{
    (void)state;
    Exported ex = {0};
    Opened o;
    open_lesson(&o, 4, VIEW_LANG_EN, &(ViewExport){record_export, &ex, NULL});
    ViewState *s = &o.s;
    assert_true(view_jump(s, "dec.0.self_attn.weights"));
    if (view_quiz_hides(s))
        view_key(s, KEY_CTRL('x'));
    view_key(s, 'x');
    view_perform_pending(s);
    assert_int_equal(ex.n, 1);
    assert_string_equal(ex.mask[0], "dec.0.self_attn.mask");
    assert_true(view_jump(s, "dec.0.ffn.hidden"));
    view_key(s, 'x');
    view_perform_pending(s);
    assert_int_equal(ex.n, 2);
    assert_string_equal(ex.mask[1], "");
    close_lesson(&o);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    Scratch *tmp = scratch_open("lesson_walk", NULL);
    if (!tmp || setenv("TMPDIR", tmp->dir, 1) || setenv("TRACEFORMER_DATA", data_dir(), 1))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_walk_every_lesson),
        cmocka_unit_test(test_swapped_rows_aligned),
        cmocka_unit_test(test_export_names_run_and_switch),
        cmocka_unit_test(test_export_with_mask),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    return scratch_close(tmp) ? 1 : rc;
}
