/* activation_backward.c — gradients of the feed-forward non-linearities. */
#include "core/backward.h"

#include <math.h>

void relu_backward(float *dx, const float *dout, const float *x, size_t n)
{
    /* The slope is 1 where x > 0 and 0 elsewhere, including x = 0 itself:
     * torch.relu's backward (threshold_backward) passes the gradient only
     * where the output is > 0. */
    for (size_t i = 0; i < n; i++)
        if (x[i] > 0.0f)
            dx[i] += dout[i];
}

void gelu_backward(float *dx, const float *dout, const float *x, size_t n)
{
    /* d/dx [x·Φ(x)] = Φ(x) + x·φ(x), with Φ the normal CDF (computed as in
     * gelu_forward: ½·erfc(−x/√2)) and φ(x) = exp(−x²/2)/√(2π) its density,
     * as PyTorch's GeluBackward for approximate='none'. */
    const double inv_sqrt2 = 0.70710678118654752440;
    const double inv_sqrt_2pi = 0.39894228040143267794;
    for (size_t i = 0; i < n; i++) {
        double v = x[i];
        double cdf = 0.5 * erfc(-v * inv_sqrt2);
        double pdf = inv_sqrt_2pi * exp(-0.5 * v * v);
        dx[i] = (float)(dx[i] + dout[i] * (cdf + v * pdf));
    }
}
