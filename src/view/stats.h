/* stats.h — numbers the viewer states about a matrix: range and mean, row
 * sums, and pooling for zooming out. (The entropy and reach of attention
 * rows are core/row_stats.h's, shared with the claims and the plots.)
 *
 * Pure functions over float arrays; −∞ (a masked score) is counted apart
 * and never averaged in, so a mask does not turn every mean into −∞. */
#ifndef TF_VIEW_STATS_H
#define TF_VIEW_STATS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    float min, max;      /* over finite values; min > max when there are none */
    double mean;         /* over finite values; 0 when there are none */
    size_t n_finite, n_neg_inf, n_pos_inf, n_nan;
} ValueStats;

void stats_of(const float *x, size_t n, ValueStats *out);

/* Sum of the finite values of a row (an attention row sums to 1). */
double stats_row_sum(const float *row, size_t n);

/* Is every row of m (rows, cols) a probability distribution: each value
 * in [0, 1] (no −∞, no NaN) and each row summing to 1 within tol? That is
 * what attention weights and softmax outputs are, and only for them do
 * entropy and attention distance mean anything. False for rows == 0. */
bool stats_rows_are_distributions(const float *m, size_t rows, size_t cols, double tol);

/* One pooled cell of a (rows, cols) matrix: the mean of the finite values
 * in rows [r0, r1) × cols [c0, c1); −∞ when every value there is −∞, NaN
 * when there is a NaN, +∞ when the rest is +∞. The block is clipped to
 * the matrix. */
float stats_pool(const float *m, size_t rows, size_t cols, size_t r0, size_t r1, size_t c0, size_t c1);

/* The same over values a function gives: get(ctx, i, j) for every (i, j)
 * of the (already clipped) block. */
float stats_pool_fn(float (*get)(const void *ctx, size_t i, size_t j), const void *ctx, size_t r0,
                    size_t r1, size_t c0, size_t c1);

#endif
