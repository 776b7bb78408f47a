/* compare.h — reference checks for test programs: compare two float arrays
 * against an explicit tolerance and, when they differ, say where and by how
 * much (first mismatch, both values, the largest difference).
 *
 * A value passes when |got − want| ≤ atol + rtol·|want| (numpy.allclose's
 * rule). NaN matches only NaN and ±∞ only the same infinity, so a NaN can
 * never slip through a tolerance. Use atol = rtol = 0 for "exactly equal"
 * (note: +0.0 and −0.0 then count as equal, as == says). */
#ifndef TF_TESTS_COMPARE_H
#define TF_TESTS_COMPARE_H

#include <stddef.h>

/* Compare n values. Returns 0 when all pass; otherwise prints to stderr,
 * under the label `what`, how many failed, the first failing index with
 * both values, and the max |got − want| with its index, and returns 1. */
int compare_floats(const char *what, const float *got, const float *want, size_t n,
                   float atol, float rtol);

/* The same for a row-major (rows, cols) matrix; indices print as [row][col]. */
int compare_matrix(const char *what, const float *got, const float *want,
                   size_t rows, size_t cols, float atol, float rtol);

/* Largest |got[i] − want[i]| over finite pairs (for reporting accuracy);
 * *at (when non-NULL) receives its index. 0 when n == 0. */
double compare_max_abs_diff(const float *got, const float *want, size_t n, size_t *at);

#endif
