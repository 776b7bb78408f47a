/* compare.h — two runs side by side: records paired by name, and A − B.
 *
 * `traceformer view A --compare B` shows, for the current record of A, the
 * record of B with the same name (not the same index: a run without
 * positional encoding has no enc.pos, so every later index shifts) and
 * their difference, which is only defined when the shapes agree. */
#ifndef TF_VIEW_COMPARE_H
#define TF_VIEW_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/record.h"
#include "trace/trace.h"

typedef struct {
    bool same_shape;
    float max_abs;      /* largest |A − B| over the finite differences */
    size_t argmax;      /* flat index where it is */
    size_t n_differ;    /* values that are not equal (−∞ equals −∞) */
} CompareStats;

/* The index in b of the record called name, or −1. */
long compare_pair(const TraceReader *b, const char *name);

/* Same number of dims and the same dims. */
bool compare_same_shape(const Record *a, const Record *b);

/* A − B for one value. Both −∞ (masked in both runs) is 0: nothing
 * changed. A masked where B is not gives −∞, the reverse +∞, so a change
 * of mask shows as such rather than as a number. */
float compare_diff(float a, float b);

/* Over every value of two records of the same shape. */
void compare_stats(const Record *a, const Record *b, CompareStats *out);

#endif
