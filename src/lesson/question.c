/* question.c — a lesson's questions: what the student answers before the
 * numbers are shown (lesson.h, "questions"): the expected answer measured
 * on the live traces, and a typed answer graded against it.
 *
 * The format. In lesson.ini, one section per question (question_ini.c
 * reads it; at most LESSON_MAX_QUESTIONS, one per step):
 *
 *   [question.ID]
 *   step = KEY            a step of [steps], written as there
 *   kind = choose | number | order | switch
 *   choices = REF         choose / order: a token record (src.tokens,
 *                         tgt.tokens@RUN[batch=1]: the tokens as the trace
 *                         labels them, <PAD> left out), so the choices follow
 *                         the student's sentence ...
 *   choices = A; B; C     ... or 2 to 32 literal labels separated by ';'
 *   answer = EXPR         choose: the 0-based index of the right choice;
 *                         number: the value (claim language, lessons/README.md)
 *   answer = E1; E2; ...  order: one expression per choice
 *   within = 0.01         number (required): |typed - expected| <= within
 *   order = ascending     order: smallest first (default) | descending
 *   switch = SW[=VALUE]   switch: the choices are the lesson's claims (not
 *                         facts), by ID; the expected answer is the set of
 *                         claims that fail when the lesson runs again with it
 *   changes = SW[, SW]    optional (not switch): the switches under which
 *                         the expected answer differs, said at the reveal
 *
 * In lesson.md and lesson.zh.md (narration.c reads it), for each question:
 *
 *   ## question.ID
 *   The question (the first line is its summary).
 *   ### hint
 *   A nudge.
 *   ### explanation
 *   Why, shown after the answer.
 *
 * Questions are numbered in the order of their steps (an answers file
 * lists them so), whatever the order of their sections.
 *
 * Answers, as a student types them: choose a label or its letter (a, b,
 * ...); number a number; order labels or letters separated by spaces or
 * commas (ties within 1e-9 in either order); switch claim IDs or letters,
 * or "none"; "", "s", "skip" or "-" skips. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson/lesson_internal.h"
#include "lesson/switches.h"
#include "trace/trace.h"

#define ORDER_TIE 1e-9

int lesson_question_count(const Lesson *l)
{
    return l->n_questions;
}

const LessonQuestion *lesson_question(const Lesson *l, int i)
{
    return i >= 0 && i < l->n_questions ? &l->questions[i].pub : NULL;
}

int lesson_question_at_step(const Lesson *l, int step)
{
    for (int i = 0; i < l->n_questions; i++)
        if (l->questions[i].pub.step == step)
            return i;
    return -1;
}

static const char *words(const Lesson *l, int i, const char *lang, int which)
{
    if (i < 0 || i >= l->n_questions)
        return NULL;
    const LessonNarration *n[2] = {lang && strcmp(lang, "zh") == 0 ? &l->zh : &l->en, &l->en};
    for (int k = 0; k < 2; k++) {
        const char *t = which == 0 ? n[k]->q_text[i] : which == 1 ? n[k]->q_hint[i] : n[k]->q_expl[i];
        if (t)
            return t;
    }
    return NULL;
}

const char *lesson_question_text(const Lesson *l, int i, const char *lang)
{
    return words(l, i, lang, 0);
}

const char *lesson_question_hint(const Lesson *l, int i, const char *lang)
{
    return words(l, i, lang, 1);
}

const char *lesson_question_explanation(const Lesson *l, int i, const char *lang)
{
    return words(l, i, lang, 2);
}

/* ---- asking: the choices and the expected answer on the traces ---- */

/* The tokens of a token record, as the trace labels them (<PAD> left out). */
static Status token_choices(const Lesson *l, const LessonQuestionSpec *q, const LessonTraces *t, QuestionAsked *out,
                            const char *where, Error *err)
{
    const char *path = lesson_trace_path(t, q->ref.run);
    if (!path)
        return error_set(err, TF_ERR_INPUT, "%s: no trace for run '%s'", where, q->ref.run);
    (void)l;
    TraceReader *r;
    Status st = trace_reader_open(&r, path, err);
    if (st)
        return st;
    long idx = trace_reader_find(r, q->ref.name);
    if (idx < 0) {
        trace_reader_close(r);
        return error_set(err, TF_ERR_INPUT, "%s: choices: no record '%s' in run %s", where, q->ref.name, q->ref.run);
    }
    TraceRecord tr;
    if ((st = trace_reader_get(r, (uint32_t)idx, &tr, err))) {
        trace_reader_close(r);
        return st;
    }
    const Record *rec = &tr.rec;
    long batch = q->ref.n_slices ? q->ref.slices[0].lo : 0;
    const int axis = rec->ndim - 1;
    const char *const *labels = rec->col_labels;
    size_t first = 0;
    if (rec->ndim == 2 && rec->dim_names[0] && strcmp(rec->dim_names[0], "batch") == 0) {
        if (batch >= (long)rec->dims[0])
            st = error_set(err, TF_ERR_INPUT, "%s: choices: %s has %u sentences, no batch=%ld", where, rec->name,
                           (unsigned)rec->dims[0], batch);
        else if (record_label_sets(rec, axis) > 1)
            first = (size_t)batch * rec->dims[axis];
    } else if (rec->ndim != 1 || batch) {
        st = error_set(err, TF_ERR_INPUT, "%s: choices: %s is not a token record (one sentence, or [batch, token])",
                       where, rec->name);
    }
    if (st == TF_OK && !labels)
        st = error_set(err, TF_ERR_INPUT, "%s: choices: %s has no token labels", where, rec->name);
    for (uint32_t k = 0; st == TF_OK && k < rec->dims[axis]; k++) {
        const char *lab = labels[first + k];
        if (strcmp(lab, "<PAD>") == 0)
            continue;
        if (out->n_choices == QUESTION_MAX_CHOICES) {
            st = error_set(err, TF_ERR_INPUT, "%s: choices: more than %d tokens", where, QUESTION_MAX_CHOICES);
            break;
        }
        snprintf(out->choice[out->n_choices++], QUESTION_LABEL_MAX, "%s", lab);
    }
    if (st == TF_OK && out->n_choices < 2)
        st = error_set(err, TF_ERR_INPUT, "%s: choices: %s has %d token%s; a question needs 2 or more", where,
                       rec->name, out->n_choices, out->n_choices == 1 ? "" : "s");
    trace_record_release(&tr);
    trace_reader_close(r);
    return st;
}

static Status eval_one(const Lesson *l, const LessonTraces *t, const Claim *c, const char *where, double *v,
                       Error *err)
{
    Error sub = {0};
    Status st = lesson_eval_value(l, t, c, v, &sub);
    if (st)
        return error_set(err, TF_ERR_INPUT, "%s: the answer cannot be measured: %s", where, sub.msg);
    if (!isfinite(*v))
        return error_set(err, TF_ERR_INPUT, "%s: the answer measures %g, not a finite number", where, *v);
    return TF_OK;
}

static void append(char *buf, size_t cap, const char *sep, const char *s)
{
    size_t n = strlen(buf);
    if (n < cap)
        snprintf(buf + n, cap - n, "%s%s", n ? sep : "", s);
}

/* The claims (not facts) of the lesson: a SWITCH question's choices. */
static int claim_choices(const Lesson *l, QuestionAsked *out, int *claim_of)
{
    for (int c = 0; c < l->n_claims; c++)
        if (!l->claims[c].fact && out->n_choices < QUESTION_MAX_CHOICES) {
            claim_of[out->n_choices] = c;
            snprintf(out->choice[out->n_choices++], QUESTION_LABEL_MAX, "%s", l->claims[c].id);
        }
    return out->n_choices;
}

static Status ask_switch(const Lesson *l, const LessonQuestionSpec *q, const LessonOverrides *o,
                         const char *work_dir, QuestionAsked *out, const char *where, Error *err)
{
    int claim_of[QUESTION_MAX_CHOICES];
    if (claim_choices(l, out, claim_of) < 1)
        return error_set(err, TF_ERR_INPUT, "%s: the lesson has no claims to choose from", where);
    LessonOverrides with;
    if (o)
        with = *o;
    else
        lesson_overrides_init(&with);
    Status st = lesson_switch_set(&with, q->sw.sw, q->sw.value, err);
    if (st)
        return st;
    char dir[LESSON_PATH_MAX];
    if (snprintf(dir, sizeof dir, "%s/question-%s", work_dir, q->pub.id) >= (int)sizeof dir)
        return error_set(err, TF_ERR_INPUT, "%s: path too long", work_dir);
    LessonTraces t2;
    Error sub = {0};
    st = lesson_run(l, &with, dir, &t2, &sub);
    if (st == TF_ERR_INPUT)
        return error_set(err, TF_ERR_INPUT, "%s: the lesson does not run with %s=%s: %s", where,
                         lesson_switches[q->sw.sw].name, q->sw.value, sub.msg);
    if (st) {
        *err = sub;
        return st;
    }
    ClaimResult *res;
    int failed;
    if ((st = lesson_check(l, &t2, &res, &failed, err)))
        return st;
    out->expected_text[0] = '\0';
    for (int k = 0; k < out->n_choices; k++) {
        out->expected_set[k] = !res[claim_of[k]].pass;
        if (out->expected_set[k])
            append(out->expected_text, sizeof out->expected_text, ", ", out->choice[k]);
    }
    if (!out->expected_text[0])
        snprintf(out->expected_text, sizeof out->expected_text, "none");
    free(res);
    return TF_OK;
}

Status lesson_question_ask(const Lesson *l, int i, const LessonTraces *t, const LessonOverrides *o,
                           const char *work_dir, const char *lang, QuestionAsked *out, Error *err)
{
    (void)lang;
    memset(out, 0, sizeof *out);
    if (i < 0 || i >= l->n_questions)
        return error_set(err, TF_ERR_INPUT, "the lesson has no question %d", i + 1);
    const LessonQuestionSpec *q = &l->questions[i];
    char where[LESSON_PATH_MAX + 32];
    snprintf(where, sizeof where, "%s:%d", l->ini_path, q->pub.line);
    for (int k = 0; k < q->n_changes; k++) {
        char one[128];
        snprintf(one, sizeof one, "--%s %s", lesson_switches[q->changes[k].sw].name, q->changes[k].value);
        append(out->changes, sizeof out->changes, ", ", one);
    }
    Status st = TF_OK;
    if (q->pub.kind == QUESTION_SWITCH)
        return ask_switch(l, q, o, work_dir, out, where, err);
    if (q->pub.kind != QUESTION_NUMBER) {
        if (q->choices_ref) {
            snprintf(where, sizeof where, "%s:%d", l->ini_path, q->choices_line);
            if ((st = token_choices(l, q, t, out, where, err)))
                return st;
        } else {
            out->n_choices = q->n_labels;
            for (int k = 0; k < q->n_labels; k++)
                snprintf(out->choice[k], QUESTION_LABEL_MAX, "%s", q->label[k]);
        }
    }
    snprintf(where, sizeof where, "%s:%d", l->ini_path, q->answer_line);
    if (q->pub.kind == QUESTION_NUMBER) {
        if ((st = eval_one(l, t, &q->answer[0], where, &out->expected_value, err)))
            return st;
        out->within = q->within;
        snprintf(out->expected_text, sizeof out->expected_text, "%.6g", out->expected_value);
        return TF_OK;
    }
    if (q->pub.kind == QUESTION_CHOOSE) {
        double v;
        if ((st = eval_one(l, t, &q->answer[0], where, &v, err)))
            return st;
        const double r = nearbyint(v);
        if (fabs(v - r) > 1e-6 || r < 0 || r >= out->n_choices)
            return error_set(err, TF_ERR_INPUT, "%s: the answer measures %g: not the index of one of the %d choices "
                             "(0 to %d)", where, v, out->n_choices, out->n_choices - 1);
        out->expected_choice = (int)r;
        snprintf(out->expected_text, sizeof out->expected_text, "%s", out->choice[out->expected_choice]);
        return TF_OK;
    }
    /* ORDER */
    if (q->n_answers != out->n_choices)
        return error_set(err, TF_ERR_INPUT, "%s: %d choices but %d answer expressions", where, out->n_choices,
                         q->n_answers);
    for (int k = 0; k < out->n_choices; k++) {
        if ((st = eval_one(l, t, &q->answer[k], where, &out->value[k], err)))
            return st;
        out->expected_order[k] = k;
    }
    for (int a = 1; a < out->n_choices; a++)  /* insertion sort: stable, ties keep the listed order */
        for (int b = a; b > 0; b--) {
            const double x = out->value[out->expected_order[b - 1]], y = out->value[out->expected_order[b]];
            if (q->descending ? x >= y : x <= y)
                break;
            const int tmp = out->expected_order[b];
            out->expected_order[b] = out->expected_order[b - 1];
            out->expected_order[b - 1] = tmp;
        }
    for (int k = 0; k < out->n_choices; k++)
        append(out->expected_text, sizeof out->expected_text, ", ", out->choice[out->expected_order[k]]);
    return TF_OK;
}

/* ---- grading ---- */

static bool is_sep(char c)
{
    return c == ' ' || c == '\t' || c == ',' || c == '\0';
}

/* The choice named at *s (a label, the longest that fits, or a letter),
 * followed by a separator or the end: its index, *s moved past it; -1
 * when none. taken: choices already named, for repeated labels (the
 * same token twice in a sentence) to name the next one. */
static int take_choice(const QuestionAsked *q, const char **s, const bool *taken, bool whole)
{
    int best = -1;
    size_t best_len = 0;
    for (int k = 0; k < q->n_choices; k++) {
        const size_t n = strlen(q->choice[k]);
        if (n > best_len && strncmp(*s, q->choice[k], n) == 0 && (whole ? (*s)[n] == '\0' : is_sep((*s)[n]))) {
            best = k;
            best_len = n;
        }
    }
    if (best >= 0 && taken) {
        for (int k = best; k < q->n_choices; k++)
            if (!taken[k] && strcmp(q->choice[k], q->choice[best]) == 0) {
                best = k;
                break;
            }
    }
    if (best < 0 && isalpha((unsigned char)(*s)[0]) && (whole ? (*s)[1] == '\0' : is_sep((*s)[1]))) {
        const int k = tolower((unsigned char)(*s)[0]) - 'a';
        if (k >= 0 && k < q->n_choices) {
            best = k;
            best_len = 1;
        }
    }
    if (best >= 0)
        *s += best_len;
    return best;
}

/* The answer as a list of choices: out (up to n_choices), *n; false with
 * why when a word is no choice. */
static bool read_list(const QuestionAsked *q, const char *s, int *out, int *n, bool distinct, char *why,
                      size_t why_cap)
{
    bool taken[QUESTION_MAX_CHOICES] = {false};
    *n = 0;
    for (;;) {
        while (*s && is_sep(*s))
            s++;
        if (!*s)
            return true;
        const char *at = s;
        int k = take_choice(q, &s, distinct ? taken : NULL, false);
        if (k < 0) {
            size_t w = strcspn(at, " \t,");
            snprintf(why, why_cap, "'%.*s' is not one of the choices (a label or a letter a-%c)", (int)(w > 60 ? 60 : w),
                     at, 'a' + (q->n_choices > 26 ? 25 : q->n_choices - 1));
            return false;
        }
        if (taken[k]) {
            snprintf(why, why_cap, "'%s' is named twice", q->choice[k]);
            return false;
        }
        taken[k] = true;
        out[(*n)++] = k;
    }
}

AnswerGrade lesson_question_grade(const Lesson *l, int i, const QuestionAsked *q, const char *answer, char *said,
                                  size_t said_cap, char *why, size_t why_cap)
{
    snprintf(said, said_cap, "%s", "");
    snprintf(why, why_cap, "%s", "");
    if (i < 0 || i >= l->n_questions) {
        snprintf(why, why_cap, "%s", "no such question");
        return ANSWER_UNREADABLE;
    }
    const LessonQuestionSpec *spec = &l->questions[i];
    char buf[1024];
    const char *a = answer ? answer : "";
    while (isspace((unsigned char)*a))
        a++;
    snprintf(buf, sizeof buf, "%s", a);
    size_t n = strlen(buf);
    while (n && isspace((unsigned char)buf[n - 1]))
        buf[--n] = '\0';
    if (n == 0 || strcmp(buf, "s") == 0 || strcmp(buf, "skip") == 0 || strcmp(buf, "-") == 0) {
        snprintf(said, said_cap, "%s", "skip");
        return ANSWER_SKIPPED;
    }
    switch (spec->pub.kind) {
    case QUESTION_NUMBER: {
        char *end;
        double v = strtod(buf, &end);
        if (end == buf || *end || !isfinite(v)) {
            snprintf(why, why_cap, "'%.60s' is not a number (type one, such as 0.27)", buf);
            return ANSWER_UNREADABLE;
        }
        snprintf(said, said_cap, "%.6g", v);
        return fabs(v - q->expected_value) <= q->within ? ANSWER_CORRECT : ANSWER_WRONG;
    }
    case QUESTION_CHOOSE: {
        const char *s = buf;
        int k = take_choice(q, &s, NULL, true);
        if (k < 0) {
            snprintf(why, why_cap, "'%.60s' is not one of the choices (a label or a letter a-%c)", buf,
                     'a' + (q->n_choices > 26 ? 25 : q->n_choices - 1));
            return ANSWER_UNREADABLE;
        }
        snprintf(said, said_cap, "%s", q->choice[k]);
        return strcmp(q->choice[k], q->choice[q->expected_choice]) == 0 ? ANSWER_CORRECT : ANSWER_WRONG;
    }
    case QUESTION_ORDER: {
        int list[QUESTION_MAX_CHOICES], m;
        if (!read_list(q, buf, list, &m, true, why, why_cap))
            return ANSWER_UNREADABLE;
        if (m != q->n_choices) {
            snprintf(why, why_cap, "put all %d choices in order, each once (%d given)", q->n_choices, m);
            return ANSWER_UNREADABLE;
        }
        bool right = true;
        for (int k = 0; k < m; k++) {
            append(said, said_cap, ", ", q->choice[list[k]]);
            if (k > 0) {
                const double x = q->value[list[k - 1]], y = q->value[list[k]];
                right = right && (spec->descending ? x >= y - ORDER_TIE : x <= y + ORDER_TIE);
            }
        }
        return right ? ANSWER_CORRECT : ANSWER_WRONG;
    }
    case QUESTION_SWITCH: {
        bool set[QUESTION_MAX_CHOICES] = {false};
        if (strcmp(buf, "none") != 0) {
            int list[QUESTION_MAX_CHOICES], m;
            if (!read_list(q, buf, list, &m, false, why, why_cap))
                return ANSWER_UNREADABLE;
            for (int k = 0; k < m; k++)
                set[list[k]] = true;
        }
        bool right = true;
        for (int k = 0; k < q->n_choices; k++) {
            if (set[k])
                append(said, said_cap, ", ", q->choice[k]);
            right = right && set[k] == q->expected_set[k];
        }
        if (!said[0])
            snprintf(said, said_cap, "%s", "none");
        return right ? ANSWER_CORRECT : ANSWER_WRONG;
    }
    }
    snprintf(why, why_cap, "%s", "unknown kind");
    return ANSWER_UNREADABLE;
}
