/* elementwise.c — the simplest tensor arithmetic: residual adds, scaling. */
#include "core/ops.h"

/* Residual connection x + sublayer(x). out may alias a or b. */
void add_forward(float *out, const float *a, const float *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = a[i] + b[i];
}

/* Used for the 1/√dk score scale and the √d embedding scale. out may alias x. */
void scale_forward(float *out, const float *x, float s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = x[i] * s;
}
