/* compare.c — pairing by name and the difference of two records. */
#include "view/compare.h"

#include <math.h>

long compare_pair(const TraceReader *b, const char *name)
{
    return b ? trace_reader_find(b, name) : -1;
}

bool compare_same_shape(const Record *a, const Record *b)
{
    if (a->ndim != b->ndim)
        return false;
    for (int i = 0; i < a->ndim; i++)
        if (a->dims[i] != b->dims[i])
            return false;
    return true;
}

float compare_diff(float a, float b)
{
    if (isinf(a) && isinf(b) && (a < 0) == (b < 0))
        return 0.0f;
    return a - b;
}

void compare_stats(const Record *a, const Record *b, CompareStats *out)
{
    *out = (CompareStats){.same_shape = compare_same_shape(a, b)};
    if (!out->same_shape)
        return;
    size_t n = record_numel(a);
    for (size_t i = 0; i < n; i++) {
        float d = compare_diff(a->data[i], b->data[i]);
        if (d != 0.0f)
            out->n_differ++;
        if (isfinite(d) && fabsf(d) > out->max_abs) {
            out->max_abs = fabsf(d);
            out->argmax = i;
        }
    }
}
