/* softmax.c — row-wise softmax, the step that turns attention scores into
 * weights that sum to 1. */
#include "core/ops.h"

#include <math.h>
#include <stddef.h>

#include "core/fast_math.h"
#include "core/parallel.h"
#include "core/simd.h"

/* Partial sums and maxima are kept in LANES independent lanes, so that the
 * compiler can put them in vector registers (it may not reorder one float
 * or double accumulator by itself, which would change the rounding). */
enum { LANES = 8 };

/* The largest value of x (n), NaNs left out; −∞ when there is none. */
static SIMD_BODY float row_max(const float *x, int n)
{
    float lane[LANES];
    for (int k = 0; k < LANES; k++)
        lane[k] = -INFINITY;
    int c = 0;
    for (; c + LANES <= n; c += LANES)
        for (int k = 0; k < LANES; k++)
            lane[k] = x[c + k] > lane[k] ? x[c + k] : lane[k];
    float max = -INFINITY;
    for (; c < n; c++)
        max = x[c] > max ? x[c] : max;
    for (int k = 0; k < LANES; k++)
        max = lane[k] > max ? lane[k] : max;
    return max;
}

/* Σ e (n) in double: rows of thousands of small weights (a vocabulary)
 * keep their small terms. */
static SIMD_BODY double row_sum(const float *e, int n)
{
    double lane[LANES] = {0};
    int c = 0;
    for (; c + LANES <= n; c += LANES)
        for (int k = 0; k < LANES; k++)
            lane[k] += (double)e[c + k];
    double sum = 0.0;
    for (; c < n; c++)
        sum += (double)e[c];
    for (int k = 0; k < LANES; k++)
        sum += lane[k];
    return sum;
}

/* One row: out_row (cols) from x_row (cols), which it may be. */
static SIMD_BODY void softmax_row_body(float *out_row, const float *x_row, int cols)
{
    /* softmax(x) = softmax(x − c) for any c; with c = max every exponent
     * is ≤ 0, so exp never overflows, and the largest term is exactly 1. */
    const float max = row_max(x_row, cols);

    if (max == -INFINITY) {
        /* Every key is masked: nothing to attend to. PyTorch gives NaN
         * here (0/0); we give zeros so no NaN leaks into later layers.
         * But a NaN among the masked keys still poisons the row (below). */
        int nan = 0;
        for (int c = 0; c < cols; c++)
            nan |= isnan(x_row[c]);
        for (int c = 0; c < cols; c++)
            out_row[c] = nan ? NAN : 0.0f;
        return;
    }

    /* A masked −∞ score gives exp(−∞) = +0.0 exactly: masked keys get
     * weight exactly 0, which −1e9 would only approximate. A NaN
     * anywhere gives a NaN term, so a NaN sum and a NaN row, as in
     * PyTorch: a bug upstream shows up instead of hiding. So does +∞
     * (∞ − ∞). fast_exp is within 1.4 ulp of e^x (core/fast_math.h). */
    for (int c = 0; c < cols; c++)
        out_row[c] = fast_exp(x_row[c] - max);

    /* One reciprocal, then a multiply per entry, as PyTorch's CPU kernel
     * does (_vec_softmax_lastdim in aten/src/ATen/native/cpu/SoftMaxKernel.cpp). */
    const float inv_sum = (float)(1.0 / row_sum(out_row, cols));
    for (int c = 0; c < cols; c++)
        out_row[c] *= inv_sum;
}
SIMD_COPIES(softmax_row_body, (float *out_row, const float *x_row, int cols), (out_row, x_row, cols))

static void softmax_row(float *out_row, const float *x_row, int cols)
{
    SIMD_RUN(softmax_row_body, (out_row, x_row, cols));
}

/* softmax_forward's rows as parallel_for pieces, one row each. */
typedef struct {
    float *out;
    const float *x;
    int cols;
} SoftmaxRows;

static void softmax_piece(void *ctx, int r)
{
    const SoftmaxRows *j = ctx;
    softmax_row(j->out + (size_t)r * j->cols, j->x + (size_t)r * j->cols, j->cols);
}

/* Rows are independent: with several threads (core/parallel.h) each
 * computes whole rows, the same bits as one thread. */
void softmax_forward(float *out, const float *x, int rows, int cols)
{
    const int threads = parallel_row_threads((size_t)rows * cols);
    if (threads > 1) {
        SoftmaxRows job = {out, x, cols};
        parallel_for(rows, threads, softmax_piece, &job);
        return;
    }
    for (int r = 0; r < rows; r++)
        softmax_row(out + (size_t)r * cols, x + (size_t)r * cols, cols);
}
