/* topk.h — which columns of a vocabulary-wide matrix to show when they
 * cannot all be shown.
 *
 * A character-level model of Tang poems has about two thousand tokens, so
 * dec.probs is a T × 2000 matrix: a heatmap of all of it is two thousand
 * columns of nearly zero. What a student reads there is "what did the
 * model predict here": the few tokens with the largest values. These two
 * functions choose them, the same way for the viewer (one row, the
 * cursor's) and the plots (every row's best, together).
 *
 * Order: larger values first; −∞ after every finite value; NaN after
 * everything (it is never a prediction); equal values by column index, so
 * the choice is the same on every machine. Pure functions: no allocation,
 * no I/O. Shapes: R = rows, V = columns (the vocabulary), k = columns kept. */
#ifndef TF_CORE_TOPK_H
#define TF_CORE_TOPK_H

#include <stddef.h>
#include <stdint.h>

/* The k columns of row (V) with the largest values, best first, into
 * out (k); returns how many: min(k, V). */
size_t topk_row(const float *row, size_t V, size_t k, uint32_t *out);

/* Columns of m (R, V) chosen so that every row shows its best tokens: each
 * row's best, then each row's second best, and so on (a column already
 * chosen is not chosen twice), until k columns are chosen or every row's
 * k best are in. Sorted by the column's largest value over the rows, best
 * first, into out (k); scratch holds R × k column indices. Returns how
 * many were chosen (at most min(k, V)). */
size_t topk_union(const float *m, size_t R, size_t V, size_t k, uint32_t *scratch, uint32_t *out);

/* The rank (0 = best) column j has in row (V) by the order above. */
size_t topk_rank(const float *row, size_t V, uint32_t j);

#endif
