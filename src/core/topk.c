/* topk.c — the largest values of a row, and of every row together
 * (topk.h). Insertion into a short sorted list: k is a screen's or a
 * figure's worth of columns (tens), V a vocabulary (thousands), so one
 * pass over the row with a rare insertion beats sorting it. */
#include "core/topk.h"

#include <math.h>
#include <string.h>

/* Does value a at column ia come before value b at column ib? */
static int comes_before(float a, uint32_t ia, float b, uint32_t ib)
{
    int na = isnan(a), nb = isnan(b);
    if (na != nb)
        return nb;
    if (!na && a != b)
        return a > b;
    return ia < ib;
}

size_t topk_row(const float *row, size_t V, size_t k, uint32_t *out)
{
    size_t n = 0;
    if (k == 0)
        return 0;
    for (size_t j = 0; j < V; j++) {
        float v = row[j];
        if (n == k && !comes_before(v, (uint32_t)j, row[out[n - 1]], out[n - 1]))
            continue;
        size_t at = n < k ? n++ : k - 1;  /* a full list drops its last */
        while (at > 0 && comes_before(v, (uint32_t)j, row[out[at - 1]], out[at - 1])) {
            out[at] = out[at - 1];
            at--;
        }
        out[at] = (uint32_t)j;
    }
    return n;
}

size_t topk_rank(const float *row, size_t V, uint32_t j)
{
    size_t rank = 0;
    if (j >= V)
        return V;
    for (size_t i = 0; i < V; i++)
        if (i != j && comes_before(row[i], (uint32_t)i, row[j], j))
            rank++;
    return rank;
}

/* The largest value of column j over the rows (NaN only when all are). */
static float column_best(const float *m, size_t R, size_t V, uint32_t j)
{
    float best = NAN;
    for (size_t r = 0; r < R; r++) {
        float v = m[r * V + j];
        if (isnan(best) || (!isnan(v) && v > best))
            best = v;
    }
    return best;
}

size_t topk_union(const float *m, size_t R, size_t V, size_t k, uint32_t *scratch, uint32_t *out)
{
    if (k == 0 || R == 0 || V == 0)
        return 0;
    size_t per = 0;  /* each row's list length: min(k, V) */
    for (size_t r = 0; r < R; r++)
        per = topk_row(m + r * V, V, k, scratch + r * k);
    size_t n = 0;
    for (size_t rank = 0; rank < per && n < k; rank++) {
        for (size_t r = 0; r < R && n < k; r++) {
            uint32_t j = scratch[r * k + rank];
            size_t i = 0;
            while (i < n && out[i] != j)
                i++;
            if (i == n)
                out[n++] = j;
        }
    }
    /* Best first by each column's largest value: an insertion sort of at
     * most k entries, each value found once and kept, as its bits, where
     * the rows' lists were (scratch is free again). */
    for (size_t i = 0; i < n; i++) {
        float b = column_best(m, R, V, out[i]);
        memcpy(&scratch[i], &b, sizeof b);
    }
    for (size_t i = 1; i < n; i++) {
        uint32_t j = out[i], bits = scratch[i];
        float v;
        memcpy(&v, &bits, sizeof v);
        size_t at = i;
        while (at > 0) {
            float prev;
            memcpy(&prev, &scratch[at - 1], sizeof prev);
            if (!comes_before(v, j, prev, out[at - 1]))
                break;
            out[at] = out[at - 1];
            scratch[at] = scratch[at - 1];
            at--;
        }
        out[at] = j;
        scratch[at] = bits;
    }
    return n;
}
