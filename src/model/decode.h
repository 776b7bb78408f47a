/* decode.h — the pieces of a forward pass that generation reuses
 * (model/forward.c; private to src/model). */
#ifndef TF_MODEL_DECODE_H
#define TF_MODEL_DECODE_H

#include "model/activations.h"
#include "model/layers.h"
#include "model/model.h"

/* The positional slot of the config's positions kind (enc.pos,
 * enc.rope_angles or enc.rel_buckets; nothing for none): the encoder's
 * positions 0..Ts−1. */
void forward_positions_encoder(const Model *m, Activations *a);
/* The same for the decoder (dec.*): its query rows at q0..q0+Tt−1 over
 * keys 0..len[KEYS]−1. */
void forward_positions_decoder(const Model *m, Activations *a, int q0);

/* The encoder on sentence s of a (src: its Ts ids, src_len real ones);
 * returns its memory (Ts, d), inside a. */
const float *forward_encode(const Model *m, Activations *a, int s, const int *src, int src_len);

/* The decoder on sentence s of a: len[TGT] input rows ids (len real ones),
 * row 0 at position q0, reading memory (len[SRC] rows, src_len real; NULL
 * in decoder-only mode). caches (one per decoder layer) or NULL: see
 * layer_forward. Fills embeddings through logits and probs. */
void forward_decode(const Model *m, Activations *a, int s, const float *memory, int src_len,
                    const int *ids, int len, int q0, LayerCache *caches);

#endif
