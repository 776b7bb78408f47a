/* plot_data.h — the data files of the figures that are not one record
 * (private to src/plot/): the norms table, the generation matrix and a
 * chart's table. */
#ifndef TF_PLOT_PLOT_DATA_H
#define TF_PLOT_PLOT_DATA_H

#include <stdbool.h>
#include <stdio.h>

#include "core/error.h"
#include "core/record.h"
#include "plot/plot.h"
#include "trace/trace.h"

/* True when r has a record plot_write_norms would use: one of the residual
 * stream (record_name_is_stream). */
bool plot_has_stream(const TraceReader *r);

/* True when r is batched: its stream records have a leading batch axis. */
bool plot_trace_batched(const TraceReader *r);

/* The table norms.gp reads (its format is at the top of viz/norms.gp):
 * for sentence `batch`, every stream record's per-token L2 norms (mean,
 * min, max over the tokens that are not <PAD>), then the gradients: the
 * per-layer norms of grad.norms.* when the trace has them, else every
 * grad.* record's L2 norm. TF_ERR_INPUT when there is no stream record or batch is out of
 * range; a record that fails its checks stops it with the reader's error. */
Status plot_write_norms(FILE *f, const TraceReader *r, int batch, Error *err);

/* gen.S.<family> for every S (the family as record_name_gen_family gives
 * it), as one record [head, step, key] (or [step, key] when the records
 * have no head axis): row S is the last query
 * row of step S for sentence `batch`, and keys not in the cache at that
 * step are NaN. A family whose last axis is the vocabulary (dec.probs,
 * [token=1, vocab] a step) gives [step, vocab]: vocab is then true. */
typedef struct {
    Record rec;
    char name[160];
    char formula[200];
    float *data;
    char **labels;     /* steps row labels, then max_keys column labels (owned) */
    const char **row_ptrs, **col_ptrs;
    uint32_t n_steps, max_keys, heads;
    bool vocab;        /* the last axis is the vocabulary, not keys */
} GenMatrix;

Status plot_generation_build(const TraceReader *r, const char *family, int batch, GenMatrix *g,
                             Error *err);
void plot_generation_free(GenMatrix *g);

/* One line of text for a '#' header line that a script reads as a string
 * (chart.gp, training.gp), with its newline: a control character (a tab
 * would split the line) becomes a space, gnuplot would take a '"' for the
 * start of a quoted string, so it is written as '”', and a backslash,
 * which its data reader drops, twice. */
void plot_data_text(FILE *f, const char *s);

/* plot_chart.c: c is within PlotChart's bounds, its name fit for a file
 * name, its x finite and increasing (and above 0 on a log axis). */
Status plot_chart_check(const PlotChart *c, Error *err);

/* The table chart.gp reads (its format is at the top of viz/chart.gp).
 * false when the file cannot be written. */
bool plot_write_chart(FILE *f, const PlotChart *c);

#endif
