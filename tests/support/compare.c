/* compare.c — see compare.h. */
#include "compare.h"

#include <math.h>
#include <stdio.h>

/* Does got match want within atol + rtol·|want|? Worked in double so the
 * tolerance test itself adds no float rounding. */
static int value_matches(float got, float want, float atol, float rtol)
{
    if (isnan(want) || isnan(got))
        return isnan(want) && isnan(got);
    if (isinf(want) || isinf(got))
        return got == want;
    double diff = fabs((double)got - (double)want);
    return diff <= (double)atol + (double)rtol * fabs((double)want);
}

double compare_max_abs_diff(const float *got, const float *want, size_t n, size_t *at)
{
    double max = 0.0;
    size_t max_at = 0;
    for (size_t i = 0; i < n; i++) {
        double diff = fabs((double)got[i] - (double)want[i]);
        if (isfinite(diff) && diff > max) {
            max = diff;
            max_at = i;
        }
    }
    if (at)
        *at = max_at;
    return max;
}

/* Print an index as [i] or, for a matrix, [row][col]. */
static void print_index(size_t i, size_t cols)
{
    if (cols)
        fprintf(stderr, "[%zu][%zu]", i / cols, i % cols);
    else
        fprintf(stderr, "[%zu]", i);
}

/* cols == 0: a flat array. */
static int compare_impl(const char *what, const float *got, const float *want, size_t n,
                        size_t cols, float atol, float rtol)
{
    size_t bad = 0, first = 0;
    for (size_t i = 0; i < n; i++) {
        if (!value_matches(got[i], want[i], atol, rtol)) {
            if (bad == 0)
                first = i;
            bad++;
        }
    }
    if (bad == 0)
        return 0;

    size_t max_at;
    double max = compare_max_abs_diff(got, want, n, &max_at);
    fprintf(stderr, "%s: %zu of %zu values outside |got - want| <= %g + %g*|want|\n",
            what, bad, n, (double)atol, (double)rtol);
    fprintf(stderr, "  first mismatch at ");
    print_index(first, cols);
    fprintf(stderr, ": got %.9g, want %.9g (diff %.3g)\n", (double)got[first],
            (double)want[first], fabs((double)got[first] - (double)want[first]));
    fprintf(stderr, "  max |diff| %.3g at ", max);
    print_index(max_at, cols);
    fprintf(stderr, ": got %.9g, want %.9g\n", (double)got[max_at], (double)want[max_at]);
    return 1;
}

int compare_floats(const char *what, const float *got, const float *want, size_t n,
                   float atol, float rtol)
{
    return compare_impl(what, got, want, n, 0, atol, rtol);
}

int compare_matrix(const char *what, const float *got, const float *want,
                   size_t rows, size_t cols, float atol, float rtol)
{
    if (cols == 0)
        return 0;
    return compare_impl(what, got, want, rows * cols, cols, atol, rtol);
}
