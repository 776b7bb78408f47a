/* layernorm.c — LayerNorm over the last axis, as torch.nn.LayerNorm. */
#include "core/ops.h"
#include "core/parallel.h"
#include "core/simd.h"

#include <math.h>
#include <stddef.h>

/* The sums of a row are kept in LANES independent double lanes, added
 * together at the end, so that the compiler can put them in vector
 * registers (it may not reorder one accumulator by itself). */
enum { LANES = 8 };

static SIMD_BODY void row_stats_body(const float *x, int d, float eps, double *mean, double *rstd)
{
    /* Two passes in double: first the mean, then the mean squared
     * deviation from it. The one-pass E[x²] − E[x]² cancels badly when
     * the mean is large next to the spread (think a row of 1000 ± 0.01),
     * and so does a mean summed in float: its rounding (1000 · 6e-8) would
     * be 1% of that row's spread. In double the sum of d floats of one
     * magnitude is exact, whatever the order of its lanes. */
    double lane[LANES] = {0};
    int c = 0;
    for (; c + LANES <= d; c += LANES)
        for (int k = 0; k < LANES; k++)
            lane[k] += (double)x[c + k];
    double sum = 0.0;
    for (; c < d; c++)
        sum += x[c];
    for (int k = 0; k < LANES; k++)
        sum += lane[k];
    const double m = sum / d;

    double sq_lane[LANES] = {0};
    c = 0;
    for (; c + LANES <= d; c += LANES)
        for (int k = 0; k < LANES; k++) {
            const double dev = x[c + k] - m;
            sq_lane[k] += dev * dev;
        }
    double sq = 0.0;
    for (; c < d; c++) {
        const double dev = x[c] - m;
        sq += dev * dev;
    }
    for (int k = 0; k < LANES; k++)
        sq += sq_lane[k];
    /* Biased variance (divide by d, not d − 1), as torch.nn.LayerNorm. */
    *mean = m;
    *rstd = 1.0 / sqrt(sq / d + (double)eps);
}
SIMD_COPIES(row_stats_body, (const float *x, int d, float eps, double *mean, double *rstd), (x, d, eps, mean, rstd))

void layernorm_row_stats(const float *x, int d, float eps, double *mean, double *rstd)
{
    SIMD_RUN(row_stats_body, (x, d, eps, mean, rstd));
}

/* One row: out_row (d) from x_row (d). */
static SIMD_BODY void layernorm_row_body(float *out_row, const float *x_row, const float *gamma,
                                         const float *beta, int d, float eps)
{
    double mean, inv_std;
    row_stats_body(x_row, d, eps, &mean, &inv_std);

    /* In double, rounded once. The usual case (both affine vectors) is
     * a loop without tests, which vectorises; the other has the same
     * arithmetic with 1 and 0 in their place, so both give the same bits. */
    if (gamma && beta) {
        for (int c = 0; c < d; c++)
            out_row[c] = (float)((x_row[c] - mean) * inv_std * gamma[c] + beta[c]);
    } else {
        for (int c = 0; c < d; c++) {
            double y = (x_row[c] - mean) * inv_std;
            double g = gamma ? gamma[c] : 1.0;
            double b = beta ? beta[c] : 0.0;
            out_row[c] = (float)(y * g + b);
        }
    }
}
SIMD_COPIES(layernorm_row_body, (float *out_row, const float *x_row, const float *gamma, const float *beta, int d,
                                 float eps),
            (out_row, x_row, gamma, beta, d, eps))

static void layernorm_row(float *out_row, const float *x_row, const float *gamma, const float *beta, int d,
                          float eps)
{
    SIMD_RUN(layernorm_row_body, (out_row, x_row, gamma, beta, d, eps));
}

/* layernorm_forward's rows as parallel_for pieces, one row each. */
typedef struct {
    float *out;
    const float *x, *gamma, *beta;
    int d;
    float eps;
} LayerNormRows;

static void layernorm_piece(void *ctx, int i)
{
    const LayerNormRows *j = ctx;
    layernorm_row(j->out + (size_t)i * j->d, j->x + (size_t)i * j->d, j->gamma, j->beta, j->d, j->eps);
}

/* gamma (d) and beta (d) may be NULL, meaning 1 and 0 (PyTorch's
 * elementwise_affine=False). out may alias x. Rows are independent: with
 * several threads (core/parallel.h) each computes whole rows, the same
 * bits as one thread. */
void layernorm_forward(float *out, const float *x, const float *gamma, const float *beta,
                       int n, int d, float eps)
{
    const int threads = parallel_row_threads((size_t)n * d);
    if (threads > 1) {
        LayerNormRows job = {out, x, gamma, beta, d, eps};
        parallel_for(n, threads, layernorm_piece, &job);
        return;
    }
    for (int i = 0; i < n; i++)
        layernorm_row(out + (size_t)i * d, x + (size_t)i * d, gamma, beta, d, eps);
}
