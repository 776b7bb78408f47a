/* attention.h — multi-head scaled dot-product attention, one sentence.
 *
 * Mirrors torch.nn.MultiheadAttention: the packed in_proj_weight (3d, d)
 * holds W_Q, W_K, W_V one under the other, and head h uses rows
 * [h·dk, (h+1)·dk) of each. Every intermediate lands in its own slot. */
#ifndef TF_MODEL_ATTENTION_H
#define TF_MODEL_ATTENTION_H

#include "model/activations.h"

/* o: one sentence's view of the block's slots (activations_sentence_attn),
 * shapes as in ATTN_SLOTS: q (h, Tq, dk), k and v (h, Tk, dk), raw, scores,
 * masked and weights (h, Tq, Tk), mask (Tq, Tk) — an input, z (h, Tq, dk),
 * concat and out (Tq, d). */

void attention_forward(const AttnActs *o,
                       const float *xq,     /* (Tq, d) rows that ask */
                       const float *xkv,    /* (Tk, d) rows that are looked at */
                       const float *in_w,   /* (3d, d) */
                       const float *in_b,   /* (3d) */
                       const float *out_w,  /* (d, d) */
                       const float *out_b,  /* (d) */
                       int Tq, int Tk, int d, int h);

#endif
