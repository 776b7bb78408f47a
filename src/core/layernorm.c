/* layernorm.c — LayerNorm over the last axis, as torch.nn.LayerNorm. */
#include "core/ops.h"

#include <math.h>
#include <stddef.h>

/* gamma (d) and beta (d) may be NULL, meaning 1 and 0 (PyTorch's
 * elementwise_affine=False). out may alias x. */
void layernorm_forward(float *out, const float *x, const float *gamma, const float *beta,
                       int n, int d, float eps)
{
    for (int i = 0; i < n; i++) {
        const float *x_row = x + (size_t)i * d;    /* (d) */
        float *out_row = out + (size_t)i * d;      /* (d) */

        /* Two passes in double: first the mean, then the mean squared
         * deviation from it. The one-pass E[x²] − E[x]² cancels badly when
         * the mean is large next to the spread (think a row of 1000 ± 0.01). */
        double sum = 0.0;
        for (int c = 0; c < d; c++)
            sum += x_row[c];
        double mean = sum / d;

        double sq = 0.0;
        for (int c = 0; c < d; c++) {
            double dev = x_row[c] - mean;
            sq += dev * dev;
        }
        /* Biased variance (divide by d, not d − 1), as torch.nn.LayerNorm. */
        double var = sq / d;
        double inv_std = 1.0 / sqrt(var + (double)eps);

        for (int c = 0; c < d; c++) {
            double y = (x_row[c] - mean) * inv_std;
            double g = gamma ? gamma[c] : 1.0;
            double b = beta ? beta[c] : 0.0;
            out_row[c] = (float)(y * g + b);
        }
    }
}
