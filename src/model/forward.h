/* forward.h — one forward pass of the whole model over a batch. */
#ifndef TF_MODEL_FORWARD_H
#define TF_MODEL_FORWARD_H

#include "model/activations.h"
#include "model/batch.h"
#include "model/model.h"

/* Run the model on every sentence of the batch, filling every slot of a
 * (built by activations_init for this model and batch): the encoder, the
 * decoder under teacher forcing (all positions in one pass, under the
 * causal mask), the predicted token at each position and, when the batch
 * has targets, each position's cross-entropy and the mean loss. No I/O, no
 * allocation: tracing reads the slots afterwards. */
void model_forward(const Model *m, const Batch *b, Activations *a);

/* The encoder alone, on every sentence of b, into a built by
 * activations_init_encoder: what generation reads before its first step.
 * Sentence s's memory is then a->enc_memory + s·Ts·d. */
void model_encode(const Model *m, const Batch *b, Activations *a);

#endif
