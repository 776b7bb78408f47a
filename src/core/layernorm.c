/* layernorm.c — LayerNorm over the last axis, as torch.nn.LayerNorm. */
#include "core/ops.h"

#include <math.h>
#include <stddef.h>

void layernorm_row_stats(const float *x, int d, float eps, double *mean, double *rstd)
{
    /* Two passes in double: first the mean, then the mean squared
     * deviation from it. The one-pass E[x²] − E[x]² cancels badly when
     * the mean is large next to the spread (think a row of 1000 ± 0.01). */
    double sum = 0.0;
    for (int c = 0; c < d; c++)
        sum += x[c];
    const double m = sum / d;
    double sq = 0.0;
    for (int c = 0; c < d; c++) {
        double dev = x[c] - m;
        sq += dev * dev;
    }
    /* Biased variance (divide by d, not d − 1), as torch.nn.LayerNorm. */
    *mean = m;
    *rstd = 1.0 / sqrt(sq / d + (double)eps);
}

/* gamma (d) and beta (d) may be NULL, meaning 1 and 0 (PyTorch's
 * elementwise_affine=False). out may alias x. */
void layernorm_forward(float *out, const float *x, const float *gamma, const float *beta,
                       int n, int d, float eps)
{
    for (int i = 0; i < n; i++) {
        const float *x_row = x + (size_t)i * d;    /* (d) */
        float *out_row = out + (size_t)i * d;      /* (d) */

        double mean, inv_std;
        layernorm_row_stats(x_row, d, eps, &mean, &inv_std);

        for (int c = 0; c < d; c++) {
            double y = (x_row[c] - mean) * inv_std;
            double g = gamma ? gamma[c] : 1.0;
            double b = beta ? beta[c] : 0.0;
            out_row[c] = (float)(y * g + b);
        }
    }
}
