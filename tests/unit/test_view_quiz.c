/* test_view_quiz.c — a walk's questions in the viewer, without a terminal
 * (view/quiz.h): the prompt opens on arriving at a question, the numbers
 * stay hidden until it is answered or skipped, an unreadable answer is
 * said and asked again, a wrong and a right answer are graded through the
 * hook and revealed with the explanation, the hint, Esc and Enter, the
 * language, the score and the end of the walk; and action lines ("> try
 * M: ...") parsed and marked done once their key is pressed on their step.
 *
 * The hooks are plain functions over a small struct, as
 * src/cli/lesson_view.c adapts lesson.h's questions. */
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
#include "trace/trace.h"
#include "view/keys.h"
#include "view/quiz.h"
#include "view/state.h"

#include "../support/scratch.h"

#define MAO "\xe7\x8c\xab"                 /* 猫 */
#define LAOSHU "\xe8\x80\x81\xe9\xbc\xa0"  /* 老鼠 */
#define ZHUI "\xe8\xbf\xbd"                /* 追 */

static Status make_trace(const char *path, Error *err)
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
    c->heads = 2;
    c->d_ff = 32;
    c->enc_layers = 1;
    c->dec_layers = 1;
    snprintf(c->vocab, sizeof c->vocab, "%s", MAO " " ZHUI " " LAOSHU " cat chases mouse");
    snprintf(c->src[c->n_src++], sizeof c->src[0], "%s", MAO " " ZHUI " " LAOSHU);
    snprintf(c->tgt[c->n_tgt++], sizeof c->tgt[0], "%s", "<START> cat chases mouse");
    if ((st = config_validate(c, err)) || (st = model_init_random(m, c, err)))
        goto out;
    if ((st = batch_build(&b, &m->cfg, &m->vocab, NULL, NULL, err)))
        goto out_model;
    if ((st = activations_init(&acts, m, &b, err)))
        goto out_batch;
    model_forward(m, &b, &acts);
    TraceWriter *w;
    if ((st = trace_writer_open(&w, path, "", err)) == TF_OK) {
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

/* ---- fake hooks: four steps, questions at steps 2, 3 and 4 ---- */

static const char *const steps[] = {"enc.pos", "enc.0.attn.raw", "enc.0.attn.weights", "dec.0.self_attn.weights"};
#define N_STEPS 4

typedef struct {
    int asked;    /* question hook calls */
    int graded;   /* answer hook calls */
} Fake;

static const char *fake_lookup(void *ctx, const char *name, ViewLang lang)
{
    (void)ctx;
    if (strcmp(name, "enc.0.attn.weights") == 0)
        return lang == VIEW_LANG_ZH ? "\xe6\x9d\x83\xe9\x87\x8d\xe3\x80\x82" : "The weights.\n\n> try M: turn the causal mask off and watch row 0";
    if (strcmp(name, "enc.0.attn.raw") == 0)
        return "The raw scores.";
    return "Positions.";
}

static int fake_n_steps(void *ctx)
{
    (void)ctx;
    return N_STEPS;
}

static bool fake_step(void *ctx, int k, ViewLang lang, ViewGuideStep *out)
{
    (void)ctx;
    (void)lang;
    if (k < 0 || k >= N_STEPS)
        return false;
    out->record = steps[k];
    return true;
}

static bool fake_has_question(void *ctx, int k)
{
    (void)ctx;
    return k >= 1 && k <= 3;
}

static bool fake_question(void *ctx, int k, ViewLang lang, ViewQuestion *out)
{
    Fake *f = ctx;
    f->asked++;
    bool zh = lang == VIEW_LANG_ZH;
    switch (k) {
    case 1:
        out->kind = VIEW_Q_NUMBER;
        out->text = zh ? "\xe7\xae\x97\xe4\xb8\x80\xe4\xb8\xaa\xe5\x88\x86\xe6\x95\xb0" : "Compute one raw score.";  /* 算一个分数 */
        out->hint = "q times k.";
        out->explanation = "The dot product of q and k.";
        snprintf(out->expected, sizeof out->expected, "0.5");
        return true;
    case 2:
        out->kind = VIEW_Q_CHOOSE;
        out->text = "Which key will row 0 attend to most?";
        out->explanation = "Its biggest raw score wins.";
        out->n_choices = 3;
        snprintf(out->choice[0], sizeof out->choice[0], MAO);
        snprintf(out->choice[1], sizeof out->choice[1], ZHUI);
        snprintf(out->choice[2], sizeof out->choice[2], LAOSHU);
        snprintf(out->expected, sizeof out->expected, ZHUI);
        snprintf(out->changes, sizeof out->changes, "causal mask off");
        return true;
    case 3:
        out->kind = VIEW_Q_ORDER;
        out->text = "Rank the heads by entropy.";
        out->n_choices = 2;
        snprintf(out->choice[0], sizeof out->choice[0], "head 0");
        snprintf(out->choice[1], sizeof out->choice[1], "head 1");
        snprintf(out->detail[0], sizeof out->detail[0], "the first\nhead");
        snprintf(out->expected, sizeof out->expected, "head 1, head 0");
        return true;
    }
    return false;
}

static void fake_answer(void *ctx, int k, const char *typed, ViewLang lang, ViewAnswer *out)
{
    (void)lang;
    Fake *f = ctx;
    f->graded++;
    snprintf(out->said, sizeof out->said, "%s", typed);
    if (!typed[0] || strcmp(typed, "skip") == 0) {
        out->grade = VIEW_ANSWER_SKIPPED;
        return;
    }
    if (k == 1) {
        char *end;
        double v = strtod(typed, &end);
        if (*end) {
            out->grade = VIEW_ANSWER_UNREADABLE;
            snprintf(out->why, sizeof out->why, "'%s' is not a number", typed);
            return;
        }
        out->grade = v > 0.49 && v < 0.51 ? VIEW_ANSWER_CORRECT : VIEW_ANSWER_WRONG;
        return;
    }
    if (k == 2) {
        out->grade = strcmp(typed, "b") == 0 ? VIEW_ANSWER_CORRECT : VIEW_ANSWER_WRONG;
        snprintf(out->said, sizeof out->said, "%s", typed[0] == 'a' ? MAO : typed[0] == 'b' ? ZHUI : LAOSHU);
        return;
    }
    out->grade = strcmp(typed, "b a") == 0 ? VIEW_ANSWER_CORRECT : VIEW_ANSWER_WRONG;
}

typedef struct {
    Fake fake;
    Scratch *dir;
    TraceReader *a;
    ViewState v;
} Fixture;

static int setup(void **state)
{
    setlocale(LC_ALL, "C.UTF-8");
    Fixture *f = calloc(1, sizeof *f);
    if (!f || !(f->dir = scratch_open("view_quiz", NULL)))
        return -1;
    char path[512];
    snprintf(path, sizeof path, "%s/quiz.trace", f->dir->dir);
    Error err;
    if (make_trace(path, &err) || trace_reader_open(&f->a, path, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    ViewConfig cfg = {.a = f->a,
                      .start = "enc.pos",
                      .narration = {.lookup = fake_lookup,
                                    .n_steps = fake_n_steps,
                                    .step = fake_step,
                                    .ctx = &f->fake,
                                    .has_question = fake_has_question,
                                    .question = fake_question,
                                    .answer = fake_answer},
                      .theme = {true, true},
                      .lines = 40,
                      .cols = 130};
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
    trace_reader_close(f->a);
    int rc = scratch_close(f->dir);
    free(f);
    setlocale(LC_ALL, "C");
    return rc;
}

static void type(ViewState *s, const char *text)
{
    for (const char *p = text; *p; p++)
        view_key(s, (unsigned char)*p);
}

static bool narration_has(const ViewState *s, const char *what)
{
    bool fb;
    const char *t = view_narration_text(s, &fb);
    return t && strstr(t, what);
}

/* ---- the questions ---- */

static void test_question_hides_until_answered(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    assert_int_equal(view_quiz_total(s), 3);
    assert_false(s->asking);  /* step 1 asks nothing */
    assert_false(view_quiz_hides(s));
    view_key(s, 'N');  /* step 2: a number */
    assert_string_equal(view_name(s, s->cur), "enc.0.attn.raw");
    assert_true(s->asking);
    assert_true(view_quiz_hides(s));
    assert_true(narration_has(s, "Question 1 of 3"));
    assert_true(narration_has(s, "Compute one raw score."));
    assert_false(narration_has(s, "The raw scores."));  /* the narration comes with the answer */
    assert_false(narration_has(s, "q times k."));
    /* the keys belong to the prompt: N is typed, not a step */
    view_key(s, KEY_CTRL('t'));
    assert_true(narration_has(s, "Hint: q times k."));
    type(s, "x");
    view_key(s, '\n');  /* unreadable: said, and asked again */
    assert_true(s->asking);
    assert_true(view_quiz_hides(s));
    assert_int_equal(s->msg_kind, MSG_ERROR);
    assert_non_null(strstr(s->msg, "cannot read that answer: 'x' is not a number"));
    view_key(s, 127);
    type(s, "0.7");  /* wrong */
    view_key(s, '\n');
    assert_false(s->asking);
    assert_false(view_quiz_hides(s));
    assert_non_null(strstr(s->msg, "not quite: you said 0.7, the answer is 0.5"));
    assert_true(narration_has(s, "Not quite."));
    assert_true(narration_has(s, "Expected, measured on this run: 0.5."));
    assert_true(narration_has(s, "The dot product of q and k."));
    assert_true(narration_has(s, "The raw scores."));  /* the step's own narration, after */
    assert_int_equal(view_quiz_right(s), 0);

    /* step 3: choose, by arrows and letters; Esc leaves, Enter comes back */
    view_key(s, 'N');
    assert_string_equal(view_name(s, s->cur), "enc.0.attn.weights");
    assert_true(s->asking);
    assert_int_equal(s->choice, 0);
    view_key(s, KEY_LEFT);  /* wraps to the last */
    assert_int_equal(s->choice, 2);
    view_key(s, 'a');
    assert_int_equal(s->choice, 0);
    view_key(s, KEY_RIGHT);
    assert_int_equal(s->choice, 1);
    view_key(s, 27);
    assert_false(s->asking);
    assert_true(view_quiz_hides(s));  /* still hidden */
    view_key(s, 'L');  /* the main view's keys again */
    assert_int_equal(s->lang, VIEW_LANG_ZH);
    view_key(s, 'L');
    view_key(s, '\n');
    assert_true(s->asking);
    view_key(s, 'b');
    view_key(s, '\n');
    assert_false(view_quiz_hides(s));
    assert_non_null(strstr(s->msg, "right: " ZHUI));
    assert_true(narration_has(s, "Right."));
    assert_true(narration_has(s, "The answer differs with causal mask off."));
    assert_true(narration_has(s, "Its biggest raw score wins."));
    assert_int_equal(view_quiz_right(s), 1);

    /* step 4: skipped */
    view_key(s, 'N');
    assert_true(s->asking);
    assert_true(narration_has(s, "- a) head 0: the first head\n- b) head 1\n"));  /* lettered, one line each */
    view_key(s, 27);
    view_key(s, 'x');  /* no numbers in a file either */
    assert_non_null(strstr(s->msg, "the question comes first"));
    assert_int_equal(s->pending, PENDING_NONE);
    view_key(s, '\n');
    view_key(s, KEY_CTRL('x'));
    assert_false(s->asking);
    assert_false(view_quiz_hides(s));
    assert_non_null(strstr(s->msg, "skipped: the answer is head 1, head 0"));
    assert_true(narration_has(s, "Skipped."));
    /* the end of the walk says the score */
    view_key(s, 'N');
    assert_non_null(strstr(s->msg, "questions: 1 of 3 right, 1 skipped"));
    /* answers are kept: back at an answered step, the matrix */
    view_key(s, 'P');
    view_key(s, 'P');
    assert_string_equal(view_name(s, s->cur), "enc.0.attn.raw");
    assert_false(s->asking);
    assert_false(view_quiz_hides(s));
    view_key(s, KEY_CTRL('x'));
    assert_non_null(strstr(s->msg, "answered"));
}

static void test_question_language_and_return(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    view_key(s, 'N');
    assert_true(s->asking);
    view_key(s, 27);
    view_key(s, 'L');  /* the question in Chinese, asked again in it */
    assert_true(narration_has(s, "\xe7\xae\x97\xe4\xb8\x80\xe4\xb8\xaa\xe5\x88\x86\xe6\x95\xb0"));
    assert_true(narration_has(s, "\xe9\x97\xae\xe9\xa2\x98 1"));  /* 问题 1 */
    view_key(s, 'L');
    /* left and come back: the prompt opens again, the question still hidden */
    view_key(s, 'P');
    assert_false(s->asking);
    assert_false(view_quiz_hides(s));
    view_key(s, 'N');
    assert_true(s->asking);
    assert_true(view_quiz_hides(s));
    /* typed text goes to the prompt, CJK included; Enter on empty skips */
    view_input_char(s, 0x732B);
    assert_string_equal(s->answer.text, MAO);
    view_key(s, KEY_CTRL('u'));
    view_key(s, '\n');
    assert_false(s->asking);
    assert_int_equal(view_quiz_skipped(s), 1);
    /* no question here: the keys say so */
    view_key(s, 'P');
    view_key(s, KEY_CTRL('t'));
    assert_non_null(strstr(s->msg, "asks no question"));
}

/* ---- action lines ---- */

static void test_action_lines(void **state)
{
    Fixture *f = *state;
    ViewState *s = &f->v;
    const char *en = "> try M: turn the causal mask off";
    assert_int_equal(view_action_key(en, strlen(en)), 'M');
    const char *zh = "> \xe8\xaf\x95\xe8\xaf\x95 M\xef\xbc\x9a\xe5\x85\xb3\xe6\x8e\x89";  /* > 试试 M：关掉 */
    assert_int_equal(view_action_key(zh, strlen(zh)), 'M');
    const char *no[] = {"try M: no quote mark", "> tryM: a word", "> try: nothing", "> try MM: two",
                        "> a quotation", "> try \xe7\x8c\xab: not a key"};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_int_equal(view_action_key(no[i], strlen(no[i])), 0);
    assert_int_equal(view_action_key(en, 7), 0);  /* cut before the colon */

    /* pressed on its step: done there, not elsewhere */
    view_key(s, 'N');
    assert_true(s->asking);  /* step 2 asks */
    view_key(s, 'N');        /* an untouched prompt: N walks on, the question unanswered */
    assert_true(s->asking);  /* step 3 asks too */
    view_key(s, 'P');        /* back at step 2: its prompt again */
    assert_true(s->asking);
    assert_int_equal(view_quiz_skipped(s), 0);
    view_key(s, '7');        /* an answer begun: N is a letter of it now */
    view_key(s, 'N');
    assert_true(s->asking);
    assert_string_equal(s->answer.text, "7N");
    view_key(s, KEY_CTRL('x'));
    view_key(s, 'N');
    assert_true(s->asking);
    view_key(s, KEY_CTRL('x'));
    assert_string_equal(view_name(s, s->cur), "enc.0.attn.weights");
    assert_false(view_action_done(s, 'M'));
    assert_true(narration_has(s, "> try M:"));
    view_key(s, 'M');  /* no re-run hook here: the key says so, and counts */
    assert_true(view_action_done(s, 'M'));
    view_key(s, 'N');
    assert_false(view_action_done(s, 'M'));
    view_key(s, 27);  /* the prompt there has the keys: Esc gives them back */
    view_key(s, 'P');
    assert_true(view_action_done(s, 'M'));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_question_hides_until_answered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_question_language_and_return, setup, teardown),
        cmocka_unit_test_setup_teardown(test_action_lines, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
