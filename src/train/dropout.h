/* dropout.h — drawing the dropout masks of training steps.
 *
 * `train --dropout X`: at every training step, each sublayer's output
 * (self-attention, cross-attention, feed-forward) and the sum of
 * embeddings and positions at the bottom of each stack are multiplied by
 * a fresh mask before the residual add (model/dropout_masks.h): each
 * element dropped with chance X, the kept ones scaled by 1 / (1 − X). As
 * the paper's P_drop, for a corpus small enough to learn by heart: a
 * network that cannot count on any one unit being there learns what
 * holds with many of them missing.
 *
 * The masks come from a PCG32 stream of their own, seeded from the
 * trainer's seed: the same seed gives the same masks bit for bit, and
 * the data order and input dropout draw as they would without them. */
#ifndef TF_TRAIN_DROPOUT_H
#define TF_TRAIN_DROPOUT_H

#include <stdint.h>

#include "core/error.h"
#include "core/rng.h"
#include "model/config.h"
#include "model/dropout_masks.h"

typedef struct {
    float rate;          /* X in (0, 1) */
    uint32_t below;      /* a draw below this drops: rate · 2³² */
    float keep_scale;    /* 1 / (1 − rate) */
    Rng rng;
    float *block;        /* dropout_masks_numel floats: 0 or keep_scale */
    size_t numel;
    DropoutMasks masks;  /* what a pass reads: Activations.dropout = &masks */
} Dropout;

/* Masks for model config c and batches of B sentences of Ts source (0 for
 * a decoder-only model) and Tt decoder positions, with rate in (0, 1),
 * drawn from stream `stream` of seed. TF_ERR_INPUT names a rate outside
 * (0, 1); TF_ERR_RUNTIME when out of memory. The masks are all kept
 * (keep_scale) until the first dropout_draw. */
Status dropout_init(Dropout *dr, float rate, uint64_t seed, uint64_t stream, const Config *c, int B, int Ts,
                    int Tt, Error *err);

/* New masks for the next step: one draw per element, in the block's order. */
void dropout_draw(Dropout *dr);

void dropout_free(Dropout *dr);

#endif
