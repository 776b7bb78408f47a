/* curve.c — a one-axis training curve as a column. */
#include "view/curve.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/record_kind.h"

bool curve_is_curve(const Record *r)
{
    return record_kind_of(r->kind) == RECORD_KIND_CURVE;
}

bool curve_is_column(const Record *r)
{
    return r->ndim == 1 && curve_is_curve(r);
}

void curve_pages_of(const Record *r, RecordPages *pg)
{
    export_pages_of(r, pg);
    if (!curve_is_column(r))
        return;
    pg->rows = r->dims[0];
    pg->cols = 1;
    pg->row_axis = 0;
    pg->col_axis = 0;
}

const char *curve_row_label(const Record *r, uint32_t i)
{
    /* A one-axis record's labels are its column labels (record.h). */
    return curve_is_column(r) && r->col_labels && i < r->dims[0] ? r->col_labels[i] : NULL;
}

bool curve_values_whole(const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]) && x[i] != floorf(x[i]))
            return false;
    return true;
}

NumberFormat curve_numfmt(const ValueStats *st, bool whole)
{
    NumberFormat f = numfmt_for(st, whole);
    if (whole)
        return f;
    double m = st->n_finite ? fmax(fabs((double)st->min), fabs((double)st->max)) : 0.0;
    if (!(m > 0.0) || m >= 9999.5)
        return f;
    int lead = (int)floor(log10(m));          /* 0.00133: −3; 3.34: 0 */
    int decimals = 3 - lead;                  /* four significant digits */
    decimals = decimals < 0 ? 0 : decimals > 9 ? 9 : decimals;
    int before = lead >= 0 ? lead + 1 : 1;    /* digits before the point */
    bool neg = st->min < 0;
    int width = before + (decimals ? 1 + decimals : 0) + neg;
    f.decimals = decimals;
    f.width = width > f.width ? width : f.width;  /* room for -inf, nan */
    return f;
}

/* The record whose values an axis of that name counts in (FORMAT.md). */
static const char *axis_record(const char *axis)
{
    if (strcmp(axis, "eval") == 0)
        return "train.eval.step";
    if (strcmp(axis, "length") == 0)
        return "train.lengths.length";
    return NULL;
}

const char **curve_axis_labels(const TraceReader *reader, const Record *r)
{
    /* the first axis: a one-axis curve's only one (its labels are column
     * labels, record.h), or the rows of [step, part] */
    const char *const *own = r->ndim == 1 ? r->col_labels : r->row_labels;
    if (!curve_is_curve(r) || r->ndim > 2 || own || !r->dim_names[0])
        return NULL;
    const char *axis = r->dim_names[0];
    uint32_t n = r->dims[0];
    const char *from = axis_record(axis);
    if (strcmp(axis, "step") != 0 && !from)
        return NULL;
    TraceRecord tr = {0};
    const float *v = NULL;  /* the axis's values, or NULL: update i + 1 */
    if (from) {
        long i = trace_reader_find(reader, from);
        Error err;
        if (i < 0 || trace_reader_get(reader, (uint32_t)i, &tr, &err) != TF_OK)
            return NULL;
        if (tr.rec.ndim != 1 || tr.rec.dims[0] != n) {
            trace_record_release(&tr);
            return NULL;
        }
        v = tr.rec.data;
    }
    enum { LABEL_MAX = 24 };  /* "%.0f" of a whole float32, "%g" of any other */
    const char **labels = malloc((size_t)n * (sizeof *labels + LABEL_MAX));
    if (labels) {
        char *text = (char *)(labels + n);
        for (uint32_t i = 0; i < n; i++, text += LABEL_MAX) {
            double x = v ? (double)v[i] : (double)i + 1.0;
            if (x == floor(x) && fabs(x) < 1e15)
                snprintf(text, LABEL_MAX, "%.0f", x);
            else
                snprintf(text, LABEL_MAX, "%g", x);
            labels[i] = text;
        }
    }
    trace_record_release(&tr);
    return labels;
}
