/* test_lessons.c — the shipped lessons on the real engine, and the lesson
 * format's refusals.
 *
 *   - every lesson in lessons/ loads, runs, names only records its traces
 *     have, has narration for every step in English and Chinese, and every
 *     one of its claims passes on freshly computed traces;
 *   - what breaks each claim: every lesson's matrix of claims × switches
 *     is as its breaks = lines declare (lesson_breaks), and switches
 *     together do not make a claim error;
 *   - an edited sentence re-runs the lesson, and every lesson's claims hold
 *     on each of its [try] sentences (or are skipped, saying why);
 *   - a broken lesson is refused with the file and line at fault. */
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
#include "lesson/lesson_internal.h"
#include "lesson/switches.h"
#include "model/model.h"
#include "model/weights_file.h"
#include "text/vocab.h"
#include "trace/trace.h"

#include "../support/scratch.h"

static const char *data_dir(void)
{
    const char *d = getenv("TF_SOURCE_DIR");
    return d && *d ? d : ".";
}

static Lesson *load(const char *which)
{
    Lesson *l = NULL;
    Error err = {0};
    if (lesson_load(&l, data_dir(), which, &err) != TF_OK)
        fail_msg("lesson %s: %s", which, err.msg);
    return l;
}

/* Run l with overrides o into dir/sub, check names, evaluate the claims. */
static ClaimResult *run_and_check(const Scratch *s, const Lesson *l, const LessonOverrides *o, const char *sub,
                                  int *failed)
{
    char out[600];
    snprintf(out, sizeof out, "%s/%s", s->dir, sub);
    LessonTraces t;
    Error err = {0};
    if (lesson_run(l, o, out, &t, &err) != TF_OK)
        fail_msg("lesson %s: run: %s", lesson_slug(l), err.msg);
    if (lesson_validate(l, &t, &err) != TF_OK)
        fail_msg("lesson %s: %s", lesson_slug(l), err.msg);
    ClaimResult *res;
    if (lesson_check(l, &t, &res, failed, &err) != TF_OK)
        fail_msg("lesson %s: check: %s", lesson_slug(l), err.msg);
    return res;
}

static void test_every_lesson_holds(void **state)
{
    const Scratch *s = *state;
    LessonInfo *list;
    int n;
    Error err = {0};
    assert_int_equal(lesson_list(data_dir(), &list, &n, &err), TF_OK);
    assert_true(n >= 4);
    for (int i = 0; i < n; i++) {
        Lesson *l = load(list[i].dir);
        assert_int_equal(lesson_number(l), list[i].number);
        assert_true(list[i].title[0] != '\0');
        assert_non_null(lesson_intro(l, "en"));
        assert_non_null(lesson_intro(l, "zh"));
        for (int k = 0; k < lesson_step_count(l); k++) {
            const LessonStep *st = lesson_step(l, k);
            if (!lesson_step_narration(l, k, "en") || !lesson_step_narration(l, k, "zh"))
                fail_msg("lesson %s: step %s lacks narration", list[i].slug, st->key);
            if (!st->note_zh[0])
                fail_msg("lesson %s: step %s (lesson.ini:%d) has no Chinese note: add step.zh = ... under it",
                         list[i].slug, st->key, st->line);
            assert_ptr_equal(lesson_step_note(l, k, "zh"), st->note_zh);
            assert_ptr_equal(lesson_step_note(l, k, "en"), st->note);
            /* the viewer's lookup finds it by the record's name */
            char name[200];
            snprintf(name, sizeof name, "%s%s%s", st->pattern, strcmp(st->run, "main") ? "@" : "",
                     strcmp(st->run, "main") ? st->run : "");
            if (!strchr(name, '*') && lesson_narration(l, name, "zh") != lesson_step_narration(l, k, "zh"))
                fail_msg("lesson %s: lesson_narration(%s) is not its step's", list[i].slug, name);
        }
        int failed;
        ClaimResult *res = run_and_check(s, l, NULL, list[i].slug, &failed);
        int n_claims = 0;
        for (int k = 0; k < lesson_claim_count(l); k++)
            n_claims += !res[k].fact;
        if (n_claims < 2 || n_claims > 5 || lesson_claim_count(l) - n_claims > 4)
            fail_msg("lesson %s: %d claims and %d facts (two to five claims, at most four facts)", list[i].slug,
                     n_claims, lesson_claim_count(l) - n_claims);
        for (int k = 0; k < lesson_claim_count(l); k++)
            if (!res[k].pass)
                fail_msg("lesson %s: claim %s fails: %s (measured %s)", list[i].slug, res[k].id, res[k].check,
                         res[k].measured);
        assert_int_equal(failed, 0);
        free(res);
        lesson_free(l);
    }
    lesson_list_free(list);
}

/* ---- what breaks each claim ---- */

/* Every lesson's matrix (lesson_breaks): every claim fails under each
 * switch its breaks = names and under no other, every fact holds under
 * every switch, no cell is an error, and at least two claims per lesson
 * are broken by a switch; every question's expected answer can be
 * measured and differs only under the switches its changes = names. A
 * failure names each cell that is not as declared, with what was
 * measured. */
static void test_breaks_matrix(void **state)
{
    const Scratch *s = *state;
    LessonInfo *list;
    int n;
    Error err = {0};
    assert_int_equal(lesson_list(data_dir(), &list, &n, &err), TF_OK);
    int bad = 0;
    for (int i = 0; i < n; i++) {
        Lesson *l = load(list[i].dir);
        char dir[600];
        snprintf(dir, sizeof dir, "%s/breaks-%s", s->dir, list[i].slug);
        LessonBreaks b;
        if (lesson_breaks(l, NULL, dir, &b, &err) != TF_OK)
            fail_msg("lesson %s: --breaks: %s", list[i].slug, err.msg);
        int n_claims = 0;
        for (int r = 0; r < b.n_rows; r++) {
            n_claims += !b.base[r].fact;
            if (!b.base[r].pass) {
                print_error("lesson %s: %s %s fails on the lesson's own runs: %s\n", list[i].slug,
                            b.base[r].fact ? "fact" : "claim", b.base[r].id, b.base[r].measured);
                bad++;
            }
            for (int c = 0; c < b.n_cols; c++) {
                if (!lesson_breaks_differs(&b, r, c))
                    continue;
                const size_t k = (size_t)r * (size_t)b.n_cols + (size_t)c;
                print_error("lesson %s: %s %s under column %d (%s=%s, %s): %s, declared to %s (%s)\n",
                            list[i].slug, b.base[r].fact ? "fact" : "claim", b.base[r].id, c + 1,
                            lesson_switches[b.cols[c].sw].name,
                            b.cols[c].value,
                            b.cols[c].state == BREAKS_RAN ? "ran" : b.cols[c].state == BREAKS_NO_EFFECT ? "no effect"
                                                                                                          : "refused",
                            b.cells[k].error ? "error" : b.cells[k].pass ? "holds" : "fails",
                            b.declared[k] ? "fail" : "hold", b.cells[k].measured);
                bad++;
            }
        }
        for (int r = 0; r < b.n_qrows; r++) {  /* each question differs only where its changes = says */
            const LessonQuestion *q = lesson_question(l, b.qrow[r]);
            if (b.qbase_cell[r] == BREAKS_Q_ERROR) {
                print_error("lesson %s: question %s cannot be measured: %s\n", list[i].slug, q->id, b.qwhy[r]);
                bad++;
            }
            for (int c = 0; c < b.n_cols; c++)
                if (lesson_breaks_question_differs(&b, r, c)) {
                    print_error("lesson %s: question %s under column %d (%s=%s, %s): %s, declared %s%s%s\n",
                                list[i].slug, q->id, c + 1, lesson_switches[b.cols[c].sw].name, b.cols[c].value,
                                b.cols[c].state == BREAKS_RAN ? "ran" : b.cols[c].state == BREAKS_NO_EFFECT
                                                                            ? "no effect" : "refused",
                                b.qcells[r][c] == BREAKS_Q_ERROR     ? "error"
                                : b.qcells[r][c] == BREAKS_Q_DIFFERS ? "differs" : "same",
                                b.qdeclared[r][c] ? "to differ" : "the same",
                                b.qwhy[r][0] ? ": " : "", b.qwhy[r]);
                    bad++;
                }
        }
        if (b.n_broken_claims != n_claims || n_claims < 2) {
            print_error("lesson %s: %d of %d claims broken by a switch they declare (every one, and at least 2)\n",
                        list[i].slug, b.n_broken_claims, n_claims);
            bad++;
        }
        if (b.n_errors) {
            print_error("lesson %s: %d cells could not be evaluated\n", list[i].slug, b.n_errors);
            bad++;
        }
        lesson_breaks_free(&b);
        lesson_free(l);
    }
    lesson_list_free(list);
    assert_int_equal(bad, 0);
}

/* Switches together, beyond the matrix's one at a time: with both masks of
 * lesson 7 off nothing is masked, so the claims about each mask fail and
 * the fact about masked weights still holds (the sum over no weights is
 * 0), never an error. */
static void test_both_masks_off(void **state)
{
    const Scratch *s = *state;
    Lesson *l = load("07-masks");
    LessonOverrides o;
    lesson_overrides_init(&o);
    o.causal_mask = 0;
    o.padding_mask = 0;
    int failed;
    ClaimResult *res = run_and_check(s, l, &o, "both-off", &failed);
    for (int k = 0; k < lesson_claim_count(l); k++) {
        if (res[k].error)
            fail_msg("07-masks, both masks off: %s errors: %s", res[k].id, res[k].measured);
        if (res[k].pass != res[k].fact)
            fail_msg("07-masks, both masks off: %s %s %s (measured %s)", res[k].fact ? "fact" : "claim", res[k].id,
                     res[k].pass ? "holds" : "fails", res[k].measured);
    }
    free(res);
    lesson_free(l);
}

/* An edited sentence goes into the main run: 4 tokens make 16 scores, and
 * the claim about them, sized from the trace, still holds. */
static void test_edited_sentence(void **state)
{
    const Scratch *s = *state;
    Lesson *l = load("1");
    LessonOverrides o;
    lesson_overrides_init(&o);
    o.src = "the mouse was tired";
    int failed;
    ClaimResult *res = run_and_check(s, l, &o, "edited", &failed);
    assert_int_equal(failed, 0);
    bool seen = false;
    for (int k = 0; k < lesson_claim_count(l); k++)
        if (strcmp(res[k].id, "n_squared") == 0) {
            assert_true(res[k].pass);
            assert_string_equal(res[k].measured, "16 == 16");
            seen = true;
        }
    assert_true(seen);
    free(res);
    lesson_free(l);
}

/* ---- other sentences ([try]) ---- */

/* How many <UNK> tokens the record `name` of the trace at path holds (a
 * record the trace lacks holds none). */
static int count_unknown(const char *path, const char *name)
{
    TraceReader *r;
    Error err = {0};
    if (trace_reader_open(&r, path, &err) != TF_OK)
        fail_msg("%s: %s", path, err.msg);
    long i = trace_reader_find(r, name);
    int n = 0;
    if (i >= 0) {
        TraceRecord tr;
        if (trace_reader_get(r, (uint32_t)i, &tr, &err) != TF_OK)
            fail_msg("%s: %s", path, err.msg);
        size_t numel = 1;
        for (int k = 0; k < tr.rec.ndim; k++)
            numel *= tr.rec.dims[k];
        for (size_t k = 0; k < numel; k++)
            n += tr.rec.data[k] == (float)TOK_UNK;
        trace_record_release(&tr);
    }
    trace_reader_close(r);
    return n;
}

/* Every lesson names at least three other sentences, and on each every
 * claim holds, or is skipped because it is about the lesson's own
 * sentence (and says so, in both languages): never a FAIL, never an
 * error. */
static void test_try_sentences(void **state)
{
    const Scratch *s = *state;
    LessonInfo *list;
    int n;
    Error err = {0};
    assert_int_equal(lesson_list(data_dir(), &list, &n, &err), TF_OK);
    for (int i = 0; i < n; i++) {
        Lesson *l = load(list[i].dir);
        if (lesson_try_count(l) < 3)
            fail_msg("lesson %s: %d sentences in [try]; give at least 3", list[i].slug, lesson_try_count(l));
        Config *cfg = malloc(sizeof *cfg);
        LessonRunOptions opts;
        assert_non_null(cfg);
        assert_int_equal(lesson_run_settings(l, 0, cfg, &opts, &err), TF_OK);
        free(cfg);
        const bool trained = opts.weights != NULL;
        for (int k = 0; k < lesson_try_count(l); k++) {
            const LessonTry *t = lesson_try(l, k);
            LessonOverrides o;
            lesson_overrides_init(&o);
            o.src = t->src;
            o.tgt = t->has_tgt ? t->tgt : NULL;
            char sub[96];
            snprintf(sub, sizeof sub, "%s-try%d", list[i].slug, k);
            int failed;
            ClaimResult *res = run_and_check(s, l, &o, sub, &failed);
            for (int c = 0; c < lesson_claim_count(l); c++) {
                const ClaimResult *r = &res[c];
                if (!r->pass)
                    fail_msg("lesson %s, [try] line %d (%s → %s): claim %s fails: %s (measured %s)", list[i].slug,
                             t->line, t->src, t->tgt, r->id, r->check, r->measured);
                if (r->skipped && (!strstr(r->text, "lesson's own sentence") || !strstr(r->text_zh, "本课自己的句子")))
                    fail_msg("lesson %s: claim %s is skipped on another sentence but does not say it is about the "
                             "lesson's own sentence (in English and Chinese)",
                             list[i].slug, r->id);
                if (r->skipped)
                    assert_string_equal(r->measured, "skipped: about the lesson's own sentence");
            }
            assert_int_equal(failed, 0);
            free(res);
            /* a trained model's sentences come from its own vocabulary */
            char path[700];
            snprintf(path, sizeof path, "%s/%s/main.trace", s->dir, sub);
            if (trained && count_unknown(path, "src.tokens") + count_unknown(path, "tgt.tokens") > 0)
                fail_msg("lesson %s, [try] line %d (%s → %s): words the trained model does not know (<UNK>)",
                         list[i].slug, t->line, t->src, t->tgt);
        }
        lesson_free(l);
    }
    lesson_list_free(list);
}

/* A run derived from the main one (src_from = main reversed) follows the
 * student's sentence; a claim about the lesson's sentence is skipped only
 * when a run it reads has another sentence, and the sentence typed as the
 * lesson has it is no other sentence. */
static void test_derived_and_skipped(void **state)
{
    const Scratch *s = *state;
    Lesson *l = load("3");
    LessonOverrides o;
    lesson_overrides_init(&o);
    o.src = "狗 追 猫 和 老鼠";
    LessonTraces t;
    Error err = {0};
    char out[600];
    snprintf(out, sizeof out, "%s/derived", s->dir);
    assert_int_equal(lesson_run(l, &o, out, &t, &err), TF_OK);
    assert_true(t.edited[0]);
    for (int i = 1; i < t.n; i++)
        assert_true(t.edited[i]);  /* every run of lesson 3 reads the main sentence or its reverse */
    Config cfg;
    LessonRunOptions opts;
    assert_int_equal(lesson_run_settings(l, 1, &cfg, &opts, &err), TF_OK);
    assert_string_equal(lesson_run_name(l, 1), "swapped");
    assert_string_equal(cfg.src[0], "老鼠 追 猫");  /* the lesson's own, written backwards */
    int twice = -1;
    for (int i = 0; i < lesson_run_count(l); i++)
        if (strcmp(lesson_run_name(l, i), "twice") == 0)
            twice = i;
    assert_true(twice > 0);
    assert_int_equal(lesson_run_settings(l, twice, &cfg, &opts, &err), TF_OK);
    assert_string_equal(cfg.src[0], "猫 追 老鼠 猫 追 老鼠");  /* the lesson's own, said twice */
    lesson_free(l);

    l = load("5");
    int skipped = 0, failed;
    o.src = "猫 追 老鼠";  /* the lesson's own sentence, typed: nothing skipped */
    o.tgt = "cat chases mouse";
    ClaimResult *res = run_and_check(s, l, &o, "same5", &failed);
    for (int c = 0; c < lesson_claim_count(l); c++)
        skipped += res[c].skipped;
    assert_int_equal(skipped, 0);
    assert_int_equal(failed, 0);
    free(res);
    o.src = "狗 追 了 猫";
    o.tgt = "dog chased cat";
    res = run_and_check(s, l, &o, "other5", &failed);
    for (int c = 0; c < lesson_claim_count(l); c++) {
        skipped += res[c].skipped;
        if (res[c].skipped)
            assert_string_equal(res[c].id, "aligned");
        /* reordered reads run place, which keeps its own sentence */
        if (strcmp(res[c].id, "reordered") == 0)
            assert_false(res[c].skipped);
        /* alignment_learned reads run learn, which trains on its own probe */
        if (strcmp(res[c].id, "alignment_learned") == 0)
            assert_false(res[c].skipped);
    }
    assert_int_equal(skipped, 1);
    assert_int_equal(failed, 0);
    free(res);
    lesson_free(l);

    /* a batch lesson: the student's sentence replaces the first, the
     * others stay */
    l = load("7");
    o.src = "我 爱 猫 和 AI";
    o.tgt = "I love cats and AI";
    LessonOverrides none;
    lesson_overrides_init(&none);
    Config *c = malloc(sizeof *c);
    assert_non_null(c);
    assert_int_equal(lesson_run_settings(l, 0, c, &opts, &err), TF_OK);
    const int n_src = c->n_src;
    free(c);
    assert_int_equal(n_src, 2);
    res = run_and_check(s, l, &o, "batch7", &failed);
    assert_int_equal(failed, 0);
    free(res);
    lesson_free(l);
}

static void test_narration_lookup(void **state)
{
    (void)state;
    Lesson *l = load("masks");
    assert_int_equal(lesson_number(l), 7);
    const char *en = lesson_narration(l, "enc.0.attn.mask", "en");
    const char *zh = lesson_narration(l, "enc.0.attn.mask", "zh");
    assert_non_null(en);
    assert_non_null(zh);
    assert_true(en != zh);
    assert_ptr_equal(lesson_narration(l, "enc.0.attn.mask", NULL), en);
    assert_non_null(lesson_narration(l, "enc.memory@alone", "en"));
    assert_null(lesson_narration(l, "enc.1.ffn.hidden", "en"));  /* no step there */
    assert_null(lesson_narration(l, "enc.memory@nosuchrun", "en"));
    assert_string_equal(lesson_run_name(l, 0), "main");
    assert_string_equal(lesson_run_name(l, 1), "alone");
    assert_null(lesson_run_name(l, 2));
    assert_null(lesson_step(l, -1));
    assert_null(lesson_step(l, lesson_step_count(l)));
    assert_true(strstr(lesson_title(l, "zh"), "掩码") != NULL);
    lesson_free(l);
}

/* ---- refusals ---- */

static const char good_ini[] =
    "[lesson]\n"                                              /* 1 */
    "title = A tiny lesson\n"                                 /* 2 */
    "[model]\n"                                               /* 3 */
    "d_model = 8\n"                                           /* 4 */
    "heads = 2\n"                                             /* 5 */
    "d_ff = 16\n"                                             /* 6 */
    "layers = 1\n"                                            /* 7 */
    "[input]\n"                                               /* 8 */
    "src = a b c\n"                                           /* 9 */
    "[run.other]\n"                                           /* 10 */
    "src = c b a\n"                                           /* 11 */
    "[steps]\n"                                               /* 12 */
    "step = enc.0.attn.weights | the weights\n"               /* 13 */
    "[figures]\n"                                             /* 14 */
    "figure = enc.0.attn.weights[head=1] | one head\n"        /* 15 */
    "[claim.rows]\n"                                          /* 16 */
    "says = Rows sum to 1.\n"                                 /* 17 */
    "check = max(abs(rowsum(enc.0.attn.weights) - 1)) <= 1e-6\n" /* 18 */
    "breaks = scale\n"                                        /* 19 */
    "[fact.keeps]\n"                                          /* 20 */
    "says = The block adds to its input.\n"                  /* 21 */
    "check = maxdiff(enc.0.resid_mid, enc.input + enc.0.attn.out) <= 1e-5\n"; /* 22 */
static const char good_md[] = "# Tiny\n\nIntro.\n\n## enc.0.attn.weights\nLook at the rows.\n";

typedef struct {
    const char *find, *replace;  /* in good_ini (or good_md when md) */
    bool md;
    bool at_validate;            /* refused by lesson_validate, after running */
    const char *message;
    const char *md_find, *md_replace;  /* a change to lesson.md that goes with the ini's */
} BadLesson;

static const BadLesson bad_lessons[] = {
    {"title = A tiny lesson\n", "", false, false, "[lesson] needs a title", NULL, NULL},
    {"[steps]", "[stpes]", false, false, "lesson.ini:12: unknown section [stpes]", NULL, NULL},
    {"check = max(abs(rowsum(enc.0.attn.weights) - 1)) <= 1e-6", "check = max(abs(enc.0.attn.weights) <= 1", false,
     false, "lesson.ini:18: bad claim: column", NULL, NULL},
    {"check = max(abs(rowsum(enc.0.attn.weights) - 1)) <= 1e-6", "check = max(enc.0.attn.weights) = 1", false, false,
     "lesson.ini:18: bad claim: column 25: write '=='", NULL, NULL},
    {"check = max(abs(rowsum(enc.0.attn.weights) - 1)) <= 1e-6", "check = max(enc.0.attn.weights@nope) == 1", false,
     false, "lesson.ini:18: 'enc.0.attn.weights@nope' names run 'nope'", NULL, NULL},
    {"says = Rows sum to 1.\n", "", false, false, "lesson.ini:17: [claim.rows] has no 'says'", NULL, NULL},
    {"step = enc.0.attn.weights | the weights", "step = enc.0.attn.weights", false, false,
     "lesson.ini:13: step 'enc.0.attn.weights' has no note", NULL, NULL},
    {"step = enc.0.attn.weights | the weights", "step = enc.0.attn.weights@elsewhere | w", false, false,
     "lesson.ini:13: 'enc.0.attn.weights@elsewhere' names run 'elsewhere'", NULL, NULL},
    {"figure = enc.0.attn.weights[head=1]", "figure = enc.0.attn.weights[query=1]", false, false,
     "lesson.ini:15: a figure takes [head=H] and [batch=B] only", NULL, NULL},
    {"heads = 2", "heads = 3", false, false, "lesson.ini", NULL, NULL},  /* 8 is not divisible by 3 */
    {"src = c b a", "colour = red", false, false, "lesson.ini:11", NULL, NULL},
    {"[claim.rows]", "[claim.a b]", false, false, "lesson.ini:16: [claim.a b]: a claim ID", NULL, NULL},
    {"step = enc.0.attn.weights | the weights", "whatever = 1", false, false, "lesson.ini:13: unknown key 'whatever'", NULL, NULL},
    /* what breaks a claim, and facts */
    {"breaks = scale\n", "", false, false, "lesson.ini:18: [claim.rows] does not say which switch breaks it", NULL,
     NULL},
    {"breaks = scale", "breaks = sclae", false, false, "lesson.ini:19: breaks: no switch 'sclae' (the switches: causal-mask,",
     NULL, NULL},
    {"breaks = scale", "breaks = scale=maybe", false, false, "lesson.ini:19: breaks: --scale 'maybe': on or off", NULL,
     NULL},
    {"breaks = scale", "breaks = scale, scale=off", false, false, "lesson.ini:19: breaks: scale=off is listed twice",
     NULL, NULL},
    {"breaks = scale", "breaks = scale,", false, false, "lesson.ini:19: breaks = 'scale,': expected SWITCH", NULL,
     NULL},
    {"breaks = scale\n", "breaks = scale\nbreaks = residual\n", false, false,
     "lesson.ini:20: [claim.rows] says breaks twice (line 19)", NULL, NULL},
    {"[fact.keeps]\n", "[fact.keeps]\nbreaks = residual\n", false, false,
     "lesson.ini:21: [fact.keeps] has breaks: a fact holds under every switch", NULL, NULL},
    {"[fact.keeps]", "[fact.rows]", false, false, "lesson.ini:20: [fact.rows]: the ID 'rows' is taken by [claim.rows]",
     NULL, NULL},
    {"[claim.rows]\nsays = Rows sum to 1.\ncheck = max(abs(rowsum(enc.0.attn.weights) - 1)) <= 1e-6\nbreaks = scale\n",
     "[fact.rows]\nsays = Rows sum to 1.\ncheck = max(abs(rowsum(enc.0.attn.weights) - 1)) <= 1e-6\n", false, false,
     "the lesson makes no claims", NULL, NULL},
    {"enc.input + enc.0.attn.out) <= 1e-5", "enc.input + enc.0.attn.out) <= 1e-5 and", false, false,
     "lesson.ini:22: bad claim: column 65 (at the end): expected a comparison", NULL, NULL},
    /* names that only the traces can refute */
    {"step = enc.0.attn.weights | the weights", "step = enc.9.attn.weights | the weights", false, true,
     "lesson.ini:13: step 'enc.9.attn.weights' matches no record of run main", "## enc.0", "## enc.9"},
    {"max(abs(rowsum(enc.0.attn.weights) - 1))", "max(abs(rowsum(enc.0.attn.wieghts) - 1))", false, true,
     "lesson.ini:18: claim record 'enc.0.attn.wieghts' matches no record", NULL, NULL},
    {"figure = enc.0.attn.weights[head=1]", "figure = dec.7.*[head=1]", false, true,
     "lesson.ini:15: figure 'dec.7.*' matches no record", NULL, NULL},
    /* Chinese step notes */
    {"[steps]\n", "[steps]\nstep.zh = 权重\n", false, false, "lesson.ini:13: step.zh comes before any step", NULL,
     NULL},
    {"| the weights\n", "| the weights\nstep.zh = 权重\nstep.zh = 又一个\n", false, false,
     "lesson.ini:15: step 'enc.0.attn.weights' already has a step.zh", NULL, NULL},
    {"| the weights\n", "| the weights\nstep.zh =\n", false, false, "lesson.ini:14: step.zh of step", NULL, NULL},
    {"| the weights\n", "| the weights\nstep.zh = 这一行太长这一行太长这一行太长这一行太长这一行太长这一行太长这一行太长"
                        "这一行太长这一行太长这一行太长这一行太长这一行太长这一行太长这一行太长这一行太长这一行太长"
                        "这一行太长这一行太长\n",
     false, false, "lesson.ini:14: step.zh of step 'enc.0.attn.weights' is longer than 255 bytes", NULL, NULL},
    {"[figures]\n", "[figures]\nstep.zh = 权重\n", false, false, "lesson.ini:15: unknown key 'step.zh'", NULL, NULL},
    /* [try], src_from / tgt_from, only */
    {"[steps]\n", "[try]\ntgt = b a\n[steps]\n", false, false, "lesson.ini:13: [try] tgt comes before any src", NULL,
     NULL},
    {"[steps]\n", "[try]\nsrc = a b\ntgt = b a\ntgt = a\n[steps]\n", false, false,
     "lesson.ini:15: [try] the sentence of line 13 already has a tgt", NULL, NULL},
    {"[steps]\n", "[try]\nsentence = a b\n[steps]\n", false, false, "lesson.ini:13: unknown key 'sentence' in [try]",
     NULL, NULL},
    {"[steps]\n", "[try]\nsrc =\n[steps]\n", false, false, "lesson.ini:13: [try] src is empty", NULL, NULL},
    {"[steps]\n", "[try]\nsrc = a b\nsrc = abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh\n[steps]\n", false, false,
     "lesson.ini:14: [try] src longer than 511 bytes", NULL, NULL},
    {"src = c b a", "src_from = main backwards", false, false,
     "lesson.ini:11: src_from = 'main backwards': write src_from = main", NULL, NULL},
    {"src = c b a", "tgt_from = other", false, false, "lesson.ini:11: tgt_from = 'other'", NULL, NULL},
    {"src = c b a", "src_from = main thrice", false, false,
     "lesson.ini:11: src_from = 'main thrice': write src_from = main (the main run's sentence), src_from = main "
     "reversed or src_from = main twice", NULL, NULL},
    {"src = c b a", "src = c b a\nsrc_from = main reversed", false, false,
     "lesson.ini:11: [run.other] sets src and src_from", NULL, NULL},
    {"src = a b c\n", "src = a b c\n[run.main]\nsrc_from = main reversed\n", false, false,
     "lesson.ini:11: src_from: the main run's sentence", NULL, NULL},
    {"<= 1e-6\n", "<= 1e-6\nonly = this sentence\n", false, false, "lesson.ini:19: only = 'this sentence'", NULL,
     NULL},
    /* sampling keys: with generate, and top_k / sample_seed with a temperature */
    {"src = c b a", "temperature = 1", false, false,
     "lesson.ini:11: [run.other] sets how to sample but does not generate", NULL, NULL},
    {"src = c b a", "generate = 2\nsample_seed = 3", false, false,
     "lesson.ini:12: [run.other] sets sample_seed, which applies to sampling, but decoding is greedy", NULL, NULL},
    {"src = c b a", "generate = 2\ntop_k = 2\ntemperature = 0", false, false,
     "lesson.ini:12: [run.other] sets top_k, which applies to sampling", NULL, NULL},
    {"src = c b a", "temperature = hot", false, false, "lesson.ini:11: temperature = 'hot': a finite number", NULL,
     NULL},
    {"src = c b a", "temperature = -1", false, false, "lesson.ini:11: temperature = '-1'", NULL, NULL},
    {"src = c b a", "temperature = 1e99", false, false, "lesson.ini:11: temperature = '1e99'", NULL, NULL},
    {"src = c b a", "top_k = 0", false, false, "lesson.ini:11: top_k = '0'", NULL, NULL},
    {"src = c b a", "sample_seed = -1", false, false, "lesson.ini:11: sample_seed = '-1'", NULL, NULL},
    /* narration */
    {"## enc.0.attn.weights", "## enc.0.attn.weight", true, false, "lesson.md:5: '## enc.0.attn.weight' names no step", NULL, NULL},
    {"## enc.0.attn.weights\nLook at the rows.\n", "", true, false, "step 'enc.0.attn.weights' (", NULL, NULL},
};

static void write_text(const char *path, const char *text)
{
    scratch_write(path, text, strlen(text));
}

static char *replaced(const char *text, const char *find, const char *repl)
{
    const char *at = strstr(text, find);
    assert_non_null(at);
    size_t n = strlen(text) - strlen(find) + strlen(repl) + 1;
    char *out = malloc(n);
    assert_non_null(out);
    snprintf(out, n, "%.*s%s%s", (int)(at - text), text, repl, at + strlen(find));
    return out;
}

static void test_bad_lessons_refused(void **state)
{
    const Scratch *s = *state;
    /* the good lesson itself loads, runs and holds */
    char dir[600], path[700];
    snprintf(dir, sizeof dir, "%s/99-tiny", s->dir);
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/lesson.ini", dir);
    write_text(path, good_ini);
    snprintf(path, sizeof path, "%s/lesson.md", dir);
    write_text(path, good_md);
    Lesson *l = load(dir);
    int failed;
    free(run_and_check(s, l, NULL, "tiny", &failed));
    assert_int_equal(failed, 0);
    lesson_free(l);

    for (size_t i = 0; i < sizeof bad_lessons / sizeof bad_lessons[0]; i++) {
        const BadLesson *b = &bad_lessons[i];
        char *ini = b->md ? strdup(good_ini) : replaced(good_ini, b->find, b->replace);
        char *md = b->md ? replaced(good_md, b->find, b->replace)
                   : b->md_find ? replaced(good_md, b->md_find, b->md_replace) : strdup(good_md);
        snprintf(path, sizeof path, "%s/lesson.ini", dir);
        write_text(path, ini);
        snprintf(path, sizeof path, "%s/lesson.md", dir);
        write_text(path, md);
        free(ini);
        free(md);
        Error err = {0};
        Status st = lesson_load(&l, data_dir(), dir, &err);
        if (b->at_validate && st == TF_OK) {
            char out[700];
            snprintf(out, sizeof out, "%s/bad%zu", s->dir, i);
            LessonTraces t;
            st = lesson_run(l, NULL, out, &t, &err);
            if (st == TF_OK)
                st = lesson_validate(l, &t, &err);
            lesson_free(l);
        }
        if (st != TF_ERR_INPUT || !strstr(err.msg, b->message))
            fail_msg("case %zu: status %d, message '%s', expected '%s'", i, st, err.msg, b->message);
    }
}

/* Narration: a fence hides headings, CRLF line ends are fine, the title
 * line is not part of the introduction, blank lines around text go. */
static void test_narration_format(void **state)
{
    const Scratch *s = *state;
    char dir[600], path[700];
    snprintf(dir, sizeof dir, "%s/97-md", s->dir);
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/lesson.ini", dir);
    write_text(path, good_ini);
    snprintf(path, sizeof path, "%s/lesson.md", dir);
    write_text(path, "# Title\r\n\r\nThe intro.\r\n\r\n## enc.0.attn.weights\r\n\r\nRows.\r\n```\r\n"
                     "## not a heading\r\n```\r\n\r\n");
    Lesson *l = load(dir);
    assert_string_equal(lesson_intro(l, "en"), "The intro.");
    const char *t = lesson_step_narration(l, 0, "en");
    assert_non_null(t);
    assert_true(strncmp(t, "Rows.", 5) == 0);
    assert_non_null(strstr(t, "## not a heading"));
    assert_null(strchr(t, '\r'));
    assert_null(lesson_step_narration(l, 0, "zh"));  /* no lesson.zh.md */
    assert_null(lesson_intro(l, "zh"));
    assert_string_equal(lesson_title(l, "zh"), "A tiny lesson");  /* falls back to English */
    /* without step.zh a step's note is English in both languages */
    assert_string_equal(lesson_step(l, 0)->note_zh, "");
    assert_string_equal(lesson_step_note(l, 0, "zh"), "the weights");
    assert_string_equal(lesson_step_note(l, 0, NULL), "the weights");
    assert_null(lesson_step_note(l, 1, "en"));
    lesson_free(l);

    /* step.zh under its step (a comment between them is fine) gives it a
     * Chinese note; the English one is unchanged */
    char *ini = replaced(good_ini, "| the weights\n", "| the weights\n; its note in Chinese\nstep.zh =  权重：每行加起来是 1 \n");
    snprintf(path, sizeof path, "%s/lesson.ini", dir);
    write_text(path, ini);
    free(ini);
    l = load(dir);
    assert_string_equal(lesson_step(l, 0)->note, "the weights");
    assert_string_equal(lesson_step(l, 0)->note_zh, "权重：每行加起来是 1");
    assert_string_equal(lesson_step_note(l, 0, "zh"), "权重：每行加起来是 1");
    assert_string_equal(lesson_step_note(l, 0, "en"), "the weights");
    lesson_free(l);
}

/* What lessons 2, 5, 6 and 8 will need: shipped weights, a training step
 * with and without residual connections compared, generation without the
 * cache, and a norms figure. */
static void test_later_lessons_expressible(void **state)
{
    const Scratch *s = *state;
    char dir[600], path[700];
    snprintf(dir, sizeof dir, "%s/98-later", s->dir);
    mkdir(dir, 0700);
    Config *c = malloc(sizeof *c);
    Model *m = malloc(sizeof *m);
    assert_non_null(c);
    assert_non_null(m);
    config_defaults(c);
    Error err = {0};
    assert_int_equal(config_set(c, "tokens", "a b c", NULL, &err), TF_OK);
    assert_int_equal(model_init_random(m, c, &err), TF_OK);
    snprintf(path, sizeof path, "%s/model.tfw", dir);
    assert_int_equal(weights_save_tfw(m, path, &err), TF_OK);
    model_free(m);
    free(m);
    free(c);
    snprintf(path, sizeof path, "%s/lesson.ini", dir);
    write_text(path, "[lesson]\ntitle = Later\nweights = model.tfw\n"
                     "[input]\nsrc = a b c\ntgt = c b a\n"
                     "[run.train]\ntrain_step = yes\n"
                     "[run.plain]\ntrain_step = yes\nresidual = off\n"
                     "[run.gen]\ngenerate = 2\ncache = no\n"
                     "[steps]\nstep = grad.enc.0.input@train | the gradient entering layer 0\n"
                     "step = gen.*.dec.logits@gen | every step's logits\n"
                     "[figures]\nfigure = norms@train | norms\n"
                     "[fact.grads]\nsays = There are gradients.\ncheck = sum(grad.norms.enc@train) > 0\n"
                     "[claim.residual]\nsays = Residuals change them.\n"
                     "check = maxdiff(grad.norms.enc@train, grad.norms.enc@plain) > 0\nbreaks = residual\n"
                     "[fact.shipped]\nsays = The shipped model is 32 wide.\ncheck = count(enc.embed[token=0]) == 32\n");
    snprintf(path, sizeof path, "%s/lesson.md", dir);
    write_text(path, "## grad.enc.0.input@train\nGradients.\n## gen.*.dec.logits@gen\nLogits.\n");
    Lesson *l = load(dir);
    assert_int_equal(lesson_run_count(l), 4);
    int failed;
    ClaimResult *res = run_and_check(s, l, NULL, "later", &failed);
    for (int k = 0; k < lesson_claim_count(l); k++)
        if (!res[k].pass)
            fail_msg("claim %s: %s", res[k].id, res[k].measured);
    free(res);
    assert_non_null(lesson_narration(l, "gen.1.dec.logits@gen", "en"));
    lesson_free(l);
}

/* A run samples when it sets a temperature: from its sample_seed (1 when
 * absent), among its top_k tokens. Sampling among the top 1 is greedy;
 * the same seed draws the same tokens, another seed others. */
static void test_sampling_runs(void **state)
{
    const Scratch *s = *state;
    char dir[600], path[700];
    snprintf(dir, sizeof dir, "%s/96-sampling", s->dir);
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/lesson.ini", dir);
    write_text(path, "[lesson]\ntitle = Sampling\n"
                     "[model]\narch = decoder-only\nd_model = 16\nheads = 2\nd_ff = 32\nlayers = 1\n"
                     "[vocab]\ntokens = a b c d e f g h\n"
                     "[input]\ntgt = a b\n"
                     "[run.main]\ngenerate = 12\n"
                     "[run.top1]\ngenerate = 12\ntemperature = 1\ntop_k = 1\n"
                     "[run.hot]\ngenerate = 12\ntemperature = 3\nsample_seed = 7\n"
                     "[run.hot_again]\nsample_seed = 7\ntemperature = 3\ngenerate = 12\n"
                     "[run.hot_other]\ngenerate = 12\ntemperature = 3\nsample_seed = 8\n"
                     "[steps]\nstep = gen.tokens@hot | what was drawn\n"
                     "[claim.top1]\nsays = Sampling among the top 1 is greedy.\n"
                     "check = maxdiff(gen.tokens@top1, gen.tokens@main) == 0\nbreaks = scale\n"
                     "[claim.seeded]\nsays = The same seed draws the same tokens.\n"
                     "check = maxdiff(gen.tokens@hot, gen.tokens@hot_again) == 0 and count(gen.0.sampling@hot) == count(gen.0.dec.logits@hot)\n"
                     "breaks = scale\n");
    snprintf(path, sizeof path, "%s/lesson.md", dir);
    write_text(path, "## gen.tokens@hot\nDrawn.\n");
    Lesson *l = load(dir);
    int failed;
    ClaimResult *res = run_and_check(s, l, NULL, "sampling", &failed);
    for (int k = 0; k < lesson_claim_count(l); k++)
        if (!res[k].pass)
            fail_msg("claim %s: %s", res[k].id, res[k].measured);
    free(res);
    lesson_free(l);

    /* the traces say how they were decoded, and seed 8 drew other tokens */
    char *meta_of[3] = {NULL};
    float tokens[2][16];
    uint32_t n_tokens[2] = {0};
    const char *runs[3] = {"main", "hot", "hot_other"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/sampling/%s.trace", s->dir, runs[i]);
        TraceReader *r;
        Error err = {0};
        if (trace_reader_open(&r, path, &err) != TF_OK)
            fail_msg("%s: %s", path, err.msg);
        meta_of[i] = strdup(trace_reader_meta(r));
        long idx = trace_reader_find(r, "gen.tokens");
        assert_true(idx >= 0);
        assert_true((trace_reader_find(r, "gen.0.sampling") >= 0) == (i > 0));
        if (i > 0) {
            TraceRecord tr;
            assert_int_equal(trace_reader_get(r, (uint32_t)idx, &tr, &err), TF_OK);
            n_tokens[i - 1] = tr.rec.dims[0] < 16 ? tr.rec.dims[0] : 16;
            memcpy(tokens[i - 1], tr.rec.data, n_tokens[i - 1] * sizeof(float));
            trace_record_release(&tr);
        }
        trace_reader_close(r);
    }
    assert_null(strstr(meta_of[0], "decoding = sampling"));
    assert_non_null(strstr(meta_of[1], "decoding = sampling\ntemperature = 3\ntop_k = 0\nsample_seed = 7\n"));
    assert_non_null(strstr(meta_of[2], "sample_seed = 8\n"));
    assert_true(n_tokens[0] != n_tokens[1] || memcmp(tokens[0], tokens[1], n_tokens[0] * sizeof(float)) != 0);
    for (int i = 0; i < 3; i++)
        free(meta_of[i]);
}

/* Lines of gen.tokens' labels from token `from` on, counted here apart
 * from verse_form.c: lines closed by a mark at or after `from`, and those
 * of 5 or 7 characters closed by ， or 。. */
static void count_lines(const Record *rec, int from, int *lines, int *in_form)
{
    static const char *const marks[] = {"，", "。", "？", "！", "；"};
    int open = 0;
    *lines = *in_form = 0;
    for (uint32_t t = 0; t < rec->dims[0]; t++) {
        const char *lab = rec->col_labels[t];
        if (strcmp(lab, "<END>") == 0)
            break;
        int mark = -1;
        for (int k = 0; k < 5; k++)
            if (strcmp(lab, marks[k]) == 0)
                mark = k;
        if (mark < 0) {
            open++;
            continue;
        }
        if ((int)t >= from) {
            (*lines)++;
            *in_form += (open == 5 || open == 7) && mark < 2;
        }
        open = 0;
    }
}

/* lineform() on a trace a seeded character-level model generated: its
 * token labels reach the claim, and the prompt's length read from
 * another run leaves the prompt's line out. */
static void test_lineform_claim(void **state)
{
    const Scratch *s = *state;
    char dir[600], path[700];
    snprintf(dir, sizeof dir, "%s/95-verse", s->dir);
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/lesson.ini", dir);
    write_text(path, "[lesson]\ntitle = Verse\n"
                     "[model]\narch = decoder-only\nd_model = 16\nheads = 2\nd_ff = 32\nlayers = 1\nmax_len = 64\n"
                     "[vocab]\ntokenizer = chars\ntokens = 床 前 明 月 光 ， 。\n"
                     "[input]\ntgt = 床 前 明 月 光 ，\n"
                     "[run.gen]\ngenerate = 48\ntemperature = 1\nsample_seed = 8\n"
                     "[steps]\nstep = gen.tokens@gen | what was written\n"
                     "[claim.form]\nsays = A rate.\ncheck = lineform(gen.tokens@gen, count(tgt.tokens)) >= 0\n"
                     "breaks = scale\n");
    snprintf(path, sizeof path, "%s/lesson.md", dir);
    write_text(path, "## gen.tokens@gen\nWritten.\n");
    Lesson *l = load(dir);
    int failed;
    free(run_and_check(s, l, NULL, "verse", &failed));
    assert_int_equal(failed, 0);
    LessonTraces t;
    Error err = {0};
    snprintf(path, sizeof path, "%s/verse", s->dir);
    assert_int_equal(lesson_run(l, NULL, path, &t, &err), TF_OK);

    TraceReader *r;
    snprintf(path, sizeof path, "%s/verse/gen.trace", s->dir);
    assert_int_equal(trace_reader_open(&r, path, &err), TF_OK);
    TraceRecord tr;
    long idx = trace_reader_find(r, "gen.tokens");
    assert_true(idx >= 0);
    assert_int_equal(trace_reader_get(r, (uint32_t)idx, &tr, &err), TF_OK);
    assert_non_null(tr.rec.col_labels);
    int lines_all, form_all, lines_gen, form_gen;
    count_lines(&tr.rec, 0, &lines_all, &form_all);
    count_lines(&tr.rec, 6, &lines_gen, &form_gen);
    trace_record_release(&tr);
    trace_reader_close(r);
    assert_int_equal(lines_all, lines_gen + 1);  /* the prompt's line */
    assert_true(lines_gen >= 3 && form_gen >= 1);  /* enough to tell the two apart */

    const struct {
        const char *expr;
        double want;
    } cases[] = {
        {"lineform(gen.tokens@gen)", (double)form_all / lines_all},
        {"lineform(gen.tokens@gen, count(tgt.tokens@main))", (double)form_gen / lines_gen},
        {"lineform(gen.tokens@gen, 6)", (double)form_gen / lines_gen},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Claim c;
        assert_int_equal(claim_parse_value(cases[i].expr, &c, &err), TF_OK);
        double v = -1;
        if (lesson_eval_value(l, &t, &c, &v, &err) != TF_OK)
            fail_msg("%s: %s", cases[i].expr, err.msg);
        claim_free(&c);
        if (fabs(v - cases[i].want) > 1e-12)
            fail_msg("%s = %g, counted %g (%d of %d lines, %d of %d generated)", cases[i].expr, v, cases[i].want,
                     form_all, lines_all, form_gen, lines_gen);
    }
    lesson_free(l);
}

/* The mask switches are ordinary config keys, written into traces. */
static void test_mask_keys(void **state)
{
    (void)state;
    Config *c = malloc(sizeof *c);
    assert_non_null(c);
    config_defaults(c);
    assert_true(c->causal_mask && c->padding_mask);
    Error err = {0};
    assert_int_equal(config_set(c, "causal-mask", "off", NULL, &err), TF_OK);
    assert_int_equal(config_set(c, "padding_mask", "off", NULL, &err), TF_OK);
    assert_int_equal(config_set(c, "padding_mask", "sometimes", NULL, &err), TF_ERR_INPUT);
    char ini[8192];
    config_to_ini(c, ini, sizeof ini);
    assert_non_null(strstr(ini, "causal_mask = off"));
    assert_non_null(strstr(ini, "padding_mask = off"));
    config_defaults(c);
    assert_int_equal(config_load_ini_text(c, ini, "t.ini", &err), TF_OK);
    assert_false(c->causal_mask);
    assert_false(c->padding_mask);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate_setup_teardown(test_every_lesson_holds, scratch_setup, scratch_teardown, NULL),
        cmocka_unit_test_prestate_setup_teardown(test_breaks_matrix, scratch_setup, scratch_teardown, NULL),
        cmocka_unit_test_prestate_setup_teardown(test_both_masks_off, scratch_setup, scratch_teardown, NULL),
        cmocka_unit_test_prestate_setup_teardown(test_edited_sentence, scratch_setup, scratch_teardown, NULL),
        cmocka_unit_test_prestate_setup_teardown(test_try_sentences, scratch_setup, scratch_teardown, NULL),
        cmocka_unit_test_prestate_setup_teardown(test_derived_and_skipped, scratch_setup, scratch_teardown, NULL),
        cmocka_unit_test(test_narration_lookup),
        cmocka_unit_test_prestate_setup_teardown(test_bad_lessons_refused, scratch_setup, scratch_teardown, NULL),
        cmocka_unit_test_prestate_setup_teardown(test_later_lessons_expressible, scratch_setup, scratch_teardown, NULL),
        cmocka_unit_test(test_mask_keys),
        cmocka_unit_test_prestate_setup_teardown(test_sampling_runs, scratch_setup, scratch_teardown, NULL),
        cmocka_unit_test_prestate_setup_teardown(test_lineform_claim, scratch_setup, scratch_teardown, NULL),
        cmocka_unit_test_prestate_setup_teardown(test_narration_format, scratch_setup, scratch_teardown, NULL),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
