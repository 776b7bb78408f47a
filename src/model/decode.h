/* decode.h — the pieces of a forward pass that generation reuses
 * (model/forward.c; private to src/model). */
#ifndef TF_MODEL_DECODE_H
#define TF_MODEL_DECODE_H

#include "model/activations.h"
#include "model/layers.h"
#include "model/model.h"

/* The same for the decoder (dec.*): its query rows at q0..q0+Tt−1 over
 * keys 0..len[KEYS]−1. */
void forward_positions_decoder(const Model *m, Activations *a, int q0);

/* The decoder on sentence s of a: len[TGT] input rows ids (len real ones),
 * row 0 at position q0, reading memory (len[SRC] rows, src_len real; NULL
 * in decoder-only mode). caches (one per decoder layer) or NULL: see
 * layer_forward. Fills embeddings through logits and probs. */
void forward_decode(const Model *m, Activations *a, int s, const float *memory, int src_len,
                    const int *ids, int len, int q0, LayerCache *caches);

#endif
