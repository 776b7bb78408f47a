/* dropout_masks.h — the masks of dropout, as a training pass reads them.
 *
 * Dropout (the paper's §5.4, P_drop): during a training step, each
 * sublayer's output is multiplied element by element by a mask before the
 * residual add, and so is the sum of embeddings and positions at the
 * bottom of each stack. A mask element is 0 (dropped, chance P_drop) or
 * 1 / (1 − P_drop) (kept, scaled so that the mean of what passes stays
 * the same). The forward pass reads them through Activations.dropout:
 * NULL, as activations_init leaves it, is a pass without dropout — what
 * `run`, tracing, generation and evaluation always make. Who draws the
 * masks is the trainer's business (train/dropout.h); the backward pass
 * multiplies the same gradients by the same masks.
 *
 * Layout: one block of floats, the encoder's masks, then the decoder's.
 * A stack's masks are its input's, then each layer's sublayers in order
 * (self-attention, cross-attention when the decoder has it, feed-forward),
 * each (B, T, d) with T = Ts or Tt. */
#ifndef TF_MODEL_DROPOUT_MASKS_H
#define TF_MODEL_DROPOUT_MASKS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    DROP_SELF = 0,   /* self-attention's output */
    DROP_CROSS,      /* cross-attention's output (encoder-decoder decoder layers) */
    DROP_FFN,        /* the feed-forward network's output */
    DROP_SUBLAYERS
} DropSublayer;

typedef struct {
    const float *block;          /* dropout_masks_numel floats, laid out as above */
    int B, Ts, Tt, d;            /* Ts = 0 for a decoder-only model */
    int enc_layers, dec_layers;
    bool cross;                  /* decoder layers have cross-attention */
} DropoutMasks;

/* Floats of the block for these sizes (Ts and enc_layers 0 without an encoder). */
size_t dropout_masks_numel(int B, int Ts, int Tt, int d, int enc_layers, int dec_layers, bool cross);

/* Sentence s's mask (T, d) of the encoder's (encoder = 1) or decoder's
 * stack: its input's (layer = −1) or sublayer k of layer `layer`. NULL
 * when dm is NULL or the layer has no such sublayer. */
const float *dropout_mask(const DropoutMasks *dm, int encoder, int layer, DropSublayer k, int s);

/* x (n) *= mask (n): the forward's dropping, and the backward's too. */
void dropout_apply(float *x, const float *mask, size_t n);

#endif
