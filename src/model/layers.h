/* layers.h — one encoder layer and one decoder layer, for one sentence.
 *
 * Post-LN (the paper, default):  x = LN(x + Sublayer(x))
 * Pre-LN:                        x = x + Sublayer(LN(x))
 * Each function writes every intermediate into the layer's slots (o, a
 * one-sentence view) and returns the layer's output, which points into
 * one of them. The attention masks must already be in o's mask slots. */
#ifndef TF_MODEL_LAYERS_H
#define TF_MODEL_LAYERS_H

#include "model/activations.h"
#include "model/attention.h"
#include "model/config.h"
#include "model/weights.h"

/* The position-wise feed-forward network: act(x W_1ᵀ + b_1) W_2ᵀ + b_2. */
void ffn_forward(float *hidden,      /* (T, F) */
                 float *out,         /* (T, d) */
                 const float *x,     /* (T, d) */
                 const float *w1, const float *b1,  /* (F, d), (F) */
                 const float *w2, const float *b2,  /* (d, F), (d) */
                 int T, int d, int F, Activation act);

/* Encoder layer: self-attention over the source, then feed-forward. pos:
 * relative bias or rotary embedding of the self-attention (attention.h). */
const float *encoder_layer_forward(const LayerActs *o, const float *x /* (Ts, d) */,
                                   const EncLayerWeights *w, const Config *c, int Ts,
                                   const AttnPositions *pos);

/* A decoder layer's KV caches for autoregressive decoding: its own
 * self-attention keys and values, growing a row per step, and the
 * cross-attention's keys and values of the encoder memory, computed once. */
typedef struct {
    KVCache self, cross;
} LayerCache;

/* Decoder layer: masked self-attention, cross-attention over memory (skipped
 * when memory is NULL: decoder-only), feed-forward. Without a cache, Tt rows
 * attend to each other (the parallel pass, keys = queries). With a cache,
 * x is one new row (Tt = 1): its keys and values join the cache, and it
 * attends over every cached row. */
const float *decoder_layer_forward(const LayerActs *o, const float *x /* (Tt, d) */,
                                   const float *memory /* (Ts, d) or NULL */,
                                   const DecLayerWeights *w, const Config *c, int Tt, int Ts,
                                   const AttnPositions *self_pos, LayerCache *cache);

#endif
