/* grad_records.h — the gradients of one training step as trace records,
 * and the one table their names, axes, formulas and descriptions come from.
 *
 * `traceformer run --train-step` records, after the forward pass, what
 * model_backward (train/backprop.h) computed, in this order:
 *
 *   grad.enc.L.input   [token, model]   the residual stream's gradient entering
 *   grad.enc.output    [token, model]   encoder layer L, and leaving the stack
 *   grad.dec.L.input   grad.dec.output  the same for the decoder
 *   grad.<state_dict key>               every weight's gradient, its shape, in the
 *                                       model's order: embedding, positions,
 *                                       layers, final norm, per stack, then the
 *                                       generator
 *   grad.norms.enc     [layer, norm]    per layer: L2 norms of the stream
 *   grad.norms.dec                      gradient in and out, and of the layer's
 *                                       weight gradients
 *
 * Stream records gain a leading "batch" axis when B > 1, like the forward's;
 * weight gradients and norms are of the whole batch (the loss is the mean
 * over every real target of the batch). Everything is listed from the first
 * layer up, although the backward pass computes it from the loss down.
 *
 * Three tables, each an X-macro like model/activations.h:
 *   GRAD_STACK_RECORDS  the records of one stack's residual stream and norms
 *   GRAD_NORM_COLUMNS   the columns of grad.norms.<stack>
 *   GRAD_PARAM_KINDS    every kind of parameter, matched on its state_dict
 *                       key: the axes, labels, formula and description of
 *                       its gradient; the shapes come from model/weights.h
 * so a name, an axis or a description lives in exactly one place. */
#ifndef TF_TRAIN_GRAD_RECORDS_H
#define TF_TRAIN_GRAD_RECORDS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/record.h"
#include "model/activations.h"
#include "model/model.h"
#include "train/backprop.h"

/* X(id, name, kind, formula, description): grad.<stack>.L.<name> per layer
 * for GRAD_LAYER_INPUT, grad.<stack>.<name> for the others; <stack> is enc
 * or dec, except for GRAD_NORMS, which is grad.norms.<stack>. */
#define GRAD_STACK_RECORDS(X)                                                               \
    X(GRAD_LAYER_INPUT, "input", RECORD_KIND_GRAD,                                          \
      "d loss / d x_L, x_L = what layer L reads (the stack's input for L = 0, else layer L-1's output)", \
      "How the loss changes with each number of the residual stream entering this layer: the signal its weights learn from, carried back from the loss.") \
    X(GRAD_STACK_OUTPUT, "output", RECORD_KIND_GRAD,                                        \
      "d loss / d x_n, x_n = the last layer's output (before the final norm, when there is one)", \
      "How the loss changes with the stream leaving the stack: where the backward pass enters the layers.") \
    X(GRAD_NORMS, "norms", RECORD_KIND_NORMS,                                               \
      "||d loss / d x_L||, ||d loss / d x_(L+1)||, ||d loss / d theta_L||  (L2, whole batch)",  \
      "Per layer, the size of the gradient entering and leaving it and on its weights: a gradient that shrinks layer by layer on its way down has vanished before it reaches the first layers.")

/* X(id, column label, meaning) of grad.norms.<stack> [layer, norm]. */
#define GRAD_NORM_COLUMNS(X)                                                                \
    X(GRAD_NORM_INPUT, "input", "L2 norm of grad.<stack>.L.input, every sentence and position")      \
    X(GRAD_NORM_OUTPUT, "output", "the same one layer up: layer L+1's input, or grad.<stack>.output") \
    X(GRAD_NORM_WEIGHTS, "weights", "L2 norm of every weight gradient of layer L taken together")

/* Where a parameter's gradient goes among its stack's records. */
typedef enum {
    GRAD_AT_EMBEDDING = 0,
    GRAD_AT_POSITIONS,
    GRAD_AT_RELATIVE,
    GRAD_AT_LAYER,
    GRAD_AT_FINAL_NORM,
    GRAD_AT_GENERATOR,
} GradPlace;

/* X(pattern, place, row axis, column axis (NULL: a vector), vocabulary
 * labels the first axis, formula, description), first match wins: pattern
 * is an fnmatch(3) pattern over the whole state_dict key. Linear layers are
 * (out, in), as in torch.nn.Linear: row i is output feature i. */
#define GRAD_PARAM_KINDS(X)                                                                 \
    X("*_pos_embedding.weight", GRAD_AT_POSITIONS, "position", "model", 0,                  \
      "d loss / d P[pos] = sum over the batch of d loss / d x at position pos",             \
      "How the loss changes with each learned position vector; positions the batch does not reach get 0.") \
    X("*_embedding.weight", GRAD_AT_EMBEDDING, "vocab", "model", 1,                         \
      "d loss / d E[tok] = sqrt(d_model) * sum of d loss / d embed over the positions that hold tok", \
      "How the loss changes with each word's embedding: only words that occur in the batch get a gradient, every other row is 0.") \
    X("*.relative_attention_bias.weight", GRAD_AT_RELATIVE, "bucket", "head", 0,            \
      "d loss / d B[bucket, head] = sum of d loss / d scores over the pairs in that bucket, every layer", \
      "How the loss changes with each head's learned bias for a distance bucket, shared by every layer of the stack.") \
    X("*.in_proj_weight", GRAD_AT_LAYER, "out", "in", 0,                                    \
      "d loss / d W_in = dQKV^T X, W_in = (W_Q; W_K; W_V) stacked, (3d, d)",                \
      "How the loss changes with the query, key and value projections: rows 0..d-1 are W_Q, then W_K, then W_V.") \
    X("*.in_proj_bias", GRAD_AT_LAYER, "out", NULL, 0,                                      \
      "d loss / d b_in = sum over positions of dQKV, (b_Q; b_K; b_V)",                      \
      "How the loss changes with the query, key and value biases; the key bias's is 0 except with rope: it shifts a query's scores all alike, which softmax ignores.") \
    X("*.out_proj.weight", GRAD_AT_LAYER, "out", "in", 0, "d loss / d W_O = dout^T concat", \
      "How the loss changes with the output projection that mixes the heads.")              \
    X("*.out_proj.bias", GRAD_AT_LAYER, "out", NULL, 0, "d loss / d b_O = sum over positions of dout", \
      "How the loss changes with the output projection's bias.")                            \
    X("*.linear1.weight", GRAD_AT_LAYER, "out", "in", 0, "d loss / d W_1 = dpre^T x, pre = x W_1^T + b_1", \
      "How the loss changes with the feed-forward's first layer (d_ff outputs, d_model inputs).") \
    X("*.linear1.bias", GRAD_AT_LAYER, "out", NULL, 0, "d loss / d b_1 = sum over positions of dpre", \
      "How the loss changes with the first feed-forward bias; where the activation is flat (ReLU below 0) nothing gets through.") \
    X("*.linear2.weight", GRAD_AT_LAYER, "out", "in", 0, "d loss / d W_2 = dout^T hidden", \
      "How the loss changes with the feed-forward's second layer (d_model outputs, d_ff inputs).") \
    X("*.linear2.bias", GRAD_AT_LAYER, "out", NULL, 0, "d loss / d b_2 = sum over positions of dout", \
      "How the loss changes with the second feed-forward bias.")                            \
    X("*.layers.*.norm?.weight", GRAD_AT_LAYER, "model", NULL, 0,                           \
      "d loss / d gamma = sum over positions of dy * x_hat",                                \
      "How the loss changes with this LayerNorm's gain, one number per feature.")           \
    X("*.layers.*.norm?.bias", GRAD_AT_LAYER, "model", NULL, 0, "d loss / d beta = sum over positions of dy", \
      "How the loss changes with this LayerNorm's bias, one number per feature.")           \
    X("*.norm.weight", GRAD_AT_FINAL_NORM, "model", NULL, 0,                                \
      "d loss / d gamma = sum over positions of dy * x_hat",                                \
      "How the loss changes with the gain of the LayerNorm after the stack.")               \
    X("*.norm.bias", GRAD_AT_FINAL_NORM, "model", NULL, 0, "d loss / d beta = sum over positions of dy", \
      "How the loss changes with the bias of the LayerNorm after the stack.")               \
    X("generator.weight", GRAD_AT_GENERATOR, "vocab", "model", 1,                           \
      "d loss / d W_out = dlogits^T x, dlogits = (probs - onehot(target)) / N, N = real targets",       \
      "How the loss changes with each word's output row: large for the target words and for the words predicted in their place.") \
    X("generator.bias", GRAD_AT_GENERATOR, "vocab", NULL, 1,                                \
      "d loss / d b_out = sum over positions of (probs - onehot(target)) / N",        \
      "How the loss changes with each word's output bias: positive for words predicted more often than they are the target.")

#define GRAD_ENUM_ID(id, ...) id,
typedef enum { GRAD_NORM_COLUMNS(GRAD_ENUM_ID) GRAD_NORM_COUNT } GradNormColumn;
#undef GRAD_ENUM_ID

/* The gradient records of one step. Records point into the Grads, the
 * activations' labels and the model's vocabulary they were built from, and
 * into storage of their own (names, the norms tables). */
typedef struct {
    Record *recs;      /* (n) in trace order */
    int n;
    int n_weights;     /* of which grad.<state_dict key> records */
    char (*names)[128];
    float *norms;      /* grad.norms.enc (enc_layers, GRAD_NORM_COUNT), then .dec */
    char (*layer_text)[24];
    const char **layer_labels;  /* "layer 0", "layer 1", ... */
} GradRecords;

/* Describe the gradients g that model_backward computed for the pass
 * recorded in a (model m, allocated for exactly a's batch sizes) as records,
 * numbered from first_exec. Valid while m, a and g live. TF_ERR_INPUT when
 * g's sizes are not a's, TF_ERR_RUNTIME when a parameter matches no kind of
 * GRAD_PARAM_KINDS (a table out of date) or memory runs out. */
Status grad_records_build(GradRecords *gr, const Model *m, const Activations *a, const Grads *g,
                          uint32_t first_exec, Error *err);
void grad_records_free(GradRecords *gr);

/* The index in GRAD_PARAM_KINDS of the kind of parameter named key, or −1. */
int grad_param_kind(const char *key);

#endif
