/* test_questions.c — a lesson's questions (lesson.h, "questions"), on the
 * fixture lesson tests/lessons/98-quiz (one question of each kind):
 *
 *   - it loads with its questions in step order, their words in English
 *     and Chinese, and each expected answer measured on fresh traces;
 *   - grading: labels, letters, numbers within the tolerance, orders
 *     (ties either way), sets and "none", skips, and UNREADABLE with a
 *     reason for anything else;
 *   - every mistake in a [question.ID] section or its narration is refused
 *     at load (or at validation, for a record the traces lack) naming the
 *     file and line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lesson/lesson.h"

#include "../support/scratch.h"

static const char *data_dir(void)
{
    const char *d = getenv("TF_SOURCE_DIR");
    return d && *d ? d : ".";
}

static char *fixture(const char *file)
{
    char path[600];
    snprintf(path, sizeof path, "%s/tests/lessons/98-quiz/%s", data_dir(), file);
    return (char *)scratch_read(path, NULL);
}

static Lesson *load_fixture(void)
{
    char dir[600];
    snprintf(dir, sizeof dir, "%s/tests/lessons/98-quiz", data_dir());
    Lesson *l = NULL;
    Error err = {0};
    if (lesson_load(&l, data_dir(), dir, &err) != TF_OK)
        fail_msg("98-quiz: %s", err.msg);
    return l;
}

static void test_fixture_questions(void **state)
{
    const Scratch *s = *state;
    Lesson *l = load_fixture();
    assert_int_equal(lesson_question_count(l), 4);
    /* in the order of their steps, not of their sections */
    assert_string_equal(lesson_question(l, 0)->id, "rank_rows");
    assert_int_equal(lesson_question(l, 0)->kind, QUESTION_ORDER);
    assert_string_equal(lesson_question(l, 1)->id, "one_score");
    assert_int_equal(lesson_question(l, 1)->kind, QUESTION_NUMBER);
    assert_string_equal(lesson_question(l, 2)->id, "busiest_key");
    assert_int_equal(lesson_question(l, 2)->kind, QUESTION_CHOOSE);
    assert_string_equal(lesson_question(l, 3)->id, "no_scale");
    assert_int_equal(lesson_question(l, 3)->kind, QUESTION_SWITCH);
    assert_null(lesson_question(l, 4));
    assert_int_equal(lesson_question_at_step(l, lesson_question(l, 2)->step), 2);
    assert_string_equal(lesson_step(l, lesson_question(l, 2)->step)->key, "enc.0.attn.weights");
    assert_int_equal(lesson_question_at_step(l, 0), -1);
    /* the words */
    assert_non_null(strstr(lesson_question_text(l, 2, "en"), "Which key"));
    assert_non_null(strstr(lesson_question_text(l, 2, "zh"), "最关注"));
    assert_non_null(strstr(lesson_question_hint(l, 2, "en"), "biggest raw score"));
    assert_non_null(strstr(lesson_question_explanation(l, 2, NULL), "order of the scores"));
    assert_null(strstr(lesson_question_text(l, 2, "en"), "###"));
    assert_null(lesson_question_text(l, 9, "en"));

    char out[600];
    snprintf(out, sizeof out, "%s/run", s->dir);
    LessonTraces t;
    Error err = {0};
    if (lesson_run(l, NULL, out, &t, &err) != TF_OK || lesson_validate(l, &t, &err) != TF_OK)
        fail_msg("98-quiz: %s", err.msg);
    QuestionAsked q[4];
    for (int i = 0; i < 4; i++)
        if (lesson_question_ask(l, i, &t, NULL, s->dir, "en", &q[i], &err) != TF_OK)
            fail_msg("question %d: %s", i + 1, err.msg);

    char said[256], why[256];
    /* ORDER: row 1, row 0, row 2 by entropy, highest first */
    assert_int_equal(q[0].n_choices, 3);
    assert_string_equal(q[0].expected_text, "row 1, row 0, row 2");
    assert_int_equal(lesson_question_grade(l, 0, &q[0], "b a c", said, sizeof said, why, sizeof why), ANSWER_CORRECT);
    assert_string_equal(said, "row 1, row 0, row 2");
    assert_int_equal(lesson_question_grade(l, 0, &q[0], "row 1, row 0,row 2", said, sizeof said, why, sizeof why),
                     ANSWER_CORRECT);
    assert_int_equal(lesson_question_grade(l, 0, &q[0], "a b c", said, sizeof said, why, sizeof why), ANSWER_WRONG);
    assert_int_equal(lesson_question_grade(l, 0, &q[0], "a b", said, sizeof said, why, sizeof why),
                     ANSWER_UNREADABLE);
    assert_non_null(strstr(why, "all 3"));
    assert_int_equal(lesson_question_grade(l, 0, &q[0], "b b a", said, sizeof said, why, sizeof why),
                     ANSWER_UNREADABLE);
    assert_int_equal(lesson_question_grade(l, 0, &q[0], "b a x", said, sizeof said, why, sizeof why),
                     ANSWER_UNREADABLE);
    assert_non_null(strstr(why, "'x'"));
    /* ties within 1e-9 may come in either order */
    QuestionAsked tie = q[0];
    tie.value[0] = tie.value[1];
    assert_int_equal(lesson_question_grade(l, 0, &tie, "a b c", said, sizeof said, why, sizeof why), ANSWER_CORRECT);
    assert_int_equal(lesson_question_grade(l, 0, &tie, "b a c", said, sizeof said, why, sizeof why), ANSWER_CORRECT);
    assert_int_equal(lesson_question_grade(l, 0, &tie, "c a b", said, sizeof said, why, sizeof why), ANSWER_WRONG);

    /* NUMBER within 0.01 */
    assert_int_equal(q[1].n_choices, 0);
    assert_true(q[1].within == 0.01);
    char typed[64];
    snprintf(typed, sizeof typed, "%.6f", q[1].expected_value + 0.009);
    assert_int_equal(lesson_question_grade(l, 1, &q[1], typed, said, sizeof said, why, sizeof why), ANSWER_CORRECT);
    snprintf(typed, sizeof typed, "%.6f", q[1].expected_value - 0.011);
    assert_int_equal(lesson_question_grade(l, 1, &q[1], typed, said, sizeof said, why, sizeof why), ANSWER_WRONG);
    assert_int_equal(lesson_question_grade(l, 1, &q[1], "0.3x", said, sizeof said, why, sizeof why),
                     ANSWER_UNREADABLE);
    assert_non_null(strstr(why, "not a number"));
    assert_int_equal(lesson_question_grade(l, 1, &q[1], "nan", said, sizeof said, why, sizeof why),
                     ANSWER_UNREADABLE);

    /* CHOOSE among the sentence's tokens: "was" (letter g) */
    assert_int_equal(q[2].n_choices, 8);
    assert_string_equal(q[2].choice[0], "the");
    assert_string_equal(q[2].expected_text, "was");
    assert_string_equal(q[2].changes, "--positions none");
    assert_int_equal(lesson_question_grade(l, 2, &q[2], "was", said, sizeof said, why, sizeof why), ANSWER_CORRECT);
    assert_int_equal(lesson_question_grade(l, 2, &q[2], " G ", said, sizeof said, why, sizeof why), ANSWER_CORRECT);
    assert_string_equal(said, "was");
    assert_int_equal(lesson_question_grade(l, 2, &q[2], "the", said, sizeof said, why, sizeof why), ANSWER_WRONG);
    assert_int_equal(lesson_question_grade(l, 2, &q[2], "i", said, sizeof said, why, sizeof why), ANSWER_UNREADABLE);
    assert_int_equal(lesson_question_grade(l, 2, &q[2], "dog", said, sizeof said, why, sizeof why),
                     ANSWER_UNREADABLE);

    /* SWITCH: without the scaling only 'scaled' fails */
    assert_int_equal(q[3].n_choices, 2);
    assert_string_equal(q[3].choice[0], "scaled");
    assert_string_equal(q[3].choice[1], "keeps_own");
    assert_string_equal(q[3].expected_text, "scaled");
    assert_int_equal(lesson_question_grade(l, 3, &q[3], "scaled", said, sizeof said, why, sizeof why),
                     ANSWER_CORRECT);
    assert_int_equal(lesson_question_grade(l, 3, &q[3], "a", said, sizeof said, why, sizeof why), ANSWER_CORRECT);
    assert_int_equal(lesson_question_grade(l, 3, &q[3], "a, b", said, sizeof said, why, sizeof why), ANSWER_WRONG);
    assert_string_equal(said, "scaled, keeps_own");
    assert_int_equal(lesson_question_grade(l, 3, &q[3], "none", said, sizeof said, why, sizeof why), ANSWER_WRONG);
    assert_string_equal(said, "none");
    assert_int_equal(lesson_question_grade(l, 3, &q[3], "rows_sum_to_one", said, sizeof said, why, sizeof why),
                     ANSWER_UNREADABLE);  /* a fact is no choice */

    /* skips */
    const char *skips[] = {"", "  ", "s", "skip", "-"};
    for (size_t k = 0; k < sizeof skips / sizeof *skips; k++)
        for (int i = 0; i < 4; i++)
            assert_int_equal(lesson_question_grade(l, i, &q[i], skips[k], said, sizeof said, why, sizeof why),
                             ANSWER_SKIPPED);

    /* with the switch its changes = names, the expected answer moves */
    LessonOverrides o;
    lesson_overrides_init(&o);
    o.positions = "none";
    snprintf(out, sizeof out, "%s/nopos", s->dir);
    LessonTraces t2;
    if (lesson_run(l, &o, out, &t2, &err) != TF_OK)
        fail_msg("98-quiz --positions none: %s", err.msg);
    QuestionAsked moved;
    assert_int_equal(lesson_question_ask(l, 2, &t2, &o, s->dir, "en", &moved, &err), TF_OK);
    assert_string_not_equal(moved.expected_text, q[2].expected_text);
    lesson_free(l);
}

typedef struct {
    const char *file;     /* "lesson.ini" or "lesson.md" */
    const char *find, *replace;
    bool at_validate;     /* refused by lesson_validate, not lesson_load */
    const char *message;  /* part of the error */
} BadQuestion;

static const BadQuestion bad_questions[] = {
    {"lesson.ini", "step = enc.0.attn.weights\nkind = choose", "step = enc.0.attn.weight\nkind = choose", false,
     "lesson.ini:46: step = 'enc.0.attn.weight' names no step"},
    {"lesson.ini", "step = enc.0.attn.raw\nkind = number", "step = enc.0.attn.weights\nkind = number", false,
     "lesson.ini:53: step 'enc.0.attn.weights' already has a question"},
    {"lesson.ini", "kind = choose", "kind = pick", false, "lesson.ini:47: kind = 'pick'"},
    {"lesson.ini", "kind = choose\n", "", false, "lesson.ini:45: [question.busiest_key] has no kind"},
    {"lesson.ini", "within = 0.01\n", "", false, "lesson.ini:52: [question.one_score] (kind = number) has no 'within'"},
    {"lesson.ini", "within = 0.01", "within = close", false, "lesson.ini:56: within = 'close'"},
    {"lesson.ini", "within = 0.01", "within = 0.01\norder = ascending", false,
     "lesson.ini:57: [question.one_score] is kind = number, which takes no 'order'"},
    {"lesson.ini", "choices = src.tokens", "choices = src.tokens\nwithin = 1", false,
     "lesson.ini:49: [question.busiest_key] is kind = choose, which takes no 'within'"},
    {"lesson.ini", "choices = src.tokens\n", "", false, "has no 'choices'"},
    {"lesson.ini", "choices = row 0; row 1; row 2", "choices = row 0", false,
     "lesson.ini:61: choices = 'row 0': not a token record"},
    {"lesson.ini", "choices = row 0; row 1; row 2", "choices = row 0;", false, "lesson.ini:61: choices: label 2"},
    {"lesson.ini", "choices = row 0; row 1; row 2",
     "choices = 1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;20;21;22;23;24;25;26;27;28;29;30;31;32;33", false,
     "lesson.ini:61: choices: more than 32"},
    {"lesson.ini", "choices = row 0; row 1; row 2", "choices = row 0; row 1; row 1", false,
     "choices: 'row 1' is listed twice"},
    {"lesson.ini", "choices = row 0; row 1; row 2", "choices = row 0; row 1", false,
     "lesson.ini:62: 2 choices but 3 answer expressions"},
    {"lesson.ini", "answer = argmax(enc.0.attn.weights[head=1, query=0])", "answer = argmax(enc.0.attn.weights[head=1",
     false, "lesson.ini:49: answer 1: column"},
    {"lesson.ini", "answer = argmax(enc.0.attn.weights[head=1, query=0])", "answer = 1; 2", false,
     "lesson.ini:49: a choose question's answer is one expression"},
    {"lesson.ini", "answer = argmax(enc.0.attn.weights[head=1, query=0])", "answer = argmax(enc.0.attn.weights@x)",
     false, "names run 'x'"},
    {"lesson.ini", "changes = positions", "changes = colour", false, "lesson.ini:50: changes: no switch 'colour'"},
    {"lesson.ini", "switch = scale", "switch = scale=maybe", false, "lesson.ini:68: switch: "},
    {"lesson.ini", "switch = scale", "switch = scale\nanswer = 1", false,
     "[question.no_scale] is kind = switch, which takes no 'answer'"},
    {"lesson.ini", "kind = switch\nswitch = scale\n", "kind = switch\n", false, "has no 'switch'"},
    {"lesson.ini", "[question.no_scale]", "[question.no scale]", false, "lesson.ini:65: [question.no scale]: a question ID"},
    {"lesson.ini", "[question.no_scale]", "[question.one_score]", false,
     "lesson.ini:65: section [question.one_score] appears twice"},
    {"lesson.ini", "step = enc.0.attn.weights\nkind = choose", "step = enc.0.attn.weights\nkind = choose\nkind = number",
     false, "lesson.ini:48: [question.busiest_key] has two kinds"},
    {"lesson.ini", "kind = choose", "kind = choose\ncolour = red", false, "lesson.ini:48: unknown key 'colour'"},
    {"lesson.ini", "[question.no_scale]",
     "[question.q5]\n[question.q6]\n[question.q7]\n[question.q8]\n[question.q9]\n[question.no_scale]", false,
     "lesson.ini:70: more than 8 questions"},
    {"lesson.ini", "answer = argmax(enc.0.attn.weights[head=1, query=0])",
     "answer = argmax(enc.0.attn.weightz[head=1, query=0])", true, "lesson.ini:49: claim record 'enc.0.attn.weightz'"},
    {"lesson.ini", "choices = src.tokens", "choices = src.tokenz", true, "matches no record"},
    /* narration */
    {"lesson.md", "## question.busiest_key", "## question.busiest", false,
     "lesson.md:35: '## question.busiest' names no question"},
    {"lesson.md", "### hint\nEach row", "Each row", false, "lesson.md:35: '## question.busiest_key' has no '### hint'"},
    {"lesson.md", "### explanation\nThe softmax", "The softmax", false, "has no '### explanation'"},
    {"lesson.md", "## question.no_scale", "## question.one_score", false,
     "lesson.md:47: question 'one_score' already has a section on line 23"},
    {"lesson.md", "## question.no_scale\n", "## enc.0.attn.v\n", false, "names no step"},
};

static void write_text(const char *path, const char *text)
{
    scratch_write(path, text, strlen(text));
}

static char *replaced(const char *text, const char *find, const char *repl)
{
    const char *at = strstr(text, find);
    if (!at)
        fail_msg("'%s' is not in the fixture", find);
    size_t n = strlen(text) - strlen(find) + strlen(repl) + 1;
    char *out = malloc(n);
    assert_non_null(out);
    snprintf(out, n, "%.*s%s%s", (int)(at - text), text, repl, at + strlen(find));
    return out;
}

static void test_bad_questions_refused(void **state)
{
    const Scratch *s = *state;
    char *ini = fixture("lesson.ini"), *md = fixture("lesson.md"), *zh = fixture("lesson.zh.md");
    char dir[600], path[700];
    snprintf(dir, sizeof dir, "%s/98-quiz", s->dir);
    mkdir(dir, 0700);
    for (size_t i = 0; i < sizeof bad_questions / sizeof bad_questions[0]; i++) {
        const BadQuestion *b = &bad_questions[i];
        const bool is_ini = strcmp(b->file, "lesson.ini") == 0;
        char *bad = replaced(is_ini ? ini : md, b->find, b->replace);
        snprintf(path, sizeof path, "%s/lesson.ini", dir);
        write_text(path, is_ini ? bad : ini);
        snprintf(path, sizeof path, "%s/lesson.md", dir);
        write_text(path, is_ini ? md : bad);
        snprintf(path, sizeof path, "%s/lesson.zh.md", dir);
        write_text(path, zh);
        free(bad);
        Lesson *l = NULL;
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
        } else if (st == TF_OK) {
            lesson_free(l);
        }
        if (st != TF_ERR_INPUT || !strstr(err.msg, b->message))
            fail_msg("case %zu: status %d, message '%s', expected '%s'", i, st, err.msg, b->message);
    }
    /* a Chinese narration without a question's section is refused too */
    snprintf(path, sizeof path, "%s/lesson.ini", dir);
    write_text(path, ini);
    snprintf(path, sizeof path, "%s/lesson.md", dir);
    write_text(path, md);
    char *no_q = replaced(zh, "## question.no_scale", "## question.gone");
    char *cut = strstr(no_q, "## question.gone");
    *cut = '\0';
    snprintf(path, sizeof path, "%s/lesson.zh.md", dir);
    write_text(path, no_q);
    free(no_q);
    Lesson *l = NULL;
    Error err = {0};
    assert_int_equal(lesson_load(&l, data_dir(), dir, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "lesson.zh.md: question 'no_scale'"));
    free(ini);
    free(md);
    free(zh);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate_setup_teardown(test_fixture_questions, scratch_setup, scratch_teardown, NULL),
        cmocka_unit_test_prestate_setup_teardown(test_bad_questions_refused, scratch_setup, scratch_teardown, NULL),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
