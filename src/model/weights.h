/* weights.h — the learned parameters, named as PyTorch names them.
 *
 * One table per layer kind lists every parameter with its PyTorch
 * `state_dict` key and its shape; the struct fields, the allocation, the
 * initialisation, the .tfw file and the .npy import/export all come from
 * these tables, so names and shapes cannot drift apart.
 *
 * Shapes use the legend of core/ops.h: d = d_model, F = d_ff, V = vocab.
 * Matrices are (out_features, in_features), as in torch.nn.Linear. */
#ifndef TF_MODEL_WEIGHTS_H
#define TF_MODEL_WEIGHTS_H

#include <stddef.h>

#include "core/error.h"
#include "model/config.h"

/* X(field, state_dict suffix, rows, cols, init) — cols 0 means a vector.
 * init: XAVIER (matrices, as nn.Transformer._reset_parameters does),
 * ZERO (attention biases, as nn.MultiheadAttention does), LINEAR_BIAS
 * (uniform ±1/√fan_in, nn.Linear's default), ONE (LayerNorm gain). */
#define ATTN_PARAMS(X, prefix)                                                  \
    X(prefix##_in_w, #prefix ".in_proj_weight", 3 * d, d, INIT_XAVIER)         \
    X(prefix##_in_b, #prefix ".in_proj_bias", 3 * d, 0, INIT_ZERO)             \
    X(prefix##_out_w, #prefix ".out_proj.weight", d, d, INIT_XAVIER)           \
    X(prefix##_out_b, #prefix ".out_proj.bias", d, 0, INIT_ZERO)

#define FFN_PARAMS(X)                                                          \
    X(ff1_w, "linear1.weight", F, d, INIT_XAVIER)                              \
    X(ff1_b, "linear1.bias", F, 0, INIT_LINEAR_BIAS_d)                         \
    X(ff2_w, "linear2.weight", d, F, INIT_XAVIER)                              \
    X(ff2_b, "linear2.bias", d, 0, INIT_LINEAR_BIAS_F)

#define NORM_PARAMS(X, n)                                                      \
    X(norm##n##_w, "norm" #n ".weight", d, 0, INIT_ONE)                        \
    X(norm##n##_b, "norm" #n ".bias", d, 0, INIT_ZERO)

/* encoder.layers.L.<suffix> */
#define ENC_LAYER_PARAMS(X)                                                    \
    ATTN_PARAMS(X, self_attn)                                                  \
    FFN_PARAMS(X)                                                              \
    NORM_PARAMS(X, 1)                                                          \
    NORM_PARAMS(X, 2)

/* decoder.layers.L.<suffix>; multihead_attn is the cross-attention. In
 * decoder-only mode the cross-attention and norm3 are absent and norm2
 * belongs to the feed-forward block, as in nn.TransformerEncoderLayer. */
#define DEC_LAYER_PARAMS(X)                                                    \
    ATTN_PARAMS(X, self_attn)                                                  \
    ATTN_PARAMS(X, multihead_attn)                                             \
    FFN_PARAMS(X)                                                              \
    NORM_PARAMS(X, 1)                                                          \
    NORM_PARAMS(X, 2)                                                          \
    NORM_PARAMS(X, 3)

/* Whole-model parameters outside nn.Transformer, under documented names.
 * X(field, name, rows, cols, init, present-when) */
#define MODEL_PARAMS(X)                                                        \
    X(src_embed, "src_embedding.weight", V, d, INIT_XAVIER, HAS_ENCODER)       \
    X(tgt_embed, "tgt_embedding.weight", V, d, INIT_XAVIER, ALWAYS)            \
    X(enc_norm_w, "encoder.norm.weight", d, 0, INIT_ONE, HAS_ENC_NORM)         \
    X(enc_norm_b, "encoder.norm.bias", d, 0, INIT_ZERO, HAS_ENC_NORM)          \
    X(dec_norm_w, "decoder.norm.weight", d, 0, INIT_ONE, HAS_DEC_NORM)         \
    X(dec_norm_b, "decoder.norm.bias", d, 0, INIT_ZERO, HAS_DEC_NORM)          \
    X(gen_w, "generator.weight", V, d, INIT_XAVIER, ALWAYS)                    \
    X(gen_b, "generator.bias", V, 0, INIT_LINEAR_BIAS_d, ALWAYS)

/* Position parameters (positions = learned or relative), listed after the
 * layers so that switching the kind of positions leaves every other weight
 * of a seeded model as it was. X(field, name, rows, cols, init, present-when)
 * with L = max_len, NB = relative_buckets, h = heads. The relative bias
 * table is shared by all layers of a stack, as in T5 (which keeps it in
 * block 0's SelfAttention.relative_attention_bias and reuses it above). */
#define POSITION_PARAMS(X)                                                     \
    X(src_pos_embed, "src_pos_embedding.weight", L, d, INIT_XAVIER, HAS_ENC_LEARNED) \
    X(tgt_pos_embed, "tgt_pos_embedding.weight", L, d, INIT_XAVIER, HAS_LEARNED)     \
    X(enc_rel_bias, "encoder.relative_attention_bias.weight", NB, h, INIT_XAVIER, HAS_ENC_RELATIVE) \
    X(dec_rel_bias, "decoder.relative_attention_bias.weight", NB, h, INIT_XAVIER, HAS_RELATIVE)

#define WEIGHTS_FIELD(field, name, rows, cols, ...) float *field;

typedef struct {
    ENC_LAYER_PARAMS(WEIGHTS_FIELD)
} EncLayerWeights;

typedef struct {
    DEC_LAYER_PARAMS(WEIGHTS_FIELD)
} DecLayerWeights;

typedef struct {
    MODEL_PARAMS(WEIGHTS_FIELD)
    POSITION_PARAMS(WEIGHTS_FIELD)  /* NULL when the positions kind has none */
    EncLayerWeights *enc;  /* (enc_layers) */
    DecLayerWeights *dec;  /* (dec_layers) */
    float *block;          /* every parameter, one allocation, each 16·k floats in */
    size_t numel;          /* floats in block: the parameters and the zeros between them */
    size_t params;         /* the parameters alone */
} Weights;

/* One parameter tensor, as the tables describe it. */
typedef struct {
    char name[96];      /* full state_dict key: "encoder.layers.0.linear1.weight" */
    int rows, cols;     /* cols 0: a vector of rows values */
    int init;           /* INIT_* */
    float **slot;       /* where the pointer lives in Weights */
} WeightEntry;

enum { INIT_XAVIER, INIT_ZERO, INIT_ONE, INIT_LINEAR_BIAS_d, INIT_LINEAR_BIAS_F };

/* Every parameter of a model with this config and vocabulary size, in a
 * fixed order. *entries is malloc'd; returns the count, or −1 on overflow. */
int weights_entries(const Config *c, int vocab_size, const Weights *w, WeightEntry **entries);

/* Allocate every parameter (zeroed). */
Status weights_alloc(Weights *w, const Config *c, int vocab_size, Error *err);
void weights_free(Weights *w);

/* Deterministic initialisation from c->seed (see INIT_* above). */
void weights_init(Weights *w, const Config *c, int vocab_size);

#endif
