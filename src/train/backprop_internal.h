/* backprop_internal.h — the pieces of model_backward, shared by the
 * backprop*.c files of src/train and private to them.
 *
 *   backprop.c            Grads, the loss, the walk over the whole model
 *   backprop_layers.c     one encoder or decoder layer backwards
 *   backprop_attention.c  one attention block backwards (relative bias, rope)
 *   backprop_embed.c      token embeddings and positions backwards
 *
 * Shapes use the legend of core/ops.h; Tm = the longer of the allocated
 * Ts and Tt, the most rows any scratch buffer holds. Every function here
 * reads one sentence's activation slots and ADDS into its gradients. */
#ifndef TF_TRAIN_BACKPROP_INTERNAL_H
#define TF_TRAIN_BACKPROP_INTERNAL_H

#include <stdbool.h>

#include "model/activations.h"
#include "model/attention.h"
#include "model/config.h"
#include "model/weights.h"

/* The scratch of one backward pass: sized once by backprop_grads_alloc, reused by
 * every sentence, layer and head (nothing is allocated per call). Buffers
 * hold garbage between uses; each user zeroes what it accumulates into. */
typedef struct {
    const Config *c;
    int d, h, dk, F;
    float *dlogits;     /* (B, Tt, V)  ∂loss/∂dec.logits for the whole batch */
    float *dfinal;      /* (Tt, d)     at the final norm's output */
    float *dmemory;     /* (Ts, d)     at enc.memory: sums over every decoder layer */
    float *dmid[2];     /* (Tm, d)     at the stream between two sublayers of a layer */
    float *dsub;        /* (Tm, d)     post-LN: at a norm's input (x + Sublayer(x)) */
    float *dln;         /* (Tm, d)     pre-LN: at a norm's output (what the sublayer read) */
    float *ddrop;       /* (Tm, d)     dropout: at a sublayer's output before its mask */
    /* one attention block */
    float *dconcat;     /* (Tm, d) */
    float *dz;          /* (Tm, dk)  one head's share of dconcat */
    float *dq, *dkey, *dv;      /* (Tm, dk) */
    float *dq_rot, *dk_rot;     /* (Tm, dk)  rope: at the rotated Q and K */
    float *dweights, *dscores, *draw;  /* (Tm, Tm) */
    /* the feed-forward network */
    float *pre;         /* (Tm, F)  x W_1ᵀ + b_1, recomputed: the slot keeps act(pre) only */
    float *dhidden;     /* (Tm, F) */
    float *dpre;        /* (Tm, F) */
} BackpropWork;

/* Backward of attention_forward (model/attention.c) for one sentence.
 *   dxq  (Tq, d) += ∂/∂xq,   dxkv (Tk, d) += ∂/∂xkv   (may be the same buffer
 *                                                       for self-attention)
 *   din_w (3d, d), din_b (3d), dout_w (d, d), dout_b (d) += parameter gradients
 *   dbias_table (NB, h) += relative-bias gradient (pos->buckets set), else unused
 * from dout (Tq, d) at the block's output, the block's slots o (q, k, v,
 * q_rot, k_rot, weights, concat) and its inputs xq (Tq, d), xkv (Tk, d). */
void attention_backward(const BackpropWork *w, float *dxq, float *dxkv, float *din_w, float *din_b,
                        float *dout_w, float *dout_b, float *dbias_table, const float *dout,
                        const AttnActs *o, const float *xq, const float *xkv, const float *in_w,
                        const float *out_w, int Tq, int Tk, const AttnPositions *pos,
                        const AttnSwitches *sw);

/* Backward of an encoder layer (layer_forward, LAYER_ENCODER): dx (Ts, d) += ∂loss/∂x from dy (Ts, d)
 * at the layer's output; x is the layer's input. dbias_table: the encoder's
 * relative-bias gradient (NULL without relative positions). drop: the
 * forward's dropout masks of the layer (layer_forward's), or NULL. */
void encoder_layer_backward(const BackpropWork *w, float *dx, const float *dy, const LayerActs *o,
                            const float *x, const EncLayerWeights *W, EncLayerWeights *G, int Ts,
                            const AttnPositions *pos, float *dbias_table, int layer, const float *const *drop);

/* Backward of a decoder layer (layer_forward, the parallel pass): dx (Tt, d) +=,
 * dmemory (Ts, d) += (memory NULL: decoder-only, dmemory unused). */
void decoder_layer_backward(const BackpropWork *w, float *dx, float *dmemory, const float *dy,
                            const LayerActs *o, const float *x, const float *memory,
                            const DecLayerWeights *W, DecLayerWeights *G, int Tt, int Ts,
                            const AttnPositions *self_pos, float *dbias_table, int layer,
                            const float *const *drop);

/* The output of a layer: where its slots hold the stream it hands on. */
const float *backprop_encoder_output(const LayerActs *o, const Config *c);
const float *backprop_decoder_output(const LayerActs *o, const Config *c);

/* The gradient at a sublayer's output before its dropout mask (T, d):
 * ds ⊙ mask, in w->ddrop; ds itself when mask is NULL. */
const float *dropout_backward(const BackpropWork *w, const float *ds, const float *mask, int T);

/* Backward of the embedding step of a stack: input (T, d) = E[ids]·√d (+ pos).
 * dtable (V, d) += rows of dinput·√d; dpos_table (max_len, d), when
 * non-NULL (learned positions), rows 0..T−1 += dinput. Sinusoidal tables
 * and rope/relative have nothing to learn here. */
void embed_backward(float *dtable, float *dpos_table, const float *dinput, const int *ids, int T, int d);

#endif
