/* lesson_check.c — a lesson against its traces: every name it uses is
 * there (lesson_validate: steps, figures, claims, charts, questions), and
 * every claim holds (lesson_check). */
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson/lesson_internal.h"
#include "plot/plot.h"
#include "text/edit_distance.h"
#include "trace/export.h"
#include "trace/trace.h"

/* The traces of a lesson, opened when first needed. */
typedef struct {
    const Lesson *l;
    const LessonTraces *t;
    TraceReader *r[LESSON_MAX_RUNS];
} Readers;

static Status reader_for(Readers *rs, const char *run, TraceReader **out, Error *err)
{
    int i = lesson_run_index(rs->l, run);
    const char *path = i >= 0 ? lesson_trace_path(rs->t, run) : NULL;
    if (!path)
        return error_set(err, TF_ERR_INPUT, "no trace for run '%s'", run);
    if (!rs->r[i]) {
        Status st = trace_reader_open(&rs->r[i], path, err);
        if (st)
            return st;
    }
    *out = rs->r[i];
    return TF_OK;
}

static void readers_close(Readers *rs)
{
    for (int i = 0; i < LESSON_MAX_RUNS; i++)
        if (rs->r[i])
            trace_reader_close(rs->r[i]);
}

static bool is_glob(const char *s)
{
    return strpbrk(s, "*?") != NULL;
}

static long count_matches(const TraceReader *r, const char *pattern)
{
    if (!is_glob(pattern))
        return trace_reader_find(r, pattern) >= 0 ? 1 : 0;
    long n = 0;
    for (uint32_t i = 0; i < trace_reader_count(r); i++)
        n += fnmatch(pattern, trace_reader_name(r, i), 0) == 0;
    return n;
}

/* "no record 'x' in run main", with the closest names as a hint. */
static Status no_record(const TraceReader *r, const char *where, const char *what, const char *name, const char *run,
                        Error *err)
{
    Status st = error_set(err, TF_ERR_INPUT, "%s: %s '%s' matches no record of run %s", where, what, name, run);
    const char *best[3] = {NULL, NULL, NULL};
    size_t bd[3] = {8, 8, 8};
    for (uint32_t i = 0; i < trace_reader_count(r); i++) {
        const char *n = trace_reader_name(r, i);
        size_t d = edit_distance(name, n, 8);
        for (int k = 0; k < 3; k++)
            if (d < bd[k]) {
                for (int j = 2; j > k; j--) {
                    bd[j] = bd[j - 1];
                    best[j] = best[j - 1];
                }
                bd[k] = d;
                best[k] = n;
                break;
            }
    }
    if (best[0])
        error_hint(err, "closest: %s%s%s%s%s (traceformer ls lists them all)", best[0], best[1] ? ", " : "",
                   best[1] ? best[1] : "", best[2] ? ", " : "", best[2] ? best[2] : "");
    else
        error_hint(err, "traceformer ls TRACE lists the records");
    return st;
}

typedef struct {
    Readers *rs;
    const char *where;
    Status st;
    Error *err;
} RefCheck;

static void check_ref(void *ctx, const ClaimRef *ref)
{
    RefCheck *c = ctx;
    if (c->st)
        return;
    TraceReader *r;
    if ((c->st = reader_for(c->rs, ref->run, &r, c->err)))
        return;
    if (count_matches(r, ref->name) == 0)
        c->st = no_record(r, c->where, "claim record", ref->name, ref->run, c->err);
}

/* A step shown beside another run: that run has the record too, with the
 * same shape, so A - B is defined. (Rows and columns may be permuted
 * tokens: the viewer matches them by token.) */
static Status check_step_compare(Readers *rs, const LessonStep *s, TraceReader *a, const char *where, Error *err)
{
    TraceReader *b;
    Status st = reader_for(rs, s->compare, &b, err);
    if (st)
        return st;
    long ia = trace_reader_find(a, s->pattern), ib = trace_reader_find(b, s->pattern);
    if (ib < 0)
        return no_record(b, where, "step", s->pattern, s->compare, err);
    TraceRecord ra, rb;
    if ((st = trace_reader_get(a, (uint32_t)ia, &ra, err)))
        return st;
    if ((st = trace_reader_get(b, (uint32_t)ib, &rb, err))) {
        trace_record_release(&ra);
        return st;
    }
    bool same = ra.rec.ndim == rb.rec.ndim;
    for (int d = 0; same && d < ra.rec.ndim; d++)
        same = ra.rec.dims[d] == rb.rec.dims[d];
    if (!same) {
        char sa[128], sb[128];
        export_shape_text(&ra.rec, sa, sizeof sa);
        export_shape_text(&rb.rec, sb, sizeof sb);
        st = error_set(err, TF_ERR_INPUT, "%s: step '%s' compares run %s %s with run %s %s: the shapes differ", where,
                       s->pattern, s->run, sa, s->compare, sb);
        error_hint(err, "show them as two steps, one per run, instead of 'vs'");
    }
    trace_record_release(&ra);
    trace_record_release(&rb);
    return st;
}

Status lesson_validate(const Lesson *l, const LessonTraces *t, Error *err)
{
    Readers rs = {l, t, {NULL}};
    Status st = TF_OK;
    char where[LESSON_PATH_MAX + 32];
    for (int i = 0; st == TF_OK && i < l->n_steps; i++) {
        const LessonStep *s = &l->steps[i];
        TraceReader *r;
        snprintf(where, sizeof where, "%s:%d", l->ini_path, s->line);
        if ((st = reader_for(&rs, s->run, &r, err)) == TF_OK && count_matches(r, s->pattern) == 0)
            st = no_record(r, where, "step", s->pattern, s->run, err);
        if (st == TF_OK && s->compare[0])
            st = check_step_compare(&rs, s, r, where, err);
    }
    for (int i = 0; st == TF_OK && i < l->n_figures; i++) {
        const LessonFigure *f = &l->figures[i];
        TraceReader *r;
        snprintf(where, sizeof where, "%s:%d", l->ini_path, f->line);
        if ((st = reader_for(&rs, f->run, &r, err)))
            break;
        PlotFigureList fl = {0};
        size_t matched = 0;
        st = plot_list_match(r, f->pattern, &fl, &matched, err);
        plot_list_free(&fl);
        if (st == TF_OK && matched == 0)
            st = no_record(r, where, "figure", f->pattern, f->run, err);
    }
    for (int i = 0; st == TF_OK && i < l->n_claims; i++) {
        snprintf(where, sizeof where, "%s:%d", l->ini_path, l->claims[i].line);
        RefCheck rc = {&rs, where, TF_OK, err};
        claim_each_ref(&l->claims[i].claim, check_ref, &rc);
        st = rc.st;
    }
    for (int i = 0; st == TF_OK && i < l->n_charts; i++) {
        const LessonChart *c = &l->charts[i];
        for (int p = 0; st == TF_OK && p < c->n_panels; p++)
            for (int s = 0; st == TF_OK && s < c->panels[p].n_series; s++) {
                const LessonChartSeries *cs = &c->panels[p].series[s];
                snprintf(where, sizeof where, "%s:%d", l->ini_path, cs->line);
                RefCheck rc = {&rs, where, TF_OK, err};
                for (int k = 0; rc.st == TF_OK && k < cs->n_values; k++)
                    claim_each_ref(&cs->value[k], check_ref, &rc);
                st = rc.st;
            }
    }
    for (int i = 0; st == TF_OK && i < l->n_questions; i++) {
        const LessonQuestionSpec *q = &l->questions[i];
        snprintf(where, sizeof where, "%s:%d", l->ini_path, q->answer_line ? q->answer_line : q->pub.line);
        RefCheck rc = {&rs, where, TF_OK, err};
        lesson_question_each_ref(l, i, check_ref, &rc);
        st = rc.st;
    }
    readers_close(&rs);
    return st;
}

/* ---- fetching records for claims ---- */

/* Is axis a of rec a query or key axis, whose entries have positions? */
static bool positional(const Record *rec, int a)
{
    const char *name = rec->dim_names[a] ? rec->dim_names[a] : "";
    return strcmp(name, "query") == 0 || strcmp(name, "key") == 0;
}

/* Position of index 0 along axis a of rec: its query_pos / key_pos. */
static double axis_first(const Record *rec, int a)
{
    const char *name = rec->dim_names[a] ? rec->dim_names[a] : "";
    return strcmp(name, "query") == 0 ? rec->query_pos : strcmp(name, "key") == 0 ? rec->key_pos : 0;
}

static Status append_record(ClaimTensor *out, const Record *rec, bool first, bool pattern, Error *err)
{
    size_t n = record_numel(rec);
    if (rec->ndim < 1 || rec->ndim > CLAIM_MAX_DIMS || (n == 0 && rec->ndim > 0 && rec->dims[0] != 0))
        return error_set(err, TF_ERR_INPUT, "%s: a record of %d dims", rec->name, rec->ndim);
    if (first) {
        out->ndim = rec->ndim;
        for (int i = 0; i < rec->ndim; i++) {
            out->dims[i] = rec->dims[i];
            out->first[i] = axis_first(rec, i);
            snprintf(out->names[i], sizeof out->names[i], "%s", rec->dim_names[i] ? rec->dim_names[i] : "");
        }
        out->n = 0;
        out->dims[0] = 0;
    } else {
        /* records stacked along their first axis: its positions hold only
         * when each record continues the one before */
        if (positional(rec, 0) && axis_first(rec, 0) != out->first[0] + (double)out->dims[0])
            out->first[0] = NAN;
        for (int i = 1; i < rec->ndim && i < out->ndim; i++)
            if (positional(rec, i) && axis_first(rec, i) != out->first[i])
                out->first[i] = NAN;
        bool same = rec->ndim == out->ndim;
        for (int i = 1; same && i < rec->ndim; i++)
            same = rec->dims[i] == out->dims[i];
        if (!same)
            return error_set(err, TF_ERR_INPUT,
                             "%s: the records a pattern matches must have the same shape after their first axis",
                             rec->name);
    }
    double *grown = realloc(out->data, (out->n + n + 1) * sizeof *grown);
    if (!grown)
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    out->data = grown;
    for (size_t i = 0; i < n; i++)
        out->data[out->n + i] = (double)rec->data[i];
    out->n += n;
    out->dims[0] += rec->dims[0];
    if (pattern) {  /* where each record lies, for slicing each one */
        size_t *parts = realloc(out->parts, (out->n_parts + 1) * sizeof *parts);
        if (!parts)
            return error_set(err, TF_ERR_RUNTIME, "out of memory");
        out->parts = parts;
        out->parts[out->n_parts++] = rec->dims[0];
    }
    return TF_OK;
}

/* The token texts of a token record ([token], or [batch, token]) into
 * out->labels, one per value, for lineform(); other records have none. */
static Status keep_labels(ClaimTensor *out, const Record *rec, Error *err)
{
    const int ax = rec->ndim - 1;
    if (rec->ndim < 1 || rec->ndim > 2 || !rec->col_labels || (rec->ndim == 2 && !positional(rec, 1) &&
                                                                 strcmp(rec->dim_names[1] ? rec->dim_names[1] : "",
                                                                        "token") != 0))
        return TF_OK;
    const size_t len = rec->dims[ax], rows = rec->ndim == 2 ? rec->dims[0] : 1;
    const bool own = rec->ndim == 2 && record_label_sets(rec, ax) > 1;  /* one set per sentence */
    size_t bytes = 1;
    for (size_t r = 0; r < rows; r++)
        for (size_t k = 0; k < len; k++) {
            const char *lab = rec->col_labels[(own ? r * len : 0) + k];
            bytes += strlen(lab ? lab : "") + 1;
        }
    char *block = malloc(bytes);
    if (!block)
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    size_t at = 0;
    for (size_t r = 0; r < rows; r++)
        for (size_t k = 0; k < len; k++) {
            const char *lab = rec->col_labels[(own ? r * len : 0) + k];
            size_t n = strlen(lab ? lab : "");
            memcpy(block + at, lab ? lab : "", n + 1);
            at += n + 1;
        }
    out->labels = block;
    return TF_OK;
}

static Status fetch(void *ctx, const char *run, const char *name, ClaimTensor *out, Error *err)
{
    Readers *rs = ctx;
    memset(out, 0, sizeof *out);
    TraceReader *r;
    Status st = reader_for(rs, run, &r, err);
    if (st)
        return st;
    bool first = true;
    const long exact = is_glob(name) ? -1 : trace_reader_find(r, name);
    if (!is_glob(name) && exact < 0)
        return error_set(err, TF_ERR_INPUT, "no record '%s' in run %s", name, run);
    for (uint32_t i = exact < 0 ? 0 : (uint32_t)exact; st == TF_OK && i < trace_reader_count(r); i++) {
        const char *n = trace_reader_name(r, i);
        if (is_glob(name) ? fnmatch(name, n, 0) != 0 : strcmp(name, n) != 0)
            continue;
        TraceRecord tr;
        if ((st = trace_reader_get(r, i, &tr, err)))
            break;
        st = append_record(out, &tr.rec, first, is_glob(name), err);
        if (st == TF_OK && !is_glob(name))
            st = keep_labels(out, &tr.rec, err);
        first = false;
        trace_record_release(&tr);
        if (!is_glob(name))
            break;
    }
    if (st == TF_OK && first)
        st = error_set(err, TF_ERR_INPUT, "no record '%s' in run %s", name, run);
    if (st)
        claim_tensor_free(out);
    return st;
}

Status lesson_eval_value(const Lesson *l, const LessonTraces *t, const Claim *value, double *out, Error *err)
{
    Readers rs = {l, t, {NULL}};
    Status st = claim_eval_value(value, fetch, &rs, out, err);
    readers_close(&rs);
    return st;
}

/* only = lesson sentence: does the claim read a run whose sentence the
 * student changed? */
typedef struct {
    const Lesson *l;
    const LessonTraces *t;
    bool edited;
} EditedRef;

static void note_edited(void *ctx, const ClaimRef *ref)
{
    EditedRef *e = ctx;
    int i = lesson_run_index(e->l, ref->run);
    for (int k = 0; i >= 0 && k < e->t->n; k++)
        if (strcmp(e->t->run[k], ref->run) == 0 && e->t->edited[k])
            e->edited = true;
}

Status lesson_check(const Lesson *l, const LessonTraces *t, ClaimResult **results, int *n_failed, Error *err)
{
    *n_failed = 0;
    *results = calloc((size_t)(l->n_claims ? l->n_claims : 1), sizeof **results);
    if (!*results)
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    Readers rs = {l, t, {NULL}};
    for (int i = 0; i < l->n_claims; i++) {
        const LessonClaimSpec *c = &l->claims[i];
        ClaimResult *res = &(*results)[i];
        res->fact = c->fact;
        snprintf(res->text, sizeof res->text, "%s", c->says);
        snprintf(res->text_zh, sizeof res->text_zh, "%s", c->says_zh);
        snprintf(res->id, sizeof res->id, "%s", c->id);
        snprintf(res->check, sizeof res->check, "%s", c->check);
        res->line = c->line;
        if (c->only_lesson_sentence) {
            EditedRef e = {l, t, false};
            claim_each_ref(&c->claim, note_edited, &e);
            if (e.edited) {
                res->pass = res->skipped = true;
                snprintf(res->measured, sizeof res->measured, "skipped: about the lesson's own sentence");
                continue;
            }
        }
        ClaimOutcome oc;
        Error sub = {0};
        res->error = claim_eval(&c->claim, fetch, &rs, &oc, &sub) != TF_OK;
        res->pass = oc.pass && !res->error;
        snprintf(res->measured, sizeof res->measured, "%s", oc.measured);
        if (!res->pass)
            (*n_failed)++;
    }
    readers_close(&rs);
    return TF_OK;
}
