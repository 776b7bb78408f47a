/* attention_backward.c — one attention head backwards, op by op, in the
 * reverse order of attention_forward (src/model/attention.c):
 *
 *   z = weights · V  →  weights = softmax(masked)  →  masked = scores + mask
 *     →  scores = raw · scale  →  raw = Q · Kᵀ
 *
 * Every step is a backward twin from backward.h; the composition adds no
 * arithmetic of its own, so each step can be checked (and traced) alone. */
#include "core/backward.h"

#include <stddef.h>

void attention_head_backward(float *grad_q, float *grad_k, float *grad_v,
                             float *grad_weights, float *grad_scores, float *grad_raw,
                             const float *dz, const float *q, const float *k, const float *v,
                             const float *weights, float scale, int Tq, int Tk, int dk)
{
    const size_t n = (size_t)Tq * Tk;

    /* z (Tq, dk) = weights (Tq, Tk) · V (Tk, dk) */
    matmul_backward(grad_weights, grad_v, dz, weights, v, Tq, Tk, dk);

    /* weights = softmax(masked); the mask is a constant added to the
     * scores, so add_backward hands the gradient on to scores unchanged and
     * gives the mask none: softmax_backward can write into grad_scores
     * directly. Masked keys (weight exactly 0) get exactly 0 here. */
    softmax_backward(grad_scores, grad_weights, weights, Tq, Tk);

    /* scores = raw · scale */
    scale_backward(grad_raw, grad_scores, scale, n);

    /* raw (Tq, Tk) = Q (Tq, dk) · Kᵀ: linear_forward(raw, q, k, NULL, Tq, dk, Tk). */
    linear_backward(grad_q, grad_k, NULL, grad_raw, q, k, Tq, dk, Tk);
}
