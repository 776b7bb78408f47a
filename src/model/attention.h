/* attention.h — multi-head scaled dot-product attention, one sentence.
 *
 * Mirrors torch.nn.MultiheadAttention: the packed in_proj_weight (3d, d)
 * holds W_Q, W_K, W_V one under the other, and head h uses rows
 * [h·dk, (h+1)·dk) of each. Every intermediate lands in its own slot.
 *
 * Two ways to get the keys and values:
 *   attention_forward  projects every key row (a parallel pass);
 *   attention_step     projects only the newest row and appends it to a KV
 *                      cache that keeps the rows of earlier steps, as
 *                      autoregressive decoding does.
 * Both then score, mask, normalise and mix in the same function. */
#ifndef TF_MODEL_ATTENTION_H
#define TF_MODEL_ATTENTION_H

#include <stdbool.h>
#include <stdint.h>

#include "model/config.h"

#include "model/activations.h"

/* o: one sentence's view of the block's slots (activations_sentence_attn),
 * shapes as in ATTN_SLOTS: q and q_rot (h, Tq, dk), k, k_rot and v
 * (h, Tk, dk), raw, scores, bias, masked and weights (h, Tq, Tk), mask
 * (Tq, Tk) — an input, z (h, Tq, dk), concat and out (Tq, d). */

/* How positions enter a self-attention block (model/positions.h); all zero
 * for cross-attention and for positions that are added to the embeddings. */
typedef struct {
    bool rope;              /* rotate Q and K (o->q_rot, o->k_rot) */
    int q_pos0;             /* position of query row 0 */
    const float *buckets;   /* (Tq, Tk) relative-position buckets, or NULL: no bias */
    const float *bias_table;/* (num_buckets, h) relative_attention_bias.weight */
} AttnPositions;

/* The switches a lesson flips inside one block (model/config.h): what the
 * scores are scaled by, and which heads are silenced. */
typedef struct {
    float scale;          /* scores = raw · scale: config_score_scale (1/√dk by default) */
    uint64_t ablated;     /* bit hh set: head hh's z is zeroed before the concat */
} AttnSwitches;

/* The switches of one block of layer `layer` under config c. */
AttnSwitches attention_switches(const Config *c, AblateBlock block, int layer);

void attention_forward(const AttnActs *o,
                       const float *xq,     /* (Tq, d) rows that ask */
                       const float *xkv,    /* (Tk, d) rows that are looked at */
                       const float *in_w,   /* (3d, d) */
                       const float *in_b,   /* (3d) */
                       const float *out_w,  /* (d, d) */
                       const float *out_b,  /* (d) */
                       int Tq, int Tk, int d, int h, const AttnPositions *pos,
                       const AttnSwitches *sw);

/* The keys and values of earlier positions, per head, in rows of a block
 * sized for the longest sequence; with rope also the rotated keys (what
 * attention reads; the plain ones are kept so the trace shows both). */
typedef struct {
    float *k, *v;     /* (h, cap, dk) */
    float *k_rot;     /* (h, cap, dk), or NULL without rope */
    float *fresh;     /* (2, d): the newest row's K and V, from one product, before
                       * they join each head's rows; NULL in a cache only filled */
    int cap;          /* rows allocated */
    int n;            /* rows held */
} KVCache;

/* Fill an empty cache with the K and V of every row of xkv (Tk, d): the
 * encoder memory, computed once for all the steps of a cross-attention. */
void attention_cache_fill(KVCache *c, const float *xkv, const float *in_w, const float *in_b, int Tk,
                          int d, int h);

/* One query row (Tq = 1) over the cache. When x_new (1, d) is given its K
 * and V (rotated for position pos->q_pos0 with rope) are appended first, so
 * Tk = c->n afterwards; the cache's rows are then copied into o->k, o->v
 * (and o->k_rot), the records of "the cache so far", unless o->k is c->k
 * itself (a full cache, cap = n, whose layout is the records'). */
void attention_step(const AttnActs *o, const float *xq, const float *x_new, KVCache *c,
                    const float *in_w, const float *in_b, const float *out_w, const float *out_b,
                    int d, int h, const AttnPositions *pos, const AttnSwitches *sw);

#endif
