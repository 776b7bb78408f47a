/* ffn.c — the position-wise feed-forward network. */
#include "core/ops.h"
#include "model/layers.h"

void ffn_forward(float *hidden, float *out, const float *x, const float *w1, const float *b1,
                 const float *w2, const float *b2, int T, int d, int F, Activation act)
{
    linear_forward(hidden, x, w1, b1, T, d, F);
    if (act == ACT_GELU)
        gelu_forward(hidden, hidden, (size_t)T * F);
    else
        relu_forward(hidden, hidden, (size_t)T * F);
    linear_forward(out, hidden, w2, b2, T, F, d);
}
