/* optim.h — the optimiser of §5.3 of "Attention Is All You Need": Adam
 * with β1 = 0.9, β2 = 0.98, ε = 1e-9, the warm-up / inverse-square-root
 * learning rate, and (not in the paper, but what keeps a tiny model's first
 * steps sane) clipping of the gradient's global norm.
 *
 * Parameters and gradients are flat float arrays of n values: a model's
 * Weights keep every parameter in one block (Weights.block, .numel), and
 * its gradients in a second Weights-shaped block, so one call covers all.
 * Everything is plain sequential arithmetic: the same inputs give the same
 * bits on every run. */
#ifndef TF_TRAIN_OPTIM_H
#define TF_TRAIN_OPTIM_H

#include <stddef.h>

#include "core/error.h"

#define ADAM_BETA1 0.9
#define ADAM_BETA2 0.98
#define ADAM_EPS 1e-9

typedef struct {
    size_t n;           /* parameters */
    float *m;           /* (n) first moment: running mean of gradients */
    float *v;           /* (n) second moment: running mean of squared gradients */
    long step;          /* updates taken so far */
    double beta1, beta2, eps;
} Adam;

/* Moments zeroed, step 0, the paper's β1, β2, ε (change the fields after
 * init to use others). One allocation holds m and v. */
Status optim_adam_init(Adam *a, size_t n, Error *err);
void optim_adam_free(Adam *a);

/* One update of params (n) from grads (n) at learning rate lr:
 *   t += 1;  m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²
 *   params −= lr · m̂ / (√v̂ + ε),  m̂ = m/(1−β1ᵗ),  v̂ = v/(1−β2ᵗ)
 * (Kingma & Ba's Algorithm 1; torch.optim.Adam without weight decay).
 * The bias corrections make the first steps full-sized although m and v
 * start at 0. */
void optim_adam_step(Adam *a, float *params, const float *grads, float lr);

/* The learning rate of step (1, 2, …), equation (3) of the paper:
 *   lr = scale · d_model^−0.5 · min(step^−0.5, step · warmup^−1.5)
 * rising linearly for `warmup` steps, peaking at step = warmup, then
 * decaying as 1/√step. scale = 1 is the paper's; small models like a larger
 * one. Step 0 (before any update) gives 0. warmup and d_model must be ≥ 1. */
double optim_lr_schedule(long step, int d_model, int warmup, double scale);

/* If the global norm exceeds max_norm, scale g by max_norm / norm so that
 * its norm becomes max_norm (to float rounding); otherwise leave it exactly
 * as it is. Returns the norm before clipping, for the progress line. A
 * non-finite norm (an overflow or NaN upstream) leaves g unchanged and is
 * returned as is, so the caller can refuse the step. */
double optim_clip_grad_norm(float *g, size_t n, double max_norm);

#endif
