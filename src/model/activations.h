/* activations.h — the named slots a forward pass writes, and their table.
 *
 * This is the single source of truth for record names. Three tables list
 * every intermediate once, with its kind, axes, formula and description:
 *   ATTN_SLOTS   the records of one attention block (enc.L.attn.*,
 *                dec.L.self_attn.*, dec.L.cross_attn.*)
 *   LAYER_SLOTS  the records of one layer outside its attention blocks
 *   MODEL_SLOTS  the records outside the layers (tokens, embeddings, logits)
 * The struct fields below, the registration of slots in execution order,
 * the trace names, dims and descriptions all expand from these tables.
 *
 * Every slot holds B sentences, one after another: a slot of axes
 * (head, query, key) holds (B, h, Tq, Tk) floats. Its record gains a
 * leading "batch" axis when B > 1. Slots marked unbatched (the positional
 * table) hold one copy shared by every sentence. */
#ifndef TF_MODEL_ACTIVATIONS_H
#define TF_MODEL_ACTIVATIONS_H

#include <stddef.h>

#include "core/error.h"
#include "core/record.h"
#include "model/batch.h"
#include "model/model.h"

/* Axes of a slot, each with the name a record gives its dim. */
typedef enum {
    AX_NONE = 0,
    AX_HEAD,      /* "head"      h */
    AX_QUERY,     /* "query"     Tq: positions that ask */
    AX_KEY,       /* "key"       Tk: positions that are looked at */
    AX_TOKEN,     /* "token"     T of the layer's own stream */
    AX_MODEL,     /* "model"     d */
    AX_HEAD_DIM,  /* "head_dim"  dk */
    AX_FF,        /* "ff"        F */
    AX_VOCAB,     /* "vocab"     V */
} Axis;

typedef struct {
    const char *suffix;       /* "attn.weights" is prefix + "." + suffix */
    const char *kind;         /* see core/record.h */
    int batched;              /* 0: one copy for every sentence */
    Axis axes[3];             /* AX_NONE-terminated when fewer */
    const char *formula;
    const char *description;
} SlotSpec;

/* X(field, suffix, kind, axes..., formula, description) */
#define ATTN_SLOTS(X)                                                                       \
    X(q, "q", "activation", AX_HEAD, AX_QUERY, AX_HEAD_DIM,                                 \
      "Q = X_q W_Q^T + b_Q, split into h heads",                                            \
      "Each query position's question, one d_k-wide vector per head.")                      \
    X(k, "k", "activation", AX_HEAD, AX_KEY, AX_HEAD_DIM,                                   \
      "K = X_kv W_K^T + b_K, split into h heads",                                           \
      "Each key position's label that queries are matched against, per head.")              \
    X(v, "v", "activation", AX_HEAD, AX_KEY, AX_HEAD_DIM,                                   \
      "V = X_kv W_V^T + b_V, split into h heads",                                           \
      "The content each key position hands over when it is attended to, per head.")         \
    X(raw, "raw", "scores", AX_HEAD, AX_QUERY, AX_KEY, "Q K^T",                             \
      "Dot product of every query with every key: how well they match, unscaled.")          \
    X(scores, "scores", "scores", AX_HEAD, AX_QUERY, AX_KEY, "Q K^T / sqrt(d_k)",           \
      "Raw scores divided by sqrt(d_k), so their spread does not grow with the head width.")\
    X(mask, "mask", "mask", AX_QUERY, AX_KEY, AX_NONE, "0 = may attend, -inf = blocked",    \
      "Additive mask: -inf hides future positions (causal) and <PAD> keys (padding).")      \
    X(masked, "masked", "scores", AX_HEAD, AX_QUERY, AX_KEY, "scores + mask",               \
      "Scaled scores with blocked positions set to -inf, so softmax gives them 0.")         \
    X(weights, "weights", "weights", AX_HEAD, AX_QUERY, AX_KEY, "softmax(masked) over keys",\
      "Attention weights: each row is a probability distribution over the keys.")          \
    X(z, "z", "activation", AX_HEAD, AX_QUERY, AX_HEAD_DIM, "weights V",                    \
      "Each head's output: the weighted average of the value vectors.")                     \
    X(concat, "concat", "activation", AX_QUERY, AX_MODEL, AX_NONE, "concat(z_1, ..., z_h)", \
      "The heads' outputs side by side, back to d_model wide.")                             \
    X(out, "out", "activation", AX_QUERY, AX_MODEL, AX_NONE, "concat W_O^T + b_O",          \
      "The output projection mixes the heads into one d_model-wide result.")

#define LAYER_SLOTS(X)                                                                      \
    X(ln1, "ln1", "activation", AX_TOKEN, AX_MODEL, AX_NONE, "LayerNorm_1(...)",            \
      "First LayerNorm: each token vector rescaled to mean 0, variance 1, then gain and bias.") \
    X(resid_mid, "resid_mid", "activation", AX_TOKEN, AX_MODEL, AX_NONE, "x + SelfAttention(...)", \
      "Residual sum: the layer input plus what self-attention added.")                      \
    X(resid_self, "resid_self", "activation", AX_TOKEN, AX_MODEL, AX_NONE, "x + MaskedSelfAttention(...)", \
      "Residual sum: the decoder stream plus what masked self-attention added.")            \
    X(ln2, "ln2", "activation", AX_TOKEN, AX_MODEL, AX_NONE, "LayerNorm_2(...)",            \
      "Second LayerNorm of the layer.")                                                     \
    X(resid_cross, "resid_cross", "activation", AX_TOKEN, AX_MODEL, AX_NONE, "x + CrossAttention(..., memory)", \
      "Residual sum: the decoder stream plus what it read from the encoder's memory.")      \
    X(ln3, "ln3", "activation", AX_TOKEN, AX_MODEL, AX_NONE, "LayerNorm_3(...)",            \
      "Third LayerNorm of the decoder layer.")                                              \
    X(ffn_hidden, "ffn.hidden", "activation", AX_TOKEN, AX_FF, AX_NONE, "act(x W_1^T + b_1)", \
      "Feed-forward hidden layer, d_ff wide, after the activation; each token on its own.") \
    X(ffn_out, "ffn.out", "activation", AX_TOKEN, AX_MODEL, AX_NONE, "hidden W_2^T + b_2",  \
      "Feed-forward output, projected back to d_model.")                                    \
    X(resid_post, "resid_post", "activation", AX_TOKEN, AX_MODEL, AX_NONE, "x + FFN(...)",  \
      "Residual sum after the feed-forward block: what the next layer builds on.")

/* X(field, name, kind, batched, axes..., formula, description); the stream
 * of AX_TOKEN is the source for "src."/"enc." names, the target otherwise. */
#define MODEL_SLOTS(X)                                                                      \
    X(src_tokens, "src.tokens", "tokens", 1, AX_TOKEN, AX_NONE, AX_NONE, "token ids",       \
      "The source sentence as token ids; <PAD> fills shorter sentences of a batch.")        \
    X(enc_embed, "enc.embed", "activation", 1, AX_TOKEN, AX_MODEL, AX_NONE,                 \
      "E[token] * sqrt(d_model)",                                                           \
      "Each source token's embedding row, scaled by sqrt(d_model).")                        \
    X(enc_pos, "enc.pos", "positions", 0, AX_TOKEN, AX_MODEL, AX_NONE,                      \
      "PE(pos,2i) = sin(pos/10000^(2i/d)), PE(pos,2i+1) = cos(...)",                        \
      "Sinusoidal positional encoding: the same table for every sentence, one row per position.") \
    X(enc_input, "enc.input", "activation", 1, AX_TOKEN, AX_MODEL, AX_NONE, "embed + pos",  \
      "What the first encoder layer reads: token meaning plus position.")                   \
    X(enc_norm, "enc.norm", "activation", 1, AX_TOKEN, AX_MODEL, AX_NONE, "LayerNorm(...)", \
      "Final LayerNorm after the encoder stack.")                                           \
    X(enc_memory, "enc.memory", "activation", 1, AX_TOKEN, AX_MODEL, AX_NONE, "encoder output", \
      "The encoder's output: the keys and values of every decoder layer's cross-attention.") \
    X(tgt_tokens, "tgt.tokens", "tokens", 1, AX_TOKEN, AX_NONE, AX_NONE, "token ids",       \
      "The decoder's input tokens; <PAD> fills shorter sentences of a batch.")              \
    X(dec_embed, "dec.embed", "activation", 1, AX_TOKEN, AX_MODEL, AX_NONE,                 \
      "E[token] * sqrt(d_model)",                                                           \
      "Each decoder token's embedding row, scaled by sqrt(d_model).")                       \
    X(dec_pos, "dec.pos", "positions", 0, AX_TOKEN, AX_MODEL, AX_NONE,                      \
      "PE(pos,2i) = sin(pos/10000^(2i/d)), PE(pos,2i+1) = cos(...)",                        \
      "Sinusoidal positional encoding for the decoder positions.")                          \
    X(dec_input, "dec.input", "activation", 1, AX_TOKEN, AX_MODEL, AX_NONE, "embed + pos",  \
      "What the first decoder layer reads.")                                                \
    X(dec_norm, "dec.norm", "activation", 1, AX_TOKEN, AX_MODEL, AX_NONE, "LayerNorm(...)", \
      "Final LayerNorm after the decoder stack.")                                           \
    X(dec_logits, "dec.logits", "activation", 1, AX_TOKEN, AX_VOCAB, AX_NONE, "x W_out^T + b_out", \
      "One score per vocabulary word at every decoder position.")                           \
    X(dec_probs, "dec.probs", "probs", 1, AX_TOKEN, AX_VOCAB, AX_NONE, "softmax(logits)",  \
      "The predicted probability of each next word, per position.")

#define ACT_FIELD(field, ...) float *field;

typedef struct {
    ATTN_SLOTS(ACT_FIELD)
} AttnActs;

typedef struct {
    AttnActs attn;        /* encoder self-attention (enc.L.attn.*) */
    AttnActs self_attn;   /* decoder masked self-attention (dec.L.self_attn.*) */
    AttnActs cross_attn;  /* decoder cross-attention (dec.L.cross_attn.*) */
    LAYER_SLOTS(ACT_FIELD)
} LayerActs;

/* Streams: whose tokens label an axis. */
typedef enum { STREAM_SRC = 0, STREAM_TGT = 1 } Stream;

typedef struct {
    char name[64];
    const SlotSpec *spec;
    float **field;          /* the struct field that points at this slot's data */
    Stream stream_q;        /* tokens of the query / token axis */
    Stream stream_kv;       /* tokens of the key axis */
    const char *q_source;   /* attention slots: record names, else NULL */
    const char *kv_source;
    size_t offset, numel;   /* within the arena, all B sentences */
} Slot;

typedef struct {
    MODEL_SLOTS(ACT_FIELD)
    LayerActs *enc;         /* (enc_layers) */
    LayerActs *dec;         /* (dec_layers) */

    Slot *slots;            /* every slot in execution order */
    int n_slots;
    float *arena;           /* every slot's data, one allocation */
    size_t arena_numel;

    /* sizes of this run */
    int B, Ts, Tt, d, h, dk, F, V;
    /* labels, for records */
    const Batch *batch;
    const Vocab *vocab;
    char (*sources)[64];    /* q/kv source record names of the attention blocks */
    int n_sources;
} Activations;

/* Register every slot of this model and batch in execution order and
 * allocate them in one block. The batch and vocab must outlive acts. */
Status activations_init(Activations *a, const Model *m, const Batch *b, Error *err);
void activations_free(Activations *a);

/* Describe slot i as a Record pointing into the slot's data and the
 * batch's and vocabulary's labels; valid while a, its batch and its
 * vocabulary live. */
void activations_record(const Activations *a, int i, Record *out);

/* One sentence's view of a block's slots: every pointer moved to sentence
 * b (NULL stays NULL). sq and skv are the streams of the query and key axes. */
AttnActs activations_sentence_attn(const Activations *a, const AttnActs *at, int b, Stream sq,
                                   Stream skv);
/* The same for a layer's own slots (token axis of stream s), and its
 * attention blocks (enc self: src/src, dec self: tgt/tgt, cross: tgt/src). */
LayerActs activations_sentence_layer(const Activations *a, const LayerActs *L, int b, Stream s);

/* Index of the slot with this name, or −1. */
int activations_find(const Activations *a, const char *name);

#endif
