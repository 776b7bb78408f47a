/* compare.c — pairing by name and the difference of two records. */
#include "view/compare.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void compare_align_free(AlignedRecord *al)
{
    free(al->data);
    free(al->labels);
    memset(al, 0, sizeof *al);
}

/* The label of index i on axis ax, in label set `set` ("" when none). */
static const char *label_at(const Record *r, int ax, uint32_t set, uint32_t i)
{
    const char *const *labels = ax == r->ndim - 1 ? r->col_labels : r->row_labels;
    const char *t = labels ? labels[(size_t)set * r->dims[ax] + i] : NULL;
    return t ? t : "";
}

/* perm[set·n + i] = the index of B along ax whose label matches A's i-th:
 * the k-th occurrence of a token in A pairs with its k-th in B. False
 * (and why) when some label of A has no partner in B. */
static bool match_axis(const Record *a, const Record *b, int ax, uint32_t sets, uint32_t *perm, bool *moved,
                       char *why, size_t cap)
{
    uint32_t n = a->dims[ax];
    for (uint32_t set = 0; set < sets; set++) {
        uint32_t *p = perm + (size_t)set * n;
        for (uint32_t i = 0; i < n; i++) {
            const char *want = label_at(a, ax, set, i);
            uint32_t seen = 0;  /* earlier occurrences of want in A */
            for (uint32_t k = 0; k < i; k++)
                seen += strcmp(label_at(a, ax, set, k), want) == 0;
            p[i] = UINT32_MAX;
            for (uint32_t j = 0; j < n && p[i] == UINT32_MAX; j++)
                if (strcmp(label_at(b, ax, set, j), want) == 0 && seen-- == 0)
                    p[i] = j;
            if (p[i] == UINT32_MAX) {
                snprintf(why, cap, "%s %u of A is '%s', which B does not have: B's tokens are not A's in another order",
                         a->dim_names[ax] ? a->dim_names[ax] : "index", i, want);
                return false;
            }
            *moved |= p[i] != i;
        }
    }
    return true;
}

void compare_align(const Record *a, const Record *b, AlignedRecord *out)
{
    memset(out, 0, sizeof *out);
    if (a->ndim < 1 || !compare_same_shape(a, b))
        return;
    int nd = a->ndim, ax_r = nd - 2, ax_c = nd - 1;
    bool rows = nd >= 2 && a->row_labels && b->row_labels;
    bool cols = a->col_labels && b->col_labels;
    if (!rows && !cols)
        return;
    uint32_t sets_r = rows ? record_label_sets(a, ax_r) : 0, sets_c = cols ? record_label_sets(a, ax_c) : 0;
    if ((rows && sets_r != record_label_sets(b, ax_r)) || (cols && sets_c != record_label_sets(b, ax_c)))
        return;
    size_t nr = rows ? (size_t)sets_r * a->dims[ax_r] : 0, nc = cols ? (size_t)sets_c * a->dims[ax_c] : 0;
    uint32_t *perm = malloc((nr + nc + 1) * sizeof *perm);
    if (!perm) {
        out->kind = ALIGN_IMPOSSIBLE;
        snprintf(out->why, sizeof out->why, "out of memory");
        return;
    }
    bool moved_r = false, moved_c = false;
    out->kind = ALIGN_SAME;
    if ((rows && !match_axis(a, b, ax_r, sets_r, perm, &moved_r, out->why, sizeof out->why)) ||
        (cols && !match_axis(a, b, ax_c, sets_c, perm + nr, &moved_c, out->why, sizeof out->why))) {
        out->kind = ALIGN_IMPOSSIBLE;
        free(perm);
        return;
    }
    if (!moved_r && !moved_c) {
        free(perm);
        return;
    }
    size_t n = record_numel(a);
    out->data = malloc(n * sizeof *out->data);
    out->labels = malloc((nr + nc + 1) * sizeof *out->labels);
    if (!out->data || !out->labels) {
        free(perm);
        compare_align_free(out);
        out->kind = ALIGN_IMPOSSIBLE;
        snprintf(out->why, sizeof out->why, "out of memory");
        return;
    }
    /* Walk A's shape; B's index differs only on the permuted axes. A label
     * set per sentence is chosen by the batch coordinate (axis 0). */
    uint32_t coord[RECORD_MAX_DIMS] = {0};
    size_t stride[RECORD_MAX_DIMS];
    stride[nd - 1] = 1;
    for (int d = nd - 2; d >= 0; d--)
        stride[d] = stride[d + 1] * a->dims[d + 1];
    for (size_t i = 0; i < n; i++) {
        size_t src = 0;
        for (int d = 0; d < nd; d++) {
            uint32_t c = coord[d];
            if (rows && moved_r && d == ax_r)
                c = perm[(size_t)(sets_r > 1 ? coord[0] : 0) * a->dims[ax_r] + c];
            else if (cols && moved_c && d == ax_c)
                c = perm[nr + (size_t)(sets_c > 1 ? coord[0] : 0) * a->dims[ax_c] + c];
            src += c * stride[d];
        }
        out->data[i] = b->data[src];
        for (int d = nd - 1; d >= 0 && ++coord[d] == a->dims[d]; d--)
            coord[d] = 0;
    }
    free(perm);
    /* Labelled as A: B's values now sit under A's tokens. */
    for (size_t i = 0; i < nr; i++)
        out->labels[i] = a->row_labels[i];
    for (size_t i = 0; i < nc; i++)
        out->labels[nr + i] = a->col_labels[i];
    out->rec = *b;
    out->rec.data = out->data;
    out->rec.row_labels = rows ? out->labels : b->row_labels;
    out->rec.col_labels = cols ? out->labels + nr : b->col_labels;
    out->rec.row_label_sets = a->row_label_sets;
    out->rec.col_label_sets = a->col_label_sets;
    out->rows = moved_r;
    out->cols = moved_c;
    out->kind = ALIGN_PERMUTED;
}
