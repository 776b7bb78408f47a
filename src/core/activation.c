/* activation.c — the elementwise non-linearities of the feed-forward block. */
#include "core/ops.h"

#include <math.h>

#include "core/fast_math.h"
#include "core/simd.h"

static SIMD_BODY void relu_body(float *out, const float *x, size_t n)
{
    /* Written as "x < 0 ? 0 : x" so that a NaN passes through (NaN < 0 is
     * false), as torch.relu lets it; "x > 0 ? x : 0" would hide it as 0. */
    for (size_t i = 0; i < n; i++)
        out[i] = x[i] < 0.0f ? 0.0f : x[i];
}
SIMD_COPIES(relu_body, (float *out, const float *x, size_t n), (out, x, n))

void relu_forward(float *out, const float *x, size_t n)
{
    SIMD_RUN(relu_body, (out, x, n));
}

static SIMD_BODY void gelu_body(float *out, const float *x, size_t n)
{
    /* GELU(x) = x·Φ(x) = 0.5·x·(1 + erf(x/√2)), the exact form PyTorch uses
     * by default (approximate='none'), not the tanh approximation.
     * 1 + erf(z) is computed as erfc(−z), the same number: for very negative
     * x, 1 + erf(z) cancels to 0 while erfc keeps the tiny tail; for x > 0
     * it is 2 − erfc(|z|). In double with core/fast_math.h's erfc (within
     * 1.2e-7 relative), so the float result is within about 2 ulp of the
     * correctly rounded one, and the loop vectorises. */
    const double inv_sqrt2 = 0.70710678118654752440;
    for (size_t i = 0; i < n; i++) {
        const double v = x[i], z = -v * inv_sqrt2;
        const double tail = fast_erfc_nonnegative(fabs(z));
        const double erfc_z = z < 0.0 ? 2.0 - tail : tail;
        out[i] = (float)(0.5 * v * erfc_z);
    }
}
SIMD_COPIES(gelu_body, (float *out, const float *x, size_t n), (out, x, n))

void gelu_forward(float *out, const float *x, size_t n)
{
    SIMD_RUN(gelu_body, (out, x, n));
}
