/* layers.h — one layer of either stack, for one sentence, walking its
 * table of steps (model/layer_steps.h).
 *
 * Post-LN (the paper, default):  x = LN(x + Sublayer(x))
 * Pre-LN:                        x = x + Sublayer(LN(x))
 * layer_forward writes every intermediate into the layer's slots (o, a
 * one-sentence view) and returns the layer's output, which points into
 * one of them. The attention masks must already be in o's mask slots. */
#ifndef TF_MODEL_LAYERS_H
#define TF_MODEL_LAYERS_H

#include "model/activations.h"
#include "model/attention.h"
#include "model/config.h"
#include "model/layer_steps.h"
#include "model/weights.h"

/* The position-wise feed-forward network: act(x W_1ᵀ + b_1) W_2ᵀ + b_2. */
void ffn_forward(float *hidden,      /* (T, F) */
                 float *out,         /* (T, d) */
                 const float *x,     /* (T, d) */
                 const float *w1, const float *b1,  /* (F, d), (F) */
                 const float *w2, const float *b2,  /* (d, F), (d) */
                 int T, int d, int F, Activation act);

/* A decoder layer's KV caches for autoregressive decoding: its own
 * self-attention keys and values, growing a row per step, and the
 * cross-attention's keys and values of the encoder memory, computed once. */
typedef struct {
    KVCache self, cross;
} LayerCache;

/* The weights one layer's steps read, whichever stack it belongs to;
 * shapes as in weights.h. */
typedef struct {
    const float *self_in_w, *self_in_b, *self_out_w, *self_out_b;      /* (3d, d) (3d) (d, d) (d) */
    const float *cross_in_w, *cross_in_b, *cross_out_w, *cross_out_b;  /* the same; NULL without cross-attention */
    const float *ff1_w, *ff1_b, *ff2_w, *ff2_b;                        /* (F, d) (F) (d, F) (d) */
    const float *norm_w[3], *norm_b[3];                                /* (d): norm1..norm3, NULL when absent */
} LayerWeights;

LayerWeights layer_weights_encoder(const EncLayerWeights *w);
LayerWeights layer_weights_decoder(const DecLayerWeights *w);

/* One layer of this kind: its steps in order. x (T, d) is the layer's
 * input. memory (Ts, d): the encoder's output, read by cross-attention
 * (LAYER_DECODER only). self_pos: relative bias or rotary embedding of the
 * self-attention (attention.h). Without a cache, the T rows attend to each
 * other (the parallel pass, keys = queries). With a cache (decoder layers
 * only), x is one new row (T = 1): its keys and values join the cache, and
 * it attends over every cached row. layer: the layer's index in its stack,
 * which ablate_head names heads by. drop: a training pass's dropout masks
 * (T, d) of the layer's sublayers, indexed by DropSublayer (NULL entries:
 * none), each multiplied into its sublayer's output before the residual
 * add; NULL for every other pass. */
const float *layer_forward(const LayerActs *o, LayerKind kind, const Config *c, const LayerWeights *w,
                           const float *x, const float *memory, int T, int Ts,
                           const AttnPositions *self_pos, LayerCache *cache, int layer,
                           const float *const *drop);

/* Where a layer of this kind leaves its output among its slots o: the last
 * step's (post-LN its last norm, pre-LN resid_post). */
const float *layer_output(const LayerActs *o, LayerKind kind, NormPlacement norm);

#endif
