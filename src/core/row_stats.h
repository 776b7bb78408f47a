/* row_stats.h — the two numbers a row of attention weights is summed up
 * by: its entropy and its mean distance. One implementation, used by the
 * viewer's heads view, the lesson claims' entropy() and distance(), and
 * the plots (the .dat export writes the entropy gnuplot prints).
 *
 * A row is one query's weights over the keys. Its mean distance is
 * Σ_j w_j·|key position − query position|, measured in positions of the
 * sequence, not in indices of the matrix: the one row of a generation
 * step with the KV cache is the query at position S, not at 0
 * (Record.query_pos / key_pos say where an axis starts).
 *
 * The rule for values that are not numbers of a distribution, the same
 * everywhere:
 *   - a NaN or ±∞ is left out of both sums and counted in `skipped`
 *     (a generation plot pads the keys a step did not have yet with NaN);
 *   - a row with no finite value has NaN entropy and distance;
 *   - a value ≤ 0 adds nothing to the entropy (0·log 0 = 0) and its own
 *     product to the distance. */
#ifndef TF_CORE_ROW_STATS_H
#define TF_CORE_ROW_STATS_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    double entropy_bits;  /* −Σ p·log2 p: 0 on one key, log2(keys) spread evenly */
    double distance;      /* Σ p·|key_pos + j − query_pos| */
    size_t skipped;       /* values left out: NaN or ±∞ */
} RowStats;

/* One row p (n) whose query is at position query_pos and whose first key
 * is at key_pos. Two entry points, one rule: the viewer and the exports
 * hold float32, the claims double. */
void row_stats_float(const float *p, size_t n, double query_pos, double key_pos, RowStats *out);
void row_stats_double(const double *p, size_t n, double query_pos, double key_pos, RowStats *out);

/* The mean over the rows of a page m (rows, cols) whose row i is the query
 * at position query_pos + i and whose column j the key at key_pos + j.
 * skipped is the total over the rows. NaN when rows == 0. */
void row_stats_page(const float *m, size_t rows, size_t cols, uint32_t query_pos, uint32_t key_pos,
                    RowStats *out);

#endif
