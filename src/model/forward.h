/* forward.h — one forward pass of the whole model over a batch. */
#ifndef TF_MODEL_FORWARD_H
#define TF_MODEL_FORWARD_H

#include "model/activations.h"
#include "model/batch.h"
#include "model/model.h"

/* Run the model on every sentence of the batch, layer by layer (each layer
 * on every sentence before the next), filling every slot of a (built by
 * activations_init for this model and batch): the encoder, the
 * decoder under teacher forcing (all positions in one pass, under the
 * causal mask), the predicted token at each position and, when the batch
 * has targets, each position's cross-entropy and the mean loss. No I/O, no
 * allocation: tracing reads the slots afterwards. */
void model_forward(const Model *m, const Batch *b, Activations *a);

/* Who is told as the layers of a pass finish: after each layer of each
 * stack has run on every sentence, layer_done(ctx, a, n_final, err) with
 * slots 0 .. n_final − 1 of a final (the layer's own and every slot
 * before it). Until it returns, they stay as they are; after, the next
 * layer may overwrite the layer's (shared_layers). A status other than
 * TF_OK stops the pass and is returned. The model knows nothing of what
 * the watcher does with the slots (run/run_trace.c writes them). */
typedef struct {
    Status (*layer_done)(void *ctx, Activations *a, int n_final, Error *err);
    void *ctx;
} ForwardWatch;

/* model_forward, layer by layer over the whole batch, telling watch (may
 * be NULL) as each layer finishes. With a built by activations_init_streamed
 * the slots of a layer hold their values only until watch returns; the
 * slots after the last layer (final norms, logits, probs, predictions,
 * loss) are final when this returns TF_OK. */
Status model_forward_streamed(const Model *m, const Batch *b, Activations *a, const ForwardWatch *watch,
                              Error *err);

/* The encoder alone, on every sentence of b, into a built by
 * activations_init_encoder: what generation reads before its first step.
 * Sentence s's memory is then a->enc_memory + s·Ts·d. */
void model_encode(const Model *m, const Batch *b, Activations *a);

#endif
