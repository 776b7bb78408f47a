/* layernorm_backward.c — the gradient of LayerNorm over the last axis.
 *
 * Per row, with μ the mean, σ² the biased variance, r = 1/√(σ² + eps),
 * x̂ = (x − μ)·r and out = x̂·γ + β:
 *   dβ += dout,   dγ += dout·x̂,   g = dout·γ  (the gradient at x̂), and
 *   dx = r · (g − mean(g) − x̂ · mean(g·x̂)).
 * The two means are what μ and σ² depend on every entry of the row: moving
 * one x_c shifts the mean (the −mean(g) term) and the spread (the x̂ term). */
#include "core/backward.h"
#include "core/ops.h"

#include <math.h>
#include <stddef.h>

void layernorm_backward(float *dx, float *dgamma, float *dbeta, const float *dout,
                        const float *x, const float *gamma, int n, int d, float eps)
{
    for (int i = 0; i < n; i++) {
        const float *x_row = x + (size_t)i * d;        /* (d) */
        const float *dout_row = dout + (size_t)i * d;  /* (d) */

        /* The forward's statistics, recomputed exactly as it computed them. */
        double mean, rstd;
        layernorm_row_stats(x_row, d, eps, &mean, &rstd);

        double g_mean = 0.0, gx_mean = 0.0;
        for (int c = 0; c < d; c++) {
            double xhat = (x_row[c] - mean) * rstd;
            double g = dout_row[c] * (gamma ? (double)gamma[c] : 1.0);
            g_mean += g;
            gx_mean += g * xhat;
            if (dgamma && gamma)
                dgamma[c] = (float)(dgamma[c] + dout_row[c] * xhat);
            if (dbeta)
                dbeta[c] += dout_row[c];
        }
        g_mean /= d;
        gx_mean /= d;

        if (!dx)
            continue;
        float *dx_row = dx + (size_t)i * d;            /* (d) */
        for (int c = 0; c < d; c++) {
            double xhat = (x_row[c] - mean) * rstd;
            double g = dout_row[c] * (gamma ? (double)gamma[c] : 1.0);
            dx_row[c] = (float)(dx_row[c] + rstd * (g - g_mean - xhat * gx_mean));
        }
    }
}
