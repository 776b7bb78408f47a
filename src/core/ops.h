/* ops.h — the pure math of a transformer forward pass.
 *
 * Shape legend (used in every comment below and across src/model):
 *   T  = tokens in a sequence      (Tq = query positions, Tk = key positions)
 *   d  = model width (d_model)     dk = head width (d / h)
 *   h  = heads                     F  = feed-forward width (d_ff)
 *   V  = vocabulary size           B  = sentences in a batch
 *
 * Every function writes its outputs first, reads `const` inputs, allocates
 * nothing, does no I/O and touches no globals (but for the count of
 * multiply-adds the two products keep, linear_macs). Matrices are row-major.
 */
#ifndef TF_CORE_OPS_H
#define TF_CORE_OPS_H

#include <stddef.h>
#include <stdint.h>

/* out (n, m) = a (n, k) · bᵀ where b is (m, k), plus bias (m) when non-NULL.
 * This is PyTorch's nn.Linear layout: weight (out_features, in_features). */
void linear_forward(float *out, const float *a, const float *w, const float *bias,
                    int n, int k, int m);

/* The same product computed with the plain triple loop that the tests trust.
 * linear_forward may take a faster path (BLAS); it must agree with this. */
void linear_forward_reference(float *out, const float *a, const float *w,
                              const float *bias, int n, int k, int m);

/* out (n, m) = a (n, k) · b (k, m): used for weights · V in attention. */
void matmul_forward(float *out, const float *a, const float *b, int n, int k, int m);
void matmul_forward_reference(float *out, const float *a, const float *b,
                              int n, int k, int m);

/* Multiply-adds linear_forward and matmul_forward have performed in this
 * thread so far (n·k·m per call, whichever path computed it). Generation
 * reads it before and after a step to record the work the step did, as it
 * was done: counted where the products are computed, not predicted. */
uint64_t linear_macs(void);

/* Adds n to this thread's count: the products other threads computed for
 * it (the heads of an attention block shared among threads), so that the
 * count stays the work of the pass, whichever threads did it. */
void linear_macs_add(uint64_t n);

/* Row-wise softmax of x (rows, cols) into out (may alias x).
 * Subtracts the row maximum first so exp never overflows. A row whose every
 * entry is −∞ (all keys masked) becomes all zeros, never NaN: there is
 * nothing to attend to, and 0/0 must not leak into later layers. */
void softmax_forward(float *out, const float *x, int rows, int cols);

/* LayerNorm over the last axis: out (n, d) = (x − mean) / sqrt(var + eps) · gamma + beta,
 * with the biased variance, as torch.nn.LayerNorm computes it. */
void layernorm_forward(float *out, const float *x, const float *gamma, const float *beta,
                       int n, int d, float eps);

/* The statistics of one row x (d) that LayerNorm normalises with, in
 * double: *mean, and *rstd = 1/sqrt(var + eps) with the biased variance.
 * The forward and its backward both use this, so they agree to the bit. */
void layernorm_row_stats(const float *x, int d, float eps, double *mean, double *rstd);

/* Elementwise activations, in place allowed. GELU is the exact erf form
 * (PyTorch's default, approximate='none'). */
void relu_forward(float *out, const float *x, size_t n);
void gelu_forward(float *out, const float *x, size_t n);

/* out = a + b, elementwise (n values). */
void add_forward(float *out, const float *a, const float *b, size_t n);

/* out = x · s, elementwise. */
void scale_forward(float *out, const float *x, float s, size_t n);

#endif
