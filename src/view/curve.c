/* curve.c — a one-axis training curve as a column. */
#include "view/curve.h"

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
