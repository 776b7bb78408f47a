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

/* Same number of dims and the same dims. */
static bool compare_same_shape(const Record *a, const Record *b)
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

typedef struct {
    const char *label;
    uint32_t index;
} Labelled;

/* By label, then by index: equal labels keep their order, so after
 * sorting the k-th 猫 of A and the k-th 猫 of B stand at the same place. */
static int by_label(const void *x, const void *y)
{
    const Labelled *p = x, *q = y;
    int c = strcmp(p->label, q->label);
    return c ? c : (p->index > q->index) - (p->index < q->index);
}

/* perm[set·n + i] = the index of B along ax whose label matches A's i-th:
 * the k-th occurrence of a token in A pairs with its k-th in B. Labels in
 * the same order cost one pass (the vocabulary axis of the logits is
 * tens of thousands long); others are paired by sorting. False (and why)
 * when some label of A has no partner in B. */
static bool match_axis(const Record *a, const Record *b, int ax, uint32_t sets, uint32_t *perm, bool *moved,
                       char *why, size_t cap)
{
    uint32_t n = a->dims[ax];
    Labelled *sa = NULL, *sb = NULL;
    bool ok = true;
    for (uint32_t set = 0; set < sets && ok; set++) {
        uint32_t *p = perm + (size_t)set * n, i = 0;
        while (i < n && strcmp(label_at(a, ax, set, i), label_at(b, ax, set, i)) == 0)
            i++;
        if (i == n) {  /* the same order */
            for (i = 0; i < n; i++)
                p[i] = i;
            continue;
        }
        if (!sa && (!(sa = malloc(n * sizeof *sa)) || !(sb = malloc(n * sizeof *sb)))) {
            snprintf(why, cap, "out of memory");
            ok = false;
            break;
        }
        for (i = 0; i < n; i++) {
            sa[i] = (Labelled){label_at(a, ax, set, i), i};
            sb[i] = (Labelled){label_at(b, ax, set, i), i};
        }
        qsort(sa, n, sizeof *sa, by_label);
        qsort(sb, n, sizeof *sb, by_label);
        for (i = 0; i < n && strcmp(sa[i].label, sb[i].label) == 0; i++)
            p[sa[i].index] = sb[i].index;
        if (i < n) {
            /* Not the same tokens: name A's first one (in A's order)
             * without a partner, found by walking both sorted lists. */
            uint32_t lone = UINT32_MAX;
            for (uint32_t x = 0, y = 0; x < n;) {
                int c = y < n ? strcmp(sa[x].label, sb[y].label) : -1;
                if (c == 0) {
                    x++;
                    y++;
                } else if (c < 0) {
                    if (sa[x].index < lone)
                        lone = sa[x].index;
                    x++;
                } else {
                    y++;
                }
            }
            if (lone == UINT32_MAX)  /* cannot happen: unequal lists leave one of A's unpaired */
                lone = 0;
            snprintf(why, cap, "%s %u of A is '%s', which B does not have: B's tokens are not A's in another order",
                     a->dim_names[ax] ? a->dim_names[ax] : "index", lone, label_at(a, ax, set, lone));
            ok = false;
        }
        for (i = 0; i < n && ok; i++)
            *moved |= p[i] != i;
    }
    free(sa);
    free(sb);
    return ok;
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
