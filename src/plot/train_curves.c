/* train_curves.c — one curve of training traces, as viz/training.gp reads
 * it (train_curves.h). */
#include "plot/train_curves.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot/plot_data.h"

static const TrainCurve curves[] = {
    {"loss", "train.loss", "train.eval.loss", "cross-entropy loss", true},
    {"accuracy", "train.accuracy", "train.eval.accuracy", "token accuracy", false},
    {"lr", "train.lr", NULL, "learning rate", false},
    {"grad-norm", "train.grad_norm", NULL, "gradient norm (global, before clipping)", true},
};
#define N_CURVES (sizeof curves / sizeof curves[0])

/* Where the evaluations were taken: S of each (0, K, 2K, ..., N). */
#define EVAL_STEP "train.eval.step"

const TrainCurve *train_curve_named(const char *name)
{
    for (size_t k = 0; k < N_CURVES; k++)
        if (strcmp(name, curves[k].figure) == 0)
            return &curves[k];
    return NULL;
}

const TrainCurve *train_curve_at(size_t k)
{
    return k < N_CURVES ? &curves[k] : NULL;
}

bool train_curve_in(const TraceReader *r, const TrainCurve *c)
{
    return trace_reader_find(r, c->train) >= 0;
}

/* The legend's name of a run: its file name without the directory and
 * without ".train.trace" (or ".trace"). */
static void train_run_label(const TraceReader *r, char *buf, size_t cap)
{
    const char *path = trace_reader_path(r);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    static const char *const ends[] = {".train.trace", ".trace"};
    for (size_t k = 0; k < sizeof ends / sizeof ends[0]; k++) {
        size_t e = strlen(ends[k]);
        if (n > e && strcmp(base + n - e, ends[k]) == 0) {
            n -= e;
            break;
        }
    }
    snprintf(buf, cap, "%.*s", (int)n, base);
}

/* ---- reading ---- */

/* One run's records of a curve: fetched, checked, released together. */
typedef struct {
    TraceRecord train, eval, step;
    bool has_train, has_eval, has_step;
} RunCurve;

static void run_release(RunCurve *rc)
{
    if (rc->has_train)
        trace_record_release(&rc->train);
    if (rc->has_eval)
        trace_record_release(&rc->eval);
    if (rc->has_step)
        trace_record_release(&rc->step);
    memset(rc, 0, sizeof *rc);
}

static Status fetch(const TraceReader *r, const char *name, TraceRecord *t, bool *have, Error *err)
{
    long i = trace_reader_find(r, name);
    if (i < 0)
        return TF_OK;
    Status s = trace_reader_get(r, (uint32_t)i, t, err);
    *have = s == TF_OK;
    if (s == TF_OK && t->rec.ndim != 1)
        return error_set(err, TF_ERR_INPUT, "%s: %s is not a curve (one axis): it has %d", trace_reader_path(r),
                         name, t->rec.ndim);
    return s;
}

static Status run_read(const TraceReader *r, const TrainCurve *c, RunCurve *rc, Error *err)
{
    memset(rc, 0, sizeof *rc);
    if (!train_curve_in(r, c)) {
        error_set(err, TF_ERR_INPUT, "%s: no %s record: the %s figure draws a training trace", trace_reader_path(r),
                  c->train, c->figure);
        error_hint(err, "`traceformer train ... --trace-every K -o model.tfw` writes model.train.trace");
        return TF_ERR_INPUT;
    }
    Status s = fetch(r, c->train, &rc->train, &rc->has_train, err);
    if (s == TF_OK && c->eval)
        s = fetch(r, c->eval, &rc->eval, &rc->has_eval, err);
    if (s == TF_OK && rc->has_eval)
        s = fetch(r, EVAL_STEP, &rc->step, &rc->has_step, err);
    if (s == TF_OK && rc->has_eval && !rc->has_step)
        s = error_set(err, TF_ERR_INPUT, "%s: %s without %s: the evaluations' steps are missing",
                      trace_reader_path(r), c->eval, EVAL_STEP);
    if (s == TF_OK && rc->has_eval && rc->eval.rec.dims[0] != rc->step.rec.dims[0])
        s = error_set(err, TF_ERR_INPUT, "%s: %s has %u values but %s %u", trace_reader_path(r), c->eval,
                      rc->eval.rec.dims[0], EVAL_STEP, rc->step.rec.dims[0]);
    if (s != TF_OK)
        run_release(rc);
    return s;
}

Status train_curves_check(const TraceReader *const *runs, size_t n_runs, const TrainCurve *c, Error *err)
{
    for (size_t k = 0; k < n_runs; k++) {
        RunCurve rc;
        Status s = run_read(runs[k], c, &rc, err);
        if (s != TF_OK)
            return s;
        run_release(&rc);
    }
    return TF_OK;
}

/* ---- writing ---- */

static void put_point(FILE *f, double x, float y)
{
    /* a value that is not finite (a diverged run) is not drawn */
    if (isfinite(y))
        fprintf(f, "%.9g %.9g\n", x, (double)y);
    else
        fprintf(f, "%.9g NaN\n", x);
}

/* The range of the finite values of a curve record: lo > 0 tracked apart
 * for the log axis. */
typedef struct {
    double lo, hi;
    bool nonpositive;
} Span;

static void span_add(Span *sp, const Record *r)
{
    for (uint32_t i = 0; i < r->dims[0]; i++) {
        double v = r->data[i];
        if (!isfinite(v))
            continue;
        if (v <= 0) {
            sp->nonpositive = true;
            continue;
        }
        sp->lo = fmin(sp->lo, v);
        sp->hi = fmax(sp->hi, v);
    }
}

Status train_curves_write(FILE *f, const TraceReader *const *runs, const char *const *labels, size_t n_runs,
                          const TrainCurve *c, Error *err)
{
    RunCurve *rc = calloc(n_runs ? n_runs : 1, sizeof *rc);
    if (!rc)
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    Status s = TF_OK;
    size_t read = 0;
    for (; read < n_runs && s == TF_OK; read++)
        s = run_read(runs[read], c, &rc[read], err);
    if (s != TF_OK)
        read--;  /* the failed one released itself */
    Span sp = {INFINITY, 0, false};
    for (size_t k = 0; s == TF_OK && k < n_runs; k++) {
        span_add(&sp, &rc[k].train.rec);
        if (rc[k].has_eval)
            span_add(&sp, &rc[k].eval.rec);
    }
    /* a log axis when the values span more than a factor of 20 (a loss
     * from 4 down to 0.01: the end of training is where runs differ) */
    bool log_y = c->may_log && !sp.nonpositive && sp.hi > 0 && sp.hi / sp.lo > 20;
    if (s == TF_OK) {
        fprintf(f, "# training curve: %s\n# y: %s\n# log_y: %d\n# runs: %zu\n", c->figure, c->y_label, log_y ? 1 : 0,
                n_runs);
        for (size_t k = 0; k < n_runs; k++) {
            char label[256];
            if (labels && labels[k])
                snprintf(label, sizeof label, "%s", labels[k]);
            else
                train_run_label(runs[k], label, sizeof label);
            fprintf(f, "# run %zu: ", k + 1);
            plot_data_text(f, label);
            fprintf(f, "# run %zu updates: %u\n# run %zu evaluations: %u\n", k + 1, rc[k].train.rec.dims[0], k + 1,
                    rc[k].has_eval ? rc[k].eval.rec.dims[0] : 0);
        }
        /* two blocks a run: every update (i = 1..N), then the evaluations;
         * an empty one holds a single NaN point, so the blocks keep count */
        for (size_t k = 0; k < n_runs; k++) {
            const Record *t = &rc[k].train.rec;
            fprintf(f, "%s# block: run %zu, updates\n", k ? "\n\n" : "", k + 1);
            for (uint32_t i = 0; i < t->dims[0]; i++)
                put_point(f, (double)i + 1, t->data[i]);
            if (t->dims[0] == 0)
                fputs("NaN NaN\n", f);
            fprintf(f, "\n\n# block: run %zu, held-out\n", k + 1);
            if (!rc[k].has_eval)
                fputs("NaN NaN\n", f);
            for (uint32_t i = 0; rc[k].has_eval && i < rc[k].eval.rec.dims[0]; i++)
                put_point(f, rc[k].step.rec.data[i], rc[k].eval.rec.data[i]);
        }
        if (ferror(f))
            s = error_set(err, TF_ERR_RUNTIME, "cannot write the %s table (disk full?)", c->figure);
    }
    for (size_t k = 0; k < read; k++)
        run_release(&rc[k]);
    free(rc);
    return s;
}
