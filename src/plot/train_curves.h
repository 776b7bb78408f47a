/* train_curves.h — one curve of training traces (private to src/plot/):
 * the value per update (train.loss) and the held-out value at each
 * evaluation (train.eval.loss against train.eval.step) of one or more
 * runs, gathered into the table viz/training.gp draws (its format is at
 * the top of that script). Record names: src/trace/FORMAT.md, "Training". */
#ifndef TF_PLOT_TRAIN_CURVES_H
#define TF_PLOT_TRAIN_CURVES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/error.h"
#include "trace/trace.h"

/* The curves a figure can show, by the names `plot` takes. */
typedef struct {
    const char *figure;  /* "loss": the figure's (and image's) name */
    const char *train;   /* "train.loss": one value per update i = 1..N */
    const char *eval;    /* "train.eval.loss": one per evaluation, or NULL */
    const char *y_label; /* the y axis's title */
    bool may_log;        /* a log y axis when the values span more than a factor of 20 */
} TrainCurve;

/* The curve figure called name ("loss", "accuracy", "lr", "grad-norm"),
 * or NULL. */
const TrainCurve *train_curve_named(const char *name);

/* Curve k (0, 1, ...), or NULL past the last: to list them. */
const TrainCurve *train_curve_at(size_t k);

/* Whether r holds c's per-update record (a training trace does). */
bool train_curve_in(const TraceReader *r, const TrainCurve *c);

/* The same checks train_curves_write makes, without writing: every run
 * has c's records with the shapes FORMAT.md gives them. TF_ERR_INPUT
 * names the trace and the record at fault (for a trace that is not a
 * training trace, with a hint). */
Status train_curves_check(const TraceReader *const *runs, size_t n_runs, const TrainCurve *c, Error *err);

/* The table of curve c of runs[0..n_runs) (legend names: labels[k], or,
 * when labels or labels[k] is NULL, the run's file name without its
 * directory and without ".train.trace" or ".trace"). */
Status train_curves_write(FILE *f, const TraceReader *const *runs, const char *const *labels, size_t n_runs,
                          const TrainCurve *c, Error *err);

#endif
