/* test_view_lesson.c — the viewer as a guide, without a terminal: the line
 * editor (whole CJK characters in and out), narration wrapped into lines,
 * the narration pane's place on screens large and small, the walk's own
 * steps (N, P; off the path; a step this run lacks), the language (L),
 * and re-running through a fake hook: the editor's Enter and Esc, an edit
 * refused with its message, a new trace opened in place keeping the record,
 * the claims shown, and compare against the first run.
 *
 * The viewer never sees a lesson: these hooks are plain functions over a
 * small struct, as src/cli/lesson_view.c adapts the real lesson API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/activations.h"
#include "model/batch.h"
#include "model/forward.h"
#include "model/model.h"
#include "run/run_labels.h"
#include "trace/trace.h"
#include "view/keys.h"
#include "view/layout.h"
#include "view/lineedit.h"
#include "view/state.h"
#include "view/text.h"

#include "../support/scratch.h"

#define MAO "\xe7\x8c\xab"                 /* 猫, three bytes, two columns */
#define LAOSHU "\xe8\x80\x81\xe9\xbc\xa0"  /* 老鼠 */
#define ZHUI "\xe8\xbf\xbd"                /* 追 */

/* ---- the line editor ---- */

static void test_lineedit_cjk(void **state)
{
    (void)state;
    LineEdit e;
    lineedit_set(&e, MAO " " ZHUI " " LAOSHU);
    assert_int_equal(e.cur, e.len);
    assert_true(lineedit_backspace(&e));  /* 鼠 goes whole: three bytes */
    assert_string_equal(e.text, MAO " " ZHUI " \xe8\x80\x81");
    assert_true(lineedit_backspace(&e));
    assert_true(lineedit_backspace(&e));  /* and the space */
    assert_string_equal(e.text, MAO " " ZHUI);
    lineedit_home(&e);
    lineedit_right(&e);                   /* past 猫: one character, three bytes */
    assert_int_equal(e.cur, 3);
    assert_true(lineedit_insert(&e, 0x8001));  /* 老 */
    assert_string_equal(e.text, MAO "\xe8\x80\x81 " ZHUI);
    lineedit_left(&e);
    lineedit_left(&e);
    assert_int_equal(e.cur, 0);
    lineedit_left(&e);                    /* the edge stays */
    assert_int_equal(e.cur, 0);
    assert_false(lineedit_backspace(&e));
    assert_true(lineedit_delete(&e));     /* 猫 at the cursor */
    assert_string_equal(e.text, "\xe8\x80\x81 " ZHUI);
    lineedit_end(&e);
    assert_false(lineedit_delete(&e));
    assert_true(lineedit_insert(&e, 'x'));
    assert_false(lineedit_insert(&e, '\n'));   /* no control characters */
    assert_false(lineedit_insert(&e, 0xD800));  /* no surrogates */
    assert_string_equal(e.text, "\xe8\x80\x81 " ZHUI "x");
    lineedit_clear(&e);
    assert_int_equal(e.len, 0);
    assert_false(lineedit_backspace(&e));

    /* full: a character that does not fit whole is refused whole */
    char big[LINEEDIT_CAP + 8];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    lineedit_set(&e, big);
    assert_int_equal(e.len, LINEEDIT_CAP - 1);
    assert_false(lineedit_insert(&e, 0x732B));
    assert_int_equal(e.len, LINEEDIT_CAP - 1);
    /* a cut never keeps half a character */
    memset(big, 0, sizeof big);
    memset(big, 'a', LINEEDIT_CAP - 2);
    strcat(big, MAO);
    lineedit_set(&e, big);
    assert_int_equal(e.len, LINEEDIT_CAP - 2);
}

static void test_lineedit_window(void **state)
{
    (void)state;
    setlocale(LC_ALL, "C.UTF-8");
    LineEdit e;
    int cx;
    lineedit_set(&e, MAO ZHUI);  /* four columns */
    assert_int_equal(lineedit_window(&e, 10, false, &cx), 0);
    assert_int_equal(cx, 4);
    /* ten CJK characters (twenty columns) in a line of nine: the cursor at
     * the end stays in view, the window starts at a character boundary */
    lineedit_clear(&e);
    for (int i = 0; i < 10; i++)
        lineedit_insert(&e, 0x732B);
    size_t start = lineedit_window(&e, 9, false, &cx);
    assert_int_equal(start % 3, 0);
    assert_true(cx <= 8);
    assert_int_equal(cx, text_width(e.text + start, false));
    lineedit_home(&e);
    assert_int_equal(lineedit_window(&e, 9, false, &cx), 0);
    assert_int_equal(cx, 0);
    setlocale(LC_ALL, "C");
}

static void test_text_lines(void **state)
{
    (void)state;
    setlocale(LC_ALL, "C.UTF-8");
    TextLine t[16];
    /* paragraphs: a newline breaks, an empty line stays, trailing ones go */
    const char *s = "one two three\n\nfour\n\n";
    int n = text_lines(s, 8, false, t, 16);
    assert_int_equal(n, 4);
    assert_int_equal(t[0].len, 7);  /* "one two" */
    assert_memory_equal(s + t[1].off, "three", 5);
    assert_int_equal(t[2].len, 0);
    assert_memory_equal(s + t[3].off, "four", 4);
    /* Chinese has no spaces: lines break between characters, never inside */
    const char *zh = MAO ZHUI LAOSHU MAO ZHUI;  /* ten columns */
    n = text_lines(zh, 4, false, t, 16);
    assert_int_equal(n, 3);
    for (int i = 0; i < n; i++) {
        assert_int_equal(t[i].len % 3, 0);
        char buf[32];
        snprintf(buf, sizeof buf, "%.*s", (int)t[i].len, zh + t[i].off);
        assert_true(text_width(buf, false) <= 4);
    }
    assert_int_equal(text_lines("", 10, false, t, 16), 0);
    assert_int_equal(text_lines("a b c d e f g h", 2, false, NULL, 0), 8);  /* counted without out */
    setlocale(LC_ALL, "C");
}

/* ---- a trace from the real engine ---- */

static Status make_trace(const char *path, const char *src, PositionKind positions, Error *err)
{
    Config *c = calloc(1, sizeof *c);
    Model *m = calloc(1, sizeof *m);
    Batch b;
    Activations acts;
    Status st = TF_ERR_RUNTIME;
    if (!c || !m)
        goto out;
    config_defaults(c);
    c->d_model = 16;
    c->heads = 4;
    c->d_ff = 32;
    c->enc_layers = 2;
    c->dec_layers = 2;
    c->positions = positions;
    snprintf(c->vocab, sizeof c->vocab, "%s", MAO " " ZHUI " " LAOSHU " cat chases mouse");
    snprintf(c->src[c->n_src++], sizeof c->src[0], "%s", src);
    snprintf(c->tgt[c->n_tgt++], sizeof c->tgt[0], "%s", "<START> cat chases mouse");
    if ((st = config_validate(c, err)) || (st = model_init_random(m, c, err)))
        goto out;
    if ((st = batch_build(&b, &m->cfg, &m->vocab, NULL, NULL, err)))
        goto out_model;
    if ((st = activations_init(&acts, m, &b, err)))
        goto out_batch;
    model_forward(m, &b, &acts);
    RunLabels rl;  /* dec.predicted labelled with its tokens, as run_trace writes it */
    TraceWriter *w;
    if ((st = run_labels_attach(&rl, &acts, err)) == TF_OK && (st = trace_writer_open(&w, path, "", err)) == TF_OK) {
        for (int i = 0; i < acts.n_slots && st == TF_OK; i++) {
            Record rec;
            activations_record(&acts, i, &rec);
            st = trace_writer_add(w, &rec, err);
        }
        if (st)
            trace_writer_abort(w);
        else
            st = trace_writer_finish(w, err);
    }
    run_labels_free(&rl);
    activations_free(&acts);
out_batch:
    batch_free(&b);
out_model:
    model_free(m);
out:
    free(m);
    free(c);
    return st;
}

/* ---- fake hooks: a walk of five steps, narration in two languages ---- */

static const char *const steps[] = {"enc.pos", "enc.0.attn.q", "enc.0.attn.weights", "no.such.record",
                                    "dec.0.self_attn.weights"};
#define N_STEPS 5

typedef struct {
    Scratch *dir;
    char src[256];
    PositionKind positions;
    bool causal;
    bool residual_off;
    bool positions_fixed;  /* as with trained weights: the hook refuses T up front */
    int runs, calls;
    char long_text[4000];
} Fake;

static const char *fake_lookup(void *ctx, const char *name, ViewLang lang)
{
    Fake *f = ctx;
    if (strcmp(name, "enc.0.attn.q") == 0)
        return lang == VIEW_LANG_ZH ? "\xe6\x9f\xa5\xe8\xaf\xa2 Q" : "The queries Q.";  /* 查询 Q */
    if (strcmp(name, "enc.0.attn.weights") == 0)
        return lang == VIEW_LANG_EN ? f->long_text : NULL;  /* no Chinese yet */
    if (strcmp(name, "enc.pos") == 0)
        return "Positions.";
    return NULL;
}

static int fake_n_steps(void *ctx)
{
    (void)ctx;
    return N_STEPS;
}

static bool fake_step(void *ctx, int k, ViewLang lang, ViewGuideStep *out)
{
    (void)ctx;
    if (k < 0 || k >= N_STEPS)
        return false;
    out->record = steps[k];
    out->note = lang == VIEW_LANG_ZH && k == 1 ? "\xe7\x9c\x8b Q" : "look here";
    return true;
}

static const char *fake_title(void *ctx, ViewLang lang)
{
    (void)ctx;
    return lang == VIEW_LANG_ZH ? "\xe7\xac\xac\xe4\xb8\x80\xe8\xaf\xbe" : "lesson 1";
}

static const char *fake_intro(void *ctx, ViewLang lang)
{
    (void)ctx;
    return lang == VIEW_LANG_EN ? "What this lesson is about." : NULL;
}

static void fake_claims(Fake *f, ViewRunResult *out)
{
    out->n_claims = 2;
    snprintf(out->claims[0].text[VIEW_LANG_EN], sizeof out->claims[0].text[0], "rows sum to 1");
    out->claims[0].pass = true;
    snprintf(out->claims[0].measured, sizeof out->claims[0].measured, "1 == 1");
    snprintf(out->claims[1].text[VIEW_LANG_EN], sizeof out->claims[1].text[0], "no key is hidden");
    snprintf(out->claims[1].text[VIEW_LANG_ZH], sizeof out->claims[1].text[0], "\xe6\xb2\xa1\xe6\x9c\x89");
    out->claims[1].pass = !f->causal;
    snprintf(out->claims[1].measured, sizeof out->claims[1].measured, "%d hidden", f->causal ? 3 : 0);
    snprintf(out->settings, sizeof out->settings, "causal mask %s, positions %s, residual %s",
             f->causal ? "on" : "off", f->positions == POS_NONE ? "none" : "sinusoidal",
             f->residual_off ? "off" : "on");
}

static Status fake_run(void *ctx, const ViewEdit *e, ViewRunResult *out, Error *err)
{
    Fake *f = ctx;
    f->calls++;
    char src[256];
    snprintf(src, sizeof src, "%s", f->src);
    PositionKind pos = f->positions;
    bool causal = f->causal, residual_off = f->residual_off;
    switch (e->kind) {
    case VIEW_EDIT_CHECK: fake_claims(f, out); return TF_OK;
    case VIEW_EDIT_SOURCE:
        if (strstr(e->text, "dog"))
            return error_set(err, TF_ERR_INPUT, "unknown token 'dog' in the source sentence");
        snprintf(src, sizeof src, "%s", e->text);
        break;
    case VIEW_EDIT_POSITIONS: pos = pos == POS_NONE ? POS_SINUSOIDAL : POS_NONE; break;
    case VIEW_EDIT_CAUSAL: causal = !causal; break;
    case VIEW_EDIT_RESIDUAL: residual_off = !residual_off; break;
    default: return error_set(err, TF_ERR_INPUT, "not in this fake");
    }
    snprintf(out->trace, sizeof out->trace, "%s/run-%d.trace", f->dir->dir, ++f->runs);
    Status st = make_trace(out->trace, src, pos, err);
    if (st)
        return st;
    snprintf(f->src, sizeof f->src, "%s", src);
    f->positions = pos;
    f->causal = causal;
    f->residual_off = residual_off;
    fake_claims(f, out);
    return TF_OK;
}

static const char *fake_refuses(void *ctx, ViewEditKind which, ViewLang lang)
{
    (void)lang;
    Fake *f = ctx;
    return f->positions_fixed && which == VIEW_EDIT_POSITIONS
               ? "this lesson's trained model was made with sinusoidal positions; positions cannot change here"
               : NULL;
}

static const char *fake_text(void *ctx, ViewEditKind which)
{
    Fake *f = ctx;
    return which == VIEW_EDIT_SOURCE ? f->src : "<START> cat chases mouse";
}

typedef struct {
    Fake fake;
    char path[400];
    TraceReader *a;
    ViewState v;
} Fixture;

static int open_view(Fixture *f, int lines, int cols, bool rerun)
{
    ViewConfig cfg = {.a = f->a,
                      .start = "enc.0.attn.q",
                      .narration = {.lookup = fake_lookup,
                                    .n_steps = fake_n_steps,
                                    .step = fake_step,
                                    .title = fake_title,
                                    .intro = fake_intro,
                                    .ctx = &f->fake},
                      .theme = {true, true},
                      .lines = lines,
                      .cols = cols};
    if (rerun)
        cfg.rerun = (ViewRerun){fake_run, fake_text, &f->fake, fake_refuses};
    Error err;
    if (view_init(&f->v, &cfg, &err)) {
        fprintf(stderr, "view_init: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int setup(void **state)
{
    setlocale(LC_ALL, "C.UTF-8");
    Fixture *f = calloc(1, sizeof *f);
    if (!f || !(f->fake.dir = scratch_open("view_lesson", NULL)))
        return -1;
    snprintf(f->fake.src, sizeof f->fake.src, "%s", MAO " " ZHUI " " LAOSHU);
    f->fake.positions = POS_SINUSOIDAL;
    /* a narration far longer than any pane: forty numbered sentences */
    size_t o = 0;
    for (int i = 0; i < 40; i++)
        o += (size_t)snprintf(f->fake.long_text + o, sizeof f->fake.long_text - o,
                              "Sentence %d of the weights narration.%s", i, i % 10 == 9 ? "\n\n" : " ");
    snprintf(f->path, sizeof f->path, "%s/lesson.trace", f->fake.dir->dir);
    Error err;
    if (make_trace(f->path, f->fake.src, POS_SINUSOIDAL, &err) || trace_reader_open(&f->a, f->path, &err))
        return -1;
    if (open_view(f, 40, 130, true))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    view_free(&f->v);
    trace_reader_close(f->a);
    int rc = scratch_close(f->fake.dir);
    free(f);
    setlocale(LC_ALL, "C");
    return rc;
}

static const char *cur_name(const ViewState *s)
{
    return view_name(s, s->cur);
}

/* ---- the walk's steps ---- */

static void test_guide_steps(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    /* opened at enc.0.attn.q, which is step 2 */
    assert_int_equal(s->n_guide, N_STEPS);
    assert_non_null(strstr(s->msg, "N and P walk the lesson's 5 steps, I shows"));  /* said at the start */
    assert_true(s->guide_on);
    assert_int_equal(s->guide_step, 1);
    view_key(s, 'N');
    assert_string_equal(cur_name(s), "enc.0.attn.weights");
    assert_int_equal(s->guide_step, 2);
    /* step 4 names a record this run lacks: passed over, and said so */
    view_key(s, 'N');
    assert_string_equal(cur_name(s), "dec.0.self_attn.weights");
    assert_int_equal(s->guide_step, 4);
    assert_non_null(strstr(s->msg, "step 4 (no.such.record) is not in this run"));
    view_key(s, 'N');  /* the end says so and stays */
    assert_string_equal(cur_name(s), "dec.0.self_attn.weights");
    assert_non_null(strstr(s->msg, "last step"));
    view_key(s, 'P');
    assert_string_equal(cur_name(s), "enc.0.attn.weights");
    /* n and p leave the path; P comes back to the step we left, N goes on */
    view_key(s, 'n');
    assert_false(s->guide_on);
    assert_int_equal(s->guide_step, 2);
    view_key(s, 'P');
    assert_string_equal(cur_name(s), "enc.0.attn.weights");
    assert_true(s->guide_on);
    view_key(s, 'n');
    view_key(s, 'N');
    assert_string_equal(cur_name(s), "dec.0.self_attn.weights");
    /* stepping onto a step's record by any key puts us on the path there */
    view_jump(s, "enc.pos");
    assert_true(s->guide_on);
    assert_int_equal(s->guide_step, 0);
    view_key(s, 'P');
    assert_int_equal(s->guide_step, 0);
    assert_non_null(strstr(s->msg, "first step"));
    ViewGuideStep g;
    assert_true(view_guide_current(s, &g));
    assert_string_equal(g.note, "look here");
}

static void test_guide_without_steps(void **state)
{
    Fixture *f = *state;
    ViewState v;
    Error err;
    ViewConfig cfg = {.a = f->a, .theme = {true, true}, .lines = 30, .cols = 100};
    assert_int_equal(view_init(&v, &cfg, &err), TF_OK);
    view_key(&v, 'N');
    assert_non_null(strstr(v.msg, "no lesson here"));
    view_key(&v, 'L');
    assert_non_null(strstr(v.msg, "no narration here"));
    view_key(&v, 'e');
    assert_false(v.editing);
    assert_non_null(strstr(v.msg, "re-running needs a lesson"));
    view_key(&v, 'M');
    assert_int_equal(v.pending, PENDING_NONE);
    ScreenLayout l;
    layout_screen(&v, &l);
    assert_int_equal(l.narr.w, 0);  /* the plain viewer's screen */
    view_free(&v);
}

/* ---- narration and language ---- */

static void test_narration_and_language(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    bool fb;
    assert_string_equal(view_narration_text(s, &fb), "The queries Q.");
    assert_false(fb);
    view_key(s, 'L');
    assert_int_equal(s->lang, VIEW_LANG_ZH);
    assert_string_equal(view_narration_text(s, &fb), "\xe6\x9f\xa5\xe8\xaf\xa2 Q");
    ViewGuideStep g;
    assert_true(view_guide_current(s, &g));
    assert_string_equal(g.note, "\xe7\x9c\x8b Q");
    /* no Chinese for this step: English, and the viewer knows it */
    view_key(s, 'N');
    assert_string_equal(view_narration_text(s, &fb), f->fake.long_text);
    assert_true(fb);
    view_key(s, 'L');
    assert_int_equal(s->lang, VIEW_LANG_EN);
    /* a record no step covers has no narration */
    view_jump(s, "enc.0.ffn.hidden");
    assert_null(view_narration_text(s, &fb));
    /* I: the introduction, until I again or another record */
    view_key(s, 'I');
    assert_true(s->show_intro);
    assert_string_equal(view_narration_text(s, &fb), "What this lesson is about.");
    view_key(s, 'L');
    assert_string_equal(view_narration_text(s, &fb), "What this lesson is about.");
    assert_true(fb);  /* no Chinese introduction: English */
    view_key(s, 'L');
    view_key(s, 'I');
    assert_false(s->show_intro);
    view_key(s, 'I');
    view_key(s, 'n');
    assert_false(s->show_intro);
}

static void test_narration_scrolls(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    view_jump(s, "enc.0.attn.weights");
    ScreenLayout l;
    NarrationGeometry g;
    layout_screen(s, &l);
    layout_narration(s, &l, &g);
    assert_true(g.n_lines > g.text_rows);  /* the long text does not fit */
    assert_true(g.text_rows > 0);
    int max_top = g.n_lines - g.text_rows;
    for (int i = 0; i < 100; i++)
        view_key(s, 'J');
    assert_int_equal(s->narr_top, max_top);  /* stops at the end */
    assert_non_null(strstr(s->msg, "end of this step"));
    view_key(s, 'K');
    assert_int_equal(s->narr_top, max_top - 3);
    /* another record starts at its top */
    view_key(s, 'n');
    assert_int_equal(s->narr_top, 0);
    view_key(s, 'p');
    assert_int_equal(s->narr_top, 0);
}

/* The pane stands beside the matrix on wide screens, between matrix and
 * info on narrow ones, and never overlaps anything. */
static bool overlap(Rect a, Rect b)
{
    return a.w > 0 && b.w > 0 && a.h > 0 && b.h > 0 && a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h &&
           b.y < a.y + a.h;
}

static void test_narration_layout(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    static const int sizes[][2] = {{40, 130}, {30, 100}, {24, 80}, {15, 60}, {VIEW_MIN_LINES, VIEW_MIN_COLS},
                                   {50, 200}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        view_resize(s, sizes[i][0], sizes[i][1]);
        ScreenLayout l;
        layout_screen(s, &l);
        assert_false(l.too_small);
        assert_true(l.narr.w > 0 && l.narr.h >= 3);
        assert_true(l.matrix.h >= 4);
        assert_false(overlap(l.narr, l.matrix));
        assert_false(overlap(l.narr, l.info));
        assert_false(overlap(l.narr, l.steps));
        assert_false(overlap(l.matrix, l.steps));
        assert_true(l.narr.x + l.narr.w <= s->cols && l.narr.y + l.narr.h <= s->lines - 1);
        if (s->cols >= 100)
            assert_true(l.narr.x > l.matrix.x);  /* beside the matrix */
        else
            assert_true(l.narr.y > l.matrix.y);  /* below it */
        NarrationGeometry g;
        layout_narration(s, &l, &g);
        assert_true(g.text_rows >= 1);
        assert_true(g.text_y + g.text_rows <= l.narr.y + l.narr.h);
    }
    view_resize(s, 40, 130);
    ScreenLayout l;
    layout_screen(s, &l);
    assert_true(l.steps.w > 0);  /* wide enough for the outline too */
}

/* ---- presentation mode (view/present.h) ---- */

/* The screen for a projector: no steps or info pane, the heading on top,
 * the matrix whole with its token labels, the narration beneath across
 * the width, the line above the status line free (a prompt's), larger
 * cells and more narration on a larger screen. */
static void test_present_layout(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    view_key(s, 'f');
    assert_true(s->present);
    assert_true(view_jump(s, "enc.0.attn.weights"));  /* a query × key page of the 3 source tokens */
    static const int sizes[][2] = {{24, 80}, {45, 160}, {VIEW_MIN_LINES, VIEW_MIN_COLS}, {30, 100}, {60, 240}};
    int cw_80 = 0, rh_80 = 0, narr_80 = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        view_resize(s, sizes[i][0], sizes[i][1]);
        ScreenLayout l;
        layout_screen(s, &l);
        assert_false(l.too_small);
        assert_int_equal(l.steps.w, 0);
        assert_int_equal(l.info.w * l.info.h, 0);
        assert_true(l.title.y == 0 && l.title.h >= 1 && l.title.h <= 2);
        assert_int_equal(l.matrix.y, l.title.h);
        assert_int_equal(l.matrix.w, s->cols);
        assert_true(l.narr.y >= l.matrix.y + l.matrix.h);
        assert_false(overlap(l.narr, l.matrix));
        assert_int_equal(l.narr.x, 0);
        assert_int_equal(l.narr.w, s->cols);
        assert_true(l.narr.h >= 3);
        assert_true(l.narr.y + l.narr.h <= s->lines - 2);  /* a line for a prompt, then the status */
        assert_int_equal(l.status.y, s->lines - 1);
        NarrationGeometry g;
        layout_narration(s, &l, &g);
        assert_int_equal(g.x, 1);
        assert_int_equal(g.w, s->cols - 2);
        assert_int_equal(g.note_rows, 0);  /* the note is the heading */
        assert_int_equal(g.foot_y, -1);
        assert_int_equal(g.text_y, l.narr.y);
        assert_int_equal(g.text_rows, l.narr.h);
        Panel p[LAYOUT_MAX_PANELS];
        assert_int_equal(layout_panels(s, &l, p, LAYOUT_MAX_PANELS), 1);
        assert_int_equal(p[0].vr, p[0].rows);  /* the whole page */
        assert_int_equal(p[0].vc, p[0].cols);
        assert_true(p[0].label_w > 0 && p[0].hdr == 1);  /* tokens down the side and across */
        assert_true(p[0].r.x >= 0 && p[0].cx + (int)p[0].vc * p[0].cw <= s->cols);
        int cell_lines = p[0].half ? ((int)p[0].vr + 1) / 2 : (int)p[0].vr * p[0].rh;
        assert_true(p[0].cy + cell_lines <= l.matrix.y + l.matrix.h - 1);  /* the legend below */
        if (s->cols == 80) {
            assert_true(p[0].numbers);
            cw_80 = p[0].cw;
            rh_80 = p[0].rh;
            narr_80 = l.narr.h;
        }
        if (s->cols == 160) {
            assert_true(p[0].numbers);
            assert_true(p[0].cw > cw_80 || p[0].rh > rh_80);  /* larger cells */
            assert_true(l.narr.h > narr_80);                 /* and more narration */
            /* centred across the width it does not fill */
            int used = p[0].cx - p[0].r.x + (int)p[0].vc * p[0].cw;
            int left = p[0].r.x, right = s->cols - (p[0].r.x + used);
            assert_true(left - right <= 1 && right - left <= 1);
        }
    }
    /* below the minimum the usual notice, in presentation mode too */
    view_resize(s, VIEW_MIN_LINES - 1, 80);
    ScreenLayout l;
    layout_screen(s, &l);
    assert_true(l.too_small);
    /* the long narration scrolls (J) within presentation mode's lines */
    view_resize(s, 24, 80);
    layout_screen(s, &l);
    NarrationGeometry g;
    layout_narration(s, &l, &g);
    assert_true(g.n_lines > g.text_rows);
    view_key(s, 'J');
    assert_int_equal(s->narr_top, 3);
    /* f again: the lesson's usual screen */
    view_key(s, 'f');
    assert_false(s->present);
    layout_screen(s, &l);
    assert_true(l.info.h > 0);
}

/* What a presenter's remote sends walks the lesson in presentation mode;
 * outside it those keys keep their usual meaning. f, F5 and Esc leave. */
static void test_present_keys(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    view_resize(s, 24, 80);
    assert_false(s->present);
    assert_int_equal(s->guide_step, 1);
    view_key(s, KEY_F(5));
    assert_true(s->present);
    static const int next[] = {' ', KEY_RIGHT, KEY_NPAGE};
    static const int back[] = {KEY_LEFT, 127, KEY_BACKSPACE, KEY_PPAGE};
    view_key(s, next[0]);
    assert_string_equal(cur_name(s), "enc.0.attn.weights");
    assert_int_equal(s->guide_step, 2);
    view_key(s, back[0]);
    assert_int_equal(s->guide_step, 1);
    for (size_t i = 0; i < sizeof next / sizeof next[0]; i++) {
        view_key(s, 'P');
        view_key(s, next[i]);
        assert_int_equal(s->guide_step, 1);
        assert_true(s->guide_on);
    }
    for (size_t i = 0; i < sizeof back / sizeof back[0]; i++) {
        view_key(s, 'N');
        assert_int_equal(s->guide_step, 2);
        view_key(s, back[i]);
        assert_int_equal(s->guide_step, 1);
    }
    /* every other key still works: v, the heads view, and Esc closes it first */
    view_key(s, 'a');
    assert_true(s->heads);
    view_key(s, 27);
    assert_false(s->heads);
    assert_true(s->present);
    view_key(s, 27);  /* then Esc leaves presentation mode */
    assert_false(s->present);
    uint32_t col = s->col;
    view_key(s, KEY_RIGHT);  /* outside it, → is the record after, not the step */
    assert_false(s->guide_on);
    (void)col;
    view_key(s, 'f');
    assert_true(s->present);
    view_key(s, 'f');
    assert_false(s->present);
}

/* Presentation mode needs a lesson: without narration the key says so,
 * and --present's flag alone does not turn it on. */
static void test_present_needs_lesson(void **state)
{
    Fixture *f = *state;
    ViewState v;
    ViewConfig cfg = {.a = f->a, .present = true, .theme = {true, true}, .lines = 24, .cols = 80};
    Error err;
    assert_int_equal(view_init(&v, &cfg, &err), TF_OK);
    assert_false(v.present);
    view_key(&v, 'f');
    assert_false(v.present);
    assert_int_equal(v.msg_kind, MSG_NOTICE);
    assert_non_null(strstr(v.msg, "--present"));
    view_free(&v);
}

/* ---- re-running ---- */

static void type(ViewState *s, const char *utf8)
{
    for (size_t i = 0; utf8[i];) {
        uint32_t cp;
        unsigned char b = (unsigned char)utf8[i];
        if (b < 0x80) {
            view_key(s, b);
            i++;
            continue;
        }
        size_t n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
        cp = b & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
        for (size_t k = 1; k < n; k++)
            cp = (cp << 6) | ((unsigned char)utf8[i + k] & 0x3F);
        view_input_char(s, cp);
        i += n;
    }
}

static void test_editor_keys(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    view_key(s, 'e');
    assert_true(s->editing);
    assert_string_equal(s->edit.text, MAO " " ZHUI " " LAOSHU);  /* starts from the sentence now */
    /* keys are text now: n does not step, q does not quit */
    uint32_t at = s->cur;
    view_key(s, 'n');
    view_key(s, 'q');
    assert_false(s->quit);
    assert_int_equal(s->cur, at);
    view_key(s, KEY_BACKSPACE);
    view_key(s, KEY_BACKSPACE);
    assert_string_equal(s->edit.text, MAO " " ZHUI " " LAOSHU);
    view_key(s, KEY_BACKSPACE);  /* 鼠, whole */
    assert_string_equal(s->edit.text, MAO " " ZHUI " \xe8\x80\x81");
    view_key(s, 27);  /* Esc: nothing runs */
    assert_false(s->editing);
    assert_int_equal(s->pending, PENDING_NONE);
    assert_non_null(strstr(s->msg, "cancelled"));
    assert_int_equal(f->fake.calls, 0);
    /* Enter on the unchanged sentence runs nothing either */
    view_key(s, 'e');
    view_key(s, '\n');
    assert_int_equal(s->pending, PENDING_NONE);
    assert_non_null(strstr(s->msg, "unchanged"));
    /* outside the editor, a CJK character is no key: nothing changes */
    char msg[sizeof s->msg];
    memcpy(msg, s->msg, sizeof msg);
    view_input_char(s, 0x732B);
    assert_false(s->editing);
    assert_string_equal(s->msg, msg);
}

static void test_rerun_edit_source(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    view_jump(s, "enc.0.attn.weights");
    view_key(s, ']');
    view_key(s, 'j');
    uint32_t head = s->head, row = s->row;
    TraceReader *first = s->a;
    view_key(s, 'e');
    view_key(s, KEY_CTRL('u'));
    type(s, LAOSHU " " ZHUI " " MAO);
    view_key(s, KEY_ENTER);
    assert_false(s->editing);
    assert_int_equal(s->pending, PENDING_RERUN);  /* the loop shows "re-running" first, then runs */
    assert_non_null(strstr(s->msg, "re-running"));
    view_perform_pending(s);
    assert_int_equal(s->pending, PENDING_NONE);
    assert_int_equal(f->fake.calls, 1);
    assert_ptr_not_equal(s->a, first);
    assert_ptr_equal(s->b, first);          /* c compares with the first run */
    assert_string_equal(cur_name(s), "enc.0.attn.weights");  /* the same record */
    assert_int_equal(s->head, head);
    assert_int_equal(s->row, row);
    assert_true(s->guide_on);
    assert_int_equal(s->guide_step, 2);
    /* the new tokens */
    view_jump(s, "src.tokens");
    const CachedRecord *c = view_current(s);
    assert_true(c->ok);
    assert_string_equal(export_pages_col_label(&c->tr.rec, &c->pg, 0, 0), LAOSHU);
    assert_string_equal(export_pages_col_label(&c->tr.rec, &c->pg, 0, 2), MAO);
    /* the claims are shown */
    assert_true(s->claims);
    assert_int_equal(s->run.n_claims, 2);
    assert_non_null(strstr(s->msg, "claims: 2 of 2 pass"));
    view_key(s, 'c');  /* any key closes the panel; this one also compares */
    assert_false(s->claims);
    assert_true(s->compare);
    /* The words moved: compared by token, the first run's ids are put in
     * this run's order, and every id matches its word. */
    assert_int_equal(s->aligned.kind, ALIGN_PERMUTED);
    assert_int_equal(s->cmp.n_differ, 0);
    const CachedRecord *cb = view_current_b(s);
    assert_non_null(cb);
    assert_string_equal(export_pages_col_label(&cb->tr.rec, &cb->pg, 0, 0), LAOSHU);

    /* a refused edit: the message, and nothing else changes */
    TraceReader *now = s->a;
    view_key(s, 'e');
    type(s, " dog");
    view_key(s, '\r');
    view_perform_pending(s);
    assert_int_equal(s->msg_kind, MSG_ERROR);
    assert_non_null(strstr(s->msg, "unknown token 'dog'"));
    assert_ptr_equal(s->a, now);
    assert_string_equal(cur_name(s), "src.tokens");
    assert_false(s->claims);
}

static void test_rerun_toggles_and_claims(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    /* C before any re-run: the claims are checked on the run as it is */
    view_key(s, 'C');
    assert_int_equal(s->pending, PENDING_RERUN);
    view_perform_pending(s);
    assert_true(s->claims);
    assert_int_equal(view_claims_passed(s), 2);
    assert_ptr_equal(s->a, f->a);  /* a check opens no trace */
    view_key(s, 'C');
    assert_false(s->claims);
    view_key(s, 'C');               /* known now: shown at once */
    assert_true(s->claims);
    assert_int_equal(s->pending, PENDING_NONE);
    /* a long claim on a small screen: j scrolls, to the last line only */
    char saved[256];
    memcpy(saved, s->run.claims[0].text[VIEW_LANG_EN], sizeof saved);
    memset(s->run.claims[0].text[VIEW_LANG_EN], 0, sizeof saved);
    for (int i = 0; i < 30; i++)
        strcat(s->run.claims[0].text[VIEW_LANG_EN], "long ");
    view_resize(s, 12, 50);
    ClaimsGeometry cg;
    layout_claims(s, &cg);
    assert_true(cg.max_top > 0);
    assert_true(cg.y0 >= 1 && cg.y0 + cg.h <= s->lines - 1);
    for (int i = 0; i < 50; i++)
        view_key(s, 'j');
    assert_int_equal(s->claims_top, cg.max_top);
    view_key(s, 'k');
    assert_int_equal(s->claims_top, cg.max_top - 1);
    assert_true(s->claims);
    memcpy(s->run.claims[0].text[VIEW_LANG_EN], saved, sizeof saved);
    view_resize(s, 40, 130);
    view_key(s, 27);
    assert_false(s->claims);

    /* the mask: a claim fails and says what it measured */
    view_key(s, 'M');
    view_perform_pending(s);
    assert_true(s->claims);
    assert_int_equal(view_claims_passed(s), 1);
    assert_false(s->run.claims[1].pass);
    assert_string_equal(s->run.claims[1].measured, "3 hidden");
    assert_non_null(strstr(s->run.settings, "causal mask on"));
    s->lang = VIEW_LANG_ZH;
    assert_string_equal(view_claim_text(s, 1), "\xe6\xb2\xa1\xe6\x9c\x89");
    assert_string_equal(view_claim_text(s, 0), "rows sum to 1");  /* untranslated: English */
    s->lang = VIEW_LANG_EN;
    view_key(s, 'q');  /* closes the panel, does not quit */
    assert_false(s->quit);

    /* positions off: enc.pos is gone, so a viewer on it lands on the step it
     * can show, and N passes over it */
    view_jump(s, "enc.pos");
    view_key(s, 'T');
    view_perform_pending(s);
    assert_int_equal(trace_reader_find(s->a, "enc.pos"), -1);
    assert_int_equal(s->guide_idx[0], -1);
    assert_true(s->cur < s->count);
    view_key(s, KEY_HOME);
    view_key(s, 'P');
    view_key(s, 'N');
    assert_string_equal(cur_name(s), "enc.0.attn.q");
    /* several runs: each opened, the old ones closed (ASan sees leaks) */
    view_key(s, 'T');
    view_perform_pending(s);
    assert_true(trace_reader_find(s->a, "enc.pos") >= 0);
    assert_int_equal(f->fake.runs, 3);  /* M, T, T */
}

/* R toggles the residual connections through the hook; a toggle the hook
 * refuses (T with a trained model) is said at once, with no re-run. */
static void test_rerun_residual_and_refusal(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    view_key(s, 'R');
    assert_int_equal(s->pending, PENDING_RERUN);
    assert_int_equal(s->rerun_kind, VIEW_EDIT_RESIDUAL);
    assert_non_null(strstr(s->msg, "residual"));
    view_perform_pending(s);
    assert_int_equal(f->fake.runs, 1);
    assert_true(f->fake.residual_off);
    assert_non_null(strstr(s->run.settings, "residual off"));
    assert_non_null(strstr(s->msg, "re-ran"));
    view_key(s, 27);
    view_key(s, 'R');
    view_perform_pending(s);
    assert_false(f->fake.residual_off);
    assert_non_null(strstr(s->run.settings, "residual on"));
    view_key(s, 27);

    /* T while the model fixes the positions: said plainly, nothing runs */
    f->fake.positions_fixed = true;
    int calls = f->fake.calls;
    assert_null(view_rerun_refused(s, VIEW_EDIT_CAUSAL));
    assert_null(view_rerun_refused(s, VIEW_EDIT_RESIDUAL));
    assert_non_null(view_rerun_refused(s, VIEW_EDIT_POSITIONS));
    view_key(s, 'T');
    assert_int_equal(s->pending, PENDING_NONE);
    assert_int_equal(s->msg_kind, MSG_NOTICE);
    assert_non_null(strstr(s->msg, "positions cannot change"));
    view_perform_pending(s);
    assert_int_equal(f->fake.calls, calls);
    assert_int_equal(f->fake.positions, POS_SINUSOIDAL);
    /* the others still run */
    view_key(s, 'M');
    assert_int_equal(s->pending, PENDING_RERUN);
    view_perform_pending(s);
    assert_int_equal(f->fake.calls, calls + 1);
    /* without the hook nothing is refused */
    s->rerun.refuses = NULL;
    assert_null(view_rerun_refused(s, VIEW_EDIT_POSITIONS));
}

/* No key code does two things: a new key (R) must not shadow an old one. */
static void test_keys_do_not_clash(void **state)
{
    (void)state;
    int nsec;
    const KeySection *sec = keys_sections(&nsec);
    for (int a = 0; a < nsec; a++)
        for (int k = 0; k < sec[a].n; k++)
            for (int i = 0; i < 6 && sec[a].keys[k].keys[i]; i++) {
                int ch = sec[a].keys[k].keys[i];
                int seen = 0;
                for (int b = 0; b < nsec; b++)
                    for (int m = 0; m < sec[b].n; m++)
                        for (int j = 0; j < 6 && sec[b].keys[m].keys[j]; j++)
                            seen += sec[b].keys[m].keys[j] == ch;
                if (seen != 1)
                    fail_msg("key %d is bound %d times", ch, seen);
            }
}

/* Steps on another run: the walk opens that run's own trace as A (its
 * record, its outline, named in words), shows a second run beside it only
 * where the step asks (compare), passes over a step its run lacks, and
 * gives everything back when it returns to the main run. */
static char other_path[400], main_path[400];

static bool other_step(void *ctx, int k, ViewLang lang, ViewGuideStep *out)
{
    (void)ctx;
    (void)lang;
    if (k == 0) {
        out->record = "enc.0.attn.q";
        return true;
    }
    if (k == 1) {
        out->record = "enc.input";
        out->key = "enc.input@nopos";
        out->run = "nopos";
        out->compare = "main";
        out->note = "the same, without positions";
        return true;
    }
    if (k == 2) {  /* a run without positions has no enc.pos */
        out->record = "enc.pos";
        out->key = "enc.pos@nopos";
        out->run = "nopos";
        return true;
    }
    return false;
}

static int other_n(void *ctx)
{
    (void)ctx;
    return 3;
}

static const char *other_lookup(void *ctx, const char *name, ViewLang lang)
{
    (void)ctx;
    (void)lang;
    return strcmp(name, "enc.input@nopos") == 0 ? "Without positions." : strcmp(name, "enc.input") == 0 ? "Input." : NULL;
}

static const char *other_run_trace(void *ctx, const char *run)
{
    (void)ctx;
    return strcmp(run, "nopos") == 0 ? other_path : strcmp(run, "main") == 0 ? main_path : NULL;
}

static const char *other_run_label(void *ctx, const char *run, ViewLang lang)
{
    (void)ctx;
    if (strcmp(run, "nopos") == 0)
        return lang == VIEW_LANG_ZH ? "运行：nopos" : "run: nopos";
    return lang == VIEW_LANG_ZH ? "运行：main" : "run: main";
}

static void test_guide_other_run(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    view_free(s);
    Error err;
    snprintf(other_path, sizeof other_path, "%s/nopos.trace", f->fake.dir->dir);
    snprintf(main_path, sizeof main_path, "%s", f->path);
    assert_int_equal(make_trace(other_path, f->fake.src, POS_NONE, &err), TF_OK);
    ViewConfig cfg = {.a = f->a,
                      .start = "enc.0.attn.q",
                      .narration = {.lookup = other_lookup,
                                    .n_steps = other_n,
                                    .step = other_step,
                                    .run_trace = other_run_trace,
                                    .run_label = other_run_label},
                      .theme = {true, true},
                      .lines = 40,
                      .cols = 130};
    assert_int_equal(view_init(s, &cfg, &err), TF_OK);
    assert_null(s->b);
    assert_string_equal(view_trace_label(s, s->a), "run: main");
    uint32_t main_count = s->count;
    view_key(s, 'N');
    /* the step's own run on screen, with its own outline */
    assert_string_equal(cur_name(s), "enc.input");
    assert_string_equal(s->a_run, "nopos");
    assert_string_equal(trace_reader_path(s->a), other_path);
    assert_int_equal(s->count, main_count - 2);  /* no enc.pos, no dec.pos */
    assert_int_equal(s->tree.n_records, s->count);
    assert_int_equal(trace_reader_find(s->a, "enc.pos"), -1);
    assert_string_equal(view_trace_label(s, s->a), "run: nopos");
    /* and the main run beside it, because the step asks */
    assert_non_null(s->b);
    assert_true(s->compare);
    assert_string_equal(view_trace_label(s, s->b), "run: main");
    assert_true(s->cmp.n_differ > 0);  /* A − B: the positional encoding */
    bool fb;
    assert_string_equal(view_narration_text(s, &fb), "Without positions.");  /* the step's section */
    view_key(s, 'L');
    assert_string_equal(view_trace_label(s, s->a), "运行：nopos");
    view_key(s, 'L');
    /* step 3 is not in its run: passed over, and being the last, N stays */
    view_key(s, 'N');
    assert_int_equal(s->guide_step, 1);
    assert_true(s->guide_on);
    assert_string_equal(s->a_run, "nopos");
    assert_non_null(strstr(s->msg, "last step"));
    view_key(s, 'P');
    assert_int_equal(s->guide_step, 0);
    assert_string_equal(s->a_run, "");
    assert_ptr_equal(s->a, f->a);  /* the main run again, the other run closed */
    assert_null(s->run_a);
    assert_int_equal(s->count, main_count);
    assert_null(s->b);  /* given back */
    assert_false(s->compare);
    /* the main run's enc.input is not step 2's record: that is on run nopos */
    view_jump(s, "enc.input");
    assert_false(s->guide_on);
    assert_string_equal(view_narration_text(s, &fb), "Input.");
    view_key(s, 'N');
    assert_int_equal(s->guide_step, 1);
    assert_string_equal(s->a_run, "nopos");
    assert_non_null(s->b);
    /* leaving with the run still open: view_free closes it (ASan would see a leak) */
}

/* Records of different shapes are never squeezed side by side as a
 * comparison: a shorter sentence re-run, then c, shows A alone. */
static void test_compare_other_shape(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    view_jump(s, "enc.0.attn.weights");
    view_request_rerun(s, VIEW_EDIT_SOURCE, MAO " " ZHUI);
    view_perform_pending(s);
    assert_ptr_equal(s->b, f->a);
    view_key(s, 'c');  /* closes the claims panel and compares */
    if (!s->compare)
        view_key(s, 'c');
    assert_true(s->compare);
    assert_false(s->cmp.same_shape);
    ScreenLayout l;
    Panel p[LAYOUT_MAX_PANELS];
    layout_screen(s, &l);
    assert_int_equal(layout_panels(s, &l, p, LAYOUT_MAX_PANELS), 1);
    assert_int_equal(p[0].source, PANEL_A);
    /* the same sentence length again: three panels */
    view_request_rerun(s, VIEW_EDIT_SOURCE, LAOSHU " " ZHUI " " MAO);
    view_perform_pending(s);
    if (s->claims)
        view_key(s, 'c');
    if (!s->compare)
        view_key(s, 'c');
    assert_true(s->cmp.same_shape);
    layout_screen(s, &l);
    assert_int_equal(layout_panels(s, &l, p, LAYOUT_MAX_PANELS), 3);
}

/* A trace that cannot be opened is an error message, never a new screen. */
static Status bad_run(void *ctx, const ViewEdit *e, ViewRunResult *out, Error *err)
{
    (void)ctx;
    (void)e;
    (void)err;
    snprintf(out->trace, sizeof out->trace, "/nonexistent/run.trace");
    return TF_OK;
}

static void test_rerun_bad_trace(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    s->rerun.run = bad_run;
    uint32_t at = s->cur;
    view_key(s, 'D');
    view_perform_pending(s);
    assert_int_equal(s->msg_kind, MSG_ERROR);
    assert_non_null(strstr(s->msg, "cannot be opened"));
    assert_ptr_equal(s->a, f->a);
    assert_int_equal(s->cur, at);
    assert_false(s->claims);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lineedit_cjk),
        cmocka_unit_test(test_lineedit_window),
        cmocka_unit_test(test_text_lines),
        cmocka_unit_test_setup_teardown(test_guide_steps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guide_without_steps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_narration_and_language, setup, teardown),
        cmocka_unit_test_setup_teardown(test_narration_scrolls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_narration_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_present_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_present_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_present_needs_lesson, setup, teardown),
        cmocka_unit_test_setup_teardown(test_editor_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rerun_edit_source, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rerun_toggles_and_claims, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rerun_residual_and_refusal, setup, teardown),
        cmocka_unit_test(test_keys_do_not_clash),
        cmocka_unit_test_setup_teardown(test_rerun_bad_trace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guide_other_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compare_other_shape, setup, teardown),
    };
    return cmocka_run_group_tests_name("view lesson", tests, NULL, NULL);
}
