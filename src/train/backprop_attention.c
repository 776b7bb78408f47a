/* backprop_attention.c — one multi-head attention block backwards, the
 * reverse of model/attention.c:
 *
 *   out = concat W_Oᵀ + b_O  ←  concat = [z_1 … z_h]  ←  z = weights·V
 *     ←  weights = softmax(scores (+ bias) + mask)  ←  scores = Q_(rot)·K_(rot)ᵀ·scale
 * (scale = 1/√dk, 1 with scale = off, divided by attn_temperature; an
 * ablated head's z is zeroed, so it passes no gradient back)
 *     ←  Q_rot, K_rot = rope(Q, K)  ←  Q, K, V = x W_{Q,K,V}ᵀ + b_{Q,K,V}
 *
 * Head hh owns rows [hh·dk, (hh+1)·dk) of each of W_Q, W_K, W_V, so its
 * projections' gradients land in those rows of in_proj_weight's gradient. */
#include <math.h>
#include <string.h>

#include "core/backward.h"
#include "train/backprop_internal.h"

void attention_backward(const BackpropWork *w, float *dxq, float *dxkv, float *din_w, float *din_b,
                        float *dout_w, float *dout_b, float *dbias_table, const float *dout,
                        const AttnActs *o, const float *xq, const float *xkv, const float *in_w,
                        const float *out_w, int Tq, int Tk, const AttnPositions *pos,
                        const AttnSwitches *sw)
{
    const int d = w->d, h = w->h, dk = w->dk;
    /* The same float the forward multiplied by (scale, temperature). */
    const float scale = sw->scale;
    const bool rope = pos && pos->rope;
    const bool relative = pos && pos->buckets;
    const float *q = rope ? o->q_rot : o->q, *k = rope ? o->k_rot : o->k;  /* what was scored */

    /* out (Tq, d) = concat (Tq, d) · W_Oᵀ + b_O */
    memset(w->dconcat, 0, (size_t)Tq * d * sizeof(float));
    linear_backward(w->dconcat, dout_w, dout_b, dout, o->concat, out_w, Tq, d, d);

    const size_t nqk = (size_t)Tq * dk, nkk = (size_t)Tk * dk, nss = (size_t)Tq * Tk;
    for (int hh = 0; hh < h; hh++) {
        const size_t qo = (size_t)hh * nqk, ko = (size_t)hh * nkk, so = (size_t)hh * nss;
        if (hh < 64 && (sw->ablated >> hh & 1))
            continue;  /* an ablated head's z is the constant 0: nothing flows back through it */
        /* dz (Tq, dk): this head's columns of dconcat. */
        for (int t = 0; t < Tq; t++)
            memcpy(w->dz + (size_t)t * dk, w->dconcat + (size_t)t * d + (size_t)hh * dk, dk * sizeof(float));

        float *dq = rope ? w->dq_rot : w->dq, *dkk = rope ? w->dk_rot : w->dkey;
        memset(dq, 0, nqk * sizeof(float));
        memset(dkk, 0, nkk * sizeof(float));
        memset(w->dv, 0, nkk * sizeof(float));
        memset(w->dweights, 0, nss * sizeof(float));
        memset(w->dscores, 0, nss * sizeof(float));
        memset(w->draw, 0, nss * sizeof(float));
        attention_head_backward(dq, dkk, w->dv, w->dweights, w->dscores, w->draw, w->dz, q + qo, k + ko,
                                o->v + ko, o->weights + so, scale, Tq, Tk, dk);

        if (relative) {
            /* masked = scores + bias + mask: the bias gets the scores'
             * gradient, and each table entry B[bucket, hh] collects it from
             * every (query, key) pair of that bucket. Masked pairs carry
             * exactly 0 (softmax_backward), so they add nothing. */
            for (size_t ij = 0; ij < nss; ij++)
                dbias_table[(size_t)pos->buckets[ij] * h + hh] += w->dscores[ij];
        }
        if (rope) {
            /* Turn the gradients back to the unrotated Q and K. */
            memset(w->dq, 0, nqk * sizeof(float));
            memset(w->dkey, 0, nkk * sizeof(float));
            rope_backward(w->dq, w->dq_rot, pos->q_pos0, Tq, dk);
            rope_backward(w->dkey, w->dk_rot, pos->q_pos0, Tk, dk);
        }

        /* Q (Tq, dk) = xq W_Q[hh]ᵀ + b_Q[hh];  K, V (Tk, dk) from xkv likewise. */
        const size_t wq = (size_t)hh * dk * d, wk = (size_t)d * d + wq, wv = (size_t)2 * d * d + wq;
        const size_t bq = (size_t)hh * dk, bk = (size_t)d + bq, bv = (size_t)2 * d + bq;
        linear_backward(dxq, din_w + wq, din_b + bq, w->dq, xq, in_w + wq, Tq, d, dk);
        linear_backward(dxkv, din_w + wk, din_b + bk, w->dkey, xkv, in_w + wk, Tk, d, dk);
        linear_backward(dxkv, din_w + wv, din_b + bv, w->dv, xkv, in_w + wv, Tk, d, dk);
    }
}
