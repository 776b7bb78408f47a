/* backprop.h — the gradient of the teacher-forcing loss with respect to
 * every weight of a model, by walking a recorded forward pass backwards.
 *
 * The forward pass (model_forward) already keeps every intermediate in its
 * activation slots, so the backward pass needs nothing else: it reads the
 * slots of a, in reverse execution order, and applies the backward twins of
 * core/backward.h. The loss is train/loss.h's cross-entropy of dec.logits
 * against the batch's targets (mean over the targets that are not <PAD>,
 * with optional label smoothing), exactly what torch.nn.CrossEntropyLoss
 * (ignore_index = <PAD>) computes on nn.Transformer's output.
 *
 * Shapes: B sentences, Ts source and Tt decoder positions, d = d_model,
 * as in activations.h. */
#ifndef TF_TRAIN_BACKPROP_H
#define TF_TRAIN_BACKPROP_H

#include "core/error.h"
#include "model/activations.h"
#include "model/batch.h"
#include "model/model.h"
#include "model/weights.h"

typedef struct {
    /* The gradient of every parameter, laid out as the model's Weights
     * (same tables, same order, one block of w.numel floats), so that
     * optim_adam_step(params = model.w.block, grads = g.w.block) covers all. */
    Weights w;

    /* The gradient of the loss with respect to the residual stream where
     * it enters each layer, and where it leaves the last one — what shows
     * whether gradients survive a deep stack (with and without residual
     * connections). Row l is the input of layer l; row n_layers the output
     * of the stack (before the final norm, when there is one).
     *   enc_stream (enc_layers + 1, B, Ts, d)   NULL for decoder-only
     *   dec_stream (dec_layers + 1, B, Tt, d)
     * B, Ts, Tt are those of the last model_backward's batch (the stream
     * arrays are packed densely for it), and the allocated maxima before
     * the first call. Unlike the weight gradients, the streams describe one
     * pass: each model_backward overwrites them (a second call adds to the
     * weight gradients, as micro-batches should, but shows its own
     * streams). Rows of <PAD> positions are 0: no loss reaches them. */
    float *enc_stream;
    float *dec_stream;
    int B, Ts, Tt, d;
    int cap_B, cap_Ts, cap_Tt;  /* what backprop_grads_alloc sized everything for */

    void *work_;   /* scratch of the backward pass, sized for (B, Ts, Tt) */
    size_t work_numel_;
} Grads;

/* Gradients for model m and batches of at most B sentences of at most Ts
 * source and Tt decoder positions, zeroed. Ts is ignored (0) for a
 * decoder-only model. The weight gradients g->w have m's config and
 * vocabulary: the same entries weights_entries lists for m. */
Status backprop_grads_alloc(Grads *g, const Model *m, int B, int Ts, int Tt, Error *err);
/* Clear the weight gradients and the streams (before each training step). */
void backprop_grads_zero(Grads *g);
void backprop_grads_free(Grads *g);

/* The loss of the pass recorded in a (the mean cross-entropy of a->dec_logits
 * against b->target, <PAD> targets ignored, label smoothing eps in [0, 1)),
 * returned in *loss, and its gradient ADDED into g (zero g first for one
 * step). a must hold a complete model_forward of batch b with model m
 * (activations_init(a, m, b) then model_forward(m, b, a)); b must have
 * targets. The batch's sizes must fit those g was allocated for.
 * TF_ERR_INPUT when they do not, when b has no targets, when a target lies
 * outside the vocabulary, or when g was allocated for another model.
 * Allocates nothing: its scratch lives in g. Any config the forward runs
 * (both architectures, post-/pre-LN, ReLU/GELU, every kind of positions,
 * residual = on|off, padded batches) has its exact gradient; checked
 * against finite differences (tests/unit/test_backprop.c) and PyTorch's
 * autograd (tests/unit/test_parity_grad.c). */
Status model_backward(const Model *m, const Batch *b, const Activations *a, float label_smoothing,
                      Grads *g, float *loss, Error *err);

#endif
