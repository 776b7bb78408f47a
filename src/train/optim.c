/* optim.c — Adam, the paper's learning-rate schedule, gradient clipping. */
#include "train/optim.h"

#include <math.h>
#include <stdlib.h>

#include "core/checked.h"

Status optim_adam_init(Adam *a, size_t n, Error *err)
{
    *a = (Adam){.n = n, .beta1 = ADAM_BETA1, .beta2 = ADAM_BETA2, .eps = ADAM_EPS};
    size_t total;
    if (!checked_mul(&total, 2, n ? n : 1) || !checked_mul(&total, total, sizeof(float)))
        return error_set(err, TF_ERR_INPUT, "optimizer: %zu parameters is too many", n);
    a->m = calloc(1, total);
    if (!a->m)
        return error_set(err, TF_ERR_RUNTIME, "optimizer: out of memory for %zu moments",
                         2 * n);
    a->v = a->m + n;
    return TF_OK;
}

void optim_adam_free(Adam *a)
{
    free(a->m);
    *a = (Adam){0};
}

void optim_adam_step(Adam *a, float *params, const float *grads, float lr)
{
    a->step++;
    const double b1 = a->beta1, b2 = a->beta2;
    /* 1 − βᵗ: how much of the moments' zero start is still showing. */
    const double bc1 = 1.0 - pow(b1, (double)a->step);
    const double bc2 = 1.0 - pow(b2, (double)a->step);
    for (size_t i = 0; i < a->n; i++) {
        double g = grads[i];
        double m = b1 * a->m[i] + (1.0 - b1) * g;
        double v = b2 * a->v[i] + (1.0 - b2) * g * g;
        a->m[i] = (float)m;
        a->v[i] = (float)v;
        /* ε is added to √v̂, after the bias correction, as Algorithm 1 and
         * torch.optim.Adam do. */
        params[i] = (float)(params[i] - lr * (m / bc1) / (sqrt(v / bc2) + a->eps));
    }
}

double optim_lr_schedule(long step, int d_model, int warmup, double scale)
{
    if (step <= 0)
        return 0.0;
    double s = (double)step;
    double rise = s * pow((double)warmup, -1.5);
    double fall = 1.0 / sqrt(s);
    return scale / sqrt((double)d_model) * (rise < fall ? rise : fall);
}

/* √(Σ g²) over n values, summed in double. */
static double optim_grad_norm(const float *g, size_t n)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += (double)g[i] * g[i];
    return sqrt(sum);
}

double optim_clip_grad_norm(float *g, size_t n, double max_norm)
{
    double norm = optim_grad_norm(g, n);
    if (!isfinite(norm) || norm <= max_norm)
        return norm;
    /* torch.nn.utils.clip_grad_norm_ divides by norm + 1e-6; without that
     * the clipped norm is max_norm itself, not slightly less. */
    const double s = max_norm / norm;
    for (size_t i = 0; i < n; i++)
        g[i] = (float)(g[i] * s);
    return norm;
}
