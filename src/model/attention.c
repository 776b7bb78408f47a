/* attention.c — Attention(Q, K, V) = softmax(Q·Kᵀ/√dk + mask) · V, per head. */
#include "model/attention.h"

#include <math.h>
#include <stddef.h>

#include "core/ops.h"

void attention_forward(const AttnActs *o, const float *xq, const float *xkv, const float *in_w,
                       const float *in_b, const float *out_w, const float *out_b, int Tq, int Tk,
                       int d, int h)
{
    const int dk = d / h;
    const float *wq = in_w, *wk = in_w + (size_t)d * d, *wv = in_w + (size_t)2 * d * d;
    const float *bq = in_b, *bk = in_b + d, *bv = in_b + 2 * d;
    /* PyTorch scales q by 1/√dk before the product; scaling the product
     * instead is the same number up to rounding, and lets the trace show
     * raw and scaled scores as two steps. */
    const float scale = 1.0f / sqrtf((float)dk);

    for (int hh = 0; hh < h; hh++) {
        const size_t qo = (size_t)hh * Tq * dk, ko = (size_t)hh * Tk * dk;
        const size_t so = (size_t)hh * Tq * Tk;
        /* Each head projects with its own dk rows of W_Q, W_K, W_V. */
        linear_forward(o->q + qo, xq, wq + (size_t)hh * dk * d, bq + hh * dk, Tq, d, dk);
        linear_forward(o->k + ko, xkv, wk + (size_t)hh * dk * d, bk + hh * dk, Tk, d, dk);
        linear_forward(o->v + ko, xkv, wv + (size_t)hh * dk * d, bv + hh * dk, Tk, d, dk);

        linear_forward(o->raw + so, o->q + qo, o->k + ko, NULL, Tq, dk, Tk);  /* Q·Kᵀ */
        scale_forward(o->scores + so, o->raw + so, scale, (size_t)Tq * Tk);
        for (int i = 0; i < Tq; i++)
            add_forward(o->masked + so + (size_t)i * Tk, o->scores + so + (size_t)i * Tk,
                        o->mask + (size_t)i * Tk, (size_t)Tk);
        softmax_forward(o->weights + so, o->masked + so, Tq, Tk);
        matmul_forward(o->z + qo, o->weights + so, o->v + ko, Tq, Tk, dk);

        /* concat[t, hh·dk + j] = z[hh, t, j] */
        for (int t = 0; t < Tq; t++)
            for (int j = 0; j < dk; j++)
                o->concat[(size_t)t * d + hh * dk + j] = o->z[qo + (size_t)t * dk + j];
    }
    linear_forward(o->out, o->concat, out_w, out_b, Tq, d, d);
}
