#include "core/record.h"

#include <string.h>

#include "core/checked.h"

size_t record_numel(const Record *r)
{
    size_t n = 1;
    for (int i = 0; i < r->ndim; i++)
        if (!checked_mul(&n, n, r->dims[i]))
            return 0;
    return n;
}

uint32_t record_label_sets(const Record *r, int axis)
{
    uint32_t own = axis == r->ndim - 1 ? r->col_label_sets : axis == r->ndim - 2 ? r->row_label_sets : 0;
    if (own)
        return own;
    if (axis > 0 && r->ndim > 1 && r->dim_names[0] && strcmp(r->dim_names[0], "batch") == 0)
        return r->dims[0];
    return 1;
}
