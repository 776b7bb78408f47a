/* elementwise.c — the simplest tensor arithmetic: residual adds, scaling. */
#include "core/ops.h"
#include "core/simd.h"

static SIMD_BODY void add_body(float *out, const float *a, const float *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = a[i] + b[i];
}
SIMD_COPIES(add_body, (float *out, const float *a, const float *b, size_t n), (out, a, b, n))

static SIMD_BODY void scale_body(float *out, const float *x, float s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = x[i] * s;
}
SIMD_COPIES(scale_body, (float *out, const float *x, float s, size_t n), (out, x, s, n))

/* Residual connection x + sublayer(x). out may alias a or b. */
void add_forward(float *out, const float *a, const float *b, size_t n)
{
    SIMD_RUN(add_body, (out, a, b, n));
}

/* Used for the 1/√dk score scale and the √d embedding scale. out may alias x. */
void scale_forward(float *out, const float *x, float s, size_t n)
{
    SIMD_RUN(scale_body, (out, x, s, n));
}
