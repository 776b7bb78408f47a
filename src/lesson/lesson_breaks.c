/* lesson_breaks.c — what breaks each claim: the lesson's claims and facts
 * checked under every switch of the table (switches.h), set against what
 * each claim declares (breaks = ...), so a claim that cannot fail, or
 * fails for a reason the lesson does not state, shows up as a cell that
 * differs.
 *
 * A column is one switch at one value: the table's breaking value for
 * every switch, then each other value a claim names (positions=sinusoidal
 * in a lesson whose own runs have none). Every column reruns the whole
 * lesson; a column whose traces equal the lesson's own, record for record,
 * is marked as having no effect instead of "holds". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson/lesson_internal.h"
#include "lesson/switches.h"
#include "trace/trace.h"

/* Is (sw, value) already a column? */
static bool has_column(const LessonBreaks *b, int sw, const char *value)
{
    for (int c = 0; c < b->n_cols; c++)
        if (b->cols[c].sw == sw && strcmp(b->cols[c].value, value) == 0)
            return true;
    return false;
}

static Status add_column(LessonBreaks *b, int sw, const char *value, bool declared_only, Error *err)
{
    if (has_column(b, sw, value))
        return TF_OK;
    if (b->n_cols == LESSON_MAX_BREAKS_COLUMNS)
        return error_set(err, TF_ERR_INPUT, "more than %d switch values to try", LESSON_MAX_BREAKS_COLUMNS);
    BreaksColumn *col = &b->cols[b->n_cols++];
    memset(col, 0, sizeof *col);
    col->sw = sw;
    snprintf(col->value, sizeof col->value, "%s", value);
    col->declared_only = declared_only;
    return TF_OK;
}

/* Do the two traces hold the same records with the same values (the meta,
 * which names the switch, aside)? */
static Status same_records(const char *a_path, const char *b_path, bool *same, Error *err)
{
    TraceReader *a = NULL, *b = NULL;
    *same = false;
    Status st = trace_reader_open(&a, a_path, err);
    if (st == TF_OK)
        st = trace_reader_open(&b, b_path, err);
    bool equal = st == TF_OK && trace_reader_count(a) == trace_reader_count(b);
    for (uint32_t i = 0; equal && i < trace_reader_count(a); i++) {
        TraceRecord ra, rb;
        if ((st = trace_reader_get(a, i, &ra, err)))
            break;
        if ((st = trace_reader_get(b, i, &rb, err))) {
            trace_record_release(&ra);
            break;
        }
        equal = strcmp(ra.rec.name, rb.rec.name) == 0 && ra.rec.ndim == rb.rec.ndim &&
                memcmp(ra.rec.dims, rb.rec.dims, sizeof ra.rec.dims[0] * (size_t)ra.rec.ndim) == 0 &&
                memcmp(ra.rec.data, rb.rec.data, record_numel(&ra.rec) * sizeof(float)) == 0;
        trace_record_release(&ra);
        trace_record_release(&rb);
    }
    trace_reader_close(a);
    trace_reader_close(b);
    *same = st == TF_OK && equal;
    return st;
}

#define ORDER_TIE 1e-9

/* Is the expected answer a in a column the same as the lesson's own, base? */
static bool same_answer(const LessonQuestionSpec *q, const QuestionAsked *base, const QuestionAsked *a)
{
    switch (q->pub.kind) {
    case QUESTION_CHOOSE:
        return a->expected_choice == base->expected_choice;
    case QUESTION_NUMBER:
        return fabs(a->expected_value - base->expected_value) <= base->within;
    case QUESTION_ORDER: /* the lesson's own order, read against the column's values, as the grader reads one */
        if (a->n_choices != base->n_choices)
            return false;
        for (int k = 1; k < base->n_choices; k++) {
            const double x = a->value[base->expected_order[k - 1]], y = a->value[base->expected_order[k]];
            if (q->descending ? x < y - ORDER_TIE : x > y + ORDER_TIE)
                return false;
        }
        return true;
    case QUESTION_SWITCH:
        break;
    }
    return true;
}

/* Measure every question row on a column's traces t (made with overrides o). */
static Status ask_column(const Lesson *l, const LessonOverrides *o, const char *dir, const LessonTraces *t,
                         LessonBreaks *b, int col, Error *err)
{
    QuestionAsked *a = malloc(sizeof *a);
    if (!a)
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    for (int r = 0; r < b->n_qrows; r++) {
        if (b->qbase_cell[r] == BREAKS_Q_ERROR) {
            b->qcells[r][col] = BREAKS_Q_ERROR;
            continue;
        }
        Error sub = {0};
        Status st = lesson_question_ask(l, b->qrow[r], t, o, dir, NULL, a, &sub);
        if (st == TF_ERR_INPUT) {
            b->qcells[r][col] = BREAKS_Q_ERROR;
            if (!b->qwhy[r][0])
                snprintf(b->qwhy[r], sizeof b->qwhy[r], "%.300s", sub.msg);
            continue;
        }
        if (st) {
            *err = sub;
            free(a);
            return st;
        }
        b->qcells[r][col] = same_answer(&l->questions[b->qrow[r]], &b->qbase[r], a) ? BREAKS_Q_SAME
                                                                                               : BREAKS_Q_DIFFERS;
    }
    free(a);
    return TF_OK;
}

bool lesson_breaks_question_differs(const LessonBreaks *b, int qrow, int col)
{
    const BreaksQuestionCell cell = b->qcells[qrow][col];
    const bool declared = b->qdeclared[qrow][col];
    if (cell == BREAKS_Q_ERROR)
        return true;
    if (b->cols[col].state != BREAKS_RAN)
        return declared;  /* declared to change where nothing changed */
    return (cell == BREAKS_Q_DIFFERS) != declared;
}

/* The base results, copied into a column that did not run. */
static void copy_base(LessonBreaks *b, int col)
{
    for (int r = 0; r < b->n_rows; r++)
        b->cells[(size_t)r * (size_t)b->n_cols + (size_t)col] = b->base[r];
    for (int r = 0; r < b->n_qrows; r++)
        b->qcells[r][col] = b->qbase_cell[r];
}

static Status run_column(const Lesson *l, const LessonOverrides *o, const char *work_dir, const LessonTraces *base,
                         LessonBreaks *b, int col, Error *err)
{
    BreaksColumn *c = &b->cols[col];
    LessonOverrides with = *o;
    Status st = lesson_switch_set(&with, c->sw, c->value, err);
    if (st)
        return st;
    char dir[LESSON_PATH_MAX];
    if (snprintf(dir, sizeof dir, "%s/%d", work_dir, col + 1) >= (int)sizeof dir)
        return error_set(err, TF_ERR_INPUT, "%s: path too long", work_dir);
    LessonTraces t;
    Error sub = {0};
    st = lesson_run(l, &with, dir, &t, &sub);
    if (st == TF_ERR_INPUT) {  /* the model refuses the value: ablate a head it lacks */
        c->state = BREAKS_REFUSED;
        snprintf(c->why, sizeof c->why, "%.300s", sub.msg);
        copy_base(b, col);
        return TF_OK;
    }
    if (st) {
        *err = sub;
        return st;
    }
    bool all_same = true;
    for (int i = 0; all_same && i < t.n; i++)
        if ((st = same_records(base->path[i], t.path[i], &all_same, err)))
            return st;
    if (all_same) {
        c->state = BREAKS_NO_EFFECT;
        copy_base(b, col);
        return TF_OK;
    }
    c->state = BREAKS_RAN;
    if ((st = ask_column(l, &with, dir, &t, b, col, err)))
        return st;
    ClaimResult *res;
    int failed;
    if ((st = lesson_check(l, &t, &res, &failed, err)))
        return st;
    for (int r = 0; r < b->n_rows; r++)
        b->cells[(size_t)r * (size_t)b->n_cols + (size_t)col] = res[r];
    free(res);
    return TF_OK;
}

bool lesson_breaks_differs(const LessonBreaks *b, int row, int col)
{
    const size_t i = (size_t)row * (size_t)b->n_cols + (size_t)col;
    const ClaimResult *cell = &b->cells[i];
    if (cell->skipped)  /* about the lesson's own sentence, and the student typed another */
        return false;
    if (cell->error)
        return true;
    if (b->cols[col].state != BREAKS_RAN)
        return b->declared[i];  /* declared to break where nothing changed */
    return cell->pass == b->declared[i];
}

Status lesson_breaks(const Lesson *l, const LessonOverrides *o, const char *work_dir, LessonBreaks *out,
                     Error *err)
{
    memset(out, 0, sizeof *out);
    LessonOverrides none;
    if (!o) {
        lesson_overrides_init(&none);
        o = &none;
    }
    Status st = TF_OK;
    for (int sw = 0; st == TF_OK && sw < SWITCH_COUNT; sw++)
        st = add_column(out, sw, lesson_switches[sw].broken, false, err);
    for (int r = 0; st == TF_OK && r < l->n_claims; r++)
        for (int k = 0; st == TF_OK && k < l->claims[r].n_breaks; k++)
            st = add_column(out, l->claims[r].breaks[k].sw, l->claims[r].breaks[k].value, true, err);
    for (int q = 0; st == TF_OK && q < l->n_questions; q++)
        for (int k = 0; st == TF_OK && k < l->questions[q].n_changes; k++)
            st = add_column(out, l->questions[q].changes[k].sw, l->questions[q].changes[k].value, true, err);
    if (st)
        return st;
    for (int q = 0; q < l->n_questions; q++)
        if (l->questions[q].pub.kind != QUESTION_SWITCH)
            out->qrow[out->n_qrows++] = q;
    for (int r = 0; r < out->n_qrows; r++) {
        const LessonQuestionSpec *q = &l->questions[out->qrow[r]];
        for (int k = 0; k < q->n_changes; k++)
            for (int c = 0; c < out->n_cols; c++)
                if (out->cols[c].sw == q->changes[k].sw && strcmp(out->cols[c].value, q->changes[k].value) == 0)
                    out->qdeclared[r][c] = true;
    }
    out->n_rows = l->n_claims;
    const size_t n_cells = (size_t)out->n_rows * (size_t)out->n_cols;
    out->cells = calloc(n_cells ? n_cells : 1, sizeof *out->cells);
    out->declared = calloc(n_cells ? n_cells : 1, sizeof *out->declared);
    out->qbase = calloc(out->n_qrows ? (size_t)out->n_qrows : 1, sizeof *out->qbase);
    if (!out->cells || !out->declared || !out->qbase) {
        lesson_breaks_free(out);
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    }
    for (int r = 0; r < out->n_rows; r++)
        for (int k = 0; k < l->claims[r].n_breaks; k++)
            for (int c = 0; c < out->n_cols; c++)
                if (out->cols[c].sw == l->claims[r].breaks[k].sw &&
                    strcmp(out->cols[c].value, l->claims[r].breaks[k].value) == 0)
                    out->declared[(size_t)r * (size_t)out->n_cols + (size_t)c] = true;

    char dir[LESSON_PATH_MAX];
    if (snprintf(dir, sizeof dir, "%s/base", work_dir) >= (int)sizeof dir) {
        lesson_breaks_free(out);
        return error_set(err, TF_ERR_INPUT, "%s: path too long", work_dir);
    }
    LessonTraces base;
    int failed;
    st = lesson_run(l, o, dir, &base, err);
    if (st == TF_OK)
        st = lesson_validate(l, &base, err);
    if (st == TF_OK)
        st = lesson_check(l, &base, &out->base, &failed, err);
    for (int r = 0; st == TF_OK && r < out->n_qrows; r++) {
        Error sub = {0};
        st = lesson_question_ask(l, out->qrow[r], &base, o, dir, NULL, &out->qbase[r], &sub);
        if (st == TF_ERR_INPUT) {
            out->qbase_cell[r] = BREAKS_Q_ERROR;
            snprintf(out->qwhy[r], sizeof out->qwhy[r], "%.300s", sub.msg);
            st = TF_OK;
        } else if (st)
            *err = sub;
    }
    for (int c = 0; st == TF_OK && c < out->n_cols; c++)
        st = run_column(l, o, work_dir, &base, out, c, err);
    if (st) {
        lesson_breaks_free(out);
        return st;
    }
    for (int r = 0; r < out->n_rows; r++) {
        out->n_errors += out->base[r].error;
        bool broken = false;
        for (int c = 0; c < out->n_cols; c++) {
            const size_t i = (size_t)r * (size_t)out->n_cols + (size_t)c;
            out->n_errors += out->cells[i].error && out->cols[c].state == BREAKS_RAN;
            out->n_differ += lesson_breaks_differs(out, r, c);
            broken = broken || (out->declared[i] && out->cols[c].state == BREAKS_RAN && !out->cells[i].pass &&
                                !out->cells[i].error);
        }
        out->n_broken_claims += broken && !l->claims[r].fact;
    }
    for (int r = 0; r < out->n_qrows; r++) {
        out->n_errors += out->qbase_cell[r] == BREAKS_Q_ERROR;
        for (int c = 0; c < out->n_cols; c++) {
            out->n_errors += out->qcells[r][c] == BREAKS_Q_ERROR && out->cols[c].state == BREAKS_RAN &&
                             out->qbase_cell[r] != BREAKS_Q_ERROR;
            out->n_differ += lesson_breaks_question_differs(out, r, c);
        }
    }
    return TF_OK;
}

void lesson_breaks_free(LessonBreaks *b)
{
    free(b->base);
    free(b->cells);
    free(b->declared);
    free(b->qbase);
    b->qbase = NULL;
    b->base = NULL;
    b->cells = NULL;
    b->declared = NULL;
}
