/* rope_backward.c — the rotary embedding backwards: turn the gradient back.
 *
 * The forward (src/model/positions.c) multiplies each pair by the rotation
 * R(θ) = [[cos θ, −sin θ], [sin θ, cos θ]]; the gradient with respect to
 * the pair before rotation is R(θ)ᵀ·dout = R(−θ)·dout. */
#include "core/backward.h"

#include <math.h>
#include <stddef.h>

void rope_backward(float *dx, const float *dout, int pos0, int T, int dk)
{
    for (int r = 0; r < T; r++) {
        const float *g = dout + (size_t)r * dk;   /* (dk) */
        float *o = dx + (size_t)r * dk;           /* (dk) */
        for (int i = 0; 2 * i + 1 < dk; i++) {
            /* θ_i = 10000^(−2i/dk), as positions.c's rope_theta computes it. */
            const double a = (pos0 + r) * pow(10000.0, -2.0 * i / dk), c = cos(a), s = sin(a);
            const double g0 = g[2 * i], g1 = g[2 * i + 1];
            o[2 * i] = (float)(o[2 * i] + (c * g0 + s * g1));
            o[2 * i + 1] = (float)(o[2 * i + 1] + (-s * g0 + c * g1));
        }
    }
}
