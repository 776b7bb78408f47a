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

/* A − B for one value. Both −∞ (masked in both runs) is 0: nothing
 * changed. A masked where B is not gives −∞, the reverse +∞, so a change
 * of mask shows as such rather than as a number. */
float compare_diff(float a, float b);

/* Over every value of two records of the same shape. */
void compare_stats(const Record *a, const Record *b, CompareStats *out);

/* Two runs of one model on the same words in another order (猫 追 老鼠
 * and 老鼠 追 猫) give records whose rows and columns are the same tokens
 * permuted: position by position, A − B would compare 猫's row with
 * 老鼠's. So before subtracting, B is put in A's token order: every axis
 * that carries token labels in both records is matched label by label
 * (the k-th 猫 of A with the k-th 猫 of B, per sentence of a batch). */
typedef enum {
    ALIGN_NONE,        /* nothing to align: no token axis, or another shape */
    ALIGN_SAME,        /* the tokens are already in the same order */
    ALIGN_PERMUTED,    /* B's tokens are A's in another order: rec holds B in A's order */
    ALIGN_IMPOSSIBLE,  /* B's tokens are not A's: why says so; compared by position */
} AlignKind;

typedef struct {
    AlignKind kind;
    Record rec;             /* ALIGN_PERMUTED: B's values in A's order, labelled as A */
    float *data;            /* rec.data, owned */
    const char **labels;    /* rec's label arrays (A's strings), owned */
    bool rows, cols;        /* which axes were permuted */
    char why[200];          /* ALIGN_IMPOSSIBLE: "row 0 of A is 猫, which B has not" */
} AlignedRecord;

/* Align b to a (b's record may be freed afterwards: data and label arrays
 * are copied; label strings still point into a's trace). Out of memory
 * gives ALIGN_IMPOSSIBLE with why saying so. */
void compare_align(const Record *a, const Record *b, AlignedRecord *out);
void compare_align_free(AlignedRecord *al);

#endif
