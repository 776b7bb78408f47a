/* question_ini.c — reading a lesson's [question.ID] sections from
 * lesson.ini (the format: question.c's header comment). lesson_ini.c hands
 * each section header and key here; after the whole file,
 * lesson_questions_finish resolves the steps and checks that every kind
 * has its keys and only its keys. Every error names lesson.ini:LINE. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson/lesson_internal.h"
#include "lesson/switches.h"

static const char *const kind_names[] = {"choose", "number", "order", "switch"};

bool lesson_question_open(Lesson *l, const char *id, int line, LessonQuestionSpec **out, char *why, size_t cap)
{
    *out = NULL;
    if (!lesson_valid_id(id)) {
        snprintf(why, cap, "[question.%s]: a question ID is letters, digits, '_' and '-', at most 31 bytes", id);
        return false;
    }
    for (int i = 0; i < l->n_questions; i++)
        if (strcmp(l->questions[i].pub.id, id) == 0) {
            snprintf(why, cap, "[question.%s] is already on line %d", id, l->questions[i].pub.line);
            return false;
        }
    if (l->n_questions == LESSON_MAX_QUESTIONS) {
        snprintf(why, cap, "more than %d questions (a lesson asks 3 to 6)", LESSON_MAX_QUESTIONS);
        return false;
    }
    LessonQuestionSpec *q = &l->questions[l->n_questions++];
    memset(q, 0, sizeof *q);
    snprintf(q->pub.id, sizeof q->pub.id, "%s", id);
    q->pub.line = line;
    q->pub.step = -1;
    *out = q;
    return true;
}

/* [s, s+n) trimmed of blanks into out (cap bytes); false when it is empty
 * or does not fit. */
static bool trim_into(const char *s, size_t n, char *out, size_t cap)
{
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0 || n >= cap)
        return false;
    memcpy(out, s, n);
    out[n] = '\0';
    return true;
}

static bool read_changes(LessonQuestionSpec *q, const char *value, char *why, size_t cap)
{
    const char *s = value;
    for (;;) {
        size_t n = strcspn(s, ",");
        char item[128];
        if (!trim_into(s, n, item, sizeof item)) {
            snprintf(why, cap, "changes = '%s': expected SWITCH or SWITCH=VALUE, separated by commas", value);
            return false;
        }
        if (q->n_changes == LESSON_MAX_CHANGES) {
            snprintf(why, cap, "changes: more than %d switches", LESSON_MAX_CHANGES);
            return false;
        }
        char sub[300];
        if (!lesson_parse_switch(item, &q->changes[q->n_changes], sub, sizeof sub)) {
            snprintf(why, cap, "changes: %s", sub);
            return false;
        }
        q->n_changes++;
        if (!s[n])
            return true;
        s += n + 1;
    }
}

/* choices = a token record reference, or "A; B; C" (2 to 32 labels). */
static bool read_choices(LessonQuestionSpec *q, const char *value, char *why, size_t cap)
{
    if (!strchr(value, ';')) {
        Error sub = {0};
        if (claim_ref_parse(value, &q->ref, &sub) != TF_OK) {
            snprintf(why, cap, "choices = '%s': not a token record (%s), nor labels separated by ';'", value,
                     sub.msg);
            return false;
        }
        for (int k = 0; k < q->ref.n_slices; k++)
            if (strcmp(q->ref.slices[k].dim, "batch") != 0 || !q->ref.slices[k].single || q->ref.slices[k].lo < 0) {
                snprintf(why, cap, "choices = '%s': a token record takes [batch=B] only", value);
                return false;
            }
        if (strpbrk(q->ref.name, "*?")) {
            snprintf(why, cap, "choices = '%s': one token record, not a glob", value);
            return false;
        }
        q->choices_ref = true;
        return true;
    }
    const char *s = value;
    for (;;) {
        size_t n = strcspn(s, ";");
        if (q->n_labels == QUESTION_MAX_CHOICES) {
            snprintf(why, cap, "choices: more than %d", QUESTION_MAX_CHOICES);
            return false;
        }
        char *lab = q->label[q->n_labels];
        if (!trim_into(s, n, lab, QUESTION_LABEL_MAX)) {
            snprintf(why, cap, "choices: label %d is empty or longer than %d bytes", q->n_labels + 1,
                     QUESTION_LABEL_MAX - 1);
            return false;
        }
        for (int k = 0; k < q->n_labels; k++)
            if (strcmp(q->label[k], lab) == 0) {
                snprintf(why, cap, "choices: '%s' is listed twice", lab);
                return false;
            }
        q->n_labels++;
        if (!s[n])
            break;
        s += n + 1;
    }
    if (q->n_labels < 2) {
        snprintf(why, cap, "choices: give 2 to %d, separated by ';'", QUESTION_MAX_CHOICES);
        return false;
    }
    return true;
}

/* answer = EXPR, or EXPR; EXPR; ... (order: one per choice). */
static bool read_answer(LessonQuestionSpec *q, const char *value, char *why, size_t cap)
{
    const char *s = value;
    for (;;) {
        size_t n = strcspn(s, ";");
        if (q->n_answers == QUESTION_MAX_CHOICES) {
            snprintf(why, cap, "answer: more than %d expressions", QUESTION_MAX_CHOICES);
            return false;
        }
        char *text = malloc(n + 1);
        if (!text) {
            snprintf(why, cap, "out of memory");
            return false;
        }
        memcpy(text, s, n);
        text[n] = '\0';
        Error sub = {0};
        Status st = claim_parse_value(text, &q->answer[q->n_answers], &sub);
        free(text);
        if (st != TF_OK) {
            snprintf(why, cap, "answer %d: %s", q->n_answers + 1, sub.msg);
            return false;
        }
        q->n_answers++;
        if (!s[n])
            return true;
        s += n + 1;
    }
}

bool lesson_question_key(LessonQuestionSpec *q, const char *name, const char *value, int line, char *why,
                         size_t cap)
{
    int *seen = strcmp(name, "step") == 0      ? &q->step_line
                : strcmp(name, "choices") == 0 ? &q->choices_line
                : strcmp(name, "answer") == 0  ? &q->answer_line
                : strcmp(name, "within") == 0  ? &q->within_line
                : strcmp(name, "order") == 0   ? &q->order_line
                : strcmp(name, "switch") == 0  ? &q->switch_line
                : strcmp(name, "changes") == 0 ? &q->changes_line
                                               : NULL;
    if (strcmp(name, "kind") == 0) {
        if (q->has_kind) {
            snprintf(why, cap, "[question.%s] has two kinds", q->pub.id);
            return false;
        }
        for (int k = 0; k < 4; k++)
            if (strcmp(value, kind_names[k]) == 0) {
                q->pub.kind = (QuestionKind)k;
                q->has_kind = true;
                return true;
            }
        snprintf(why, cap, "kind = '%s': choose, number, order or switch", value);
        return false;
    }
    if (!seen) {
        snprintf(why, cap,
                 "unknown key '%s' in a question (step, kind, choices, answer, within, order, switch, changes)", name);
        return false;
    }
    if (*seen) {
        snprintf(why, cap, "[question.%s] already says %s on line %d", q->pub.id, name, *seen);
        return false;
    }
    *seen = line;
    if (!*value) {
        snprintf(why, cap, "%s is empty", name);
        return false;
    }
    if (strcmp(name, "step") == 0) {
        if (strlen(value) >= sizeof q->step_key) {
            snprintf(why, cap, "step = '%.60s...': too long", value);
            return false;
        }
        snprintf(q->step_key, sizeof q->step_key, "%s", value);
        return true;
    }
    if (strcmp(name, "choices") == 0) {
        q->has_choices = true;
        return read_choices(q, value, why, cap);
    }
    if (strcmp(name, "answer") == 0)
        return read_answer(q, value, why, cap);
    if (strcmp(name, "within") == 0) {
        char *end;
        double w = strtod(value, &end);
        while (*end == ' ' || *end == '\t')
            end++;
        if (end == value || *end || !isfinite(w) || w < 0) {
            snprintf(why, cap, "within = '%s': a number >= 0 (the tolerance)", value);
            return false;
        }
        q->within = w;
        q->has_within = true;
        return true;
    }
    if (strcmp(name, "order") == 0) {
        if (strcmp(value, "ascending") == 0)
            q->descending = false;
        else if (strcmp(value, "descending") == 0)
            q->descending = true;
        else {
            snprintf(why, cap, "order = '%s': ascending or descending", value);
            return false;
        }
        return true;
    }
    if (strcmp(name, "switch") == 0) {
        char sub[300];
        if (!lesson_parse_switch(value, &q->sw, sub, sizeof sub)) {
            snprintf(why, cap, "switch: %s", sub);
            return false;
        }
        q->has_switch = true;
        return true;
    }
    return read_changes(q, value, why, cap);
}

/* Is the key given though the kind does not take it? */
static Status refuse_key(const Lesson *l, const LessonQuestionSpec *q, int line, const char *key, Error *err)
{
    if (!line)
        return TF_OK;
    return error_set(err, TF_ERR_INPUT, "%s:%d: [question.%s] is kind = %s, which takes no '%s'", l->ini_path, line,
                     q->pub.id, kind_names[q->pub.kind], key);
}

static Status need_key(const Lesson *l, const LessonQuestionSpec *q, int line, const char *key, const char *example,
                       Error *err)
{
    if (line)
        return TF_OK;
    Status st = error_set(err, TF_ERR_INPUT, "%s:%d: [question.%s] (kind = %s) has no '%s'", l->ini_path, q->pub.line,
                          q->pub.id, kind_names[q->pub.kind], key);
    error_hint(err, "e.g. %s", example);
    return st;
}

typedef struct {
    const Lesson *l;
    const char *where;
    Status st;
    Error *err;
} RunCheck;

static void check_run(void *ctx, const ClaimRef *ref)
{
    RunCheck *c = ctx;
    if (c->st || lesson_run_index(c->l, ref->run) >= 0)
        return;
    c->st = error_set(c->err, TF_ERR_INPUT, "%s: '%s@%s' names run '%s', which the lesson does not define", c->where,
                      ref->name, ref->run, ref->run);
    error_hint(c->err, "add a [run.%s] section", ref->run);
}

void lesson_question_each_ref(const Lesson *l, int i, void (*fn)(void *ctx, const ClaimRef *ref), void *ctx)
{
    if (i < 0 || i >= l->n_questions)
        return;
    const LessonQuestionSpec *q = &l->questions[i];
    if (q->choices_ref)
        fn(ctx, &q->ref);
    for (int k = 0; k < q->n_answers; k++)
        claim_each_ref(&q->answer[k], fn, ctx);
}

static Status finish_one(Lesson *l, LessonQuestionSpec *q, Error *err)
{
    const char *path = l->ini_path;
    if (!q->has_kind) {
        Status st = error_set(err, TF_ERR_INPUT, "%s:%d: [question.%s] has no kind", path, q->pub.line, q->pub.id);
        error_hint(err, "kind = choose | number | order | switch");
        return st;
    }
    if (!q->step_line) {
        Status st = error_set(err, TF_ERR_INPUT, "%s:%d: [question.%s] has no step", path, q->pub.line, q->pub.id);
        error_hint(err, "step = KEY, a step of [steps] written as there (e.g. step = %s)", l->steps[0].key);
        return st;
    }
    for (int s = 0; s < l->n_steps; s++) {
        char full[LESSON_NAME_MAX + 40];
        snprintf(full, sizeof full, "%s%s%s", l->steps[s].key, l->steps[s].compare[0] ? " vs @" : "",
                 l->steps[s].compare);
        if (strcmp(l->steps[s].key, q->step_key) == 0 || strcmp(full, q->step_key) == 0)
            q->pub.step = s;
    }
    if (q->pub.step < 0) {
        Status st = error_set(err, TF_ERR_INPUT, "%s:%d: step = '%s' names no step of [steps]", path, q->step_line,
                              q->step_key);
        error_hint(err, "write the step's key as in its step = line (e.g. step = %s)", l->steps[0].key);
        return st;
    }
    for (int j = 0; j < l->n_questions && &l->questions[j] != q; j++)
        if (l->questions[j].pub.step == q->pub.step)
            return error_set(err, TF_ERR_INPUT, "%s:%d: step '%s' already has a question, [question.%s] (line %d)",
                             path, q->step_line, q->step_key, l->questions[j].pub.id, l->questions[j].pub.line);
    Status st = TF_OK;
    switch (q->pub.kind) {
    case QUESTION_CHOOSE:
        st = need_key(l, q, q->choices_line, "choices", "choices = src.tokens, or choices = head 0; head 1", err);
        if (!st)
            st = need_key(l, q, q->answer_line, "answer", "answer = argmax(enc.0.attn.weights[query=1])", err);
        if (!st)
            st = refuse_key(l, q, q->within_line, "within", err);
        if (!st)
            st = refuse_key(l, q, q->order_line, "order", err);
        if (!st)
            st = refuse_key(l, q, q->switch_line, "switch", err);
        if (!st && q->n_answers != 1)
            st = error_set(err, TF_ERR_INPUT, "%s:%d: a choose question's answer is one expression (the index of the "
                           "right choice), not %d", path, q->answer_line, q->n_answers);
        break;
    case QUESTION_NUMBER:
        st = need_key(l, q, q->answer_line, "answer", "answer = enc.0.attn.raw[query=0, key=1]", err);
        if (!st)
            st = need_key(l, q, q->within_line, "within", "within = 0.01", err);
        if (!st)
            st = refuse_key(l, q, q->choices_line, "choices", err);
        if (!st)
            st = refuse_key(l, q, q->order_line, "order", err);
        if (!st)
            st = refuse_key(l, q, q->switch_line, "switch", err);
        if (!st && q->n_answers != 1)
            st = error_set(err, TF_ERR_INPUT, "%s:%d: a number question's answer is one expression, not %d", path,
                           q->answer_line, q->n_answers);
        break;
    case QUESTION_ORDER:
        st = need_key(l, q, q->choices_line, "choices", "choices = head 0; head 1; head 2", err);
        if (!st)
            st = need_key(l, q, q->answer_line, "answer", "answer = EXPR; EXPR; EXPR (one per choice)", err);
        if (!st)
            st = refuse_key(l, q, q->within_line, "within", err);
        if (!st)
            st = refuse_key(l, q, q->switch_line, "switch", err);
        if (!st && !q->choices_ref && q->n_answers != q->n_labels)
            st = error_set(err, TF_ERR_INPUT, "%s:%d: %d choices but %d answer expressions: give one per choice, "
                           "separated by ';'", path, q->answer_line, q->n_labels, q->n_answers);
        break;
    case QUESTION_SWITCH:
        st = need_key(l, q, q->switch_line, "switch", "switch = causal-mask", err);
        if (!st)
            st = refuse_key(l, q, q->choices_line, "choices", err);
        if (!st)
            st = refuse_key(l, q, q->answer_line, "answer", err);
        if (!st)
            st = refuse_key(l, q, q->within_line, "within", err);
        if (!st)
            st = refuse_key(l, q, q->order_line, "order", err);
        if (!st)
            st = refuse_key(l, q, q->changes_line, "changes", err);
        break;
    }
    if (st)
        return st;
    char where[LESSON_PATH_MAX + 32];
    snprintf(where, sizeof where, "%s:%d", path, q->answer_line ? q->answer_line : q->pub.line);
    RunCheck rc = {l, where, TF_OK, err};
    for (int k = 0; k < q->n_answers; k++)
        claim_each_ref(&q->answer[k], check_run, &rc);
    if (rc.st == TF_OK && q->choices_ref) {
        snprintf(where, sizeof where, "%s:%d", path, q->choices_line);
        check_run(&rc, &q->ref);
    }
    return rc.st;
}

Status lesson_questions_finish(Lesson *l, Error *err)
{
    for (int i = 0; i < l->n_questions; i++) {
        Status st = finish_one(l, &l->questions[i], err);
        if (st)
            return st;
    }
    /* asked in the order of the steps, whatever the order of the sections:
     * "question order" (an answers file) is the order the student meets them */
    for (int a = 1; a < l->n_questions; a++)
        for (int b = a; b > 0 && l->questions[b - 1].pub.step > l->questions[b].pub.step; b--) {
            LessonQuestionSpec tmp = l->questions[b];
            l->questions[b] = l->questions[b - 1];
            l->questions[b - 1] = tmp;
        }
    return TF_OK;
}

void lesson_questions_free(Lesson *l)
{
    for (int i = 0; i < l->n_questions; i++)
        for (int k = 0; k < l->questions[i].n_answers; k++)
            claim_free(&l->questions[i].answer[k]);
    l->n_questions = 0;
}
