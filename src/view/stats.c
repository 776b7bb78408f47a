/* stats.c — range, sums and pooling. */
#include "view/stats.h"

#include <math.h>

void stats_of(const float *x, size_t n, ValueStats *out)
{
    ValueStats s = {INFINITY, -INFINITY, 0.0, 0, 0, 0, 0};
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        float v = x[i];
        if (isnan(v)) {
            s.n_nan++;
        } else if (isinf(v)) {
            if (v < 0)
                s.n_neg_inf++;
            else
                s.n_pos_inf++;
        } else {
            s.n_finite++;
            sum += v;
            s.min = v < s.min ? v : s.min;
            s.max = v > s.max ? v : s.max;
        }
    }
    s.mean = s.n_finite ? sum / (double)s.n_finite : 0.0;
    *out = s;
}

double stats_row_sum(const float *row, size_t n)
{
    double sum = 0.0;
    for (size_t j = 0; j < n; j++)
        if (isfinite(row[j]))
            sum += row[j];
    return sum;
}

bool stats_rows_are_distributions(const float *m, size_t rows, size_t cols, double tol)
{
    if (rows == 0 || cols == 0)
        return false;
    for (size_t i = 0; i < rows; i++) {
        double sum = 0.0;
        for (size_t j = 0; j < cols; j++) {
            float v = m[i * cols + j];
            if (!(v >= 0.0f && v <= 1.0f))  /* also refuses NaN and ±inf */
                return false;
            sum += v;
        }
        if (fabs(sum - 1.0) > tol)
            return false;
    }
    return true;
}

typedef struct {
    const float *m;
    size_t cols;
} Dense;

static float dense_at(const void *ctx, size_t i, size_t j)
{
    const Dense *d = ctx;
    return d->m[i * d->cols + j];
}

float stats_pool(const float *m, size_t rows, size_t cols, size_t r0, size_t r1, size_t c0, size_t c1)
{
    Dense d = {m, cols};
    return stats_pool_fn(dense_at, &d, r0, r1 > rows ? rows : r1, c0, c1 > cols ? cols : c1);
}

float stats_pool_fn(float (*get)(const void *ctx, size_t i, size_t j), const void *ctx, size_t r0,
                    size_t r1, size_t c0, size_t c1)
{
    double sum = 0.0;
    size_t finite = 0, neg = 0, pos = 0;
    for (size_t i = r0; i < r1; i++)
        for (size_t j = c0; j < c1; j++) {
            float v = get(ctx, i, j);
            if (isnan(v))
                return NAN;
            if (isinf(v)) {
                if (v < 0)
                    neg++;
                else
                    pos++;
            } else {
                sum += v;
                finite++;
            }
        }
    if (finite)
        return (float)(sum / (double)finite);
    if (pos && !neg)
        return INFINITY;
    if (neg && !pos)
        return -INFINITY;
    return NAN;  /* empty block, or +inf and -inf together */
}
