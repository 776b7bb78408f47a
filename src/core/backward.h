/* backward.h — the backward twins of the operations in ops.h.
 *
 * Shapes use the legend of core/ops.h (T tokens, d model width, dk head
 * width, V vocabulary, ...). Each op_backward takes the gradient of the
 * loss with respect to op_forward's output (`dout`, same shape as `out`)
 * and the forward's inputs, and ADDS (+=) the gradients with respect to
 * those inputs into the `d…` outputs. Accumulating, not overwriting, is
 * what lets a tensor used twice (a residual stream, an encoder memory read
 * by every decoder layer) collect both contributions: zero a gradient
 * buffer once before the backward pass, never inside an op.
 *
 * A gradient output may be NULL when that gradient is not wanted (the
 * token ids of an embedding, a constant mask). Like the forwards, these
 * allocate nothing, do no I/O and touch no globals. Gradient outputs must
 * not alias the inputs they are computed from. */
#ifndef TF_CORE_BACKWARD_H
#define TF_CORE_BACKWARD_H

#include <stddef.h>

/* Backward of linear_forward: out (n, m) = a (n, k) · wᵀ + bias, w (m, k).
 *   da    (n, k) += dout · w
 *   dw    (m, k) += doutᵀ · a
 *   dbias (m)    += Σ over rows of dout
 * Large products go to OpenBLAS (sgemm with beta = 1); the reference loop
 * below is what the tests trust, and the fast path must agree with it. */
void linear_backward(float *da, float *dw, float *dbias, const float *dout,
                     const float *a, const float *w, int n, int k, int m);
void linear_backward_reference(float *da, float *dw, float *dbias, const float *dout,
                               const float *a, const float *w, int n, int k, int m);

/* Backward of matmul_forward: out (n, m) = a (n, k) · b (k, m).
 *   da (n, k) += dout · bᵀ
 *   db (k, m) += aᵀ · dout */
void matmul_backward(float *da, float *db, const float *dout, const float *a, const float *b,
                     int n, int k, int m);
void matmul_backward_reference(float *da, float *db, const float *dout, const float *a,
                               const float *b, int n, int k, int m);

/* Backward of the row-wise softmax, from its output y (rows, cols):
 *   dx += y ⊙ (dout − ⟨y, dout⟩)      per row.
 * Where y is exactly 0 (a −∞ masked key, or every key of a fully masked
 * row) dx is left exactly unchanged: no gradient flows through a mask, and
 * no NaN either. */
void softmax_backward(float *dx, const float *dout, const float *y, int rows, int cols);

/* Backward of layernorm_forward over x (n, d) with gamma (d) (NULL: 1).
 * The mean and the biased variance are recomputed from x in double, as
 * the forward computes them, so nothing has to be kept from the forward.
 *   dx (n, d), dgamma (d), dbeta (d); dgamma is ignored when gamma is NULL. */
void layernorm_backward(float *dx, float *dgamma, float *dbeta, const float *dout,
                        const float *x, const float *gamma, int n, int d, float eps);

/* Elementwise activations, from the forward's input x (n values).
 * ReLU: dx += dout where x > 0 (0 at x = 0, as torch.relu's backward).
 * GELU: dx += dout · (Φ(x) + x·φ(x)), the derivative of the exact erf form. */
void relu_backward(float *dx, const float *dout, const float *x, size_t n);
void gelu_backward(float *dx, const float *dout, const float *x, size_t n);

/* out = a + b:  da += dout, db += dout (either may be NULL, e.g. a constant
 * mask or positional encoding). */
void add_backward(float *da, float *db, const float *dout, size_t n);

/* out = x · s:  dx += s · dout. */
void scale_backward(float *dx, const float *dout, float s, size_t n);

/* Backward of the token embedding out (T, d) = table[ids] · √d (the scale
 * of §3.4, computed as sqrtf(d) like the forward): each row of dout, times
 * √d, is added to the row of dtable (V, d) its token came from. A token
 * that appears twice collects both rows. ids must lie in [0, V). */
void embedding_backward(float *dtable, const float *dout, const int *ids, int T, int d);

/* Backward of the rotary embedding (model/positions.h positions_rope_rotate): row r
 * of out (T, dk) is x's row r with each pair (2i, 2i+1) turned by the angle
 * (pos0 + r)·10000^(−2i/dk). A rotation's inverse is its transpose, so
 *   dx[2i]   +=  cos·dout[2i] + sin·dout[2i+1]
 *   dx[2i+1] += −sin·dout[2i] + cos·dout[2i+1]
 * i.e. dout turned back by the same angle. The angle is computed in double
 * from the same formula as the forward's (not read from the float
 * rope_angles record), so forward and backward turn by the same amount. */
void rope_backward(float *dx, const float *dout, int pos0, int T, int dk);

/* Backward of one attention head, as a composition of the ops above:
 *
 *   raw     = Q · Kᵀ                  (Tq, Tk)   linear_forward(raw, q, k, NULL, ...)
 *   scores  = raw · scale             (Tq, Tk)   scale = 1/√dk
 *   masked  = scores + mask           (Tq, Tk)   mask: 0 or −∞, a constant
 *   weights = softmax(masked)         (Tq, Tk)
 *   z       = weights · V             (Tq, dk)
 *
 * From dz (Tq, dk) it accumulates grad_q (Tq, dk), grad_k (Tk, dk) and
 * grad_v (Tk, dk), passing through grad_weights, grad_scores and grad_raw
 * (Tq, Tk each), which the caller provides and which also accumulate: zero
 * them first (they are the grad.…attn.weights/scores/raw of a training
 * trace). The mask is a constant, so the gradient with respect to `masked`
 * is grad_scores itself. A masked key (weight exactly 0) gets exactly 0 in
 * grad_scores and grad_raw, and so adds nothing to grad_k; a fully masked
 * query row gets a zero row everywhere. */
void attention_head_backward(float *grad_q, float *grad_k, float *grad_v,
                             float *grad_weights, float *grad_scores, float *grad_raw,
                             const float *dz, const float *q, const float *k, const float *v,
                             const float *weights, float scale, int Tq, int Tk, int dk);

#endif
